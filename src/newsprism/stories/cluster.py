"""Batch story clustering: `cluster_stories(articles)` runs `StoryIndex.assign` over the
articles in input order, embedding in batches only the articles that need a vector (the
first of each near-duplicate group, status ok).

How an article is compared with a story (`StoryIndex.score`): the mean cosine of its
lead embedding (headline + 120 words, all-MiniLM-L6-v2) to the story's origins, plus
`w_tfidf` x the TF-IDF cosine of its full text to the story's term centroid, minus a
penalty per day outside the story's publication span. Settings and the measurements
that chose them: `newsprism.stories.params`.

Development-set figures (`python -m newsprism.evaluation.stories`; 253 articles: the 5
sample articles, 24 dev-stories articles of 4 events, 4 hard distractors, 181
ScrapingHub pages, 39 synthetic copies; pairwise over stories, "related" pairs of the
ScrapingHub labels not scored):

    condition                     P      R      F1     ARI    origins F1
    sample dated (16 May 2025)    0.996  1.000  0.998  0.961  1.000
    sample undated, as shipped    0.957  1.000  0.978  0.942  1.000
    no dates at all               0.630  1.000  0.773  0.745  1.000

With dates the five sample articles form one story of five origins (plus their 15
synthetic copies), and the 2 June and 23 July Istanbul rounds, the Al-Udeid strike,
the Ruidoso flood and the Google ad-tech trial each stay apart. Undated, the sample
(no dates) takes in the dated 23 July round; without any dates the three Istanbul
rounds are one story: same delegations, city and outcome, 17 days apart, and nothing
in lead embeddings or term statistics tells them apart. Dates decide.
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

__all__ = ["ClusterResult", "assign", "cluster", "cluster_stories", "prescan"]

# Articles whose similarities to the indexed origins are computed in one matrix product.
BLOCK = 256


@dataclass(slots=True)
class ClusterResult:
    stories: list[Story]
    assignments: list[Assignment]  # one per article, in input order
    index: StoryIndex
    features: list[Features]  # one per article, in input order


Match = tuple[str, float] | None


def prescan(feats: Sequence[Features], keys: Sequence[str], existing: NearDuplicates | None = None,
            ) -> tuple[list[bool], list[Match]]:
    """What `StoryIndex.assign` will find for each article, without changing the index:
    its near-duplicate match (the best earlier copy, in `existing` or earlier in the
    batch) and whether it needs a lead vector (status ok and no match)."""
    nd = NearDuplicates()
    want: list[bool] = []
    matches: list[Match] = []
    for key, f in zip(keys, feats, strict=True):
        if f.status == "empty":
            want.append(False)
            matches.append(None)
            continue
        old = existing.match(f.sketch) if existing is not None and len(existing) else None
        new = nd.match(f.sketch)
        best = old if new is None or (old is not None and old[1] >= new[1]) else new  # ties: the older row
        owner = nd if best is new else existing
        if owner is None or owner.worth_indexing(f.sketch, best):
            nd.add(key, f.sketch)
        matches.append(best)
        want.append(best is None and f.status == "ok")
    return want, matches


def cluster(articles: Sequence[Article], *, params: StoryParams | None = None, encoder: Encoder | None = None,
            index: StoryIndex | None = None, features: Sequence[Features] | None = None,
            keys: Sequence[str] | None = None, known: Mapping[str, np.ndarray] | None = None) -> ClusterResult:
    """Assign `articles`, in order, to the stories of `index` (a new one by default).
    `keys` name the articles inside the index (default: their ids); `known` gives lead
    vectors already computed, by key (a rebuild reuses the stored ones).

    Similarities to the origins already indexed are computed a block of articles at a
    time (one matrix product instead of one pass over the index per article: ~20x
    fewer memory reads at 100k origins); within a block, the origins the block itself
    adds are scanned per article, so the candidates are those `assign` would find."""
    params = params or (index.params if index is not None else load_story_params())
    keys = list(keys) if keys is not None else [a.id for a in articles]
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise ValueError(f"article id {dup!r} occurs twice: ids must be unique within a batch")
    feats = list(features) if features is not None else [featurize(a, params) for a in articles]
    index = index if index is not None else StoryIndex(params)
    want, matches = prescan(feats, keys, index.dedup)
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
    sims: dict[int, np.ndarray] = {}
    for i, (a, f) in enumerate(zip(articles, feats, strict=True)):
        if i % BLOCK == 0:
            block = [j for j in range(i, min(i + BLOCK, len(articles))) if j in vectors]
            sims = dict(zip(block, index.similarities(np.stack([vectors[j] for j in block])), strict=True)) \
                if block else {}

        def vector(lead: str, i: int = i) -> np.ndarray:
            nonlocal encoder
            if i not in vectors:  # not foreseen by `prescan`
                encoder = encoder or load_encoder(params.embedder, max_tokens=params.max_tokens)
                vectors[i] = encoder.encode([lead])[0]
            return vectors[i]

        assignments.append(index.assign(a, f, vector, key=keys[i], match=matches[i], sims=sims.get(i)))
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
