"""Whose words: the same quotation put in the mouths of two different bodies.

Wire copy is rewritten by many hands, and who said something is among the first things to
drift: one outlet has "Cambodia's foreign ministry called it “reckless and brutal military
aggression”", another "Cambodia's defence ministry condemned the air strikes, labelling
them as “reckless and brutal military aggression”". The quoted words (three or more, the
same after folding case and punctuation) tie the two statements to one utterance, so two
bodies of one kind (ministry, agency, office, ...) told apart by their own word ("foreign"
against "defence") cannot both be its source.

Left out: a body without its own word ("the ministry", "Cambodia's ministry", "the Cambodian
ministry": a country or nationality names whose body it is, not which), an article that
names both bodies, a country or a person against a body (the ministry speaks for its
country and a spokesperson for the ministry), and people against people, who quote each
other.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsprism.claims.frames import cite, dates_note
from newsprism.claims.keys import stem
from newsprism.claims.records import ClaimUnit, Contradiction
from newsprism.entities.conflicts import BODY_NOUNS

__all__ = ["Attribution", "attribution_contradictions", "attributions"]

MIN_QUOTED_WORDS = 3  # "brutal aggression" is a common phrase; three words tie two reports to one utterance
CONFIDENCE = 0.6
_WORD = re.compile(r"[\w'’]+")
_BODY = "|".join(sorted(BODY_NOUNS))
# "foreign ministry", "Defence Ministry", "the ministry of foreign affairs": the body's own word
_BEFORE = re.compile(rf"\b([A-Za-z][a-z]+)\s+({_BODY})\b", re.I)
_OF = re.compile(rf"\b({_BODY})\s+of\s+(?:the\s+)?([A-Za-z][a-z]+)", re.I)
# the body is the one speaking when a verb of saying follows it: "the foreign ministry called it",
# not "told the security council"
_SAYS = re.compile(r"^\W*(?:\w+\W+){0,8}?(?:said|says|called|calling|labell?ed|labell?ing|described|describing|"
                   r"condemned|denounced|termed|dubbed|branded|stated|warned|accused)\b", re.I)
_AUDIENCE = re.compile(r"\b(?:to|told|at|before|with|from|against|of|in)\s+(?:the\s+)?(?:[\w’']+\s+)?$", re.I)
_NOT_OWN = frozenset("""the a an its their his her our this that same new former acting top senior state
national government official country's""".split())


@dataclass(slots=True)
class Attribution:
    unit: int
    quote: str  # the quoted words, folded
    body: str  # the body as written: "foreign ministry"
    kind: str  # its noun: "ministry"
    own: str  # the stem of its own word: "forei"


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _own_word(word: str) -> str | None:
    from newsprism.entities.places import load_places

    if word.lower() in _NOT_OWN or word.lower().endswith(("'s", "’s")):
        return None
    places = load_places()
    if places.lookup(word) is not None or places.demonym(word):
        return None  # "Cambodian ministry": whose, not which
    return stem(word.lower())[:5]


def _body(before: str, speaking: bool = False) -> tuple[str, str, str] | None:
    """The body named last in `before`: (as written, its noun, the stem of its own word). Unless
    `before` is the quotation's speaker already (`speaking`), a verb of saying must follow the body."""
    found = [(m.start(), m.end(), m.group(0), m.group(2).lower(), m.group(1)) for m in _BEFORE.finditer(before)]
    found += [(m.start(), m.end(), m.group(0), m.group(1).lower(), m.group(2)) for m in _OF.finditer(before)]
    for start, end, text, noun, word in sorted(found, reverse=True):
        if not speaking and (not _SAYS.search(before[end:]) or _AUDIENCE.search(before[:start])):
            continue
        if (own := _own_word(word)) is not None:
            return text, noun, own
    return None


def attributions(units: Sequence[ClaimUnit]) -> list[Attribution]:
    out = []
    for i, u in enumerate(units):
        for q in u.quotes:
            folded = _fold(q.text)
            if len(folded.split()) < MIN_QUOTED_WORDS or not q.direct:
                continue
            body = _body(q.speaker, speaking=True) if q.speaker else _body(u.text[:max(0, q.start - u.start)])
            if body is not None:
                out.append(Attribution(unit=i, quote=folded, body=body[0], kind=body[1], own=body[2]))
    return out


def attribution_contradictions(units: Sequence[ClaimUnit], facts: Sequence[Attribution],
                               published: Mapping[str, str | None] | None = None) -> list[Contradiction]:
    """One contradiction per quotation that origins attribute to different bodies of one kind."""
    published = published or {}
    owns_of: dict[str, set[str]] = defaultdict(set)
    for f in facts:
        owns_of[units[f.unit].article].add(f.own)
    by_quote: dict[tuple[str, str], list[Attribution]] = defaultdict(list)
    for f in facts:
        if len(owns_of[units[f.unit].article]) == 1:
            by_quote[(f.quote, f.kind)].append(f)
    out = []
    for (quote, _), group in by_quote.items():
        if len({f.own for f in group}) < 2 or len({units[f.unit].origin for f in group}) < 2:
            continue
        chosen = sorted(group, key=lambda f: (f.own, units[f.unit].article))
        statements, by_body = cite([(units[f.unit], f.body.lower()) for f in chosen])
        said = " against ".join(f"the {body} ({', '.join(arts)})" for body, arts in by_body.items())
        out.append(Contradiction(
            kind="quote", explanation=f"whose words: “{quote}” is attributed to {said}.",
            statements=statements, confidence=CONFIDENCE, frame="whose words",
            published=dates_note([s.article for s in statements], published)))
    return out
