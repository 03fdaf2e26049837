"""Batch story clustering: `cluster_stories(articles)` runs `StoryIndex.assign` over the
articles in input order, embedding in batches only the articles that need a vector (the
first of each near-duplicate group, status ok).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsprism.models import Article
from newsprism.stories.dedup import NearDuplicates
from newsprism.stories.embed import Encoder, load_encoder
from newsprism.stories.features import Features, featurize
from newsprism.stories.index import StoryIndex
from newsprism.stories.params import StoryParams, load_story_params
from newsprism.stories.records import Assignment, Story

__all__ = ["ClusterResult", "assign", "cluster", "cluster_stories", "needs_vector"]


@dataclass(slots=True)
class ClusterResult:
    stories: list[Story]
    assignments: list[Assignment]  # one per article, in input order
    index: StoryIndex


def needs_vector(feats: Sequence[Features]) -> list[bool]:
    """Which articles `StoryIndex.assign` will embed: status ok and not a copy of an earlier one."""
    nd = NearDuplicates()
    out = []
    for i, f in enumerate(feats):
        if f.status == "empty":
            out.append(False)
            continue
        match = nd.match(f.sketch)
        nd.add(str(i), f.sketch)
        out.append(match is None and f.status == "ok")
    return out


def cluster(articles: Sequence[Article], *, params: StoryParams | None = None, encoder: Encoder | None = None,
            index: StoryIndex | None = None, features: Sequence[Features] | None = None) -> ClusterResult:
    """Assign `articles`, in order, to the stories of `index` (a new one by default)."""
    params = params or (index.params if index is not None else load_story_params())
    ids = [a.id for a in articles]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise ValueError(f"article id {dup!r} occurs twice: ids must be unique within a batch")
    feats = list(features) if features is not None else [featurize(a, params) for a in articles]
    index = index if index is not None else StoryIndex(params)
    want = needs_vector(feats) if not len(index) else [f.status == "ok" for f in feats]
    vectors: dict[int, np.ndarray] = {}
    todo = [i for i, w in enumerate(want) if w]
    if todo:
        encoder = encoder or load_encoder(params.embedder, max_tokens=params.max_tokens)
        for i, v in zip(todo, encoder.encode([feats[i].lead for i in todo]), strict=True):
            vectors[i] = v
    assignments = []
    for i, (a, f) in enumerate(zip(articles, feats, strict=True)):
        def vector(lead: str, i: int = i) -> np.ndarray:
            nonlocal encoder
            if i not in vectors:  # not foreseen by `needs_vector`
                encoder = encoder or load_encoder(params.embedder, max_tokens=params.max_tokens)
                vectors[i] = encoder.encode([lead])[0]
            return vectors[i]

        assignments.append(index.assign(a, f, vector))
    touched = sorted({index.story_of[a.id] for a in articles})
    return ClusterResult([index.story(p) for p in touched], assignments, index)


def assign(article: Article, index: StoryIndex, *, encoder: Encoder | None = None,
           key: str | None = None) -> Assignment:
    """Assign one new article to a story of `index` (or open one), without recomputing
    the corpus: the incremental counterpart of `cluster_stories`."""
    feats = featurize(article, index.params)

    def vector(lead: str) -> np.ndarray:  # only articles that are ok and not copies need one
        nonlocal encoder
        encoder = encoder or load_encoder(index.params.embedder, max_tokens=index.params.max_tokens)
        return encoder.encode([lead])[0]

    return index.assign(article, feats, vector, key=key)


def cluster_stories(articles: Sequence[Article], *, params: StoryParams | None = None,
                    encoder: Encoder | None = None) -> list[Story]:
    """Near-duplicate origins and story clusters of `articles` (every article in exactly one story)."""
    return cluster(articles, params=params, encoder=encoder).stories
