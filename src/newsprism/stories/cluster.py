"""Batch story clustering: `cluster_stories(articles)` runs `StoryIndex.assign` over the
articles in input order, embedding in batches only the articles that need a vector (the
first of each near-duplicate group, status ok).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    features: list[Features]  # one per article, in input order


def needs_vector(feats: Sequence[Features], existing: NearDuplicates | None = None) -> list[bool]:
    """Which articles `StoryIndex.assign` will embed: status ok and not a copy of an earlier
    one (in the batch, or in `existing`, the index's near-duplicate index)."""
    nd = NearDuplicates()
    out = []
    for i, f in enumerate(feats):
        if f.status != "ok":
            out.append(False)
            continue
        copy = (existing is not None and existing.match(f.sketch) is not None) or nd.match(f.sketch) is not None
        nd.add(str(i), f.sketch)
        out.append(not copy)
    return out


def cluster(articles: Sequence[Article], *, params: StoryParams | None = None, encoder: Encoder | None = None,
            index: StoryIndex | None = None, features: Sequence[Features] | None = None,
            keys: Sequence[str] | None = None, known: Mapping[str, np.ndarray] | None = None) -> ClusterResult:
    """Assign `articles`, in order, to the stories of `index` (a new one by default).
    `keys` name the articles inside the index (default: their ids); `known` gives lead
    vectors already computed, by key (a rebuild reuses the stored ones)."""
    params = params or (index.params if index is not None else load_story_params())
    keys = list(keys) if keys is not None else [a.id for a in articles]
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise ValueError(f"article id {dup!r} occurs twice: ids must be unique within a batch")
    feats = list(features) if features is not None else [featurize(a, params) for a in articles]
    index = index if index is not None else StoryIndex(params)
    want = needs_vector(feats, index.dedup if len(index) else None)
    vectors: dict[int, np.ndarray] = {}
    if known:
        for i, k in enumerate(keys):
            if want[i] and k in known:
                vectors[i] = known[k]
    todo = [i for i, w in enumerate(want) if w and i not in vectors]
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

        assignments.append(index.assign(a, f, vector, key=keys[i]))
    touched = sorted({index.story_of[k] for k in keys})
    return ClusterResult([index.story(p) for p in touched], assignments, index, feats)


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
