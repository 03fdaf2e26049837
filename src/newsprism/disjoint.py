"""Disjoint sets over 0..n-1 (union-find with path halving), for the stages that group items
pairwise: claim alignment, people across a story's documents, state facts."""

from __future__ import annotations

__all__ = ["DisjointSets"]


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
