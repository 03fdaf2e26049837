"""Finer entity types than the recogniser's PERSON/ORG/LOC: GPE, LOC, FAC and NORP.

The recogniser is trained on data that only knows PERSON, ORG and LOC. Its LOC (and ORG
mentions that are bare place names: "Moscow dismissed the offer") are retyped with the
gazetteer: countries, cities and US states become GPE, continents and regions stay LOC,
names ending in a facility word ("Dolmabahçe Palace") become FAC, and nationality words
become NORP. Places, nationalities and facilities the recogniser missed are added from
the gazetteer (capitalised words only, never inside another mention).

    >>> [(m.text, m.label) for m in typed_mentions(nlp("Russian troops left Kharkiv."), load_gazetteer())]
    [('Russian', 'NORP'), ('Kharkiv', 'GPE')]
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from newsprism.nlp.document import Mention
from newsprism.nlp.news.gazetteer import Gazetteer
from newsprism.nlp.news.tokens import is_capitalised

__all__ = ["FACILITY_WORDS", "entity_label", "typed_mentions"]

FACILITY_WORDS = frozenset(
    "Palace Airport Bridge Stadium Tower Towers Cathedral Mosque Church Hospital Base Prison Dam Square "
    "Hotel Museum Arena Station Harbour Harbor Port Canal Pipeline Embassy Monastery Temple Castle Fortress "
    "Plant Hall".split()
)
_FACILITY_FIRST = frozenset({"Camp", "Fort", "Mount"})
_NOT_NAME = frozenset({"The", "A", "An", "This", "That", "In", "At", "On", "From", "To", "Of", "And", "But"})
_NAME_RE = re.compile(r"^[A-ZÀ-Þ][\w'’.-]*$")


def entity_label(text: str, label: str, gaz: Gazetteer) -> str:
    """The finer label of a recognised mention."""
    last = text.split()[-1] if text.split() else ""
    if gaz.demonym(text) is not None:
        return "NORP"
    if text in gaz.institutions:
        return "ORG"
    place = gaz.place_label(text)
    if label in ("LOC", "GPE", "ORG") and place is not None:
        return place
    if label in ("LOC", "GPE", "ORG", "FAC") and len(text.split()) > 1 and (
        last in FACILITY_WORDS or text.split()[0] in _FACILITY_FIRST
    ):
        return "FAC"
    if label == "LOC":
        return "LOC"
    return label


def typed_mentions(doc: Doc, gaz: Gazetteer) -> list[Mention]:
    """The recogniser's mentions retyped, plus gazetteer places, nationalities and facilities."""
    mentions: list[Mention] = []
    taken: set[int] = set()
    labels = [entity_label(ent.text, ent.label_, gaz) for ent in doc.ents]
    for k, (ent, label) in enumerate(zip(doc.ents, labels, strict=True)):
        if label == "PERSON" and (place := _place_in_list(doc.ents, labels, k, gaz)) is not None:
            label = place  # "Sumy and Kharkiv": a gazetteer place listed with places is one
        if label != "PERSON" and (person := _person_after_office(ent, gaz)) is not None:
            ent, label = person, "PERSON"  # "[Defense Rustem Umerov]ORG": the office word is the title's
        mentions.append(Mention(text=ent.text, label=label, start=ent.start_char, end=ent.end_char))
        taken.update(range(ent.start, ent.end))
    i = 0
    while i < len(doc):
        if i in taken or not is_capitalised(doc[i]):
            i += 1
            continue
        found = _gazetteer_match(doc, i, taken, gaz)
        if found is None:
            i += 1
            continue
        span, label = found
        mentions.append(Mention(text=span.text, label=label, start=span.start_char, end=span.end_char))
        taken.update(range(span.start, span.end))
        i = span.end
    mentions.sort(key=lambda m: m.start)
    return mentions


_LIST_WORDS = frozenset({"and", "or", ","})
_PLACES = frozenset({"GPE", "LOC"})


def _place_in_list(ents: tuple[Span, ...], labels: list[str], k: int, gaz: Gazetteer) -> str | None:
    """The gazetteer label of a one-word PERSON mention coordinated with a place mention, or with
    another such one-word gazetteer place ("Sumy and Kharkiv", both read as people)."""
    def place(j: int) -> str | None:
        if labels[j] in _PLACES:
            return labels[j]
        return gaz.place_label(ents[j].text) if labels[j] == "PERSON" and len(ents[j]) == 1 else None

    ent = ents[k]
    if (own := place(k)) is None or labels[k] != "PERSON":
        return None
    doc = ent.doc
    after = k + 1 < len(ents) and ents[k + 1].start == ent.end + 1 and doc[ent.end].lower_ in _LIST_WORDS \
        and place(k + 1) is not None
    before = k > 0 and ents[k - 1].end == ent.start - 1 and doc[ent.start - 1].lower_ in _LIST_WORDS \
        and place(k - 1) is not None
    return own if after or before else None


def _person_after_office(ent: Span, gaz: Gazetteer) -> Span | None:
    """The name inside a span the recogniser ran on from an office word into a person's name
    ("Minister of [Defense Rustem Umerov]"): two or more name words after office words."""
    from newsprism.nlp.news.roles import HEADS, MODIFIERS

    doc, k = ent.doc, ent.start
    while k < ent.end and doc[k].lower_ in HEADS | MODIFIERS:
        k += 1
    rest = doc[k:ent.end]
    if k == ent.start or len(rest) < 2 or not all(_NAME_RE.match(t.text) for t in rest):
        return None
    if gaz.place_label(rest.text) or gaz.country_of(rest.text) or rest[0].text in _NOT_NAME:
        return None
    return rest


def _gazetteer_match(doc: Doc, i: int, taken: set[int], gaz: Gazetteer) -> tuple[Span, str] | None:
    word = doc[i].text
    if word not in gaz.first_words and not (word.endswith("s") and word[:-1] in gaz.demonyms):
        return _facility(doc, i, taken)
    limit = min(len(doc), i + gaz.max_words)
    candidates: list[tuple[int, str]] = []
    text = ""
    for j in range(i, limit):
        tok = doc[j]
        if j in taken or tok.is_space:
            break
        text += tok.text
        if tok.text[:1].isupper() and any(c.isalpha() for c in tok.text):
            candidates.append((j + 1, text))
        text += tok.whitespace_
    for j, text in reversed(candidates):
        if gaz.demonym(text) is not None:
            return doc[i:j], "NORP"
        if text in gaz.institutions:
            return doc[i:j], "ORG"
        label = gaz.place_label(text)
        if label is not None and not (text in gaz.cities and _inside_name(doc, i, j, gaz)):
            return doc[i:j], label
    return _facility(doc, i, taken)


def _inside_name(doc: Doc, i: int, j: int, gaz: Gazetteer) -> bool:
    """A city name next to other capitalised words is a person's name: "Vladimir Putin", "George Washington"."""
    if j < len(doc) and doc[j].text[:1].isupper() and doc[j].whitespace_ == " " or (
        j < len(doc) and _NAME_RE.match(doc[j].text) and doc[i:j][-1].whitespace_
    ):
        nxt = doc[j].text
        if gaz.place_label(nxt) is None and gaz.demonym(nxt) is None and nxt not in FACILITY_WORDS:
            return True
    if i > 0 and not doc[i].is_sent_start and _NAME_RE.match(doc[i - 1].text) and doc[i - 1].whitespace_:
        prev = doc[i - 1].text
        return gaz.place_label(prev) is None and gaz.demonym(prev) is None and prev not in _NOT_NAME
    return False


def _facility(doc: Doc, i: int, taken: set[int]) -> tuple[Span, str] | None:
    """A run of 1-3 capitalised name words ending in a facility word: "Dolmabahçe Palace"."""
    if doc[i].text in _NOT_NAME:
        return None
    j = i
    while j < len(doc) and j - i < 5 and j not in taken and _NAME_RE.match(doc[j].text):
        if doc[j].text in FACILITY_WORDS and j > i:
            return doc[i: j + 1], "FAC"
        j += 1
    return None
