"""The analysis worker: takes the stories whose articles changed from the store's queue,
one at a time, and brings their stored analyses up to date.

    with Store(url) as store:
        work(store, once=True)      # until the queue is empty; `newsprism work`

Index updates (`pipeline.index_stories`) queue the stories they change; a worker claims
one in the database (`Store.claim_story`: no two workers hold the same story), analyses
it (`pipeline.analyse_stories`, which reuses a stored analysis that is current), raises
the alerts of its rules and pushes them to their webhook. `newsprism serve` runs one in
a thread, `newsprism watch` after each round.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from newsprism.alerts import AlertRules, story_alerts
from newsprism.alerts.webhook import deliver
from newsprism.config import Settings
from newsprism.pipeline import analyse_stories, story_from_stored
from newsprism.store import Store
from newsprism.stories import StoryParams

__all__ = ["WorkDone", "deliver_alerts", "work", "work_once", "worker_name"]

log = logging.getLogger("newsprism.worker")


@dataclass(slots=True)
class WorkDone:
    story: str
    outcome: str  # analysed | current (its stored analysis was up to date) | gone (no such story) | failed
    articles: int = 0
    seconds: float = 0.0
    error: str | None = None


def worker_name() -> str:
    """This worker's name in the queue: host, process and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def work_once(store: Store, *, worker: str | None = None, params: StoryParams | None = None,
              settings: Settings | None = None, alerts: AlertRules | None = None) -> WorkDone | None:
    """Claim one queued story and bring its stored analysis up to date, then store the
    alerts its analysis raises under `alerts`; None when the queue is empty. A failure is
    recorded on the queue entry (tried again up to `store.queue.MAX_ATTEMPTS` times) and
    returned, never raised."""
    worker = worker or worker_name()
    story_id = store.claim_story(worker)
    if story_id is None:
        return None
    started = time.perf_counter()
    try:
        found = store.story_with_articles(story_id)
        if found is None:
            store.finish_story(story_id, worker)
            return WorkDone(story_id, "gone")
        story, articles = story_from_stored(found[0]), found[1]
        done = analyse_stories(store, articles, [story], params=params, settings=settings)
        if alerts is not None:
            store.add_alerts(story_alerts(alerts.rules, done.analyses[0], title=story.title,
                                          origins=len(story.origins)))
    except Exception as exc:  # one story's failure must not stop the worker
        error = f"{type(exc).__name__}: {exc}"
        log.warning("analysis of story %s failed: %s", story_id, error)
        store.finish_story(story_id, worker, error=error)
        return WorkDone(story_id, "failed", seconds=time.perf_counter() - started, error=error)
    store.finish_story(story_id, worker)
    return WorkDone(story_id, "analysed" if done.computed else "current", len(articles),
                    time.perf_counter() - started)


def deliver_alerts(store: Store, alerts: AlertRules | None) -> int:
    """Push the alerts the webhook of `alerts` has not taken yet; returns how many it took."""
    if alerts is None or alerts.webhook is None:
        return 0
    pending = store.undelivered_alerts()
    taken = deliver(pending, url=alerts.webhook.url, secret=alerts.webhook.secret) if pending else []
    store.mark_delivered(taken)
    return len(taken)


def work(store: Store, *, stop: threading.Event | None = None, idle_s: float = 2.0, once: bool = False,
         on_done: Callable[[WorkDone], None] | None = None, params: StoryParams | None = None,
         settings: Settings | None = None, alerts: AlertRules | None = None) -> int:
    """Drain the analysis queue one story at a time until `stop` is set (or, with `once`,
    until the queue is empty), polling every `idle_s` seconds when it is, storing the
    alerts each analysis raises and pushing them to the webhook; returns how many stories
    were taken."""
    stop = stop or threading.Event()
    worker = worker_name()
    taken = 0
    while not stop.is_set():
        done = work_once(store, worker=worker, params=params, settings=settings, alerts=alerts)
        deliver_alerts(store, alerts)  # also what an earlier delivery could not
        if done is None:
            if once:
                break
            stop.wait(idle_s)
            continue
        taken += 1
        if on_done is not None:
            on_done(done)
    return taken
