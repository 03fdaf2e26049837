"""`newsprism watch`: poll feeds on a schedule, store their new entries, update the
stories and analyse the ones that changed.

    with Store(url) as store:
        reports = watch_once(store, ["https://example.org/feed.xml"])

Each round polls every feed once (`ingest.poll.poll_feed`: conditional GET, the polite
fetcher), fetches the pages the new entries link to (`ingest.poll.fetch_pages`; an
entry whose page cannot be had keeps the feed's text), stores each feed's new entries as
one run (`pipeline.process`), records the
feed's validators and the entries taken (`Store.record_poll`), then updates the story
index (which queues the changed stories) and drains the analysis queue (`worker.work`,
which also raises and delivers the alerts of `newsprism.alerts`). The state lives in the
store, so a restarted watcher sends the last validators and takes no entry twice; one
killed between storing a feed's entries and recording the poll takes them again next
round, and the store keeps each article once.
One feed's failure is that feed's `error` in its report; the round goes on. Callbacks
follow a round as it goes (`on_feed` per feed, `on_work` per story taken) and sum it up
(`on_round`: a `RoundReport`); `newsprism watch` shows them.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from newsprism.alerts import AlertRules
from newsprism.config import Settings, load_settings
from newsprism.ingest.fetch import Fetcher
from newsprism.ingest.poll import fetch_pages, poll_feed
from newsprism.pipeline import index_stories, process
from newsprism.store import Store
from newsprism.worker import WorkDone, work

__all__ = ["FeedReport", "RoundReport", "feed_urls", "parse_every", "watch", "watch_once"]

log = logging.getLogger("newsprism.watch")


@dataclass(slots=True)
class FeedReport:
    url: str
    status: str  # changed | unchanged | error
    listed: int = 0  # entries the feed listed
    new: int = 0  # entries not taken before
    pages: int = 0  # of those, replaced by the page they link to
    stored: int = 0  # of those, stored as articles (the others rejected, with reasons in the run)
    run: int | None = None
    error: str | None = None


@dataclass(slots=True)
class RoundReport:
    """One round over the feeds, summed up."""

    feeds: int  # feeds polled
    failed: int  # of those, with an error
    new: int  # entries not taken before
    stored: int  # of those, stored as articles
    stories: int  # stories whose articles changed
    analysed: int  # stories this round's worker analysed
    seconds: float


def parse_every(text: str) -> float:
    """Seconds in '90s', '15m', '2h' or a plain number of seconds; ValueError otherwise.

    >>> parse_every("15m"), parse_every("45")
    (900.0, 45.0)
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text or "")
    if not m or float(m.group(1)) <= 0:
        raise ValueError(f"cannot read the interval {text!r}: write it as 90s, 15m or 2h")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]


def _is_url(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def feed_urls(args: Sequence[str]) -> list[str]:
    """The feed URLs named by `args`: URLs as they are, files read as one URL per line
    (blank lines and `#` comments skipped). ValueError names what is neither."""
    urls: list[str] = []
    for arg in args:
        if _is_url(arg):
            urls.append(arg.strip())
            continue
        path = Path(arg)
        if not path.is_file():
            raise ValueError(f"{arg!r} is neither an http(s) feed URL nor a file listing them")
        for n, line in enumerate(path.read_text("utf-8", "replace").splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not _is_url(line):
                raise ValueError(f"{arg}:{n}: {line[:200]!r} is not an http(s) URL")
            urls.append(line)
    return list(dict.fromkeys(urls))


def watch_once(store: Store, urls: Sequence[str], *, settings: Settings | None = None,
               fetcher: Fetcher | None = None, analyse: bool = True, pages: bool = True,
               alerts: AlertRules | None = None,
               on_feed: Callable[[FeedReport], None] | None = None,
               on_work: Callable[[WorkDone], None] | None = None,
               on_round: Callable[[RoundReport], None] | None = None) -> list[FeedReport]:
    """One round over `urls` (see the module docstring); one report per feed, in order."""
    started = time.monotonic()
    settings = settings or load_settings()
    own = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    reports = []
    try:
        for url in urls:
            report = _poll_one(store, url, settings, fetcher, pages)
            if report.error:
                log.warning("feed %s: %s", url, report.error)
            if on_feed is not None:
                on_feed(report)
            reports.append(report)
    finally:
        if own:
            fetcher.close()
    changed = 0
    if any(r.stored for r in reports):
        changed = len({st.id for st in index_stories(store).stories})  # queues the stories it changes
    taken: list[WorkDone] = []

    def done(d: WorkDone) -> None:
        taken.append(d)
        if on_work is not None:
            on_work(d)

    if analyse:
        work(store, once=True, on_done=done, settings=settings, alerts=alerts)
    if on_round is not None:
        on_round(RoundReport(len(reports), sum(r.error is not None for r in reports), sum(r.new for r in reports),
                             sum(r.stored for r in reports), changed,
                             sum(d.outcome == "analysed" for d in taken), time.monotonic() - started))
    return reports


def _poll_one(store: Store, url: str, settings: Settings, fetcher: Fetcher, pages: bool) -> FeedReport:
    poll = poll_feed(store.feed_state(url), fetcher=fetcher, settings=settings,
                     untaken=lambda keys: store.untaken_entries(url, keys))
    report = FeedReport(url, poll.state.status, poll.listed, len(poll.documents), error=poll.error)
    documents = poll.documents
    if documents and pages:
        documents, report.pages = fetch_pages(documents, fetcher=fetcher)
    if documents:
        result = process([url], store=store, settings=settings, documents=documents)
        report.run, report.stored = result.run.id, result.run.n_ok
    store.record_poll(poll.state, poll.keys)
    return report


def watch(store: Store, urls: Sequence[str], *, every_s: float, stop: threading.Event | None = None,
          settings: Settings | None = None, analyse: bool = True, pages: bool = True,
          alerts: AlertRules | None = None,
          on_feed: Callable[[FeedReport], None] | None = None,
          on_work: Callable[[WorkDone], None] | None = None,
          on_round: Callable[[RoundReport], None] | None = None) -> int:
    """Rounds of `watch_once` every `every_s` seconds until `stop` is set; returns how many ran."""
    stop = stop or threading.Event()
    settings = settings or load_settings()
    rounds = 0
    with Fetcher(settings) as fetcher:  # one fetcher: its per-host rate limit spans rounds
        while not stop.is_set():
            watch_once(store, urls, settings=settings, fetcher=fetcher, analyse=analyse, pages=pages, alerts=alerts,
                       on_feed=on_feed, on_work=on_work, on_round=on_round)
            rounds += 1
            stop.wait(every_s)
    return rounds
