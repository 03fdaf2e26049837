"""Write access (token, --open, cross-origin), upload limits, headers, and a hostile article."""

from __future__ import annotations

import json
import re

import pytest

from newsprism.store import Store
from newsprism.web.security import CSP
from tests.web_support import AUTH, HOSTILE, HOSTILE_MARKERS, TOKEN, client, hostile_jsonl, sample_files

URLS = {"urls": "https://example.invalid/a"}


def _ingest(c, **kw):  # type: ignore[no-untyped-def]
    return c.post("/api/v1/ingest", data={"urls": "not-a-url"}, **kw)


@pytest.fixture
def db(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{tmp_path / 'web.db'}"


def test_writes_need_the_token(db: str) -> None:
    c = client(db)
    assert _ingest(c).status_code == 401
    assert _ingest(c, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert _ingest(c, headers={"Authorization": TOKEN}).status_code == 401  # not a Bearer header
    ok = _ingest(c, headers=AUTH)
    assert ok.status_code == 200 and ok.json()["items"][0]["rejection"]["reason"] == "bad-url"
    assert c.post("/ingest", data={"urls": "not-a-url", "token": TOKEN}).status_code == 200  # the no-JS form
    assert c.post("/ingest", data={"urls": "not-a-url", "token": "wrong"}).status_code == 401


def test_without_a_token_writes_are_off_unless_open(db: str) -> None:
    closed = client(db, token=None)
    r = _ingest(closed, headers={"Authorization": "Bearer anything"})
    assert r.status_code == 403 and "NEWSPRISM_TOKEN" in r.json()["detail"]
    assert _ingest(client(db, token=None, open_=True)).status_code == 200


def test_cross_origin_writes_are_refused(db: str) -> None:
    c = client(db, token=None, open_=True)
    assert _ingest(c, headers={"Origin": "https://evil.example"}).status_code == 403
    assert _ingest(c, headers={"Origin": "null"}).status_code == 403
    assert _ingest(c, headers={"Origin": "http://localhost"}).status_code == 200


def test_upload_size_limit(db: str) -> None:
    c = client(db, max_upload_bytes=1000)
    big = [("files", ("big.txt", b"word " * 400_000, "text/plain"))]  # over the limit + form overhead
    r = c.post("/api/v1/ingest", files=big, headers=AUTH)
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    two = [("files", (f"f{i}.txt", b"word " * 150, "text/plain")) for i in range(2)]  # 1,500 bytes of files
    assert c.post("/api/v1/ingest", files=two, headers=AUTH).status_code == 413


def test_too_many_urls(db: str) -> None:
    c = client(db, max_urls=2)
    urls = "\n".join(f"https://example.invalid/{i}" for i in range(3))
    assert c.post("/api/v1/ingest", data={"urls": urls}, headers=AUTH).status_code == 413


@pytest.mark.parametrize("path", ["/", "/ingest", "/docs", "/api/v1/stories", "/stories/none", "/static/style.css",
                                  "/entities?name=x", "/contradictions?kind=number"])
def test_every_response_carries_the_policy(db: str, path: str) -> None:
    r = client(db).get(path)
    assert r.headers["content-security-policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP
    assert r.headers["x-content-type-options"] == "nosniff"


def test_pages_have_no_inline_script_or_handler(db: str) -> None:
    c = client(db)
    for path in ("/", "/ingest", "/docs", "/entities", "/contradictions"):
        html = c.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert " style=" not in html, path


def test_hostile_article_is_escaped_everywhere(db: str) -> None:
    c = client(db)
    doc = c.post("/api/v1/ingest", files=[("files", ("evil.jsonl", hostile_jsonl(), "application/json"))],
                 headers=AUTH).json()
    item = doc["items"][0]
    assert item["status"] == "ok", item
    pages = {"article": c.get(f"/articles/{item['article']}").text, "story": c.get(f"/stories/{item['story']}").text,
             "list": c.get("/").text, "run": c.get(f"/runs/{doc['run']['id']}").text}
    for name, html in pages.items():
        for marker in HOSTILE_MARKERS:
            assert marker not in html, (name, marker)
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in pages["article"]  # shown, as text
    assert "javascript:" not in pages["article"].split("<main>")[1].split("from ")[0]  # no link to the URL
    # the API returns the text as data, unchanged
    api = c.get(f"/api/v1/articles/{item['article']}").json()
    assert api["title"] == HOSTILE["title"] and api["url"] == HOSTILE["url"]


def test_sample_ingest_through_the_no_js_form(db: str) -> None:
    c = client(db)
    r = c.post("/ingest", files=sample_files()[:1], data={"token": TOKEN})
    assert r.status_code == 200 and 'class="ok">stored' in r.text


# both backends: the store's own reads and writes behind the pages
def test_rejections_are_listed_with_reasons(db_url: str) -> None:
    c = client(db_url)
    files = [("files", ("empty.txt", b"", "text/plain")), ("files", ("image.txt", b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                                                                           "text/plain")),
             ("files", ("../../etc/evil name.txt", b"too short", "text/plain"))]
    doc = c.post("/api/v1/ingest", files=files, data={"urls": "/etc/passwd file:///etc/passwd"},
                 headers=AUTH).json()
    reasons = {it["id"]: it["rejection"]["reason"] for it in doc["items"]}
    assert reasons["empty"] == "empty" and reasons["image"] == "binary"
    assert reasons["evil_name"] == "no-content"  # the path is cut to its base name
    assert reasons["/etc/passwd"] == reasons["file:///etc/passwd"] == "bad-url"
    assert all("newsprism-upload-" not in it["rejection"]["detail"] for it in doc["items"])
    run = c.get(f"/runs/{doc['run']['id']}")
    assert run.status_code == 200 and "rejected: binary" in run.text and "rejected: empty" in run.text


def test_empty_store_pages_say_so(db_url: str) -> None:
    c = client(db_url)
    assert c.get("/api/v1/stories").json() == {"total": 0, "limit": 50, "offset": 0, "stories": []}
    assert c.get("/api/v1/entities").json() == {"computed": False, "entities": []}
    assert "No stories yet" in c.get("/").text
    assert 'id="entities-empty">No story has been analysed yet' in c.get("/entities", params={"name": "x"}).text
    assert 'id="contradictions-empty">No story has been analysed yet' in c.get("/contradictions").text
    assert c.get("/api/v1/stories/st-nothing").status_code == 404
    missing = c.get("/stories/st-nothing")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert c.get("/api/v1/articles/nothing").status_code == 404


# -- the four holes of issue 15: each answers 4xx, never a 500 or a stored article ----------
def _stored(db: str) -> tuple[int, int]:
    """(runs, stories) in the store, read through an allowed host."""
    c = client(db)
    return len(c.get("/api/v1/runs").json()["runs"]), c.get("/api/v1/stories").json()["total"]


def test_dns_rebinding_is_refused_on_an_open_server(db: str) -> None:
    # evil.example resolves to 127.0.0.1: the browser sends its own name and a matching Origin
    evil = client(db, token=None, open_=True, base_url="http://evil.example:8000")
    r = evil.post("/api/v1/ingest", files=sample_files()[:1], headers={"Origin": "http://evil.example:8000"})
    assert r.status_code == 400 and "evil.example" in r.text
    assert r.headers["content-security-policy"] == CSP
    assert evil.get("/api/v1/stories").status_code == 400  # reads too: the store is not the page's to read
    assert evil.post("/ingest", data={"urls": "not-a-url"}).status_code == 400
    assert _stored(db) == (0, 0)
    for name in ("http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000"):
        assert client(db, token=None, open_=True, base_url=name).get("/api/v1/stories").status_code == 200, name


def test_open_servers_answer_loopback_names_only(db: str) -> None:
    # --open ignores a configured list: writes without a token stay local
    c = client(db, token=None, open_=True, allowed_hosts=("news.example",), base_url="http://news.example")
    assert c.get("/").status_code == 400


def test_a_configured_host_list(db: str) -> None:
    ok = client(db, allowed_hosts=("news.example",), base_url="https://news.example")
    assert ok.get("/api/v1/stories").status_code == 200
    assert client(db, allowed_hosts=("news.example",)).get("/").status_code == 400  # localhost is not listed
    assert client(db, allowed_hosts=("*",), base_url="http://anything.example").get("/").status_code == 200


@pytest.mark.parametrize("auth", [{}, AUTH], ids=["no-token", "token"])
@pytest.mark.parametrize("open_", [False, True], ids=["token-server", "open"])
def test_deeply_nested_json_is_refused(db: str, auth: dict, open_: bool) -> None:
    body = '{"urls": ' + "[" * 2000 + "]" * 2000 + "}"
    c = client(db, token=None if open_ else TOKEN, open_=open_)
    r = c.post("/api/v1/ingest", content=body, headers={"Content-Type": "application/json", **auth})
    assert r.status_code == 422 and "nested deeper" in r.json()["detail"]
    assert r.headers["content-security-policy"] == CSP
    assert _stored(db) == (0, 0)


def test_json_bodies_have_a_size_limit(db: str) -> None:
    c = client(db, max_json_bytes=1000)
    body = json.dumps({"urls": [f"https://example.invalid/{i}" for i in range(100)]})
    r = c.post("/api/v1/ingest", content=body, headers={"Content-Type": "application/json", **AUTH})
    assert r.status_code == 413 and "1,000-byte" in r.json()["detail"]
    shallow = json.dumps({"urls": ["not-a-url"]})  # the ordinary shape still works
    ok = c.post("/api/v1/ingest", content=shallow, headers={"Content-Type": "application/json", **AUTH})
    assert ok.status_code == 200 and ok.json()["items"][0]["rejection"]["reason"] == "bad-url"
    for bad in ("[1, 2]", '{"urls": "https://x.example"}', "{", '{"urls": [1]}'):
        r = c.post("/api/v1/ingest", content=bad, headers={"Content-Type": "application/json", **AUTH})
        assert r.status_code == 422, bad


@pytest.mark.parametrize("path", [
    "/api/v1/stories?offset=9223372036854775808", "/api/v1/stories?offset=-1", "/api/v1/stories?limit=10000",
    "/api/v1/stories?offset=99999999999999999999999999", "/?page=9223372036854775807", "/?page=0",
    "/runs/9223372036854775808", "/runs/-1", "/runs/0", "/api/v1/stories/a%00b", "/articles/a%00b", "/?q=a%00",
    "/entities?name=a%00", "/api/v1/entities?name=a%00", "/contradictions?kind=a%00", "/api/v1/contradictions?kind=a%00",
    "/contradictions?page=0", "/contradictions?page=9223372036854775807", "/contradictions?since=2025-02-30",
    "/contradictions?until=" + "9" * 40, "/entities?name=" + "x" * 201,
])
def test_integer_and_text_parameters_are_bounded(db: str, path: str) -> None:
    r = client(db).get(path)
    assert r.status_code == 422, (path, r.status_code)
    assert r.headers["content-security-policy"] == CSP


def test_server_errors_carry_the_headers_and_no_detail(db: str) -> None:
    c = client(db, raise_server_exceptions=False)

    def broken() -> None:
        raise RuntimeError("/srv/secret/path leaked")

    c.app.add_api_route("/api/v1/broken", broken)  # type: ignore[attr-defined]
    r = c.get("/api/v1/broken")
    assert r.status_code == 500 and r.json() == {"detail": "internal error"}
    assert r.headers["content-security-policy"] == CSP and r.headers["x-frame-options"] == "DENY"
    for path, code in (("/nothing", 404), ("/api/v1/nothing", 404), ("/runs/x", 422)):
        r = c.get(path)
        assert r.status_code == code and r.headers["content-security-policy"] == CSP, path
    assert c.delete("/api/v1/stories").headers["content-security-policy"] == CSP  # 405


def test_no_server_paths_in_pages_or_api(db: str) -> None:
    c = client(db)
    files = [sample_files()[0], ("files", ("../../etc/short one.txt", b"too short", "text/plain"))]
    doc = c.post("/api/v1/ingest", files=files, headers=AUTH).json()
    stored = next(it for it in doc["items"] if it["status"] == "ok")
    name = sample_files()[0][1][0]
    runs = c.get("/api/v1/runs").json()["runs"]
    assert runs[-1]["inputs"] == [name, "short_one.txt"]  # the user's file names (made safe), no directory
    api = c.get(f"/api/v1/articles/{stored['article']}").json()
    assert api["origin"] == name
    story = c.get(f"/api/v1/stories/{stored['story']}").json()
    assert [a["origin"] for a in story["articles"]] == [name]
    pages = [c.get(p).text for p in (f"/articles/{stored['article']}", f"/runs/{doc['run']['id']}",
                                     f"/stories/{stored['story']}", "/")]
    for text in [*pages, json.dumps(doc), json.dumps(runs), json.dumps(api), json.dumps(story)]:
        assert "newsprism-upload" not in text and "/tmp/" not in text
    assert f"from {name}" in pages[0]


def test_exports_wait_for_the_analysis_and_a_failed_one_is_shown_not_a_500(db: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import newsprism.pipeline
    from newsprism.stories import EncoderError
    from newsprism.worker import work_once

    def broken(*_a: object, **_k: object) -> None:
        raise EncoderError("the sentence encoder's weights are missing")

    c = client(db)
    [sid] = c.post("/api/v1/ingest", files=sample_files()[:2], headers=AUTH).json()["stories"]
    for name in ("claims.csv", "contradictions.csv", "brief.md"):  # a GET never computes an analysis
        r = c.get(f"/api/v1/stories/{sid}/{name}")
        assert r.status_code == 409 and "no analysis yet" in r.json()["detail"], name
        assert r.headers["content-security-policy"] == CSP
    monkeypatch.setattr(newsprism.pipeline, "story_reports", broken)
    with Store(db) as store:
        done = work_once(store)
    assert done is not None and done.outcome == "failed"
    story = c.get(f"/api/v1/stories/{sid}").json()
    assert "weights are missing" in (story["analysis"]["error"] or "")
    page = c.get(f"/stories/{sid}")
    assert page.status_code == 200 and "weights are missing" in page.text
