"""`StoryPool`: story analyses spread over this process and spawned children give the
entries one process gives, in the same order, with the same parses to keep; a child
killed mid-run has its story analysed again once in a fresh child, and a second death is
a per-story error that loses none of the other stories and saves none twice."""

from __future__ import annotations

import json
import logging
import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from newsprism import pipeline
from newsprism.config import load_settings
from newsprism.models import Article
from newsprism.nlp.stored import StoredParses
from newsprism.pipeline import StoryWorkerError, analyse_stories, parse_version, story_reports
from newsprism.store import Store
from newsprism.stories import Story, load_story_params
from newsprism.story_pool import StoryPool

from .pool_support import (
    KILL_MARK,
    dies_warming,
    does_nothing,
    killed_always,
    killed_once,
    loaded_models,
    threads_used,
)
from .stories_support import sample_articles


def _stories(articles: list[Article]) -> list[Story]:
    """The sample as two compared stories (2 and 3 origins) around one of a single origin,
    with their articles' facts (as `analyse_stories` gives them to `reports`)."""
    ids = [a.id for a in articles]
    stories = [Story(id="two", title="a", articles=ids[:2], origins=[[i] for i in ids[:2]]),
               Story(id="one", title="b", articles=ids[2:3], origins=[ids[2:3]]),
               Story(id="three", title="c", articles=ids[2:], origins=[[i] for i in ids[2:]])]
    return pipeline._with_facts(stories, {a.id: a for a in articles}, load_story_params())


@pytest.fixture(scope="module")
def single() -> tuple[list[Article], list[Story], list[dict[str, Any]], StoredParses]:
    """The sample's stories analysed by one process (`story_reports`), with the parses it made."""
    articles = sample_articles()
    stories = _stories(articles)
    parses = StoredParses("v")
    return articles, stories, story_reports(articles, stories, parses=parses), parses


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_the_pool_gives_the_entries_of_one_process(single: Any) -> None:
    articles, stories, entries, made = single
    parses = StoredParses("v")
    seen: list[tuple[int, int]] = []
    with StoryPool(2, progress=lambda done, total: seen.append((done, total))) as pool:
        got = pool(articles, stories, load_story_params(), load_settings(), parses=parses)
    assert _same(got, entries) and [e["id"] for e in got] == ["two", "one", "three"]
    assert parses.made.keys() == made.made.keys() and not parses.unreadable
    assert sorted(seen) == [(2, 3), (3, 3)]


def test_a_warmed_pool_gives_the_same_entries_and_its_child_is_warm(single: Any) -> None:
    articles, stories, entries, _ = single
    with StoryPool(2) as pool:
        pool.warm(load_story_params(), load_settings())
        child = pool._children[0]
        assert child is not None
        warmed = child.submit(loaded_models).result(timeout=600)
        got = pool(articles, stories, load_story_params(), load_settings())
    assert {"syntax", "encoder"} <= warmed
    assert _same(got, entries)


def test_a_small_run_starts_no_child_to_warm() -> None:
    from newsprism.story_pool import WARM_MIN_ARTICLES

    with StoryPool(2) as pool:
        pool.warm(load_story_params(), load_settings(), articles=WARM_MIN_ARTICLES - 1)
        assert pool._children == [None]
        pool.warm(load_story_params(), load_settings(), articles=WARM_MIN_ARTICLES, task=does_nothing)
        assert pool._children[0] is not None


def test_a_child_that_dies_warming_up_is_replaced(single: Any) -> None:
    articles, stories, entries, _ = single
    with StoryPool(2) as pool:
        pool.warm(load_story_params(), load_settings(), task=dies_warming)
        child = pool._children[0]
        assert child is not None
        # a job queued behind the warm-up fails with it: the child is dead before any story
        assert isinstance(child.submit(os.getpid).exception(timeout=600), BrokenProcessPool)
        got = pool(articles, stories, load_story_params(), load_settings())
        assert pool._children[0] is not child  # replaced
    assert _same(got, entries)


def test_each_process_runs_its_stories_on_its_share_of_blas_threads(single: Any) -> None:
    """Two processes of two spinning BLAS threads each on two cores cost a third more CPU time;
    with two workers each process gets one BLAS thread, and this one gets its own back after."""
    from threadpoolctl import threadpool_info, threadpool_limits

    articles, stories, _, _ = single
    with threadpool_limits(2, user_api="blas"):
        with StoryPool(2, task=threads_used) as pool:
            pool.threads = 1  # as on a 2-core machine, whatever this one has
            got = pool(articles, stories, load_story_params(), load_settings())
        after = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    compared = [e for e in got if "blas" in e]
    assert {e["child"] for e in compared} == {True, False}  # both processes took a story
    assert all(e["blas"] and set(e["blas"]) == {1} for e in compared)
    assert after and set(after) == {2}


def _saved(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The story ids of every `save_analysis` from now on."""
    saved: list[str] = []
    original = Store.save_analysis

    def counted(self: Store, analysis: Any, **kwargs: Any) -> None:
        saved.append(analysis.story_id)
        original(self, analysis, **kwargs)

    monkeypatch.setattr(Store, "save_analysis", counted)
    return saved


def test_a_killed_worker_is_retried_once_and_every_story_stored_once(
        single: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    articles, stories, entries, _ = single
    monkeypatch.setenv(KILL_MARK, str(tmp_path / "killed"))
    saved = _saved(monkeypatch)
    with Store(f"sqlite:///{tmp_path / 'a.db'}") as store, StoryPool(2, task=killed_once) as pool, \
            caplog.at_level(logging.ERROR, logger="newsprism.story_pool"):
        done = analyse_stories(store, articles, stories, reports=pool)
        stored = store.parses([a.content_hash for a in articles], version=parse_version())
    assert (tmp_path / "killed").exists()  # a child did die
    assert "the worker analysing story two died" in caplog.text and "again in a fresh worker" in caplog.text
    assert _same(done.entries, entries)
    assert sorted(saved) == ["one", "three", "two"] and len(stored) == len(articles)


def test_a_story_whose_worker_dies_twice_is_an_error_naming_it(
        single: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    articles, stories, entries, _ = single
    saved = _saved(monkeypatch)
    with Store(f"sqlite:///{tmp_path / 'a.db'}") as store, StoryPool(2, task=killed_always) as pool:
        with pytest.raises(StoryWorkerError, match="died twice.*: two;") as raised:
            analyse_stories(store, articles, stories, reports=pool)
        assert raised.value.story_ids == ["two"]
        assert sorted(saved) == ["one", "three"]  # the others are kept, once
        assert store.analysis("two") is None and store.analysis("three") is not None
        again = analyse_stories(store, articles, stories)  # a run after it analyses only that story
    assert again.computed == ["two"] and sorted(saved) == ["one", "three", "two"]
    assert _same(again.entries[:1], entries[:1])
