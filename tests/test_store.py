"""The store: idempotent, batch-atomic, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from newsprism.models import Article, Rejection, Removed
from newsprism.store import Store, StoreError


def _article(aid: str, text: str) -> Article:
    import hashlib

    return Article(
        id=aid,
        origin=f"{aid}.txt",
        source="Example News",
        title=f"Title {aid}",
        text=text,
        url=f"https://example.org/{aid}",
        published="2025-05-16",
        language="en",
        word_count=len(text.split()),
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        removed=[Removed("Share This Post", "widget")],
        problems=["stripped 2 NUL bytes"],
    )


def test_migrations_create_schema(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {"articles", "runs", "run_items", "alembic_version"} <= tables


def test_round_trip_keeps_every_field(store: Store) -> None:
    a = _article("a", "Medinsky led the Russian delegation in Istanbul.")
    run = store.begin_run(["a.txt"])
    assert store.save(run, [a]).new == 1
    (item,) = store.run_items(run)
    assert item.article == a
    assert item.rejection is None


def test_rerun_stores_nothing_twice(store: Store) -> None:
    items = [
        _article("a", "one text"),
        _article("b", "another text"),
        Rejection("c", "c.bin", "ingest", "binary", "looks like a PNG image"),
    ]
    for expected_new in (2, 0):
        run = store.begin_run(["x"])
        assert store.save(run, items).new == expected_new
        summary = store.finish_run(run)
        assert (summary.n_ok, summary.n_new, summary.n_rejected) == (2, expected_new, 1)
    assert store.count_articles() == 2
    assert [it.id for it in store.run_items(run)] == ["a", "b", "c"]


def test_same_text_under_two_ids_is_one_article(store: Store) -> None:
    run = store.begin_run(["x"])
    assert store.save(run, [_article("a", "same words"), _article("mirror", "same words")]).new == 1
    items = store.run_items(run)
    assert [it.id for it in items] == ["a", "mirror"]
    assert items[0].article.text == items[1].article.text  # type: ignore[union-attr]
    assert store.count_articles() == 1


def test_failed_batch_leaves_earlier_batches_and_nothing_half_written(store: Store) -> None:
    run = store.begin_run(["x"])
    store.save(run, [_article("a", "first batch")])
    # The article row is inserted first, then counting the items into a run that does not
    # exist fails: the whole batch rolls back, the new article included.
    with pytest.raises(StoreError, match="no run 999"):
        store.save(999, [_article("c", "would be new")], first_seq=1)
    assert store.count_articles() == 1
    assert [it.id for it in store.run_items(run)] == ["a"]
    assert store.run(run).n_ok == 1  # type: ignore[union-attr]


def test_rejections_keep_stage_reason_and_detail(store: Store) -> None:
    run = store.begin_run(["x"])
    rej = Rejection("feed.xml:1", "feed.xml", "ingest", "bad-feed", "DOCTYPE declares entities")
    store.save(run, [rej])
    assert store.run_items(run)[0].rejection == rej


def test_unsupported_url_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="unsupported database URL"):
        Store("mysql://localhost/x")
