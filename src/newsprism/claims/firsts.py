"""Firsts and records: how long since the last one, compared across every origin.

News measures an event against history: "the first use of air power in the border conflict
since 2011", "its first-ever airstrikes in the dispute", "the biggest quake to hit Myanmar in
decades" against "in over a century". A unit says how long ago the last comparable event was
when a superlative ("first", "biggest", "worst", ...) is followed in its clause by a span:
"since 2011" (the years from then to the article's date), "in three years", "in decades",
"in over a century", "ever" / "first-ever" / "in history" / "for the first time" without a
"since" (no earlier one at all). Each span is an interval of years; two intervals that
cannot overlap cannot both be right.

Two such facts are compared only when they use the same superlative (the worst fighting "in
13 years" says nothing about the first air strike "since 2011") and their sentences are
about the same matter (sentence cosine, as for states). A "since YEAR" needs the article's
date, or it is left out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from newsprism.claims.frames import cite, dates_note, unit_norm
from newsprism.claims.keys import stem
from newsprism.claims.records import ClaimUnit, Contradiction
from newsprism.disjoint import linked_groups

__all__ = ["FirstFact", "first_contradictions", "first_facts"]

_SUPERLATIVE = (r"(?:first|only)-ever|first|biggest|largest|strongest|worst|deadliest|highest|lowest|greatest|heaviest|longest|"
                r"most\s+\w+")
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}
_SPAN = re.compile(
    r"\b(?:(?P<since>since)\s+(?:(?:early|late|mid-?)\s*)?(?:[A-Z][a-z]+\s+)?(?P<year>1[89]\d\d|20\d\d)\b"
    r"|in\s+(?P<more>over|more than|almost|nearly|at least)?\s*(?P<count>\d+|[a-z]+)?\s*(?P<unit>decades?|centur(?:y|ies)|years)\b"
    r"|(?P<ever>ever|in history|on record))", re.I)
_FIRST_TIME = re.compile(r"\bfor the first time\b(?!\s+(?:in|since)\b)", re.I)
_FACT = re.compile(rf"\b(?P<word>{_SUPERLATIVE})\b(?P<between>[^.;:!?()]{{0,90}}?)", re.I)
_EVER = (50.0, math.inf)  # "ever", "on record": records reach back decades at least
_TRAILING = re.compile(r"(?:\s+(?:in|the|of|a|an|to|for|on|at|and)\b|\W)+$", re.I)
CONTEXT_MIN = 0.45  # cosine of the two sentences: as for states (states.CONTEXT_MIN)
CONFIDENCE = 0.6


@dataclass(slots=True)
class FirstFact:
    unit: int
    word: str  # the superlative's stem: "first", "biggest"
    low: float  # years since the last comparable event
    high: float
    phrase: str  # as written: "first use of air power in the countries' border conflict since 2011"


def _years(m: re.Match[str], year_now: int | None) -> tuple[float, float] | None:
    if m.group("ever"):
        return _EVER
    if m.group("since"):
        if year_now is None:
            return None
        gap = year_now - int(m.group("year"))
        return (max(gap - 1, 0), gap + 1) if gap >= 0 else None
    unit = m.group("unit").lower()
    count = m.group("count")
    n = (int(count) if count.isdigit() else _NUMBER_WORDS.get(count.lower())) if count else None
    if count and n is None:
        return None  # "in recent years", "in many decades": no figure to compare
    more = bool(m.group("more")) and m.group("more").lower() in ("over", "more than", "at least")
    if unit.startswith("centur"):
        base = 100 * (n or 1)
        return (base, math.inf) if more else (base * 0.9, base * 1.5)
    if unit.startswith("decade"):
        if n is None:
            return (10, math.inf) if more else (20, 99)  # "in decades": several, short of a century
        return (10 * n, math.inf) if more else (10 * n - 5, 10 * n + 9)
    if n is None:
        return None  # "in years"
    return (n, math.inf) if more else (n - 1, n + 1)


def first_facts(units: Sequence[ClaimUnit], published: Mapping[str, str | None] | None = None) -> list[FirstFact]:
    published = published or {}
    out = []
    for i, u in enumerate(units):
        if u.expected:
            continue
        date = published.get(u.article)
        year_now = int(date[:4]) if date and date[:4].isdigit() else None
        for m in _FACT.finditer(u.text):
            word = m.group("word").lower()
            tail = u.text[m.end("word"):m.end("word") + 100]
            span = _SPAN.search(tail)
            if word.endswith("-ever") or (word == "first" and _FIRST_TIME.search(u.text[max(0, m.start() - 8):m.end()])
                                           and not (span and span.group("since"))):
                years, phrase = _EVER, _TRAILING.sub("", " ".join(u.text[m.start():].split()[:5]))
                word = word.removesuffix("-ever")
            elif span and not re.search(r"[.;:!?()]", tail[:span.start()]):
                if (years := _years(span, year_now)) is None:
                    continue
                phrase = u.text[m.start():m.end("word") + span.end()]
            else:
                continue
            out.append(FirstFact(i, stem(word.split()[-1]), years[0], years[1], " ".join(phrase.split())))
    return out


def first_contradictions(units: Sequence[ClaimUnit], facts: Sequence[FirstFact], unit_vectors: np.ndarray,
                         published: Mapping[str, str | None] | None = None) -> list[Contradiction]:
    """One contradiction per set of linked facts whose spans cannot overlap."""
    published = published or {}
    if len(facts) < 2 or not len(unit_vectors):
        return []
    uv = unit_norm(np.asarray(unit_vectors, dtype=np.float32))

    def links() -> Iterator[tuple[int, int, float]]:
        for x, a in enumerate(facts):
            for y in range(x + 1, len(facts)):
                b = facts[y]
                ua, ub = units[a.unit], units[b.unit]
                if a.word != b.word or ua.origin == ub.origin or (a.low <= b.high and b.low <= a.high):
                    continue
                if (context := float(uv[a.unit] @ uv[b.unit])) >= CONTEXT_MIN:
                    yield x, y, CONFIDENCE * min(1.0, 0.6 + context)

    out = []
    for members, best in linked_groups(len(facts), links()):
        chosen = sorted((facts[i] for i in members), key=lambda f: (units[f.unit].article, f.unit))
        statements, by_phrase = cite([(units[f.unit], f.phrase) for f in chosen])
        said = " against ".join(f"“{p}” ({', '.join(arts)})" for p, arts in by_phrase.items())
        out.append(Contradiction(
            kind="state", explanation=f"how long since the last one: {said}: the spans cannot both be right.",
            statements=statements, confidence=best, frame="how long since the last one",
            published=dates_note([s.article for s in statements], published)))
    return out
