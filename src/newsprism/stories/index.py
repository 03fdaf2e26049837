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
from dataclasses import dataclass, field, replace
from datetime import date
from types import EllipsisType

import numpy as np

from newsprism.models import Article
from newsprism.stories.dedup import NearDuplicates
from newsprism.stories.embed import COMBINED, MINILM_DIM, story_dim
from newsprism.stories.eventdate import nearest_day
from newsprism.stories.features import TERM_BUCKETS, Features, stop_words, term_bucket
from newsprism.stories.params import StoryParams
from newsprism.stories.records import ArticleFacts, ArticleStatus, Assignment, Story
from newsprism.stories.titles import first_sentence, neutral_title

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
    vec_sum: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))  # sized on first use
    n_vec: int = 0
    term_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    term_vals: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    first_day: int | None = None
    last_day: int | None = None
    languages: dict[str, int] = field(default_factory=dict)  # origins per language
    facts: dict[str, ArticleFacts] = field(default_factory=dict)  # article key -> what was read off it
    first_sentences: dict[str, str] = field(default_factory=dict)  # origin key -> its lead's first sentence
    origin_terms: dict[str, np.ndarray] = field(default_factory=dict)  # origin key -> its hashed terms


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
        self.dim = story_dim(self.params)
        self.split = MINILM_DIM if self.params.model == COMBINED else None  # where the USE half starts
        self.dedup = NearDuplicates()
        self.stories: list[StoryState] = []
        self._story_pos: dict[str, int] = {}
        self.story_of: dict[str, int] = {}  # article key -> position in self.stories
        self.origin_of: dict[str, str] = {}
        self.df = np.zeros(TERM_BUCKETS, dtype=np.int32)
        self._log_df = np.zeros(TERM_BUCKETS, dtype=np.float64)  # log(1 + df), kept up to date
        self.n_docs = 0
        self._reps = np.zeros((0, self.dim), dtype=np.float32)  # origin vectors, capacity-doubled
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
    def event_day(feats: Features, story: StoryState) -> int | None:
        """The article's event day as seen from `story`: a month-day without a year takes
        the year that puts it nearest the story's dates."""
        if feats.day is not None:
            return feats.day
        md = feats.event.month_day
        if md is None or story.first_day is None or story.last_day is None:
            return None
        return nearest_day(md, story.first_day, story.last_day)

    def _date_penalty(self, feats: Features, story: StoryState) -> float:
        p = self.params
        story_dated = story.first_day is not None and story.last_day is not None
        article_dated = feats.day is not None or feats.event.month_day is not None
        if not (story_dated and article_dated):
            # one side dated, the other not: the gap is unknown, which costs a fixed amount
            return p.undated_penalty if article_dated and not story_dated and story.n_vec else 0.0
        day = self.event_day(feats, story)
        assert day is not None and story.first_day is not None and story.last_day is not None
        gap = float(max(story.first_day - day, day - story.last_day, 0))
        return p.day_penalty * max(0.0, gap - p.grace_days)

    def _emb(self, vec: np.ndarray, feats: Features, story: StoryState, cross: bool) -> float:
        """Mean cosine of `vec` to the story's origins; with combined vectors ([MiniLM |
        USE] / sqrt(2)), of the MiniLM halves between English texts, else of the USE halves."""
        if not story.n_vec:
            return 0.0
        if self.split is None:
            return float(np.sum(vec.astype(np.float64) * story.vec_sum)) / story.n_vec
        english = not cross and feats.language in (None, "en")
        part = slice(0, self.split) if english else slice(self.split, None)
        return 2.0 * float(np.sum(vec[part].astype(np.float64) * story.vec_sum[part])) / story.n_vec

    def cross_language(self, feats: Features, story: StoryState) -> bool:
        """The article's language is none of the story's origins' (TF-IDF sees no shared words)."""
        return bool(feats.language and story.languages and feats.language not in story.languages)

    def max_gap(self) -> float:
        """Days outside a story's span beyond which no article can reach the threshold
        (a score is at most 1 + w_tfidf before the time penalty, 1 + threshold -
        cross_threshold across languages)."""
        p = self.params
        if p.day_penalty <= 0:
            return float("inf")
        best = 1.0 + max(p.w_tfidf, p.threshold - p.cross_threshold)
        return p.grace_days + (best - p.threshold) / p.day_penalty

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
        """Same language: embedding + w_tfidf x TF-IDF - date penalty. Across languages the
        TF-IDF cosine measures only shared names, so the embedding alone is held to
        `cross_threshold` (shifted onto the same scale: the score passes `threshold`
        exactly when the embedding passes `cross_threshold`)."""
        p = self.params
        cross = self.cross_language(feats, story)
        emb = self._emb(vec, feats, story, cross)
        if cross:
            base = emb + p.threshold - p.cross_threshold
        else:
            base = emb + p.w_tfidf * self._tfidf_cos(feats, story)
        return base - self._date_penalty(feats, story)

    # -- updates -----------------------------------------------------------------
    def open_story(self, story_id: str, status: ArticleStatus) -> int:
        sid = story_id
        while sid in self._story_pos:  # one text twice under two keys: keep story ids unique
            sid = sid + "~"
        self.stories.append(StoryState(id=sid, status=status))
        self._story_pos[sid] = len(self.stories) - 1
        return len(self.stories) - 1

    def join(self, pos: int, key: str, origin: str, published: str | None, feats: Features | None = None) -> None:
        st = self.stories[pos]
        if feats is not None:
            ev = feats.event.to_report()
            st.facts[key] = ArticleFacts(key, feats.language, ev["value"], feats.event.source, ev["evidence"],
                                         feats.status, feats.reason or None)
        st.articles.append(key)
        st.origins.setdefault(origin, []).append(key)
        if published:
            st.published[key] = published
        self.story_of[key] = pos
        self.origin_of[key] = origin

    def add_representation(self, pos: int, key: str, title: str, feats: Features, vec: np.ndarray) -> None:
        st = self.stories[pos]
        day = self.event_day(feats, st)
        if vec.shape != (self.dim,):
            raise ValueError(f"a lead vector of shape {vec.shape} for an index of {self.dim}-dimensional vectors "
                             f"(model {self.params.model!r}): the encoder does not match the settings")
        st.vec_sum = st.vec_sum + vec.astype(np.float64) if st.vec_sum.size else vec.astype(np.float64)
        st.n_vec += 1
        st.term_keys, st.term_vals = _add_sparse(st.term_keys, st.term_vals, feats.term_keys, feats.term_vals)
        if st.term_keys.size > MAX_STORY_TERMS * 3 // 2:  # prune in steps: one sort per ~2,000 new terms
            keep = np.sort(np.lexsort((st.term_keys, -st.term_vals))[:MAX_STORY_TERMS])  # heaviest, then key
            st.term_keys, st.term_vals = st.term_keys[keep], st.term_vals[keep]
        if day is not None:
            st.first_day = day if st.first_day is None else min(st.first_day, day)
            st.last_day = day if st.last_day is None else max(st.last_day, day)
        if feats.language:
            st.languages[feats.language] = st.languages.get(feats.language, 0) + 1
        if title:
            st.titles[key] = title
        first = first_sentence(feats.lead, title)
        if first:
            st.first_sentences[key] = first
        st.origin_terms[key] = feats.term_keys
        n = len(self._rep_story)
        if n == len(self._reps):
            cap = max(64, 2 * n)
            reps = np.zeros((cap, self.dim), dtype=np.float32)
            days = np.full(cap, np.nan)
            reps[:n], days[:n] = self._reps[:n], self._rep_day[:n]
            self._reps, self._rep_day = reps, days
        self._reps[n] = vec
        self._rep_day[n] = np.nan if day is None else day
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
            self.join(pos, key, key, article.published, feats)
            return Assignment(key, self.stories[pos].id, key, "empty", new_story=True)
        if match is ...:
            match = self.dedup.match(feats.sketch)
        if self.dedup.worth_indexing(feats.sketch, match):
            self.dedup.add(key, feats.sketch)
        if match is not None:
            pos = self.story_of[match[0]]
            origin = self.origin_of[match[0]]
            self.join(pos, key, origin, article.published, feats)
            return Assignment(key, self.stories[pos].id, origin, feats.status, new_story=False,
                              copy_of=match[0], score=round(match[1], 4))
        if feats.status != "ok":
            pos = self.open_story(new_id, feats.status)
            self.join(pos, key, key, article.published, feats)
            return Assignment(key, self.stories[pos].id, key, feats.status, new_story=True)
        vec = vector(feats.lead)
        self.count_terms(feats)
        scored = sorted(((self.score(vec, feats, self.stories[c]), c)
                         for c in self._candidates(vec, feats.day, sims)), key=lambda x: (-x[0], x[1]))
        cands = [(self.stories[c].id, round(s, 4)) for s, c in scored[:5]]
        joined = bool(scored) and scored[0][0] >= self.params.threshold
        pos = scored[0][1] if joined else self.open_story(new_id, "ok")
        self.join(pos, key, key, article.published, feats)
        self.add_representation(pos, key, article.title, feats, vec)
        return Assignment(key, self.stories[pos].id, key, "ok", new_story=not joined,
                          score=round(scored[0][0], 4) if joined else None, candidates=cands)

    # -- restoring a stored index ---------------------------------------------------
    def replay(self, *, key: str, story_id: str, story_status: ArticleStatus, origin: str,
               published: str | None, title: str, feats: Features | None, vec: np.ndarray | None,
               language: str | None = None) -> None:
        """Redo one stored assignment without scoring it (members in their stored order).
        `feats` and `vec` are given for origins of status ok (they shape the story's
        representation); sketches are bulk-loaded into `dedup` by the caller. `language`
        (the article's) lets later articles be compared across languages with the story;
        a store that does not pass it restores stories that count as language-less."""
        if feats is not None and language and not feats.language:
            feats.language = language
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
        """A neutral factual title (stories.titles) when the story has two origins or more,
        else (or when no line qualifies) the headline nearest the story's centre."""
        st = self.stories[pos]
        if len(st.origin_terms) >= 2:
            words = {k: set(v.tolist()) for k, v in st.origin_terms.items()}
            best = neutral_title(st.titles, st.first_sentences, words, stop_words(), key=term_bucket)
            if best:
                return best
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
        members = [replace(st.facts[a], article=name(a)) for a in st.articles if a in st.facts]
        return Story(id=st.id, title=self.title_of(pos), articles=[name(a) for a in st.articles],
                     origins=[[name(a) for a in v] for v in st.origins.values()],
                     first_published=dated[0] if dated else None, last_published=dated[-1] if dated else None,
                     status=st.status, members=members,
                     first_event=date.fromordinal(st.first_day).isoformat() if st.first_day else None,
                     last_event=date.fromordinal(st.last_day).isoformat() if st.last_day else None)

    def all_stories(self, names: dict[str, str] | None = None) -> list[Story]:
        return [self.story(i, names) for i in range(len(self.stories))]


def valid_date(value: str) -> bool:
    """`value` starts with an ISO date (the part publication times are ordered by)."""
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True
