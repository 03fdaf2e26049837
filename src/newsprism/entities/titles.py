"""Title-only mentions: "the U.S. president", "the Turkish foreign minister" -> the person named earlier.

A lower-case office after "the" and a country or nationality refers to a person of the
same document who was given that office earlier in the text, when exactly one was (an
office given without a country there matches any country). A bare "the president" is
left alone: in the sample it is a quoted reference to someone named only later.

    >>> [m.text for _, m in title_mentions(doc, people, places)]   # doc: "... U.S. President Trump ... the U.S. president"
    ['the U.S. president']
"""

from __future__ import annotations

import re

from newsprism.entities.people import Person
from newsprism.entities.places import Places
from newsprism.entities.roles import office
from newsprism.nlp.document import AnnotatedDocument, Mention

__all__ = ["title_mentions"]

_OFFICES = ("president", "prime minister", "foreign minister", "defence minister", "defense minister",
            "chancellor", "leader", "spokesperson", "spokesman", "spokeswoman", "secretary of state", "envoy")
_TITLE = re.compile(r"\b[Tt]he\s+(?:([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)?)\s+)?(" + "|".join(_OFFICES) + r")\b")


def title_mentions(doc: AnnotatedDocument, people: list[Person], places: Places) -> list[tuple[Person, Mention]]:
    """(person, mention) for each title-only reference the document's people resolve uniquely."""
    out = []
    taken = [(m.start, m.end) for m in doc.mentions]
    for match in _TITLE.finditer(doc.text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        where = match.group(1)
        if not where:
            continue  # a bare "the president" is too often someone not yet named (or quoted speech)
        country = places.demonym(where) or (p.country if (p := places.lookup(where)) else None)
        if country is None:
            continue  # "the Kremlin leader", "the party leader": not a country's office
        wanted = office(match.group(2))
        candidates = [p for p in people if any(
            m.start < match.start() and m.role and office(m.role) == wanted
            and m.affiliation in (None, country)
            for _, m in p.mentions)]
        if len(candidates) == 1:
            out.append((candidates[0], Mention(match.group(), "PERSON", match.start(), match.end())))
    return out
