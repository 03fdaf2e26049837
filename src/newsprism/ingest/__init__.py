"""ingest: paths, URLs, feeds, WARC and JSONL -> `RawDocument`s, or `Rejection`s saying why.

    for item in ingest(["reports/", "https://example.com/story", "feed.xml"]):
        ...  # RawDocument -> clean; Rejection -> report, with item.reason and item.detail

Every input is accounted for: it yields documents, or rejections with a reason code
(see `newsprism.ingest.errors`), and one bad input never stops the batch. Records
that are not articles at all (WARC requests, images, redirects) and hidden files
inside directories are skipped and counted in `IngestStats.skipped`. Every item's
metadata can be stored: `newsprism.clean.fields` removes NULs and lone surrogates (a
file name that is not UTF-8 keeps its bytes as ``\\xNN``) and cuts over-long ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import httpx

from newsprism.clean import fields
from newsprism.config import Settings, load_settings
from newsprism.ingest.discover import Source, SourceKind, discover
from newsprism.ingest.errors import REASONS, IngestError
from newsprism.ingest.fetch import Fetcher
from newsprism.ingest.read import read_source
from newsprism.models import RawDocument, Rejection

__all__ = [
    "REASONS",
    "Fetcher",
    "IngestError",
    "IngestStats",
    "Source",
    "SourceKind",
    "discover",
    "ingest",
    "read_source",
]


@dataclass(slots=True)
class IngestStats:
    """What one `ingest` run read, rejected (by reason) and skipped (by reason)."""

    sources: int = 0
    documents: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    def skip(self, why: str) -> None:
        self.skipped[why] += 1


def ingest(
    inputs: Iterable[str],
    *,
    settings: Settings | None = None,
    client: httpx.Client | None = None,
    stats: IngestStats | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[RawDocument | Rejection]:
    """Discover `inputs` now, then read each one, lazily, in order.

    `client` is used for URLs (and left open); without it one is made if any input is
    a URL, and closed at the end. `stats`, if given, is updated as items go by;
    `progress(sources done, sources total)` is called after each source.
    Ids are unique across the run: a repeated id gets a suffix (`story~2`).
    """
    settings = settings or load_settings()
    stats = stats if stats is not None else IngestStats()
    sources = discover(inputs, settings, on_skip=lambda _path, why: stats.skip(why))  # eager: errors now
    return _read_all(sources, settings, client, stats, progress)


def _read_all(
    sources: list[Source],
    settings: Settings,
    client: httpx.Client | None,
    stats: IngestStats,
    progress: Callable[[int, int], None] | None,
) -> Iterator[RawDocument | Rejection]:
    # One fetcher for the whole run keeps the per-host interval and robots.txt cache across URLs.
    needs_fetcher = any(s.is_url for s in sources)
    fetcher = Fetcher(settings, client, obey_robots=settings.fetch_obey_robots) if needs_fetcher else None
    used: set[str] = set()
    try:
        for source in sources:
            stats.sources += 1
            for item in read_source(source, settings, fetcher=fetcher, skip=stats.skip):
                if isinstance(item, Rejection):
                    fields.rejection(item)
                else:
                    fields.document(item)
                item.id = _unique(item.id, used)
                if isinstance(item, Rejection):
                    stats.rejected[item.reason] += 1
                else:
                    stats.documents += 1
                yield item
            if progress:
                progress(stats.sources, len(sources))
    finally:
        if fetcher is not None:
            fetcher.close()


def _unique(item_id: str, used: set[str]) -> str:
    candidate, n = item_id, 1
    while candidate in used:
        n += 1
        candidate = f"{item_id}~{n}"
    used.add(candidate)
    return candidate
