"""Per-article features the story stage compares: status, day, MinHash sketch, hashed
term frequencies, and the lead text the embedding reads."""

from __future__ import annotations

import math
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np

from newsprism.models import Article
from newsprism.stories.dedup import Sketch, sketch
from newsprism.stories.params import StoryParams
from newsprism.stories.records import ArticleStatus
from newsprism.stories.text import fold, lead_text, words

__all__ = ["TERM_BUCKETS", "Features", "article_day", "detect_language", "featurize", "status_of"]

# Terms are hashed (crc32) into this many buckets so that document frequencies fit one
# numpy array; at 2^20 buckets, collisions among the ~10^5 distinct words of a news day
# touch ~5 % of terms and only blur their IDF.
TERM_BUCKETS = 1 << 20


@dataclass(slots=True)
class Features:
    status: ArticleStatus
    day: int | None  # proleptic ordinal of the publication date
    sketch: Sketch
    term_keys: np.ndarray  # int32, sorted: hashed terms (stop words dropped)
    term_vals: np.ndarray  # float32: 1 + ln(tf) of each (float32: stored exactly in 4 bytes)
    lead: str  # headline + first words: what the embedding reads


@cache
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(fold(w) for w in ENGLISH_STOP_WORDS)


def article_day(published: str | None) -> int | None:
    """The date of an ISO 8601 date or datetime as an ordinal; None when absent or unreadable."""
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


def detect_language(text: str) -> str:
    import py3langid

    return str(py3langid.classify(text[:2000])[0])


def status_of(article: Article, n_words: int, params: StoryParams) -> ArticleStatus:
    if not article.text.strip():
        return "empty"
    if n_words < params.min_words:
        return "too-short"
    lang = article.language or detect_language(article.text)
    if params.languages and lang.split("-")[0].lower() not in params.languages:
        return "other-language"
    return "ok"


def _bucket(term: str) -> int:
    return zlib.crc32(term.encode()) & (TERM_BUCKETS - 1)


def featurize(article: Article, params: StoryParams) -> Features:
    """Everything but the embedding (computed in batches, only for articles that need it)."""
    body = words(article.text)
    tokens = words(article.title) + body if article.title and not article.text.startswith(article.title) else body
    status = status_of(article, len(body), params)
    stop = _stop_words()
    counts = Counter(t for t in tokens if len(t) > 1 and t not in stop)
    terms: dict[int, float] = {}
    for term, n in counts.items():
        b = _bucket(term)
        terms[b] = terms.get(b, 0.0) + 1.0 + math.log(n)
    keys = np.fromiter(sorted(terms), dtype=np.int32, count=len(terms))
    vals = np.fromiter((terms[k] for k in keys.tolist()), dtype=np.float32, count=len(terms))
    # Copies are recognised by their body: syndicators rewrite headlines more than text.
    return Features(status=status, day=article_day(article.published), sketch=sketch(body), term_keys=keys,
                    term_vals=vals, lead=lead_text(article.title, article.text, params.lead_words))
