"""Align claim units across the articles of a story: which units state the same thing.

Candidates (the blocking step, so cost grows with units × neighbours, not units²):
each unit's `neighbours` nearest units of other articles by sentence embedding, plus
pairs that share at least `min_shared` content keys (stems, numbers, names) among keys
rarer than `max_posting` units. Each candidate pair is scored

    score = cosine(MiniLM embeddings) + w_lexical × Jaccard(content keys)

and groups form greedily from the best pair down (pairs scoring ≥ `pair_threshold`),
merging two groups only while the mean cosine across them (exact from the groups'
vector sums) stays ≥ `link_threshold`, so chains of loosely related sentences do not
snowball into one group.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from newsprism.claims.keys import content_keys
from newsprism.claims.records import ClaimUnit

__all__ = ["AlignParams", "Alignment", "align"]


@dataclass(frozen=True, slots=True)
class AlignParams:
    # Chosen on the development set by `python -m newsprism.evaluation.claims --tune`
    # (see the README): the figures are in the evaluation output.
    w_lexical: float = 0.5
    pair_threshold: float = 0.78
    link_threshold: float = 0.55
    neighbours: int = 10
    min_shared: int = 2
    max_posting: int = 50


@dataclass(slots=True)
class Alignment:
    groups: list[list[int]]  # unit indices per group, each group's medoid first
    pair_scores: dict[tuple[int, int], float]  # every scored candidate pair (i < j)
    cohesion: list[float]  # mean pairwise cosine inside each group


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


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
        return Alignment([], {}, [])
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
    scores = {p: float(c) + params.w_lexical * _jaccard(keys[p[0]], keys[p[1]])
              for p, c in zip(pairs, cosines, strict=True)}

    parent = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    sums = {i: vectors[i].astype(np.float64) for i in range(n)}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

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
        parent[b] = a
        members[a].extend(members.pop(b))
        sums[a] = sums[a] + sums.pop(b)

    groups, cohesion = [], []
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
    return Alignment(groups, scores, cohesion)
