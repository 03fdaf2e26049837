"""Property-based runs against the API's own schema (`/openapi.json`, schemathesis) and
the pages' parameters (Hypothesis): whatever a client sends, no request gets a 500, and
every answer carries the security headers. `make fuzz-web` runs more examples."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.config import load_settings
from newsprism.web import create_app, load_web_settings
from newsprism.web.security import CSP
from tests.web_support import client

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is in the dev extra")

EXAMPLES = int(os.environ.get("NEWSPRISM_FUZZ_EXAMPLES", "60"))  # per operation; 6 operations
_TMP = tempfile.mkdtemp(prefix="newsprism-openapi-")  # the schema is read at import, before any fixture
atexit.register(shutil.rmtree, _TMP, True)
_DB = Path(_TMP) / "web.db"
APP = create_app(load_settings(db=f"sqlite:///{_DB}"), token="fuzz-token",
                 web=load_web_settings(allowed_hosts=("*",)))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_never_answers_500(case) -> None:  # type: ignore[no-untyped-def]
    response = case.call()
    assert response.status_code < 500, (case.method, case.formatted_path, case.query, response.text[:300])
    assert response.headers["content-security-policy"] == [CSP]


TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
INTS = st.one_of(st.integers(), st.integers(-(2**70), 2**70), st.sampled_from([0, -1, 2**31, 2**63, 2**64]))


@pytest.fixture
def pages(db_url: str):  # type: ignore[no-untyped-def]
    """A client on SQLite, and on PostgreSQL when NEWSPRISM_TEST_PG is set (it refuses NUL characters)."""
    return client(db_url)


@given(page=st.one_of(INTS.map(str), TEXT), q=TEXT, run=st.one_of(INTS.map(str), TEXT), ident=TEXT, offset=INTS,
       limit=st.integers(-5, 600))
@settings(max_examples=EXAMPLES * 2, deadline=None, suppress_health_check=list(HealthCheck))
def test_pages_and_parameters_never_answer_500(pages, page: str, q: str, run: str, ident: str,  # type: ignore[no-untyped-def]
                                               offset: int, limit: int) -> None:
    for path, params in (("/", {"page": page, "q": q}), ("/api/v1/stories", {"offset": offset, "limit": limit}),
                         (f"/runs/{quote(run, safe='')}", {}),
                         ("/stories/x", {"analyze": ident, "status": q, "sort": ident, "source": q, "all": page}),
                         ("/articles/x", {"hl": ident}), (f"/articles/{quote(ident, safe='')}", {}),
                         (f"/stories/{quote(ident, safe='')}", {}), ("/entities", {"name": q}),
                         ("/contradictions", {"kind": q, "since": ident, "until": q, "page": page})):
        r = pages.get(path, params=params)
        assert r.status_code < 500, (path, params, r.status_code)
        assert r.headers["content-security-policy"] == CSP
