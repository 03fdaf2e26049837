"""URL ingest refuses private, loopback and link-local addresses: every resolved address,
every redirect hop, and at connect time (rebinding)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import httpx
import pytest

from newsprism.web.ssrf import (
    BlockedAddress,
    GuardedBackend,
    GuardedTransport,
    check_host,
    guarded_client,
    why_blocked,
)
from tests.web_support import AUTH, BODY, client

PUBLIC = "93.184.216.34"


@pytest.mark.parametrize(("address", "blocked"), [
    ("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"), ("0.0.0.0", "unspecified"), ("100.64.0.1", "not globally routable"),
    ("::1", "loopback"), ("fe80::1", "link-local"), ("fc00::1", "private"), ("::ffff:127.0.0.1", "loopback"),
    ("224.0.0.1", "multicast"), (PUBLIC, None), ("2606:4700:4700::1111", None),
])
def test_why_blocked(address: str, blocked: str | None) -> None:
    reason = why_blocked(address)
    assert (reason is None) if blocked is None else (blocked in (reason or "")), reason


def test_every_address_of_a_host_is_checked() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return {"mixed.test": [PUBLIC, "10.0.0.7"], "ok.test": [PUBLIC]}[host]

    assert check_host("ok.test", 80, resolver) == [PUBLIC]
    with pytest.raises(BlockedAddress, match="10.0.0.7"):
        check_host("mixed.test", 80, resolver)


def test_a_redirect_to_a_private_address_is_refused() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://metadata.test/latest/meta-data/"})

    def resolver(host: str, port: int) -> list[str]:
        return {"news.test": [PUBLIC], "metadata.test": ["169.254.169.254"]}[host]

    with guarded_client(resolver=resolver, inner=httpx.MockTransport(handler)) as c:
        first = c.send(c.build_request("GET", "http://news.test/a"), follow_redirects=False)
        assert first.status_code == 302
        with pytest.raises(httpx.ConnectError, match="link-local"):
            c.get("http://news.test/a", follow_redirects=True)
    assert seen == ["http://news.test/a", "http://news.test/a"]  # the private hop was never sent


def test_the_connection_goes_only_to_an_address_checked_at_connect_time() -> None:
    """DNS rebinding: the name is public when checked, private when connecting."""
    answers = iter([[PUBLIC], ["127.0.0.1"]])

    def resolver(host: str, port: int) -> list[str]:
        return next(answers)

    with guarded_client(resolver=resolver) as c, pytest.raises(httpx.ConnectError, match="loopback"):
        c.get("http://rebind.test/")
    with pytest.raises(httpcore.ConnectError, match="private"):
        GuardedBackend(lambda h, p: ["192.168.0.2"]).connect_tcp("lan.test", 80)


def test_non_http_schemes_are_refused() -> None:
    with pytest.raises(httpx.UnsupportedProtocol):
        GuardedTransport(lambda h, p: [PUBLIC]).handle_request(httpx.Request("GET", "ftp://files.test/x"))


class _Page(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits.append(self.path)
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        body = f"<html><head><title>Local page</title></head><body><article><p>{BODY * 3}</p></article></body></html>"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    _Page.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/story"
    server.shutdown()
    server.server_close()


def test_ingest_refuses_a_loopback_url(tmp_path, local_server: str) -> None:  # type: ignore[no-untyped-def]
    c = client(f"sqlite:///{tmp_path / 'web.db'}")
    doc = c.post("/api/v1/ingest", data={"urls": f"{local_server}\nhttp://localhost:1/x"}, headers=AUTH).json()
    assert [it["rejection"]["reason"] for it in doc["items"]] == ["blocked-address", "blocked-address"]
    assert "loopback" in doc["items"][0]["rejection"]["detail"]
    assert _Page.hits == []  # nothing reached the server


def test_ingest_fetches_a_private_url_when_allowed(tmp_path, local_server: str) -> None:  # type: ignore[no-untyped-def]
    c = client(f"sqlite:///{tmp_path / 'web.db'}", allow_private_urls=True)
    doc = c.post("/api/v1/ingest", data={"urls": local_server}, headers=AUTH).json()
    assert doc["items"][0]["status"] == "ok", doc["items"]
    assert "/story" in _Page.hits
