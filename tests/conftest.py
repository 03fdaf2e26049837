"""Shared fixtures. Every JSON report a test writes under its tmp_path is validated
against the report schema after the test: the contract is checked on every report
the tests produce."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from newsprism.report import SCHEMA_ID, validate_report
from newsprism.store import Store, create_db_engine

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "istanbul-2025"


@pytest.fixture(autouse=True)
def _validate_written_reports(tmp_path: Path) -> Iterator[None]:
    yield
    for path in tmp_path.rglob("*.json"):
        try:
            doc = json.loads(path.read_text("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(doc, dict) and doc.get("schema") == SCHEMA_ID:
            validate_report(doc)


def _reset_pg(url: str) -> None:
    engine = create_db_engine(url)
    with engine.begin() as conn:
        # Every table of every migration, present and future: the test database is ours.
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _db_params() -> list:
    params = [pytest.param("sqlite", id="sqlite")]
    params.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))
    return params


@pytest.fixture(params=_db_params())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: SQLite always, PostgreSQL when NEWSPRISM_TEST_PG is set."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = os.environ.get("NEWSPRISM_TEST_PG")
    if not url:
        pytest.skip("set NEWSPRISM_TEST_PG to a PostgreSQL URL to run the PostgreSQL tests")
    _reset_pg(url)
    return url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store(db_url) as s:
        yield s


@pytest.fixture
def feed_server() -> Iterator[object]:
    """A local feed server on 127.0.0.1 (`feed_support.FeedServer`), shut down after the test."""
    from tests.feed_support import FeedServer  # it reads this module's paths: imported late

    srv = FeedServer()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()
