"""Grouping items by pairwise links, as the contradiction finders do."""

from __future__ import annotations

from newsprism.disjoint import linked_groups


def test_links_join_groups_each_with_its_best_score() -> None:
    groups = linked_groups(6, [(0, 1, 0.5), (3, 4, 0.7), (1, 2, 0.9), (4, 3, 0.6)])
    assert sorted((sorted(m), s) for m, s in groups) == [([0, 1, 2], 0.9), ([3, 4], 0.7)]


def test_a_link_between_two_groups_merges_them_and_keeps_the_best() -> None:
    groups = linked_groups(5, [(0, 1, 0.8), (2, 3, 0.6), (1, 2, 0.5)])
    assert [(sorted(m), s) for m, s in groups] == [([0, 1, 2, 3], 0.8)]
    assert linked_groups(3, []) == []
