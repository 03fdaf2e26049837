"""The store: idempotent, batch-atomic, no item fails its batch, runs of dead processes
marked interrupted; the same on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect

from newsprism import pipeline
from newsprism.models import Article, Rejection, Removed
from newsprism.pipeline import index_stories, indexed_stories
from newsprism.store import Store, StoreError, create_db_engine
from newsprism.store.liveness import STALE_AFTER, _start_token, this_process
from newsprism.store.tables import ArticleRow, RunRow
from newsprism.stories import StoryParams

from .store_support import HashEncoder, article, synthetic_text


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


# -- defence in depth: no item fails its batch ------------------------------------------
SURROGATE = "\ud800"
# (field, value, backends that refuse it): SQLite stores NULs and any length as given.
POISONS = [
    ("title", f"Talks {SURROGATE} end", {"sqlite", "postgresql"}),
    ("id", f"art{SURROGATE}", {"sqlite", "postgresql"}),
    ("url", f"https://example.org/{SURROGATE}", {"sqlite", "postgresql"}),
    ("title", "Talks\x00end", {"postgresql"}),
    ("id", "art\x00x", {"postgresql"}),
    ("source", "Example\x00News", {"postgresql"}),
    ("url", "https://example.org/\x00", {"postgresql"}),
    ("id", "a" * 2049, {"postgresql"}),
    ("source", "s" * 513, {"postgresql"}),
    ("published", "2025-05-16" * 7, {"postgresql"}),
]


def _backend(store: Store) -> str:
    return store.engine.dialect.name


def _poisoned_batch(n: int, at: int, field: str, value: str) -> list[Article]:
    items = [article(f"art{i:03d}", synthetic_text(i)) for i in range(n)]
    items[at] = article(f"art{at:03d}", synthetic_text(at), **{field: value})
    return items


@pytest.mark.parametrize(("field", "value", "refused_by"), POISONS, ids=lambda v: v if isinstance(v, str) and
                         len(v) < 12 and v.isalpha() else None)
def test_an_unstorable_item_is_rejected_and_its_batch_stored(store: Store, field: str, value: str,
                                                             refused_by: set[str]) -> None:
    run = store.begin_run(["x"])
    items = _poisoned_batch(6, 4, field, value)
    saved = store.save(run, items)
    if _backend(store) not in refused_by:  # SQLite keeps NULs and any length as given
        assert saved.new == 6 and saved.rejected == []
        assert getattr(store.run_items(run)[4].article, field) == value
        return
    [refused] = saved.rejected
    assert (refused.stage, refused.reason) == ("store", "store-error")
    assert f"({field} " in refused.detail  # says which field to fix
    assert "\x00" not in refused.id and len(refused.id) <= 2048
    refused.id.encode("utf-8")  # storable: no lone surrogate left
    assert saved.new == 5 and store.count_articles() == 5
    summary = store.finish_run(run)
    assert (summary.n_ok, summary.n_new, summary.n_rejected) == (5, 5, 1)
    outcomes = store.run_items(run)
    assert [it.rejection is None for it in outcomes] == [True, True, True, True, False, True]
    assert outcomes[4].rejection == refused


def test_a_poisoned_record_at_item_252_of_300_loses_nothing_else(store: Store, monkeypatch: pytest.MonkeyPatch,
                                                                 ) -> None:
    """The measured failure: one bad record at item 252 of 300 lost the other 100 and the
    story index update. Now 299 are stored, 1 rejected, and the index holds the 299."""
    items: list[Article | Rejection] = list(_poisoned_batch(300, 252, "title", f"Talks {SURROGATE}"))
    monkeypatch.setattr(pipeline, "clean_inputs", lambda *a, **k: iter(items))
    result = pipeline.process(["batch"], store=store)
    assert (result.run.status, result.run.n_ok, result.run.n_rejected) == ("done", 299, 1)
    assert [(r.id, r.reason) for r in result.rejected] == [("art252", "store-error")]
    assert store.count_articles() == 299
    update = index_stories(store, StoryParams(), encoder=HashEncoder())
    assert update.size == 299 and not update.problems
    assert sum(len(s.articles) for s in indexed_stories(store)) == 299


def test_a_rejection_with_an_unstorable_id_is_kept_once(store: Store) -> None:
    # a file name with non-UTF-8 bytes reaches Python as lone surrogates
    bad = Rejection(f"caf{chr(0xDCE9)}", f"caf{chr(0xDCE9)}.txt", "ingest", "empty", "empty file")
    run = store.begin_run(["x"])
    saved = store.save(run, [article("a", "one text here"), bad])
    assert saved.new == 1 and saved.rejected == []  # it was a rejection already: not counted again
    summary = store.finish_run(run)
    assert (summary.n_ok, summary.n_rejected) == (1, 1)
    kept = store.run_items(run)[1].rejection
    assert kept is not None and kept.id == "caf\\udce9" and kept.reason == "store-error"
    assert "ingest/empty: empty file" in kept.detail


# -- migrations and runs -----------------------------------------------------------------
def test_a_half_created_schema_is_created_again(tmp_path: Path) -> None:
    """A first migration killed under an older version left tables without a version."""
    url = f"sqlite:///{tmp_path / 'half.db'}"
    engine = create_db_engine(url)
    with engine.begin() as conn:
        ArticleRow.__table__.create(conn)
        RunRow.__table__.create(conn)
    engine.dispose()
    with Store(url) as store:
        assert store.count_articles() == 0
        assert {"articles", "runs", "run_items", "stories"} <= set(inspect(store.engine).get_table_names())


def test_tables_with_rows_but_no_version_are_left_alone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    engine = create_db_engine(url)
    with engine.begin() as conn:
        RunRow.__table__.create(conn)
        conn.execute(RunRow.__table__.insert().values(started_at=datetime.now(UTC), inputs=[], status="done",
                                                      n_ok=0, n_new=0, n_rejected=0))
    engine.dispose()
    with pytest.raises(StoreError, match="no schema version"):
        Store(url)


def _dead_process() -> tuple[int, str | None]:
    """The pid and start time of a process that has ended (its pid may be reused, its start time not)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    start = _start_token(child.pid)
    child.kill()
    child.wait()
    return child.pid, start


def test_runs_of_dead_processes_are_marked_interrupted(db_url: str) -> None:
    with Store(db_url) as store:
        live = store.begin_run(["mine"])  # this process: alive
        host, _, _ = this_process()
        now = datetime.now(UTC)
        dead_pid, dead_start = _dead_process()
        rows = {
            "dead here": dict(host=host, pid=dead_pid, pid_start=dead_start, heartbeat_at=now),
            "pid reused": dict(host=host, pid=os.getpid(), pid_start="1", heartbeat_at=now),
            "elsewhere, beating": dict(host="other-host", pid=1, pid_start=None, heartbeat_at=now),
            "elsewhere, silent": dict(host="other-host", pid=1, pid_start=None, heartbeat_at=now - 2 * STALE_AFTER),
            "before owners were kept": dict(host=None, pid=None, pid_start=None, heartbeat_at=None),
        }
        with store.engine.begin() as conn:
            for name, owner in rows.items():
                conn.execute(RunRow.__table__.insert().values(
                    started_at=now - 3 * STALE_AFTER, inputs=[name], status="running", n_ok=0, n_new=0,
                    n_rejected=0, **owner))
    with Store(db_url) as later:  # the next start
        status = {r.inputs[0]: r.status for r in later.runs()}
    assert status == {"mine": "running", "dead here": "interrupted", "pid reused": "interrupted",
                      "elsewhere, beating": "running", "elsewhere, silent": "interrupted",
                      "before owners were kept": "interrupted"}
    with Store(db_url) as store:
        assert store.finish_run(live).status == "done"


def test_a_stopped_run_is_interrupted_and_a_crashed_one_failed(store: Store, monkeypatch: pytest.MonkeyPatch,
                                                                ) -> None:
    for error, status in ((KeyboardInterrupt(), "interrupted"), (RuntimeError("boom"), "failed")):
        def items(*_a: object, error: BaseException = error, **_k: object) -> Iterator[Article]:
            yield article("a", "one text here")
            raise error

        monkeypatch.setattr(pipeline, "clean_inputs", items)
        with pytest.raises(type(error)):
            pipeline.process(["x"], store=store)
        assert store.runs()[-1].status == status
