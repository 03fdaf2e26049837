"""Story analyses on several processes: `StoryPool(workers)` is a `reports` for
`pipeline.analyse_stories` (signature of `pipeline.story_reports`) that spreads a chunk's
compared stories (two origins or more) over this process and `workers - 1` child
processes, one story at a time each, the largest first.

    with StoryPool(2) as pool:
        report = report_for_run(store, run_id, reports=pool)

Each child is started fresh (`spawn`: no model, thread or connection state is copied)
and loads the models once, on its first story; it gets the story's articles and their
stored parses and returns the report entry with the parses it made, which are merged
into the caller's `parses` (saved once, by the caller). The entries are those of
`story_reports` on the whole chunk, in the same order. This process analyses too: on 2
cores a pool of 2 children and an idle parent holding its own models was slower than
one process and used 2.35 GB (PSS, all processes) against 2 GB allowed.

`pool.warm(params, settings, articles=n)` starts the children ahead of their first story
and has each analyse a two-sentence story to load its models, so that they load while this
process is busy with something else (`newsprism analyze` calls it before the story stage;
runs of fewer than `WARM_MIN_ARTICLES` articles start nothing).

A child that dies (killed, out of memory) is logged with the story it held, and that
story is analysed once more in a fresh child (never in this process, which it could
take down too).

Errors:

    StoryWorkerError  stories whose worker died twice; `.done` holds the entries of the
                      chunk's other stories (by position), `pipeline.analyse_stories`
                      saves those before raising it again
"""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from threadpoolctl import threadpool_limits

from newsprism.config import Settings
from newsprism.models import Article
from newsprism.nlp.stored import StoredParses, text_key
from newsprism.pipeline import StoryWorkerError, available_cores, story_reports
from newsprism.stories import Story, StoryParams
from newsprism.stories.embed import drop_story_encoders

__all__ = ["WARM_MIN_ARTICLES", "StoryPool", "StoryWorkerError", "analyse_story", "warm_up"]

log = logging.getLogger("newsprism.story_pool")

Made = tuple[dict[str, Any], dict[str, bytes], list[str]]  # entry, parses made, unreadable parse keys
# (articles, story, params, settings, version, found parses) -> Made; runs in a child (or this process)
Task = Callable[[list[Article], Story, StoryParams, Settings, str | None, dict[str, bytes]], Made]


def analyse_story(articles: list[Article], story: Story, params: StoryParams, settings: Settings,
                  version: str | None, found: dict[str, bytes]) -> Made:
    """`story_reports` of one story, with the parses it made and the keys of those it could not read."""
    parses = None if version is None else StoredParses(version, found)
    [entry] = story_reports(articles, [story], params, settings, parses=parses)
    release_memory()
    return entry, ({} if parses is None else parses.made), ([] if parses is None else parses.unreadable)


# Children are warmed up (`StoryPool.warm`) for runs of at least this many articles. The sample
# (5 articles, one compared story, which runs in this process alone) took 7.6-7.9 s with a warm-up
# against 6.4-6.5 s without; the 249 articles of scripts/bench_pipeline.py --mixed (37 compared
# stories) 33.3 s against 36.7 s (2026-12-03). Below 20 a run rarely holds two compared stories.
WARM_MIN_ARTICLES = 20
# a story of two one-sentence reports from two outlets: analysing it loads every model a story needs
_WARM_TEXTS = ("Police in Geneva said on Monday that 12 people were hurt when the old bridge collapsed.",
               "Officials in Geneva said on Tuesday that 15 people were injured when the bridge fell.")


def warm_up(params: StoryParams, settings: Settings) -> None:
    """Load the analysis models (syntax, recogniser, sentence encoder, NLI, lexicons) by
    analysing a story of two sentences; the brief is not sent to a rewriter."""
    articles = [Article(id=f"warm-{i}", origin=f"warm-{i}", source=f"warm-{i}", title="Bridge collapse", text=t)
                for i, t in enumerate(_WARM_TEXTS)]
    story = Story(id="warm", title="Bridge collapse", articles=[a.id for a in articles],
                  origins=[[a.id] for a in articles])
    story_reports(articles, [story], params, dataclasses.replace(settings, llm_url=""))
    release_memory()


def _child_threads(threads: int) -> None:
    """A child's share of the cores: for torch (read when torch is imported) and for the BLAS
    behind numpy (the syntax model's matrices), already loaded by then."""
    os.environ["OMP_NUM_THREADS"] = str(threads)
    threadpool_limits(threads)  # for the life of the process


def release_memory() -> None:
    """Give the C heap's free pages back to the system (glibc `malloc_trim`; elsewhere nothing).
    After each story: two processes' peaks then add up to less (--workers 2 on 300 articles
    of scripts/bench_pipeline.py: peak PSS of all processes 2,086 MB without, see README)."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class StoryPool:
    """A `reports` callable analysing stories in this process and `workers - 1` children
    (started on first use, kept until `close`). `task` runs one story (tests replace it);
    `progress` is called with (stories of the call done, stories of the call)."""

    def __init__(self, workers: int, *, task: Task = analyse_story,
                 progress: Callable[[int, int], None] | None = None) -> None:
        if workers < 1:
            raise ValueError(f"workers must be 1 or more, got {workers}")
        self.workers = workers
        # each process's share of the cores for torch's threads: two processes of two threads
        # each on two cores spin on each other
        self.threads = max(1, available_cores() // workers)
        self.task = task
        self.progress = progress
        self._here = ThreadPoolExecutor(1, thread_name_prefix="story")  # this process's share
        self._children: list[ProcessPoolExecutor | None] = [None] * (workers - 1)

    def warm(self, params: StoryParams, settings: Settings, *, articles: int | None = None,
             task: Callable[[StoryParams, Settings], None] = warm_up) -> None:
        """Start the children now and have them load their models (`warm_up`) while this
        process does other work (a run's story stage): otherwise a child spends its first
        seconds of the analyses importing and loading while this one analyses alone. Nothing
        is started for a run of fewer than `WARM_MIN_ARTICLES` `articles` (None: any run). A
        warm-up that fails is forgotten; the child's first story meets the same error, and a
        child that dies in it is replaced (tests replace `task`)."""
        if articles is not None and articles < WARM_MIN_ARTICLES:
            return
        for slot in range(len(self._children)):
            self._child(slot).submit(task, params, settings)

    def _child(self, slot: int) -> ProcessPoolExecutor:
        child = self._children[slot]
        if child is None:
            child = self._children[slot] = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=_child_threads,
                initargs=(self.threads,))
        return child

    def _drop(self, slot: int) -> None:
        """Forget a child that died (the next story of its slot starts a fresh one)."""
        child, self._children[slot] = self._children[slot], None
        if child is not None:
            child.shutdown(wait=False, cancel_futures=True)

    def __call__(self, articles: Sequence[Article], stories: Sequence[Story], params: StoryParams,
                 settings: Settings, *, parses: StoredParses | None = None) -> list[dict[str, Any]]:
        drop_story_encoders()  # 105 MB of this process's peak, which the children's add to
        release_memory()  # what the stages before left: this process analyses too
        # one compared story runs here alone, on every core; with more, the children take a share,
        # of torch's threads and of OpenBLAS's: two processes of two spinning BLAS threads each on
        # two cores took 27 CPU-seconds more for the same analyses (the 249 articles of
        # scripts/bench_pipeline.py --mixed, --workers 2, 2026-12-03: analysis 39.4 s, 25.2 s
        # with one BLAS thread each)
        shared = self._children and sum(len(st.origins) >= 2 for st in stories) > 1
        torch = sys.modules.get("torch") if shared else None
        threads = torch.get_num_threads() if torch is not None else 0
        if torch is not None:
            torch.set_num_threads(self.threads)
        try:
            with threadpool_limits(self.threads if shared else None):
                return self._analyse(articles, stories, params, settings, parses)
        finally:
            if torch is not None:
                torch.set_num_threads(threads)

    def _analyse(self, articles: Sequence[Article], stories: Sequence[Story], params: StoryParams,
                 settings: Settings, parses: StoredParses | None) -> list[dict[str, Any]]:
        by_id = {a.id: a for a in articles}
        entries: dict[int, dict[str, Any]] = {i: st.to_report() for i, st in enumerate(stories)
                                              if len(st.origins) < 2}
        cost = {i: sum(len(by_id[a].text) for a in st.articles) for i, st in enumerate(stories) if i not in entries}
        todo = deque(sorted(cost, key=lambda i: -cost[i]))  # the largest first: the last to finish are small
        retry: deque[int] = deque()  # stories whose child died: a fresh child only
        died: set[int] = set()  # stories whose child died once
        failed: list[int] = []  # ... and twice
        running: dict[Future[Made], tuple[int, int]] = {}  # future -> (story position, slot; -1: here)

        def submit(slot: int, i: int) -> None:
            mine = [by_id[aid] for aid in stories[i].articles]
            found = {} if parses is None else {k: parses.found[k] for a in mine if (k := text_key(a)) in parses.found}
            pool: Executor = self._here if slot < 0 else self._child(slot)
            version = None if parses is None else parses.version
            job = (self.task, mine, stories[i], params, settings, version, found)
            try:
                fut = pool.submit(*job)
            except BrokenProcessPool:  # the child died while idle (in its warm-up): a fresh one
                self._drop(slot)
                fut = self._child(slot).submit(*job)
            running[fut] = (i, slot)

        def refill(slot: int) -> None:
            queue = todo if slot < 0 else (retry or todo)
            if queue:
                submit(slot, queue.popleft())

        try:
            for slot in [-1, *range(len(self._children))]:
                refill(slot)
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    i, slot = running.pop(fut)
                    try:
                        entry, made, unreadable = fut.result()
                    except BrokenProcessPool:
                        again = i not in died
                        died.add(i)
                        log.error("the worker analysing story %s died (killed, out of memory?)%s", stories[i].id,
                                  "; analysing it again in a fresh worker" if again else " again; giving it up")
                        (retry if again else failed).append(i)
                        self._drop(slot)
                        refill(slot)
                        continue
                    entries[i] = entry
                    if parses is not None:
                        parses.made.update(made)
                        parses.unreadable.extend(k for k in unreadable if k not in parses.unreadable)
                    refill(slot)
                    if self.progress is not None:
                        self.progress(len(entries), len(stories))
        except BaseException:
            for fut in running:
                fut.cancel()
            raise
        if failed:
            raise StoryWorkerError([stories[i].id for i in sorted(failed)], done=entries)
        return [entries[i] for i in range(len(stories))]

    def close(self) -> None:
        """Stop the children (a story under way in one is abandoned)."""
        self._here.shutdown(wait=True, cancel_futures=True)
        for child in self._children:
            if child is not None:
                child.shutdown(wait=True, cancel_futures=True)
        self._children = [None] * len(self._children)

    def __enter__(self) -> StoryPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
