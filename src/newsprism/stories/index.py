"""The story index: story representations that one article at a time is assigned against.

Batch clustering (`cluster_stories`) and incremental assignment (`newsprism add`) run
the same `StoryIndex.assign` over articles in input order, so on the same input order
they form the same stories; the only difference is numerical (a vector computed alone
vs in a padded batch differs by < 1e-6 in cosine), which `tests/test_stories_index.py`
checks never changes an assignment on the development set.

For each article, in order:

1. an empty article opens a story of its own (status `empty`);
2. a near-duplicate of an indexed article (`dedup`) joins that article's origin and
   story, whatever its status: copies are one voice and never scored;
3. an article that is not `ok` (too short, other language) opens a story of its own;
4. otherwise it is scored against the stories of its `neighbours` nearest origins
   (embedding cosine) and joins the best one at `score >= threshold`, or opens one.

A story is represented by its origins only (the first article of each near-duplicate
group): the sum of their lead embeddings (mean cosine to the origins is one dot
product), the sum of their term frequencies, and their publication span. Document
frequencies also count origins only, so forty copies of a wire story weigh as one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from newsprism.models import Article
from newsprism.stories.dedup import NearDuplicates
from newsprism.stories.embed import DIM
from newsprism.stories.features import TERM_BUCKETS, Features, term_arrays
from newsprism.stories.params import StoryParams
from newsprism.stories.records import ArticleStatus, Assignment, Story

__all__ = ["StoryIndex", "story_id_for"]

VectorFn = Callable[[str], np.ndarray]


def story_id_for(article: Article) -> str:
    """A story's id: derived from its first article, so stable across runs and stores."""
    basis = article.content_hash or hashlib.sha256(article.text.encode()).hexdigest()
    return "st-" + basis[:12]


@dataclass(slots=True)
class _StoryState:
    id: str
    status: ArticleStatus
    articles: list[str] = field(default_factory=list)
    origins: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # origin id -> headline
    published: dict[str, str] = field(default_factory=dict)  # article id -> published
    vec_sum: np.ndarray = field(default_factory=lambda: np.zeros(DIM, dtype=np.float64))
    n_vec: int = 0
    terms: dict[int, float] = field(default_factory=dict)
    first_day: int | None = None
    last_day: int | None = None


class StoryIndex:
    """In-memory story representations; the store persists and reloads them (`store.stories`)."""

    def __init__(self, params: StoryParams | None = None) -> None:
        self.params = params or StoryParams()
        self.dedup = NearDuplicates()
        self.stories: list[_StoryState] = []
        self._story_pos: dict[str, int] = {}
        self.story_of: dict[str, int] = {}  # article id -> position in self.stories
        self.origin_of: dict[str, str] = {}
        self.df = np.zeros(TERM_BUCKETS, dtype=np.int32)
        self.n_docs = 0
        self._reps = np.zeros((0, DIM), dtype=np.float32)  # origin vectors, capacity-doubled
        self._rep_story: list[int] = []
        self.vectors: dict[str, np.ndarray] = {}  # origin id -> lead vector

    def __len__(self) -> int:
        return len(self.story_of)

    # -- scoring -----------------------------------------------------------------
    def _idf(self, keys: np.ndarray) -> np.ndarray:
        return np.log((1.0 + self.n_docs) / (1.0 + self.df[keys])) + 1.0

    def _tfidf_cos(self, a_keys: np.ndarray, a_w: np.ndarray, story: _StoryState) -> float:
        if not story.terms or not a_keys.size:
            return 0.0
        s_keys, s_vals = term_arrays(story.terms)
        s_w = s_vals * self._idf(s_keys)
        common, ia, is_ = np.intersect1d(a_keys, s_keys, assume_unique=True, return_indices=True)
        if not common.size:
            return 0.0
        return float(a_w[ia] @ s_w[is_] / (np.linalg.norm(a_w) * np.linalg.norm(s_w)))

    def _day_gap(self, day: int | None, story: _StoryState) -> float:
        if day is None or story.first_day is None or story.last_day is None:
            return 0.0
        return float(max(story.first_day - day, day - story.last_day, 0))

    def _candidates(self, vec: np.ndarray) -> list[int]:
        n = len(self._rep_story)
        if n == 0:
            return []
        sims = self._reps[:n] @ vec
        k = min(self.params.neighbours, n)
        top = np.argpartition(-sims, k - 1)[:k] if k < n else np.arange(n)
        seen: dict[int, None] = {}
        for i in sorted(top.tolist(), key=lambda i: (-sims[i], i)):
            seen.setdefault(self._rep_story[i], None)
        return list(seen)

    def score(self, vec: np.ndarray, feats: Features, story: _StoryState) -> float:
        p = self.params
        emb = float(vec.astype(np.float64) @ story.vec_sum) / story.n_vec if story.n_vec else 0.0
        a_keys, a_vals = term_arrays(feats.terms)
        order = np.argsort(a_keys)
        a_keys, a_vals = a_keys[order], a_vals[order]
        tfidf = self._tfidf_cos(a_keys, a_vals * self._idf(a_keys), story)
        gap = self._day_gap(feats.day, story)
        return emb + p.w_tfidf * tfidf - p.day_penalty * max(0.0, gap - p.grace_days)

    # -- updates -----------------------------------------------------------------
    def _new_story(self, article: Article, status: ArticleStatus) -> int:
        sid = story_id_for(article)
        while sid in self._story_pos:  # same text twice under different ids: keep ids unique
            sid = sid + "~"
        self.stories.append(_StoryState(id=sid, status=status))
        self._story_pos[sid] = len(self.stories) - 1
        return len(self.stories) - 1

    def _join(self, pos: int, article: Article, origin: str) -> None:
        st = self.stories[pos]
        st.articles.append(article.id)
        st.origins.setdefault(origin, []).append(article.id)
        if article.published:
            st.published[article.id] = article.published
        self.story_of[article.id] = pos
        self.origin_of[article.id] = origin

    def _add_representation(self, pos: int, article: Article, feats: Features, vec: np.ndarray) -> None:
        st = self.stories[pos]
        st.vec_sum += vec.astype(np.float64)
        st.n_vec += 1
        for k, v in feats.terms.items():
            st.terms[k] = st.terms.get(k, 0.0) + v
        if feats.day is not None:
            st.first_day = feats.day if st.first_day is None else min(st.first_day, feats.day)
            st.last_day = feats.day if st.last_day is None else max(st.last_day, feats.day)
        if article.title:
            st.titles[article.id] = article.title
        n = len(self._rep_story)
        if n == len(self._reps):
            grown = np.zeros((max(64, 2 * n), DIM), dtype=np.float32)
            grown[:n] = self._reps[:n]
            self._reps = grown
        self._reps[n] = vec
        self._rep_story.append(pos)
        self.vectors[article.id] = vec

    def _count_terms(self, feats: Features) -> None:
        if feats.terms:
            keys = np.fromiter(feats.terms.keys(), dtype=np.int64, count=len(feats.terms))
            self.df[keys] += 1
        self.n_docs += 1

    def assign(self, article: Article, feats: Features, vector: VectorFn) -> Assignment:
        """Put `article` in a story (see the module docstring); `vector(lead)` embeds on demand."""
        if article.id in self.story_of:
            raise ValueError(f"article {article.id!r} is already in the index")
        if feats.status == "empty":
            pos = self._new_story(article, "empty")
            self._join(pos, article, article.id)
            return Assignment(article.id, self.stories[pos].id, article.id, "empty", new_story=True)
        match = self.dedup.match(feats.sketch)
        self.dedup.add(article.id, feats.sketch)
        if match is not None:
            pos = self.story_of[match[0]]
            origin = self.origin_of[match[0]]
            self._join(pos, article, origin)
            return Assignment(article.id, self.stories[pos].id, origin, feats.status, new_story=False,
                              copy_of=match[0], score=round(match[1], 4))
        if feats.status != "ok":
            pos = self._new_story(article, feats.status)
            self._join(pos, article, article.id)
            return Assignment(article.id, self.stories[pos].id, article.id, feats.status, new_story=True)
        vec = vector(feats.lead)
        self._count_terms(feats)
        scored = sorted(((self.score(vec, feats, self.stories[c]), c) for c in self._candidates(vec)),
                        key=lambda x: (-x[0], x[1]))
        cands = [(self.stories[c].id, round(s, 4)) for s, c in scored[:5]]
        if scored and scored[0][0] >= self.params.threshold:
            best, pos = scored[0]
            self._join(pos, article, article.id)
            self._add_representation(pos, article, feats, vec)
            return Assignment(article.id, self.stories[pos].id, article.id, "ok", new_story=False,
                              score=round(best, 4), candidates=cands)
        pos = self._new_story(article, "ok")
        self._join(pos, article, article.id)
        self._add_representation(pos, article, feats, vec)
        return Assignment(article.id, self.stories[pos].id, article.id, "ok", new_story=True, candidates=cands)

    # -- output ------------------------------------------------------------------
    def _title(self, st: _StoryState) -> str:
        if not st.titles:
            return ""
        if len(st.titles) == 1 or st.n_vec == 0:
            return next(iter(st.titles.values()))
        centre = st.vec_sum / max(np.linalg.norm(st.vec_sum), 1e-12)
        best = max(st.titles, key=lambda a: (float(self.vectors[a] @ centre) if a in self.vectors else -1.0))
        return st.titles[best]

    def story(self, pos: int) -> Story:
        st = self.stories[pos]
        dates = sorted(st.published.values(), key=lambda d: (d[:10], d))
        dated = [d for d in dates if _valid_date(d)]
        return Story(id=st.id, title=self._title(st), articles=list(st.articles),
                     origins=[list(v) for v in st.origins.values()],
                     first_published=dated[0] if dated else None, last_published=dated[-1] if dated else None,
                     status=st.status)

    def all_stories(self) -> list[Story]:
        return [self.story(i) for i in range(len(self.stories))]


def _valid_date(value: str) -> bool:
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True

