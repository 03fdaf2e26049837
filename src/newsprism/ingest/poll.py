"""Polling one RSS/Atom feed for the entries not taken before.

`poll_feed(state, fetcher=..., settings=..., untaken=...)` makes a conditional GET with
the validators of the last full response (ETag -> If-None-Match, Last-Modified ->
If-Modified-Since) through the polite `Fetcher` (robots.txt, per-host rate limit,
timeouts, size and redirect caps), reads the entries and keeps those `untaken` says are
new. Every failure of the feed (no answer, HTTP error, a redirect loop, not a feed, a
hostile feed, too many entries) is the poll's `error`, never an exception: a watcher
logs it and goes on with the next feed.

An entry's key is its link, else a hash of its text: the same entry polled again (or
after a restart) is recognised, whatever its position in the feed.

Most feeds carry a summary, not the article: `fetch_pages` replaces each new entry by the
page it links to (HTML, through the same fetcher), keeping the entry as it is when the
page cannot be had, so no entry is lost to a dead link.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from newsprism.config import Settings
from newsprism.ingest.errors import IngestError
from newsprism.ingest.feeds import read_feed
from newsprism.ingest.fetch import Fetcher
from newsprism.ingest.guards import check_text
from newsprism.models import FeedState, RawDocument, Rejection

__all__ = ["MAX_FEED_ENTRIES", "Poll", "entry_key", "fetch_pages", "poll_feed"]

log = logging.getLogger("newsprism.ingest")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

# A feed listing more entries than this is refused as a whole: news feeds list 10 to a
# few hundred; a feed of thousands is a dump or an attack, and would make one poll take
# hours at the polite per-host rate.
MAX_FEED_ENTRIES = 1_000


@dataclass(slots=True)
class Poll:
    state: FeedState  # the feed's state after this poll (validators, status, error)
    documents: list[RawDocument | Rejection] = field(default_factory=list)  # entries not taken before
    keys: list[str] = field(default_factory=list)  # their keys, in the same order
    listed: int = 0  # entries the feed listed

    @property
    def error(self) -> str | None:
        return self.state.error


def entry_key(item: RawDocument | Rejection) -> str:
    """The key an entry is recognised by across polls: its link, else a hash of its text."""
    if isinstance(item, RawDocument):
        if item.url:
            return item.url
        text = item.content if isinstance(item.content, str) else item.content.decode("utf-8", "replace")
        return "sha256:" + hashlib.sha256(f"{item.title}\n{text}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"rejected:{item.id}"


def poll_feed(state: FeedState, *, fetcher: Fetcher, settings: Settings,
              untaken: Callable[[Sequence[str]], list[str]]) -> Poll:
    """One poll of the feed at `state.url` (see the module docstring)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    try:
        page = fetcher.get(state.url, headers=headers)
        if page.status == 304:
            return Poll(replace(state, polled_at=now, status="unchanged", error=None))
        items = list(read_feed(page.body, label=state.url, item_prefix=state.url, origin=state.url,
                               settings=settings, headers=page.headers, ids_from_links=True))
    except IngestError as exc:  # FetchFailed, TooLarge, RobotsDisallowed, BadFeed, NoContent
        return Poll(replace(state, polled_at=now, status="error", error=f"{exc.reason}: {exc}"))
    if len(items) > MAX_FEED_ENTRIES:
        return Poll(replace(state, polled_at=now, status="error",
                            error=f"too-many-entries: the feed lists {len(items):,} entries, over the limit of "
                                  f"{MAX_FEED_ENTRIES:,} per poll; point the watcher at a smaller feed"),
                    listed=len(items))
    keyed = {entry_key(it): it for it in items}
    new = untaken(list(keyed))
    after = replace(state, etag=_header(page.headers, "etag"), last_modified=_header(page.headers, "last-modified"),
                    polled_at=now, status="changed" if new else "unchanged", error=None)
    return Poll(after, [keyed[k] for k in new], new, len(items))


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


def fetch_pages(items: Sequence[RawDocument | Rejection], *, fetcher: Fetcher) -> tuple[list[RawDocument | Rejection],
                                                                                         int]:
    """`items` with each entry that links to an HTML page replaced by that page (same id,
    title, source and date as the entry); returns them and how many pages replaced an entry."""
    out: list[RawDocument | Rejection] = []
    fetched = 0
    for item in items:
        if not isinstance(item, RawDocument) or not item.url or not item.url.startswith(("http://", "https://")):
            out.append(item)
            continue
        try:
            page = fetcher.get(item.url)
            if page.content_type not in _HTML_TYPES or not page.body.strip():
                raise IngestError(f"{item.url}: not an HTML page ({page.content_type or 'no content type'})")
            check_text(page.body, item.url)
        except IngestError as exc:
            log.info("entry %s: the feed's own text is kept (%s)", item.id, exc)
            out.append(item)
            continue
        out.append(replace(item, kind="html", content=page.body, url=page.url, encoding=page.charset))
        fetched += 1
    return out, fetched
