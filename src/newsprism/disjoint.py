"""Disjoint sets over 0..n-1 (union-find with path halving), for the stages that group items
pairwise: claim alignment, people across a story's documents, state facts."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["DisjointSets", "linked_groups"]


class DisjointSets:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def link(self, root: int, other: int) -> None:
        """Join the set whose root is `other` into the set whose root is `root` (both roots:
        the caller chose which one survives, e.g. the larger)."""
        self.parent[other] = root


def linked_groups(n: int, links: Iterable[tuple[int, int, float]]) -> list[tuple[list[int], float]]:
    """The groups that pairwise `links` (i, j, score) join among items 0..n-1, each with the best
    score of its links; items without a link are in no group."""
    sets = DisjointSets(n)
    best: dict[int, float] = {}
    for i, j, score in links:
        ri, rj = sets.find(i), sets.find(j)
        if ri != rj:
            sets.link(ri, rj)
            best[ri] = max(best.get(ri, 0.0), best.pop(rj, 0.0))
        best[ri] = max(best.get(ri, 0.0), score)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        if (r := sets.find(i)) in best:
            groups.setdefault(r, []).append(i)
    return [(members, best[r]) for r, members in groups.items()]
