"""`newsprism watch` against a local HTTP feed feed_server (127.0.0.1 only) whose feed changes
between polls: new entries stored once, conditional GET answered 304, the story updated
and analysed again, state kept across restarts, and every kind of bad feed a per-feed
error while the round goes on; on SQLite and, with NEWSPRISM_TEST_PG, PostgreSQL."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.config import load_settings
from newsprism.ingest.poll import MAX_FEED_ENTRIES
from newsprism.store import Store
from newsprism.watch import feed_urls, parse_every, watch_once

from .feed_support import ARTICLES, FeedServer
from .store_support import run_cli


def _settings(db: str):  # type: ignore[no-untyped-def]
    return load_settings(db=db, fetch_host_interval=0.0, fetch_timeout=1.0, fetch_max_redirects=3)


def test_feeds_are_polled_stored_once_and_their_story_analysed(db_url: str, feed_server: FeedServer,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    """On SQLite, and on PostgreSQL when NEWSPRISM_TEST_PG is set (`db_url`, marked `postgres`)."""
    db = db_url
    settings = _settings(db)
    feed = f"{feed_server.base}/feed.xml"
    bad = {name: f"{feed_server.base}/{name}.xml" for name in ("error", "page", "loop", "slow", "huge")}
    feed_server.publish(ARTICLES[:3], '"v1"')
    with caplog.at_level(logging.WARNING, logger="newsprism.watch"), Store(db) as store:
        reports = {r.url: r for r in watch_once(store, [*bad.values(), feed], settings=settings)}
        assert (reports[feed].status, reports[feed].new, reports[feed].stored) == ("changed", 3, 3)
        assert "HTTP 500" in reports[bad["error"]].error
        assert reports[bad["page"]].error.startswith("bad-feed")
        assert "too many redirects" in reports[bad["loop"]].error
        assert "no answer within" in reports[bad["slow"]].error
        assert reports[bad["huge"]].error.startswith("too-many-entries") and str(MAX_FEED_ENTRIES) in \
            reports[bad["huge"]].error.replace(",", "")
        assert all(f"feed {u}" in caplog.text for u in bad.values())  # one line per failing feed
        assert store.count_articles() == 3
        # the same feed again: a conditional GET answered 304, nothing new
        [again] = watch_once(store, [feed], settings=settings)
        assert (again.status, again.new) == ("unchanged", 0)
        assert feed_server.requests[-1] == ("/feed.xml", '"v1"')
        [story] = store.story_page()[1]
        assert len(story.members) == 3
    # a restarted watcher; the feed gained two entries
    feed_server.publish(ARTICLES, '"v2"')
    with Store(db) as store:
        assert store.feed_state(feed).etag == '"v1"'
        [grown] = watch_once(store, [feed], settings=settings)
        assert (grown.status, grown.listed, grown.new, grown.stored) == ("changed", 5, 2, 2)
        assert store.count_articles() == 5
        total, stories = store.story_page()
        assert total == 1 and len(stories[0].members) == 5
        analysis = store.analysis(stories[0].story_id)
        assert analysis is not None and analysis.n_articles == 5 and analysis.analysis.claims
        assert store.queue_counts() == {}
        assert store.feed_state(feed).entries == 5


def test_a_watcher_killed_before_recording_its_poll_stores_nothing_twice(
        db_url: str, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    db = db_url
    settings = _settings(db)
    feed = f"{feed_server.base}/feed.xml"
    feed_server.publish(ARTICLES[:2], '"v1"')
    with Store(db) as store:
        def killed(*_a: object, **_k: object) -> None:
            raise SystemExit("killed between storing the entries and recording the poll")

        monkeypatch.setattr(store, "record_poll", killed)
        with pytest.raises(SystemExit):
            watch_once(store, [feed], settings=settings, analyse=False)
        assert store.count_articles() == 2
    with Store(db) as store:  # the restart takes the entries again; the store keeps each article once
        [r] = watch_once(store, [feed], settings=settings, analyse=False)
        assert (r.new, r.stored) == (2, 2)
        assert store.count_articles() == 2
        assert sum(run.n_new for run in store.runs()) == 2
        [r] = watch_once(store, [feed], settings=settings, analyse=False)
        assert (r.status, r.new) == ("unchanged", 0)


def test_feed_lists_and_intervals(tmp_path: Path) -> None:
    listing = tmp_path / "feeds.txt"
    listing.write_text("# wires\nhttps://a.example/rss\n\nhttps://b.example/atom.xml\nhttps://a.example/rss\n")
    assert feed_urls([str(listing), "https://c.example/feed"]) == [
        "https://a.example/rss", "https://b.example/atom.xml", "https://c.example/feed"]
    with pytest.raises(ValueError, match="neither an http"):
        feed_urls([str(tmp_path / "missing.txt")])
    listing.write_text("file:///etc/passwd\n")
    with pytest.raises(ValueError, match="not an http"):
        feed_urls([str(listing)])
    assert (parse_every("90s"), parse_every("15m"), parse_every("2h")) == (90, 900, 7200)
    for bad in ("", "0m", "-5m", "15 minutes", "1d"):
        with pytest.raises(ValueError):
            parse_every(bad)
    result = CliRunner().invoke(app, ["watch", "https://a.example/rss", "--every", "soon",
                                      "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 2 and "cannot read the interval" in result.output


@pytest.mark.slow  # child processes: ~2-8 s each to import the pipeline
def test_a_watcher_killed_mid_poll_resumes_without_loss_or_duplicates(db_url: str, feed_server: FeedServer) -> None:
    feed = f"{feed_server.base}/feed.xml"
    args = ["watch", feed, "--once", "--no-analyse", "--db", db_url]
    feed_server.publish(ARTICLES[:3], '"v1"')
    code, out = run_cli(args, kill_at="poll")  # SIGKILL after storing the entries, before recording the poll
    assert code == -9, out
    with Store(db_url) as store:
        assert store.count_articles() == 3 and store.feed_state(feed).entries == 0
    feed_server.publish(ARTICLES, '"v2"')
    code, out = run_cli(args)
    assert code == 0, out
    assert "5 listed, 5 new (0 from their pages), 5 stored" in " ".join(out.split())  # lines wrap at 80  # the killed poll's entries are taken again...
    with Store(db_url) as store:
        assert store.count_articles() == 5  # ...and stored once
        assert store.feed_state(feed).entries == 5 and store.unassigned_count() == 0
        assert store.queue_counts().get("queued", 0) >= 1  # --no-analyse leaves the stories to a worker
    code, out = run_cli(args)
    assert code == 0 and "unchanged, 0 listed, 0 new" in " ".join(out.split()), out  # a 304: nothing fetched again


def test_new_entries_are_read_from_the_pages_they_link_to(tmp_path: Path, feed_server: FeedServer) -> None:
    """A feed of summaries: each entry is replaced by its page; an entry whose page is
    missing keeps the feed's text."""
    db = f"sqlite:///{tmp_path / 'p.db'}"
    summaries = tmp_path / "summaries"
    summaries.mkdir()
    for p in ARTICLES[:3]:
        title = p.read_text("utf-8").partition("\n")[0]
        summary = ("Delegations from Russia and Ukraine met in Istanbul on Friday for their first direct talks "
                   "in three years. The meeting ended after less than two hours with an agreement to exchange "
                   "prisoners of war, but no ceasefire. Both sides said they would set out their conditions for a "
                   "truce in writing before any further meeting. Read the full report on our site.")
        (summaries / p.name).write_text(f"{title}\n{summary}\n")
        if p != ARTICLES[2]:  # the third entry's page is missing (404)
            feed_server.pages[f"/a/{p.stem}"] = p.read_text("utf-8")
    feed_server.publish(sorted(summaries.iterdir()), '"v1"')
    with Store(db) as store:
        [r] = watch_once(store, [f"{feed_server.base}/feed.xml"], settings=_settings(db), analyse=False)
        assert (r.new, r.pages, r.stored) == (3, 2, 2)
        assert all(a.word_count > 300 for a in store.articles())  # the full articles, read from their pages
        # the entry whose page is missing is cleaned from the feed's own text, a summary too
        # short to be an article here: rejected with its reason, not lost silently
        [missing] = [it for it in store.run_items(r.run) if it.rejection]
        assert missing.id.endswith(ARTICLES[2].stem) and missing.rejection.reason == "no-content"


def test_watch_output_off_a_terminal_is_plain_lines(tmp_path: Path, feed_server: FeedServer) -> None:
    """Not a terminal (CliRunner's output is not a TTY): one timestamped line per feed, story
    and round, never coloured, wrapped or redrawn, and no progress bar."""
    db = f"sqlite:///{tmp_path / 'plain.db'}"
    feed_server.publish(ARTICLES[:3], '"v1"')
    feed, broken = f"{feed_server.base}/feed.xml", f"{feed_server.base}/error.xml"
    result = CliRunner().invoke(app, ["watch", feed, broken, "--once", "--no-pages", "--db", db])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S", line) for line in lines), lines
    assert "\x1b" not in result.output and "━" not in result.output and "\r" not in result.output
    body = [line.split(" ", 1)[1] for line in lines]
    assert body[0] == f"feed {feed}: changed, 3 listed, 3 new (0 from their pages), 3 stored (run 1)"  # one line
    assert body[1].startswith(f"feed {broken}: ") and "HTTP 500" in body[1]
    [story] = [b for b in body if b.startswith("story ")]
    assert re.fullmatch(r"story st-\w+: analysed \(3 articles\) in \d+\.\d s", story)
    assert re.fullmatch(r"round 1: 2 feeds polled \(1 failed\), 3 entries new \(3 stored\), 1 story updated, "
                        r"1 analysed, in \d+\.\d s", body[-1]), body[-1]
    assert len(lines) == 4


def test_watch_in_a_terminal_shows_the_round_as_rich_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a terminal the round under way is a progress line (feeds polled of all, entries new)
    that is redrawn, with each feed and round printed above it."""
    from rich.console import Console

    from newsprism import cli
    from newsprism.watch import FeedReport, RoundReport
    from newsprism.worker import WorkDone

    screen = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=screen, force_terminal=True, width=200))
    with cli.WatchDisplay(2, every_s=60, live=True) as display:
        display.feed(FeedReport("https://a.example/rss", "changed", listed=4, new=4, stored=4, run=1))
        shown = screen.getvalue()
        assert "round 1: polling feeds" in shown and "1/2" in shown and "4 entries new" in shown
        display.feed(FeedReport("https://b.example/rss", "error", error="HTTP 500"))
        display.work(WorkDone("st-1", "analysed", articles=4, seconds=2.5))
        display.round(RoundReport(feeds=2, failed=1, new=4, stored=4, stories=1, analysed=1, seconds=3.2))
        display.feed(FeedReport("https://a.example/rss", "unchanged"))
    assert "\x1b[" in screen.getvalue()  # redrawn, coloured
    out = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
    assert "round 1: updating and analysing stories" in out and "4 entries new, 1 analysed" in out
    assert "story st-1: analysed (4 articles) in 2.5 s" in out
    assert "round 1: 2 feeds polled (1 failed), 4 entries new (4 stored), 1 story updated, 1 analysed" in out
    assert "round 2: polling feeds" in out and "feed https://b.example/rss: HTTP 500" in out
    assert not re.search(r"^\d{4}-\d\d-\d\dT", out, re.M)  # no log timestamps in a terminal
