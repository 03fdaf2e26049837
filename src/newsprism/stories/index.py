"""The story index: story representations that one article at a time is assigned against.

Batch clustering (`cluster_stories`) and incremental assignment (`assign`, `newsprism
add`) run the same `StoryIndex.assign` over articles in input order, so on the same
input order they form the same stories. The tolerance is numerical only: a lead vector
computed alone differs from one computed in a padded batch by < 1e-6 in cosine (bf16:
< 1e-4), far below the distance of any score in the development set to the threshold;
`tests/test_stories_index.py` checks that batch and one-at-a-time through the store
give identical stories on the development set.

For each article, in order:

1. an empty article opens a story of its own (status `empty`);
2. a near-duplicate of an indexed article (`dedup`) joins that article's origin and
   story, whatever its status: copies are one voice and are never scored (a
   near-verbatim copy is not indexed for later matching: its original is);
3. an article that is not `ok` (too short, other language) opens a story of its own;
4. otherwise it is scored against the stories of its `neighbours` nearest origins by
   embedding (origins published too far away to ever pass are skipped) and joins the
   best at `score >= threshold`, or opens a story.

A story is represented by its origins only (the first article of each near-duplicate
group): the sum of their lead vectors (mean cosine to the origins is one dot product),
the sum of their term frequencies and their publication span. Document frequencies
count origins only too, so forty copies of a wire story weigh as one text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from types import EllipsisType

import numpy as np

from newsprism.models import Article
from newsprism.stories.dedup import NearDuplicates
from newsprism.stories.embed import DIM
from newsprism.stories.features import TERM_BUCKETS, Features
from newsprism.stories.params import StoryParams
from newsprism.stories.records import ArticleStatus, Assignment, Story

__all__ = ["StoryIndex", "StoryState", "story_id_for"]

VectorFn = Callable[[str], np.ndarray]

# A story's term centroid keeps its heaviest terms only (pruned back to this many when
# it passes 1.5x), so that scoring against a story of thousands of articles costs what
# scoring against one of a few dozen does. The
# largest dev-set story (21 articles) has 1,426 terms; results there are
# unchanged by the cap.
MAX_STORY_TERMS = 4000


def story_id_for(article: Article) -> str:
    """A story's id: derived from its first article's text, so stable across runs and stores."""
    basis = article.content_hash or hashlib.sha256(article.text.encode()).hexdigest()
    return "st-" + basis[:12]


@dataclass(slots=True)
class StoryState:
    """A story's members and representation (what the store persists per story)."""

    id: str
    status: ArticleStatus
    articles: list[str] = field(default_factory=list)
    origins: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # origin key -> headline
    published: dict[str, str] = field(default_factory=dict)  # article key -> published
    vec_sum: np.ndarray = field(default_factory=lambda: np.zeros(DIM, dtype=np.float64))
    n_vec: int = 0
    term_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    term_vals: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    first_day: int | None = None
    last_day: int | None = None


def _add_sparse(k1: np.ndarray, v1: np.ndarray, k2: np.ndarray, v2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum of two sparse vectors given as sorted unique keys and values (no re-sort)."""
    if not k1.size:
        return k2.copy(), v2.astype(np.float64)
    pos = np.searchsorted(k1, k2)
    present = k1[np.minimum(pos, k1.size - 1)] == k2
    vals = v1.copy()
    np.add.at(vals, pos[present], v2[present])
    new = ~present
    return np.insert(k1, pos[new], k2[new]), np.insert(vals, pos[new], v2[new])


class StoryIndex:
    """In-memory story representations; `newsprism.store` persists and reloads them."""

    def __init__(self, params: StoryParams | None = None) -> None:
        self.params = params or StoryParams()
        self.dedup = NearDuplicates()
        self.stories: list[StoryState] = []
        self._story_pos: dict[str, int] = {}
        self.story_of: dict[str, int] = {}  # article key -> position in self.stories
        self.origin_of: dict[str, str] = {}
        self.df = np.zeros(TERM_BUCKETS, dtype=np.int32)
        self._log_df = np.zeros(TERM_BUCKETS, dtype=np.float64)  # log(1 + df), kept up to date
        self.n_docs = 0
        self._reps = np.zeros((0, DIM), dtype=np.float32)  # origin vectors, capacity-doubled
        self._rep_day = np.zeros(0, dtype=np.float64)  # NaN: undated
        self._rep_story: list[int] = []
        self.rep_keys: list[str] = []
        self._rep_row: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.story_of)

    def __contains__(self, key: str) -> bool:
        return key in self.story_of

    def position(self, story_id: str) -> int:
        return self._story_pos[story_id]

    def vector(self, key: str) -> np.ndarray:
        """The lead vector of an origin."""
        return self._reps[self._rep_row[key]]

    # -- scoring -----------------------------------------------------------------
    def _idf(self, keys: np.ndarray) -> np.ndarray:
        """Smoothed IDF over the origins indexed so far: ln((1 + N) / (1 + df)) + 1."""
        return (np.log1p(self.n_docs) + 1.0) - self._log_df[keys]

    def _tfidf_cos(self, feats: Features, story: StoryState) -> float:
        if not story.term_keys.size or not feats.term_keys.size:
            return 0.0
        a_w = feats.term_vals * self._idf(feats.term_keys)
        s_w = story.term_vals * self._idf(story.term_keys)
        _, ia, is_ = np.intersect1d(feats.term_keys, story.term_keys, assume_unique=True, return_indices=True)
        if not ia.size:
            return 0.0
        # elementwise products, not BLAS dot: on small vectors BLAS's threads cost more than the sum
        num = float(np.sum(a_w[ia] * s_w[is_]))
        return num / float(np.sqrt(np.sum(a_w * a_w)) * np.sqrt(np.sum(s_w * s_w)))

    @staticmethod
    def _day_gap(day: int | None, story: StoryState) -> float:
        if day is None or story.first_day is None or story.last_day is None:
            return 0.0
        return float(max(story.first_day - day, day - story.last_day, 0))

    def max_gap(self) -> float:
        """Days outside a story's span beyond which no article can reach the threshold
        (a score is at most 1 + w_tfidf before the time penalty)."""
        p = self.params
        if p.day_penalty <= 0:
            return float("inf")
        return p.grace_days + (1.0 + p.w_tfidf - p.threshold) / p.day_penalty

    def similarities(self, vectors: np.ndarray) -> np.ndarray:
        """Cosines of `vectors` (rows) to every origin indexed now: a hint for `assign`."""
        return vectors @ self._reps[: len(self._rep_story)].T

    def _candidates(self, vec: np.ndarray, day: int | None, known: np.ndarray | None = None) -> list[int]:
        n = len(self._rep_story)
        if n == 0:
            return []
        if known is not None and len(known) <= n:
            sims = np.concatenate([known, self._reps[len(known):n] @ vec])
        else:
            sims = self._reps[:n] @ vec
        if day is not None:
            far = np.abs(self._rep_day[:n] - day) > self.max_gap()  # NaN (undated) compares False
            sims = np.where(far, -np.inf, sims)
        k = min(self.params.neighbours, n)
        top = np.argpartition(-sims, k - 1)[:k] if k < n else np.arange(n)
        seen: dict[int, None] = {}
        for i in sorted(top.tolist(), key=lambda i: (-sims[i], i)):
            if np.isfinite(sims[i]):
                seen.setdefault(self._rep_story[i], None)
        return list(seen)

    def score(self, vec: np.ndarray, feats: Features, story: StoryState) -> float:
        p = self.params
        emb = float(np.sum(vec.astype(np.float64) * story.vec_sum)) / story.n_vec if story.n_vec else 0.0
        gap = self._day_gap(feats.day, story)
        return emb + p.w_tfidf * self._tfidf_cos(feats, story) - p.day_penalty * max(0.0, gap - p.grace_days)

    # -- updates -----------------------------------------------------------------
    def open_story(self, story_id: str, status: ArticleStatus) -> int:
        sid = story_id
        while sid in self._story_pos:  # one text twice under two keys: keep story ids unique
            sid = sid + "~"
        self.stories.append(StoryState(id=sid, status=status))
        self._story_pos[sid] = len(self.stories) - 1
        return len(self.stories) - 1

    def join(self, pos: int, key: str, origin: str, published: str | None) -> None:
        st = self.stories[pos]
        st.articles.append(key)
        st.origins.setdefault(origin, []).append(key)
        if published:
            st.published[key] = published
        self.story_of[key] = pos
        self.origin_of[key] = origin

    def add_representation(self, pos: int, key: str, title: str, feats: Features, vec: np.ndarray) -> None:
        st = self.stories[pos]
        st.vec_sum += vec.astype(np.float64)
        st.n_vec += 1
        st.term_keys, st.term_vals = _add_sparse(st.term_keys, st.term_vals, feats.term_keys, feats.term_vals)
        if st.term_keys.size > MAX_STORY_TERMS * 3 // 2:  # prune in steps: one sort per ~2,000 new terms
            keep = np.sort(np.lexsort((st.term_keys, -st.term_vals))[:MAX_STORY_TERMS])  # heaviest, then key
            st.term_keys, st.term_vals = st.term_keys[keep], st.term_vals[keep]
        if feats.day is not None:
            st.first_day = feats.day if st.first_day is None else min(st.first_day, feats.day)
            st.last_day = feats.day if st.last_day is None else max(st.last_day, feats.day)
        if title:
            st.titles[key] = title
        n = len(self._rep_story)
        if n == len(self._reps):
            cap = max(64, 2 * n)
            reps = np.zeros((cap, DIM), dtype=np.float32)
            days = np.full(cap, np.nan)
            reps[:n], days[:n] = self._reps[:n], self._rep_day[:n]
            self._reps, self._rep_day = reps, days
        self._reps[n] = vec
        self._rep_day[n] = np.nan if feats.day is None else feats.day
        self._rep_story.append(pos)
        self.rep_keys.append(key)
        self._rep_row[key] = n

    def count_terms(self, feats: Features) -> None:
        self.df[feats.term_keys] += 1
        self._log_df[feats.term_keys] = np.log1p(self.df[feats.term_keys])
        self.n_docs += 1

    def assign(self, article: Article, feats: Features, vector: VectorFn, *, key: str | None = None,
               match: tuple[str, float] | None | EllipsisType = ..., sims: np.ndarray | None = None,
               ) -> Assignment:
        """Put `article` in a story (see the module docstring); `vector(lead)` embeds on demand.
        `key` names the article inside the index (default: its id). `match` and `sims` are
        hints computed ahead by `cluster` (`prescan`, `similarities`): the near-duplicate
        match, and the cosines to the first `len(sims)` indexed origins."""
        key = key or article.id
        if key in self.story_of:
            raise ValueError(f"article {key!r} is already in the index")
        new_id = story_id_for(article)
        if feats.status == "empty":
            pos = self.open_story(new_id, "empty")
            self.join(pos, key, key, article.published)
            return Assignment(key, self.stories[pos].id, key, "empty", new_story=True)
        if match is ...:
            match = self.dedup.match(feats.sketch)
        if self.dedup.worth_indexing(feats.sketch, match):
            self.dedup.add(key, feats.sketch)
        if match is not None:
            pos = self.story_of[match[0]]
            origin = self.origin_of[match[0]]
            self.join(pos, key, origin, article.published)
            return Assignment(key, self.stories[pos].id, origin, feats.status, new_story=False,
                              copy_of=match[0], score=round(match[1], 4))
        if feats.status != "ok":
            pos = self.open_story(new_id, feats.status)
            self.join(pos, key, key, article.published)
            return Assignment(key, self.stories[pos].id, key, feats.status, new_story=True)
        vec = vector(feats.lead)
        self.count_terms(feats)
        scored = sorted(((self.score(vec, feats, self.stories[c]), c)
                         for c in self._candidates(vec, feats.day, sims)), key=lambda x: (-x[0], x[1]))
        cands = [(self.stories[c].id, round(s, 4)) for s, c in scored[:5]]
        joined = bool(scored) and scored[0][0] >= self.params.threshold
        pos = scored[0][1] if joined else self.open_story(new_id, "ok")
        self.join(pos, key, key, article.published)
        self.add_representation(pos, key, article.title, feats, vec)
        return Assignment(key, self.stories[pos].id, key, "ok", new_story=not joined,
                          score=round(scored[0][0], 4) if joined else None, candidates=cands)

    # -- restoring a stored index ---------------------------------------------------
    def replay(self, *, key: str, story_id: str, story_status: ArticleStatus, origin: str,
               published: str | None, title: str, feats: Features | None, vec: np.ndarray | None) -> None:
        """Redo one stored assignment without scoring it (members in their stored order).
        `feats` and `vec` are given for origins of status ok (they shape the story's
        representation); sketches are bulk-loaded into `dedup` by the caller."""
        pos = self._story_pos.get(story_id)
        if pos is None:
            self.stories.append(StoryState(id=story_id, status=story_status))
            pos = self._story_pos[story_id] = len(self.stories) - 1
        self.join(pos, key, origin, published)
        if feats is not None and vec is not None:
            self.count_terms(feats)
            self.add_representation(pos, key, title, feats, vec)

    # -- output ------------------------------------------------------------------
    def title_of(self, pos: int) -> str:
        st = self.stories[pos]
        if not st.titles:
            return ""
        if len(st.titles) == 1 or st.n_vec == 0:
            return next(iter(st.titles.values()))
        centre = st.vec_sum / max(np.linalg.norm(st.vec_sum), 1e-12)
        rows = self._rep_row
        best = max(st.titles, key=lambda k: (float(self._reps[rows[k]] @ centre) if k in rows else -1.0))
        return st.titles[best]

    def story(self, pos: int, names: dict[str, str] | None = None) -> Story:
        """The `Story` record of a story; `names` maps index keys to report ids."""
        st = self.stories[pos]

        def name(k: str) -> str:
            return names.get(k, k) if names else k

        dated = sorted((d for d in st.published.values() if valid_date(d)), key=lambda d: (d[:10], d))
        return Story(id=st.id, title=self.title_of(pos), articles=[name(a) for a in st.articles],
                     origins=[[name(a) for a in v] for v in st.origins.values()],
                     first_published=dated[0] if dated else None, last_published=dated[-1] if dated else None,
                     status=st.status)

    def all_stories(self, names: dict[str, str] | None = None) -> list[Story]:
        return [self.story(i, names) for i in range(len(self.stories))]


def valid_date(value: str) -> bool:
    """`value` starts with an ISO date (the part publication times are ordered by)."""
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True
