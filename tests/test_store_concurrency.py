"""Several `newsprism ingest` processes on one database, and processes killed with
SIGKILL at chosen points (first migration, after a batch, during the story index): on
SQLite and PostgreSQL, every article ends stored once and indexed once, and the next
command opens the database."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsprism.pipeline import index_stories, load_story_index
from newsprism.store import Store
from newsprism.store.tables import ArticleRow, StoryMemberRow
from newsprism.stories import StoryParams

from .store_support import HashEncoder, article, run_cli, start_cli, synthetic_text, write_inputs


def _check_complete(db_url: str, expected: int) -> None:
    """`expected` articles, each stored once and a member of the story index once."""
    with Store(db_url) as store:
        assert store.count_articles() == expected
        with Session(store.engine) as s:
            hashes = s.scalar(select(func.count(func.distinct(ArticleRow.content_hash))))
            members = s.scalar(select(func.count()).select_from(StoryMemberRow))
            indexed = s.scalar(select(func.count(func.distinct(StoryMemberRow.article_pk))))
        assert hashes == members == indexed == expected
        loaded = load_story_index(store, StoryParams())
        assert loaded.index is not None, loaded.problems
        assert len(loaded.index) == expected


@pytest.mark.slow  # child processes: ~2-8 s each to import the pipeline
@pytest.mark.parametrize("processes", [2, 4])
def test_concurrent_ingests_on_a_fresh_database(tmp_path: Path, db_url: str, processes: int) -> None:
    shared = write_inputs(tmp_path / "shared", range(6))  # every process stores these too
    own = [write_inputs(tmp_path / f"own{p}", range(100 + 10 * p, 103 + 10 * p)) for p in range(processes)]
    children = [start_cli(["ingest", str(tmp_path / "shared"), str(tmp_path / f"own{p}"), "--db", db_url])
                for p in range(processes)]
    outputs = [child.communicate(timeout=300)[0] for child in children]
    for child, out in zip(children, outputs, strict=True):
        assert child.returncode in (0, 1), out
    _check_complete(db_url, len(shared) + sum(len(o) for o in own))
    with Store(db_url) as store:
        runs = store.runs()
    assert [r.status for r in runs] == ["done"] * processes
    assert sum(r.n_new for r in runs) == len(shared) + sum(len(o) for o in own)
    assert all(r.n_ok == len(shared) + 3 for r in runs)


@pytest.mark.slow
def test_killed_ingests_leave_a_database_the_next_one_completes(tmp_path: Path, db_url: str) -> None:
    first = write_inputs(tmp_path / "in", range(8))
    more = write_inputs(tmp_path / "more", range(20, 24))
    ingest = ["ingest", str(tmp_path / "in"), "--db", db_url]
    # killed inside the first migration: no half-made schema is left behind
    code, out = run_cli(ingest, kill_at="migration")
    assert code == -9, out  # it died where it was told to
    # killed after committing its batch: the batch stays, the run is marked interrupted later
    code, out = run_cli(ingest, kill_at="batch")
    assert code == -9, out
    # killed inside the story-index transaction: nothing of it is kept
    code, out = run_cli([*ingest, str(tmp_path / "more")], kill_at="index")
    assert code == -9, out
    with Store(db_url) as store:
        assert store.count_articles() == len(first) + len(more)
        assert len(load_story_index(store, StoryParams()).order) == 0
    code, out = run_cli([*ingest, str(tmp_path / "more")])
    assert code == 0, out
    _check_complete(db_url, len(first) + len(more))
    with Store(db_url) as store:
        runs = [(r.status, r.n_ok, r.n_new) for r in store.runs()]
    assert runs == [("interrupted", 8, 8), ("done", 12, 4), ("done", 12, 0)]


def test_two_stores_update_the_story_index_at_once(db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """Two writers (threads here, each with its own Store and connections) store articles
    and update the index at the same moment: the index lock makes the second wait, so
    both succeed at the first attempt (no conflict to retry) and index each article once."""
    Store(db_url).close()  # the schema, once
    ready = Barrier(2)

    def writer(part: int) -> int:
        with Store(db_url) as store:
            run = store.begin_run([f"part{part}"])
            store.save(run, [article(f"p{part}-{i}", synthetic_text(100 * part + i)) for i in range(15)])
            store.finish_run(run)
            ready.wait(timeout=60)
            return index_stories(store, StoryParams(), encoder=HashEncoder()).size

    with ThreadPoolExecutor(2) as pool:
        sizes = sorted(pool.map(writer, [1, 2]))
    assert sizes[1] == 30  # the later one sees everything
    _check_complete(db_url, 30)
    assert "changed under this update" not in caplog.text  # what a writer without the lock meets
