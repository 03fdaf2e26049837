"""Claims: split a story's articles into claim units, align them across sources, and
say who states what, how many independent origins back it, and where sources conflict.

    >>> from newsprism.claims import story_claims
    >>> result = story_claims(annotated_docs, origins=origin_of)      # doctest: +SKIP
    >>> [(c.status, len(c.origins), c.text) for c in result.claims][:3]  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsprism.claims.align import Alignment, AlignParams, align
from newsprism.claims.attributions import attribution_contradictions, attributions
from newsprism.claims.contradictions import HEADLINE, find_contradictions
from newsprism.claims.drift import drift_contradictions
from newsprism.claims.facts import QuantityFact, quantity_facts
from newsprism.claims.firsts import first_contradictions, first_facts
from newsprism.claims.frames import quantity_contradictions
from newsprism.claims.goals import goal_contradictions, goal_facts
from newsprism.claims.initiators import initiator_contradictions, initiator_facts
from newsprism.claims.proposals import proposal_contradictions, proposal_facts
from newsprism.claims.records import ClaimGroup, ClaimUnit, Contradiction, Statement
from newsprism.claims.states import state_contradictions, state_facts
from newsprism.claims.times import time_contradictions, time_facts
from newsprism.claims.units import claim_units
from newsprism.nlp.document import AnnotatedDocument

__all__ = [
    "HEADLINE", "AlignParams", "Alignment", "ClaimGroup", "ClaimUnit", "Contradiction", "QuantityFact", "Statement",
    "StoryClaims", "align", "claim_units", "find_all_contradictions", "find_contradictions", "quantity_contradictions",
    "quantity_facts", "story_claims",
]


@dataclass(slots=True)
class StoryClaims:
    claims: list[ClaimGroup]  # consensus first (most origins first), then disputed, then single-source
    contradictions: list[Contradiction]  # strongest first; the headline ones have confidence >= HEADLINE
    units: list[ClaimUnit]
    # "compared", or why there was nothing to compare: "one origin: nothing to compare",
    # "no figures to compare" (statements were still compared)
    comparison: str = "compared"

    def to_report(self) -> dict[str, Any]:
        """The story's `claims[]` and `contradictions[]` report fields."""
        return {"claims": [c.to_report() for c in self.claims],
                "contradictions": [c.to_report() for c in self.contradictions],
                "comparison": self.comparison}


ENTITY_CONFIDENCE = 0.8  # role and name conflicts rest on explicit offices and given names


def _claim_id(group: Sequence[ClaimUnit]) -> str:
    basis = "|".join(sorted(f"{u.article}:{u.start}" for u in group))
    return "cl-" + hashlib.sha256(basis.encode()).hexdigest()[:12]


def _embed_texts(texts: Sequence[str], encoder: Any) -> np.ndarray:
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    if encoder is None:
        from newsprism.stories import load_encoder

        encoder = load_encoder()
    # a wire story reprinted by several outlets repeats most of its sentences: each is embedded once
    distinct = list(dict.fromkeys(texts))
    row = {t: i for i, t in enumerate(distinct)}
    vectors = np.asarray(encoder.encode(distinct), dtype=np.float32)
    return vectors[[row[t] for t in texts]]


def _embed(units: Sequence[ClaimUnit], encoder: Any) -> np.ndarray:
    return _embed_texts([u.text for u in units], encoder)


def _entity_contradictions(docs: Sequence[AnnotatedDocument], roster: Any) -> list[Contradiction]:
    """The entity stage's role and name conflicts as claim contradictions, each statement
    located in its article's clean text (the roster cites whole sentences)."""
    texts = {d.id: d.text for d in docs}
    out = []
    for c in getattr(roster, "contradictions", None) or []:
        statements = []
        for s in c.statements:
            start = texts.get(s.article, "").find(s.text)
            if start >= 0:
                statements.append(Statement(s.article, s.text, start, start + len(s.text)))
        if len(statements) >= 2:
            out.append(Contradiction(kind=c.kind, explanation=c.explanation, statements=statements,
                                     confidence=ENTITY_CONFIDENCE, entities=list(c.entities)))
    return out


def _aligned(alignment: Alignment) -> set[tuple[int, int]]:
    """Unit pairs that state the same thing: in one primary group."""
    group_of = alignment.primary_group()
    return {pair for pair in alignment.pair_scores if pair[0] in group_of and group_of.get(pair[0]) == group_of.get(pair[1])}


def _overlapping(units: Sequence[ClaimUnit], contradictions: Sequence[Contradiction]) -> set[tuple[str, int]]:
    """(article, start) of every unit that overlaps a statement of a headline contradiction."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for c in contradictions:
        if c.confidence >= HEADLINE:
            for s in c.statements:
                spans.setdefault(s.article, []).append((s.start, s.end))
    return {(u.article, u.start) for u in units if any(a < u.end and b > u.start for a, b in spans.get(u.article, ()))}


def _new_pairs(found: Sequence[Contradiction], known: Sequence[Contradiction]) -> list[Contradiction]:
    """Findings of `found` whose statements no headline finding of `known` already cites together
    (a toll changed in a copied sentence is also a figure frame's conflict: report it once)."""
    cited = [{(s.article, s.start) for s in c.statements} for c in known if c.confidence >= HEADLINE]
    return [c for c in found if not any({(s.article, s.start) for s in c.statements} <= k for k in cited)]


def _merge_sorted(a: Sequence[Contradiction], b: Sequence[Contradiction]) -> list[Contradiction]:
    return sorted([*a, *b], key=lambda c: -c.confidence)


def find_all_contradictions(docs: Sequence[AnnotatedDocument], units: Sequence[ClaimUnit], vectors: np.ndarray,
                            alignment: Alignment, encoder: Any = None,
                            roster: Any = None) -> tuple[list[Contradiction], list[QuantityFact]]:
    """Every finder's contradictions of one story's aligned units, strongest first, and its
    figures (the typed quantity facts)."""
    facts = quantity_facts(units)
    phrases = sorted({f.frame for f in facts})
    frame_vectors = dict(zip(phrases, _embed_texts(phrases, encoder), strict=True))
    published = {d.id: d.published for d in docs}
    found = sorted(
        _entity_contradictions(docs, roster) + find_contradictions(units, alignment)
        + quantity_contradictions(units, facts, vectors, frame_vectors, published, aligned=_aligned(alignment))
        + time_contradictions(units, time_facts(units), vectors, published)
        + state_contradictions(units, state_facts(units), vectors, published)
        + proposal_contradictions(units, proposal_facts(units), vectors, published)
        + initiator_contradictions(units, initiator_facts(units), vectors, published)
        + attribution_contradictions(units, attributions(units), published)
        + first_contradictions(units, first_facts(units, published), vectors, published),
        key=lambda c: -c.confidence)
    found = _merge_sorted(found, _new_pairs(drift_contradictions(units, published), found))
    # a goal named by its place or score: one scorer's minutes (`times`) may already set its sentences apart
    goals = goal_contradictions(units, goal_facts(units), vectors, published)
    return _merge_sorted(found, _new_pairs(goals, found)), facts


def story_claims(docs: Sequence[AnnotatedDocument], *, origins: Mapping[str, str] | None = None,
                 encoder: Any = None, params: AlignParams | None = None, roster: Any = None) -> StoryClaims:
    """Claims and contradictions of one story. `origins` maps article id → near-duplicate
    group id (from the stories stage); support counts origins, never articles. `roster`
    (the entities stage's `EntityRoster`) adds its role and name conflicts, so that a claim
    is `disputed` exactly when some headline contradiction cites it."""
    origins = origins or {}
    units = [u for d in docs for u in claim_units(d, origin=origins.get(d.id, d.id))]
    vectors = _embed(units, encoder)
    alignment = align(units, vectors, params)
    contradictions, facts = find_all_contradictions(docs, units, vectors, alignment, encoder, roster)
    disputed = _overlapping(units, contradictions)
    claims = []
    for idx, cohesion, primary in zip(alignment.groups, alignment.cohesion, alignment.primary, strict=True):
        group = [units[i] for i in idx]
        g = ClaimGroup(id=_claim_id(group), units=group, cohesion=cohesion, anchored=primary == 0)
        if any((u.article, u.start) in disputed for u in group):
            g.status = "disputed"
        elif len(g.origins) >= 2:
            g.status = "consensus"
        claims.append(g)
    rank = {"consensus": 0, "disputed": 1, "single": 2}
    claims.sort(key=lambda c: (rank[c.status], -len(c.origins), c.units[0].position))
    if len({u.origin for u in units}) < 2:
        comparison = "one origin: nothing to compare"
    elif not facts:
        comparison = "no figures to compare"
    else:
        comparison = "compared"
    return StoryClaims(claims, contradictions, units, comparison)
