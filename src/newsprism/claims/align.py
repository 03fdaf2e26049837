"""Align claim units across the articles of a story: which units state the same thing.

Candidates (the blocking step, so cost grows with units × neighbours, not units²):
each unit's `neighbours` nearest units of other articles by sentence embedding, plus
pairs that share at least `min_shared` content keys (stems, numbers, names) among keys
rarer than `max_posting` units. Each candidate pair is scored

    score = cosine(MiniLM embeddings) + w_lexical × IDF-weighted overlap of content keys

(the overlap is the cosine of the two units' binary key vectors weighted by the keys'
inverse document frequency among the story's units: sharing "Umerov" or "Dolmabahce"
says more than sharing "Russia" or "talks" in a story about Russia–Ukraine talks)

and groups form greedily from the best pair down (pairs scoring ≥ `pair_threshold`),
merging two groups only while the mean cosine across them (exact from the groups'
vector sums) stays ≥ `link_threshold`, so chains of loosely related sentences do not
snowball into one group.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from newsprism.claims.keys import content_keys
from newsprism.claims.records import ClaimUnit
from newsprism.disjoint import DisjointSets

__all__ = ["AlignParams", "Alignment", "align"]


@dataclass(frozen=True, slots=True)
class AlignParams:
    # Chosen on the development set (sample + 4 dev stories, 85 gold facts) by
    # `python -m newsprism.evaluation.claims --tune`: a grid of w_lexical {0.25, 0.5, 1},
    # pair_threshold 0.45..0.9, link_threshold 0.5..0.75. Facts found peak at link 0.55
    # (fewer below: groups snowball and stop matching one fact; fewer above: paraphrases
    # stay apart); pair_threshold matters little below 0.65; w_lexical 0.5 beats 0 and 1.
    w_lexical: float = 0.5
    pair_threshold: float = 0.55
    link_threshold: float = 0.55
    neighbours: int = 10
    min_shared: int = 2
    max_posting: int = 50
    # A sentence often states several facts ("the talks, which lasted less than two hours,
    # ended with a deal to swap 1,000 prisoners") but joins one group. A name or figure that
    # few units share across articles ("Dolmabahce Palace", "two hours") anchors an extra
    # claim of those units when they sit in different groups and their mean cosine is at
    # least `anchor_cosine`; such a claim is only supporting evidence (contradictions are
    # looked for between primary groups).
    anchored: bool = True
    anchor_cosine: float = 0.35


@dataclass(slots=True)
class Alignment:
    groups: list[list[int]]  # unit indices per group (primary groups: medoid first; then anchored claims)
    pair_scores: dict[tuple[int, int], float]  # every scored candidate pair (i < j)
    cohesion: list[float]  # mean pairwise cosine inside each group
    primary: list[int]  # per group, how many of its units belong to it alone (0 for an anchored claim)
    keys: list[set[str]]  # each unit's content keys (`keys.content_keys`), for the contradiction finders

    def primary_group(self) -> dict[int, int]:
        """Unit index -> the primary group it belongs to (units only in anchored claims are absent)."""
        return {i: g for g, idx in enumerate(self.groups) for i in idx[:self.primary[g]]}


def _idf(keys: Sequence[set[str]]) -> dict[str, float]:
    df = Counter(k for ks in keys for k in ks)
    n = len(keys)
    return {k: math.log((1 + n) / (1 + d)) + 1.0 for k, d in df.items()}


def _overlap(a: set[str], b: set[str], idf: dict[str, float], norms: tuple[float, float]) -> float:
    if not a or not b:
        return 0.0
    shared = sum(idf[k] ** 2 for k in a & b)
    return shared / (norms[0] * norms[1]) if shared else 0.0


def _neighbour_pairs(vectors: np.ndarray, articles: np.ndarray, k: int, chunk: int = 1024) -> set[tuple[int, int]]:
    n = len(vectors)
    pairs: set[tuple[int, int]] = set()
    if n < 2 or k <= 0:
        return pairs
    kk = min(k, n - 1)
    for lo in range(0, n, chunk):
        sims = vectors[lo:lo + chunk] @ vectors.T
        same = articles[lo:lo + chunk, None] == articles[None, :]
        sims[same] = -np.inf
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        for r, row in enumerate(top):
            i = lo + r
            for j in row:
                if np.isfinite(sims[r, j]):
                    pairs.add((min(i, int(j)), max(i, int(j))))
    return pairs


def _key_pairs(keys: Sequence[set[str]], articles: np.ndarray, params: AlignParams) -> set[tuple[int, int]]:
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        for key in ks:
            postings[key].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in postings.values():
        if len(members) > params.max_posting:
            continue
        for i, j in combinations(members, 2):
            if articles[i] != articles[j]:
                shared[(i, j)] += 1
    return {p for p, c in shared.items() if c >= params.min_shared}


def align(units: Sequence[ClaimUnit], vectors: np.ndarray, params: AlignParams | None = None) -> Alignment:
    """Group `units` (with their L2-normalised embeddings, one row each) into claims."""
    params = params or AlignParams()
    n = len(units)
    if n == 0:
        return Alignment([], {}, [], [], [])
    codes: dict[str, int] = {}
    articles = np.array([codes.setdefault(u.article, len(codes)) for u in units], dtype=np.int64)
    keys = [content_keys(u) for u in units]
    candidates = _neighbour_pairs(vectors, articles, params.neighbours) | _key_pairs(keys, articles, params)
    pairs = sorted(candidates)
    if pairs:
        left, right = np.array(pairs, dtype=np.int64).T
        cosines = np.einsum("ij,ij->i", vectors[left], vectors[right])
    else:
        cosines = np.zeros(0)
    idf = _idf(keys)
    norm = [math.sqrt(sum(idf[k] ** 2 for k in ks)) or 1.0 for ks in keys]
    scores = {p: float(c) + params.w_lexical * _overlap(keys[p[0]], keys[p[1]], idf, (norm[p[0]], norm[p[1]]))
              for p, c in zip(pairs, cosines, strict=True)}

    sets = DisjointSets(n)
    find = sets.find
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    sums = {i: vectors[i].astype(np.float64) for i in range(n)}

    for (i, j), score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if score < params.pair_threshold:
            break
        a, b = find(i), find(j)
        if a == b:
            continue
        mean_cos = float(sums[a] @ sums[b]) / (len(members[a]) * len(members[b]))
        if mean_cos < params.link_threshold:
            continue
        if len(members[a]) < len(members[b]):
            a, b = b, a
        sets.link(a, b)
        members[a].extend(members.pop(b))
        sums[a] = sums[a] + sums.pop(b)

    groups, cohesion, primary = [], [], []
    for root in sorted(members, key=lambda r: min(members[r])):
        idx = sorted(members[root])
        if len(idx) > 1:
            # with unit vectors, sum_j v_i·v_j = v_i·S and sum_ij v_i·v_j = |S|²: linear in the group size
            total = sums[root]
            medoid = idx[int(np.argmax(vectors[idx] @ total))]
            idx = [medoid] + [i for i in idx if i != medoid]
            cohesion.append(float((total @ total - len(idx)) / (len(idx) * (len(idx) - 1))))
        else:
            cohesion.append(1.0)
        groups.append(idx)
        primary.append(len(idx))
    if params.anchored:
        for idx in _anchored(keys, articles, vectors, find, params):
            groups.append(idx)
            primary.append(0)
            cohesion.append(_mean_cos(vectors, idx))
    return Alignment(groups, scores, cohesion, primary, keys)


def _mean_cos(vectors: np.ndarray, idx: list[int]) -> float:
    total = vectors[idx].astype(np.float64).sum(axis=0)
    return float((total @ total - len(idx)) / (len(idx) * (len(idx) - 1))) if len(idx) > 1 else 1.0


def _anchored(keys: Sequence[set[str]], articles: np.ndarray, vectors: np.ndarray, find, params: AlignParams,
              ) -> list[list[int]]:  # type: ignore[no-untyped-def]
    n_articles = len(set(articles.tolist()))
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        for k in ks:
            if k.startswith(("@", "#")):  # names and figures only: specific enough to anchor a fact
                postings[k].append(i)
    out, seen = [], set()
    for key in sorted(postings):
        idx = postings[key]
        if not 2 <= len(idx) <= n_articles or len({int(articles[i]) for i in idx}) < 2:
            continue
        if len({find(i) for i in idx}) < 2 or tuple(idx) in seen:
            continue  # already one claim
        if _mean_cos(vectors, idx) < params.anchor_cosine:
            continue
        seen.add(tuple(idx))
        out.append(idx)
    return out
