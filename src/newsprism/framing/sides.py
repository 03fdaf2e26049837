"""The story's opposing sides, from the entity roster alone: which country each entity stands
for (a person's affiliation, a capital or institution's government, a nationality's country,
the country itself), then the pair of countries most mentioned together.

    >>> sides = detect_sides(roster, docs)        # doctest: +SKIP
    >>> [(s.name, s.members[:2]) for s in sides]  # doctest: +SKIP
    [('Russia', ['gpe:russia', 'person:vladimir-putin']), ('Ukraine', ['gpe:ukraine', ...])]

Places inside a country (a host city, a region) are not parties and stand for nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import combinations

from newsprism.entities.records import Entity, EntityRoster
from newsprism.framing.records import Side
from newsprism.nlp.document import AnnotatedDocument

__all__ = ["CANDIDATES", "MIN_COOCCURRENCE", "MIN_SHARE", "detect_sides", "side_of"]

CANDIDATES = 4  # the most-mentioned countries considered for the pair
# A side needs a share of the story's party mentions and the pair must meet in sentences:
# with these, the two Russia-Ukraine stories and Israel-Iran get sides, the Google ruling
# (only US actors) and the Texas floods (no countries) get none.
MIN_SHARE = 0.1
MIN_COOCCURRENCE = 3


def side_of(entity: Entity) -> str | None:
    """The country (or organisation) an entity stands for, if it stands for one."""
    if entity.type == "PERSON":
        return entity.affiliation
    if entity.metonym_of:
        return entity.metonym_of
    if entity.type == "NORP":
        return entity.country
    if entity.type == "GPE" and entity.country and entity.country == entity.name:
        return entity.country
    return None


def detect_sides(roster: EntityRoster, docs: Sequence[AnnotatedDocument]) -> list[Side]:
    members: dict[str, list[Entity]] = {}
    for e in roster.entities:
        if (country := side_of(e)) is not None:
            members.setdefault(country, []).append(e)
    weight = Counter({c: sum(len(e.mentions) for e in es) for c, es in members.items()})
    total = sum(weight.values())
    top = [c for c, w in weight.most_common(CANDIDATES) if total and w / total >= MIN_SHARE]
    if len(top) < 2:
        return []
    together = _cooccurrence(roster, docs, {e.id: c for c, es in members.items() for e in es})
    score, pair = max((together[frozenset(p)], p) for p in combinations(top, 2))
    if score < MIN_COOCCURRENCE:
        return []
    return [Side(name=c, members=[e.id for e in sorted(members[c], key=lambda e: -len(e.mentions))],
                 weight=weight[c]) for c in pair]


def _cooccurrence(roster: EntityRoster, docs: Sequence[AnnotatedDocument],
                  country_of: dict[str, str]) -> Counter[frozenset[str]]:
    starts = {d.id: [s.start for s in d.sentences] for d in docs}
    in_sentence: dict[tuple[str, int], set[str]] = {}
    for e in roster.entities:
        if (country := country_of.get(e.id)) is None:
            continue
        for m in e.mentions:
            if m.article in starts:
                in_sentence.setdefault((m.article, bisect_right(starts[m.article], m.start)), set()).add(country)
    counts: Counter[frozenset[str]] = Counter()
    for countries in in_sentence.values():
        for pair in combinations(sorted(countries), 2):
            counts[frozenset(pair)] += 1
    return counts



