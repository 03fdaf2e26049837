"""Typed records passed between pipeline stages.

ingest  -> RawDocument | Rejection
clean   -> Article | Rejection
store   <- Article, Rejection
report  <- Article, Rejection
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DocumentKind = Literal["text", "html"]


@dataclass(slots=True)
class RawDocument:
    """One input item as read, before cleaning.

    `id` is the article id of the report: the file stem for single-article files,
    `stem:N` for the N-th (1-based) record of a JSONL/WARC/feed file, the URL for
    fetched pages.
    """

    id: str
    origin: str  # path or URL the item was read from (with #N for multi-record files)
    kind: DocumentKind
    content: str | bytes  # text (kind="text") or HTML bytes/str (kind="html")
    url: str | None = None
    title: str | None = None
    source: str | None = None  # outlet, when the input names it
    published: str | None = None  # ISO 8601 date or datetime, when the input gives it
    encoding: str | None = None  # declared encoding (HTTP header, WARC), a hint only


@dataclass(slots=True)
class Rejection:
    """An input item that did not become an article, and why.

    `reason` is a short stable code (`empty`, `binary`, `too-large`, `bad-encoding`,
    `bad-json`, `bad-warc`, `bad-feed`, `fetch-failed`, `no-content`, ...; `store-error`
    at stage `store` when the database refused the item);
    `detail` says in words what was wrong and, where possible, how to fix it.
    """

    id: str
    origin: str
    stage: Literal["ingest", "clean", "store"]
    reason: str
    detail: str


@dataclass(slots=True)
class Removed:
    """A span of input the cleaner dropped, with the rule that dropped it."""

    text: str
    reason: str  # e.g. error-page, disclaimer, widget, link-list, repeated, promo, metadata


@dataclass(slots=True)
class Article:
    """A cleaned article: the unit every later stage reads."""

    id: str
    origin: str
    source: str
    title: str
    text: str  # clean text; every offset in the report indexes this string
    url: str | None = None
    published: str | None = None
    language: str | None = None
    word_count: int = 0
    content_hash: str = ""
    removed: list[Removed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # non-fatal warnings


@dataclass(slots=True)
class IndexMember:
    """One article's place in the story index, as the store keeps it (see
    `newsprism.store.stories`): the stories stage makes these for new assignments and
    restores its index from them. Blobs are little-endian arrays: `vector` float32 (the
    lead vector, origins only), `sketch` uint32 (MinHash), `terms` int32 keys then
    float32 values. The fields after `terms` are filled when read back."""

    article_pk: int
    key: str  # content hash of the article
    story_id: str
    story_status: str
    origin: str  # content hash of the first article of its origin
    copy_of: str | None
    status: str
    day: int | None
    sketch_size: int
    vector: bytes | None = None
    sketch: bytes | None = None
    terms: bytes | None = None
    score: float | None = None
    seq: int = -1
    article_id: str = ""
    title: str = ""
    published: str | None = None
    problem: str | None = None  # why the stored row fails the store's checks


@dataclass(slots=True)
class FeedState:
    """What a feed watcher keeps about one feed between polls (and restarts): the
    validators of its last full response, for a conditional GET, and how the last poll
    went. The entries already taken are kept by the store, by key."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    polled_at: str | None = None  # ISO 8601, UTC
    status: str = "new"  # new | changed | unchanged | error
    error: str | None = None
    entries: int = 0  # entries taken from it so far


@dataclass(slots=True)
class Alert:
    """One alert a rule raised (see `newsprism.alerts`). `key` names what it is about (the
    rule, the story, the contradiction...) so that the store keeps it once, however often
    the story is analysed again."""

    key: str
    rule: str  # contradiction | origins | entity
    story_id: str
    title: str
    summary: str
    created_at: str = ""  # ISO 8601, UTC; set by the store
    details: dict = field(default_factory=dict)
