"""The story index in the store: incremental = batch, catch-up, corruption detected and rebuilt."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from sqlalchemy import text

from newsprism.evaluation.stories import DevItem, load_devset, shared_dir, synthetic_copies
from newsprism.models import Article
from newsprism.pipeline import index_stories, indexed_stories, load_story_index
from newsprism.store import Store
from newsprism.stories import StoryParams, cluster_stories
from newsprism.stories.embed import Encoder

from . import stories_support as support


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return support.encoder("auto")


@pytest.fixture(scope="session")
def sample() -> list[Article]:
    return support.sample_articles()


def _partition(stories: list, ids: list[str]) -> set[frozenset[str]]:
    return {frozenset(a for a in s.articles if a in ids) for s in stories} - {frozenset()}


@pytest.fixture(scope="module")
def articles(sample: list[Article]) -> list[Article]:
    """Dev-stories events, distractors and synthetic copies when the shared data is
    there (72 articles), else the sample and its synthetic copies (20)."""
    if shared_dir() is not None:
        return load_devset(scrapinghub=False).articles
    items = [DevItem(a, "s", a.id, "sample") for a in sample]
    return sample + [c.article for c in synthetic_copies(items)]


def _add_one_at_a_time(store: Store, arts: list[Article], encoder: Encoder) -> list[str]:
    run = store.begin_run(["test"])
    stories_of = []
    for i, a in enumerate(arts):
        store.save(run, [a], first_seq=i)
        update = index_stories(store, StoryParams(), encoder=encoder)
        assert [x.article for x in update.assignments] == [a.id]  # only the new article is assigned
        stories_of.append(update.assignments[0].story)
    store.finish_run(run)
    return stories_of


def test_incremental_gives_the_batch_stories(tmp_path, articles: list[Article], encoder: Encoder) -> None:
    batch = cluster_stories(articles, params=StoryParams(), encoder=encoder)
    with Store(f"sqlite:///{tmp_path / 'inc.db'}") as store:
        one_by_one = _add_one_at_a_time(store, articles, encoder)
        stored = indexed_stories(store, StoryParams())
    ids = [a.id for a in articles]
    assert _partition(stored, ids) == _partition(batch, ids)
    assert [s.id for s in stored] == [s.id for s in batch]  # same ids, same order of creation
    assert {frozenset(o) for s in stored for o in s.origins} == {frozenset(o) for s in batch for o in s.origins}
    assert len(set(one_by_one)) == len(batch)


@pytest.fixture
def indexed(tmp_path, sample: list[Article], encoder: Encoder) -> Store:
    """A store whose index holds the sample, a syndicated copy and an unrelated text."""
    other = Article(id="other", origin="other", source="t", title="Flash floods in Texas",
                    text="Flash floods swept through Kerr County in Texas on Friday, killing dozens of people "
                         "including children at a summer camp on the Guadalupe River, officials said. "
                         "Rescue teams searched the river banks as the water receded and the death toll rose.",
                    published="2025-07-05", language="en", word_count=40, content_hash="f" * 64)
    copy = replace(sample[0], id="copy", text="By Wire Staff\n" + sample[0].text + "\nAll rights reserved.",
                   content_hash="c" * 64)
    store = Store(f"sqlite:///{tmp_path / 'idx.db'}")
    run = store.begin_run(["x"])
    store.save(run, [*sample, copy, other])
    store.finish_run(run)
    update = index_stories(store, StoryParams(), encoder=encoder)
    assert not update.rebuilt and update.size == 7
    return store


def test_batch_run_articles_are_caught_up_once(indexed: Store, encoder: Encoder) -> None:
    stories = indexed_stories(indexed, StoryParams())
    assert sorted(len(s.articles) for s in stories) == [1, 6]
    main = max(stories, key=lambda s: len(s.articles))
    assert len(main.origins) == 5 and ["000_74267b2649ed2a86", "copy"] in main.origins
    again = index_stories(indexed, StoryParams(), encoder=encoder)
    assert again.assignments == [] and again.size == 7 and not again.rebuilt


def _corrupt(store: Store, sql: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(sql))


@pytest.mark.parametrize("damage,reason", [
    ("UPDATE story_members SET vector = zeroblob(1536) WHERE seq = 1", "checksum mismatch"),
    ("UPDATE story_members SET story_pk = (SELECT max(pk) FROM stories) WHERE seq = 0", "checksum mismatch"),
    ("DELETE FROM story_members WHERE seq = 2", "members"),
    ("UPDATE story_members SET seq = seq + 100 WHERE seq = 6", "sequence gap"),
    ("UPDATE story_index_meta SET value = 'x' WHERE key = 'fingerprint'", "fingerprint"),
])
def test_corrupted_index_is_detected_and_rebuilt(indexed: Store, encoder: Encoder, damage: str, reason: str,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    before = {frozenset(s.articles) for s in indexed_stories(indexed, StoryParams())}
    _corrupt(indexed, damage)
    loaded = load_story_index(indexed, StoryParams())
    assert loaded.index is None and any(reason in p for p in loaded.problems), loaded.problems
    with pytest.raises(ValueError, match="failed its checks"):
        indexed_stories(indexed, StoryParams())
    with caplog.at_level(logging.WARNING, logger="newsprism"), Store(indexed.url) as fresh:  # a new process
        update = index_stories(fresh, StoryParams(), encoder=encoder)
    assert update.rebuilt and update.problems and "rebuilt" in caplog.text
    assert update.size == 7
    assert {frozenset(s.articles) for s in indexed_stories(indexed, StoryParams())} == before
    assert load_story_index(indexed, StoryParams()).problems == []


def test_a_warm_store_adds_without_reloading(indexed: Store, encoder: Encoder, sample: list[Article],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism import pipeline

    def no_reload(*_a: object, **_k: object) -> None:
        raise AssertionError("the index was reloaded")

    monkeypatch.setattr(pipeline, "load_story_index", no_reload)
    late = replace(sample[2], id="late", text=sample[2].text + "\nUpdated with more reporting.", content_hash="d" * 64)
    run = indexed.begin_run(["late"])
    indexed.save(run, [late])
    update = index_stories(indexed, StoryParams(), encoder=encoder)
    assert [(a.article, a.copy_of) for a in update.assignments] == [("late", sample[2].id)]
    monkeypatch.undo()
    with Store(indexed.url) as fresh:  # what the warm store wrote loads and verifies
        assert load_story_index(fresh, StoryParams()).problems == []


def test_changed_settings_rebuild_with_the_new_ones(indexed: Store, encoder: Encoder) -> None:
    strict = StoryParams(threshold=5.0)  # nothing can join a story by score any more
    update = index_stories(indexed, strict, encoder=encoder)
    assert update.rebuilt and any("fingerprint" in p for p in update.problems)
    sizes = sorted(len(s.articles) for s in indexed_stories(indexed, strict))
    assert sizes == [1, 1, 1, 1, 1, 2]  # only the syndicated copy still joins its original


def test_a_failed_write_leaves_no_stale_index_in_memory(indexed: Store, encoder: Encoder,
                                                        sample: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_a: object, **_k: object) -> str:
        raise OSError("disk full")

    late = replace(sample[1], id="late", text="Analysis. " + sample[1].text, content_hash="e" * 64)
    run = indexed.begin_run(["late"])
    indexed.save(run, [late])
    monkeypatch.setattr(indexed, "add_index_members", broken)
    with pytest.raises(OSError, match="disk full"):
        index_stories(indexed, StoryParams(), encoder=encoder)
    monkeypatch.undo()
    update = index_stories(indexed, StoryParams(), encoder=encoder)  # reloads, then assigns it once
    assert [a.article for a in update.assignments] == ["late"] and update.size == 8
