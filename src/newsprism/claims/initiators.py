"""Who started it: the side that reports say fired first, compared across every origin.

Reports of a clash often disagree on one thing above all, which side opened fire. A unit
says it when a phrase of acting first ("fired first", "first to open fire", "started to
open fire", "initiated combat", "pre-emptively opened fire") follows a country or a
nationality in the same clause ("the Cambodian soldiers started to open fire": Cambodia;
"Phumtham insisted Cambodia fired first": Cambodia). Only one side can have fired first, so
two origins naming different sides conflict, each side's claim cited.

Left out: a negated or denied phrase ("did not fire first", "denied firing first"), a
forecast, a phrase with no country before it ("the two countries accused each other of
having opened fire first"), and any article that names both sides as the first (it reports
the dispute itself).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from newsprism.claims.frames import cite, dates_note, unit_norm
from newsprism.claims.records import ClaimUnit, Contradiction

__all__ = ["InitiatorFact", "initiator_contradictions", "initiator_facts"]

_ACTS = r"(?:fired|firing|opened fire|opening fire|attacked|attacking|struck|striking|shot|shooting)"
_FIRST = re.compile(
    rf"\b(?:{_ACTS}\s+first|(?:the\s+)?first to (?:open fire|fire|shoot|attack|strike)|fired the first shots?|"
    r"(?:started|began|start|begin)\s+(?:to open fire|opening fire|firing|shooting)|"
    r"(?:started|began|initiated|provoked)\s+(?:the\s+)?(?:attack|fighting|clash(?:es)?|hostilities|combat|shooting)|"
    r"pre-?emptively (?:opened fire|attacked|struck|fired))\b", re.I)
_DENIED = re.compile(r"\b(?:not|never|n't|denied|deny|denies|denying|rejected)\b(?:\s+\S+){0,2}\s*$", re.I)
_CLAUSE_END = re.compile(r"[.:](?!\d)|[;!?()\"“”]|\bbut\b|\bwhile\b|\bwhereas\b", re.I)
_CAPITALISED = re.compile(r"\b[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?")
CONTEXT_MIN = 0.3  # cosine of the two sentences: one clash, told in words of each side's own
CONFIDENCE = 0.6


@dataclass(slots=True)
class InitiatorFact:
    unit: int
    side: str  # the country said to have acted first
    phrase: str  # as written: "Cambodian soldiers started to open fire"


def _side(before: str) -> str | None:
    """The country named last before the phrase in its clause, by name or nationality."""
    from newsprism.entities.places import load_places

    places = load_places()
    clause = _CLAUSE_END.split(before)[-1]
    for m in reversed(list(_CAPITALISED.finditer(clause))):
        for text in (m.group(0), m.group(0).split()[-1], m.group(0).split()[0]):
            place = places.lookup(text)
            country = place.country if place is not None and place.type == "GPE" and place.name == place.country \
                else places.demonym(text)
            if country:
                return country
    return None


def initiator_facts(units: Sequence[ClaimUnit]) -> list[InitiatorFact]:
    out = []
    for i, u in enumerate(units):
        if u.expected:
            continue
        for m in _FIRST.finditer(u.text):
            before = u.text[max(0, m.start() - 80):m.start()]
            if _DENIED.search(before):
                continue
            if side := _side(before):
                start = max(0, len(before) - len(_CLAUSE_END.split(before)[-1]))
                phrase = (before[start:] + m.group(0)).strip()
                out.append(InitiatorFact(unit=i, side=side, phrase=phrase))
    return out


def initiator_contradictions(units: Sequence[ClaimUnit], facts: Sequence[InitiatorFact], unit_vectors: np.ndarray,
                             published: Mapping[str, str | None] | None = None) -> list[Contradiction]:
    """One contradiction when origins name different sides as having fired first."""
    published = published or {}
    if len(facts) < 2 or not len(unit_vectors):
        return []
    sides_of: dict[str, set[str]] = defaultdict(set)
    for f in facts:
        sides_of[units[f.unit].article].add(f.side)
    kept = [f for f in facts if len(sides_of[units[f.unit].article]) == 1]
    uv = unit_norm(np.asarray(unit_vectors, dtype=np.float32))
    members: set[int] = set()
    best = 0.0
    for x, a in enumerate(kept):
        for b in kept[x + 1:]:
            ua, ub = units[a.unit], units[b.unit]
            if a.side == b.side or ua.origin == ub.origin:
                continue
            context = float(uv[a.unit] @ uv[b.unit])
            if context >= CONTEXT_MIN:
                members |= {id(a), id(b)}
                best = max(best, CONFIDENCE * min(1.0, 0.6 + context))
    if not members:
        return []
    chosen = sorted((f for f in kept if id(f) in members), key=lambda f: (f.side, units[f.unit].article))
    statements, by_side = cite([(units[f.unit], f.side) for f in chosen])
    dates = dates_note([s.article for s in statements], published)
    said = " against ".join(f"{side} ({', '.join(arts)})" for side, arts in by_side.items())
    return [Contradiction(kind="state", explanation=f"who fired first: {said}: only one side can have.",
                          statements=statements, confidence=best, frame="who fired first", published=dates)]
