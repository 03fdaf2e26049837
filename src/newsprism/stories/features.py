"""Per-article features the story stage compares: status, day, MinHash sketch, hashed
term frequencies, and the lead text the embedding reads."""

from __future__ import annotations

import math
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import numpy as np

from newsprism.models import Article
from newsprism.stories.dedup import Sketch, sketch
from newsprism.stories.eventdate import EventDate, event_date
from newsprism.stories.params import StoryParams, model_languages
from newsprism.stories.records import ArticleStatus
from newsprism.stories.text import fold, lead_text, words

__all__ = ["TERM_BUCKETS", "Features", "article_day", "detect_language", "featurize", "status_of", "stop_words",
           "term_bucket"]

# Terms are hashed (crc32) into this many buckets so that document frequencies fit one
# numpy array; at 2^20 buckets, collisions among the ~10^5 distinct words of a news day
# touch ~5 % of terms and only blur their IDF.
TERM_BUCKETS = 1 << 20


@dataclass(slots=True)
class Features:
    status: ArticleStatus
    day: int | None  # proleptic ordinal of the event day (`event`)
    sketch: Sketch
    term_keys: np.ndarray  # int32, sorted: hashed terms (stop words dropped)
    term_vals: np.ndarray  # float32: 1 + ln(tf) of each (float32: stored exactly in 4 bytes)
    lead: str  # headline + first words: what the embedding reads
    event: EventDate = field(default_factory=lambda: EventDate(None, "none"))
    language: str | None = None  # ISO 639-1, as given or detected; None: unknown
    reason: str = ""  # why the status is not ok, in words


@cache
def stop_words() -> frozenset[str]:
    from newsprism.stories.stopwords import ENGLISH_STOP_WORDS

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
    return _status(article, n_words, params)[0]


def _status(article: Article, n_words: int, params: StoryParams) -> tuple[ArticleStatus, str, str | None]:
    """(status, reason, language)."""
    if not article.text.strip():
        return "empty", "no text", None
    lang = (article.language or detect_language(article.text)).split("-")[0].lower()
    if n_words < params.min_words:
        return "too-short", f"{n_words} words of text, fewer than {params.min_words}", lang
    langs = model_languages(params)
    if lang not in langs:
        return ("other-language", f"language {lang!r} is not one the story model ({params.model}) reads: "
                f"{', '.join(langs)}; compared as a near-copy only", lang)
    return "ok", "", lang


def term_bucket(term: str) -> int:
    """The hashed bucket of a folded term."""
    return zlib.crc32(term.encode()) & (TERM_BUCKETS - 1)


def featurize(article: Article, params: StoryParams) -> Features:
    """Everything but the embedding (computed in batches, only for articles that need it)."""
    body = words(article.text)
    tokens = words(article.title) + body if article.title and not article.text.startswith(article.title) else body
    status, reason, lang = _status(article, len(body), params)
    stop = stop_words()
    counts = Counter(t for t in tokens if len(t) > 1 and t not in stop)
    terms: dict[int, float] = {}
    for term, n in counts.items():
        b = term_bucket(term)
        terms[b] = terms.get(b, 0.0) + 1.0 + math.log(n)
    keys = np.fromiter(sorted(terms), dtype=np.int32, count=len(terms))
    vals = np.fromiter((terms[k] for k in keys.tolist()), dtype=np.float32, count=len(terms))
    # Copies are recognised by their body: syndicators rewrite headlines more than text.
    event = event_date(article.title, article.text, article.published)
    return Features(status=status, day=event.day, sketch=sketch(body), term_keys=keys,
                    term_vals=vals, lead=lead_text(article.title, article.text, params.lead_words), event=event,
                    language=lang, reason=reason)
