"""Write access (token, --open, cross-origin), upload limits, headers, and a hostile article."""

from __future__ import annotations

import re

import pytest

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
    assert _ingest(c, headers={"Origin": "http://testserver"}).status_code == 200


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


@pytest.mark.parametrize("path", ["/", "/ingest", "/docs", "/api/v1/stories", "/stories/none", "/static/style.css"])
def test_every_response_carries_the_policy(db: str, path: str) -> None:
    r = client(db).get(path)
    assert r.headers["content-security-policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP
    assert r.headers["x-content-type-options"] == "nosniff"


def test_pages_have_no_inline_script_or_handler(db: str) -> None:
    c = client(db)
    for path in ("/", "/ingest", "/docs"):
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
    assert c.get("/api/v1/stories/st-nothing").status_code == 404
    missing = c.get("/stories/st-nothing")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert c.get("/api/v1/articles/nothing").status_code == 404
