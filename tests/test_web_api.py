"""The JSON API and pages over a store filled through `POST /api/v1/ingest` (SQLite, and
PostgreSQL when NEWSPRISM_TEST_PG is set)."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient

from newsprism.pipeline import indexed_stories
from newsprism.report import validate_report
from newsprism.store import Store
from tests.conftest import _reset_pg
from tests.web_support import AUTH, RAW, client, sample_files


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def filled_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One store per backend for the module, filled once through the API (ingest is the slow part)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    url = os.environ.get("NEWSPRISM_TEST_PG")
    if not url:
        pytest.skip("set NEWSPRISM_TEST_PG to a PostgreSQL URL to run the PostgreSQL tests")
    _reset_pg(url)
    return url


@pytest.fixture(scope="module")
def filled(filled_url: str) -> tuple[TestClient, dict]:
    c = client(filled_url)
    r = c.post("/api/v1/ingest", files=sample_files(), headers=AUTH)
    assert r.status_code == 200, r.text
    return c, r.json()


def test_ingest_reports_every_item_and_its_story(filled: tuple[TestClient, dict]) -> None:
    _, doc = filled
    names = sorted(p.stem for p in RAW.iterdir())
    assert [it["id"] for it in doc["items"]] == names
    assert {it["status"] for it in doc["items"]} == {"ok"}
    assert doc["run"] == {"id": 1, "ok": 5, "new": 5, "rejected": 0}
    assert doc["stories_error"] is None
    assert len(doc["stories"]) == 1 and all(it["story"] == doc["stories"][0] for it in doc["items"])


def test_stories_equal_the_story_index(filled: tuple[TestClient, dict], filled_url: str) -> None:
    c, _ = filled
    listed = c.get("/api/v1/stories").json()
    with Store(filled_url) as store:
        indexed = indexed_stories(store)
    assert listed["total"] == len(indexed) == 1
    got = listed["stories"][0]
    want = indexed[0].to_report()
    assert {k: got[k] for k in want} == want
    assert (got["n_articles"], got["n_origins"]) == (5, 5)


def test_story_document_follows_the_report_contract(filled: tuple[TestClient, dict]) -> None:
    c, doc = filled
    story = c.get(f"/api/v1/stories/{doc['stories'][0]}").json()
    validate_report(story)
    assert story["schema"] == "newsprism.report/1"
    assert [a["id"] for a in story["articles"]] == story["stories"][0]["articles"]
    assert all(a["text"] and a["status"] == "ok" for a in story["articles"])
    assert story["computed"] == {k: False for k in ("brief", "claims", "contradictions", "entities", "sources")}
    assert "brief" not in story["stories"][0] and "claims" not in story["stories"][0]  # never faked


def test_article_by_hash_and_by_id(filled: tuple[TestClient, dict]) -> None:
    c, doc = filled
    item = doc["items"][2]
    by_hash = c.get(f"/api/v1/articles/{item['article']}").json()
    by_id = c.get(f"/api/v1/articles/{item['id']}").json()
    assert by_hash == by_id
    assert by_hash["content_hash"] == item["article"] and by_hash["stories"] == [item["story"]]
    assert by_hash["title"] == item["title"] and by_hash["text"].startswith(item["title"][:40])
    assert isinstance(by_hash["removed"], list)
    page = c.get(f"/articles/{item['article']}")
    assert page.status_code == 200 and "Removed by cleaning" in page.text


SEARCHES = [("Istanbul", 1), ("istanbul negotiations", 1), ("ISTANBUL", 1), ("negotiation", 1),  # stemmed
            ("Istanbul zzqxjunk", 0), ('"NEAR(istanbul) OR *', 1), ("!!!", 0)]


def test_search(filled: tuple[TestClient, dict]) -> None:
    c, _ = filled
    for query, hits in SEARCHES:
        r = c.get("/api/v1/stories", params={"q": query})
        assert r.status_code == 200 and r.json()["total"] == hits, query
        page = c.get("/", params={"q": query})
        assert page.status_code == 200 and page.text.count('class="story-link"') == hits, query


def test_story_page_shows_what_exists_and_slots_for_the_rest(filled: tuple[TestClient, dict]) -> None:
    c, doc = filled
    html = c.get(f"/stories/{doc['stories'][0]}").text
    assert '<span id="n-origins">5 independent origins</span>' in html
    for section in ("brief", "matrix", "sources-chart", "contradictions", "entities", "timeline", "articles"):
        assert f'id="{section}"' in html
    assert html.count("Not computed yet") == 5
    for item in doc["items"]:
        assert f'href="/articles/{item["article"]}"' in html


def test_openapi_and_docs_page_need_no_cdn(filled: tuple[TestClient, dict]) -> None:
    c, _ = filled
    spec = c.get("/openapi.json").json()
    assert {"/api/v1/stories", "/api/v1/stories/{story_id}", "/api/v1/articles/{ident}", "/api/v1/entities",
            "/api/v1/ingest"} <= set(spec["paths"])
    docs = c.get("/docs").text
    assert "/api/v1/ingest" in docs and "multipart/form-data" in docs
    assert "cdn" not in docs.lower() and "<script" not in docs


def test_reingest_adds_nothing_and_keeps_the_story(filled: tuple[TestClient, dict]) -> None:
    c, doc = filled
    again = c.post("/api/v1/ingest", files=sample_files(), headers=AUTH).json()
    assert again["run"]["new"] == 0 and again["stories"] == doc["stories"]
    assert c.get("/api/v1/stories").json()["total"] == 1


def test_a_get_never_analyses_and_a_worker_fills_the_story_sections(
        filled: tuple[TestClient, dict], filled_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism import pipeline
    from newsprism.worker import work_once

    c, doc = filled
    sid = doc["stories"][0]

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("a GET started analysis work")

    with monkeypatch.context() as m:
        m.setattr(pipeline, "story_reports", refuse)
        story = c.get(f"/api/v1/stories/{sid}", params={"analyze": "true"}).json()
        html = c.get(f"/stories/{sid}", params={"analyze": "1"}).text
    assert story["analysis"]["state"] == "queued" and story["analysis"]["analysed_at"] is None  # the ingest queued it
    assert story["computed"] == dict.fromkeys(story["computed"], False)
    assert 'data-state="queued"' in html and "?analyze" not in html
    with Store(filled_url) as store:
        done = work_once(store)
        assert done is not None and (done.story, done.outcome, done.articles) == (sid, "analysed", 5)
        assert work_once(store) is None  # one story, taken once
    story = c.get(f"/api/v1/stories/{sid}").json()
    validate_report(story)  # evidence offsets index the articles' clean text
    assert story["analysis"]["state"] == "done" and story["analysis"]["articles"] == 5
    assert story["computed"] == dict.fromkeys(story["computed"], True)
    assert story["stories"][0]["brief"]["sentences"] and story["stories"][0]["sources"]
    claims = story["stories"][0]["claims"]
    assert claims and all(set(cl["sources"]) <= set(story["stories"][0]["articles"]) for cl in claims)
    html = c.get(f"/stories/{sid}").text
    assert 'data-state="done"' in html and "with 5 articles" in html
    stated = html.count('class="cell states"') + html.count('class="cell contradicts"')
    assert stated == sum(len(set(cl["sources"])) for cl in claims)  # one cell per (claim, citing article)
    assert "Not computed yet" not in html  # every section has its stage now
    # the analysed story's articles show what it cites in them
    article = c.get(f"/articles/{doc['items'][0]['article']}").text
    assert '<mark class="evidence' in article and 'class="entity' in article and "Not computed yet" not in article
