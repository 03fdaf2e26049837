"""Fetching URLs: a local HTTP server on 127.0.0.1 and httpx.MockTransport, never the internet."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from newsprism.config import Settings
from newsprism.ingest import Fetcher, ingest
from newsprism.ingest.errors import FetchFailed, RobotsDisallowed, TooLarge
from newsprism.models import RawDocument, Rejection

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ARTICLE = "<html><head><title>Talks</title></head><body><p>Делегации встретились.</p></body></html>"
FAST = Settings(fetch_host_interval=0.0, fetch_timeout=2.0)

Route = Callable[[BaseHTTPRequestHandler], None]


# --- a local server -------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, Route] = {}

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404)
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first, as the test intends

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the http.server API
        pass


def reply(status: int, body: bytes = b"", ctype: str = "text/html", **headers: str) -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            h.send_header(name.replace("_", "-"), value)
        h.end_headers()
        h.wfile.write(body)

    return route


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, Route], threading.Event]]:
    """(base URL, routes to fill, event that releases slow handlers)."""
    routes: dict[str, Route] = {}
    release = threading.Event()
    handler = type("Handler", (_Handler,), {"routes": routes})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", routes, release
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# --- real HTTP against the local server -----------------------------------------------


def test_page_feed_404_and_wrong_type_through_ingest(
    server: tuple[str, dict[str, Route], threading.Event],
) -> None:
    base, routes, _ = server
    routes["/story"] = reply(200, ARTICLE.encode("cp1251"), "text/html; charset=windows-1251")
    routes["/feed"] = reply(200, (FIXTURES / "atom.xml").read_bytes(), "application/atom+xml")
    routes["/report.pdf"] = reply(200, b"%PDF-1.7 ...", "application/pdf")
    items = list(
        ingest([f"{base}/story", f"{base}/nope", f"{base}/feed", f"{base}/report.pdf"], settings=FAST)
    )
    assert [(i.id, getattr(i, "reason", "ok")) for i in items] == [
        (f"{base}/story", "ok"),
        (f"{base}/nope", "fetch-failed"),
        ("https://wire.example/talks-end", "ok"),  # feed entries: id = entry link
        ("https://wire.example/summary", "ok"),
        (f"{base}/report.pdf", "unsupported"),
    ]
    page = items[0]
    assert isinstance(page, RawDocument)
    assert (page.kind, page.url, page.encoding) == ("html", f"{base}/story", "windows-1251")
    assert page.content == ARTICLE.encode("cp1251")
    assert "HTTP 404" in items[1].detail  # type: ignore[union-attr]
    assert items[2].origin == f"{base}/feed#1"


def test_timeout(server: tuple[str, dict[str, Route], threading.Event]) -> None:
    base, routes, release = server

    def slow(h: BaseHTTPRequestHandler) -> None:
        release.wait(5)  # longer than the client waits
        reply(200, b"<html>late</html>")(h)

    routes["/slow"] = slow
    started = time.monotonic()
    items = list(ingest([f"{base}/slow"], settings=Settings(fetch_timeout=0.3, fetch_host_interval=0)))
    assert time.monotonic() - started < 2
    assert [(i.id, getattr(i, "reason", "ok")) for i in items] == [(f"{base}/slow", "fetch-failed")]
    assert "no answer within 0.3 s" in items[0].detail  # type: ignore[union-attr]


def test_slow_drip_body_is_abandoned(server: tuple[str, dict[str, Route], threading.Event]) -> None:
    base, routes, release = server

    def drip(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        while not release.wait(0.05):  # a few bytes, often enough never to trip the read timeout
            h.wfile.write(b"<p>.</p>")
            h.wfile.flush()

    routes["/drip"] = drip
    started = time.monotonic()
    with Fetcher(Settings(fetch_timeout=0.4, fetch_host_interval=0), obey_robots=False) as fetcher:
        with pytest.raises(FetchFailed, match="still arriving after 0.4 s"):
            fetcher.get(f"{base}/drip")
    assert time.monotonic() - started < 2


def test_redirect_loop(server: tuple[str, dict[str, Route], threading.Event]) -> None:
    base, routes, _ = server
    routes["/a"] = reply(302, Location="/b")
    routes["/b"] = reply(302, Location="/a")
    items = list(ingest([f"{base}/a"], settings=FAST))
    assert [(i.id, getattr(i, "reason", "ok")) for i in items] == [(f"{base}/a", "fetch-failed")]
    assert "too many redirects (more than 5)" in items[0].detail  # type: ignore[union-attr]


def test_redirects_are_followed_up_to_the_cap(server: tuple[str, dict[str, Route], threading.Event]) -> None:
    base, routes, _ = server
    for n in range(3):
        routes[f"/hop{n}"] = reply(301, Location=f"{base}/hop{n + 1}")
    routes["/hop3"] = reply(200, ARTICLE.encode(), "text/html; charset=utf-8")
    with Fetcher(FAST, obey_robots=False) as fetcher:
        assert fetcher.get(f"{base}/hop0").url == f"{base}/hop3"
    with Fetcher(Settings(fetch_max_redirects=2, fetch_host_interval=0), obey_robots=False) as fetcher:
        with pytest.raises(FetchFailed, match="too many redirects"):
            fetcher.get(f"{base}/hop0")


def test_oversized_download_is_cut_off(server: tuple[str, dict[str, Route], threading.Event]) -> None:
    base, routes, _ = server
    sent: list[int] = []

    def huge(h: BaseHTTPRequestHandler) -> None:  # no Content-Length: the size shows only while reading
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        for _ in range(200):
            h.wfile.write(b"x" * 65536)
            sent.append(65536)

    routes["/huge"] = huge
    items = list(ingest([f"{base}/huge"], settings=Settings(max_record_bytes=100_000, fetch_host_interval=0)))
    assert [(i.id, getattr(i, "reason", "ok")) for i in items] == [(f"{base}/huge", "too-large")]
    assert "over the 100,000-byte limit" in items[0].detail  # type: ignore[union-attr]


def test_robots_txt_is_obeyed(server: tuple[str, dict[str, Route], threading.Event]) -> None:
    base, routes, _ = server
    robots = b"User-agent: newsprism\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n"
    routes["/robots.txt"] = reply(200, robots, "text/plain")
    routes["/public"] = reply(200, ARTICLE.encode())
    routes["/private/x"] = reply(200, ARTICLE.encode())
    items = list(ingest([f"{base}/public", f"{base}/private/x"], settings=FAST))
    assert [getattr(i, "reason", "ok") for i in items] == ["ok", "robots"]
    assert "robots.txt disallows" in items[1].detail  # type: ignore[union-attr]


# --- canned transport: headers, limits, rate, robots ----------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def mock_client(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def html(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/html"}, content=ARTICLE.encode())


def test_user_agent_is_sent() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["user-agent"])
        return html(request)

    settings = Settings(user_agent="newsprism-test/9 (+https://example.org)", fetch_host_interval=0)
    with mock_client(handler) as client, Fetcher(settings, client, obey_robots=False) as fetcher:
        fetcher.get("https://a.example/1")
    assert seen == ["newsprism-test/9 (+https://example.org)"]


def test_rate_limit_spaces_requests_to_one_host() -> None:
    clock = FakeClock()
    times: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        times.append((request.url.host, clock.now))
        return html(request)

    settings = Settings(fetch_host_interval=2.0)
    with mock_client(handler) as client:
        fetcher = Fetcher(settings, client, clock=clock, sleep=clock.sleep, obey_robots=False)
        for url in [
            "https://a.example/1",
            "https://a.example/2",
            "https://b.example/1",
            "https://a.example/3",
        ]:
            fetcher.get(url)
        clock.now += 10  # idle long enough: no wait
        fetcher.get("https://a.example/4")
    assert clock.sleeps == [2.0, 2.0]  # a/2 waits for a/1; b/1 does not wait; a/3 waits for a/2
    a_times = [t for host, t in times if host == "a.example"]
    assert all(later - earlier >= 2.0 for earlier, later in zip(a_times, a_times[1:], strict=False))


def test_declared_content_length_over_the_cap_is_not_read() -> None:
    def never_read() -> Iterator[bytes]:
        raise AssertionError("the body was read")
        yield b""  # pragma: no cover

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "text/html", "content-length": "50000000"}
        return httpx.Response(200, headers=headers, content=never_read())

    with mock_client(handler) as client, Fetcher(FAST, client, obey_robots=False) as fetcher:
        with pytest.raises(TooLarge, match="Content-Length 50,000,000"):
            fetcher.get("https://a.example/big")


def test_gzip_bomb_over_http_stops_at_the_cap() -> None:
    bomb = gzip.compress(b" " * 20_000_000, 9)

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "text/html", "content-encoding": "gzip"}
        return httpx.Response(200, headers=headers, content=iter([bomb]))

    settings = Settings(max_record_bytes=1_000_000, fetch_host_interval=0)
    with mock_client(handler) as client, Fetcher(settings, client, obey_robots=False) as fetcher:
        with pytest.raises(TooLarge):
            fetcher.get("https://a.example/bomb")


@pytest.mark.parametrize(
    ("robots_status", "allowed"),
    [(404, True), (403, True), (500, False), (503, False)],
)
def test_robots_unavailable_allows_unreachable_disallows(robots_status: int, allowed: bool) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(robots_status)
        return html(request)

    with mock_client(handler) as client, Fetcher(FAST, client) as fetcher:
        for n in range(3):
            if allowed:
                fetcher.get(f"https://a.example/{n}")
            else:
                with pytest.raises(RobotsDisallowed, match="unreachable"):
                    fetcher.get(f"https://a.example/{n}")
    assert calls.count("/robots.txt") == 1  # fetched once per host
    assert len(calls) == (4 if allowed else 1)


def test_connection_refused_is_fetch_failed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with mock_client(handler) as client:
        items = list(ingest(["https://down.example/x"], settings=FAST, client=client))
    # No answer at all: the page cannot be fetched either; "robots" would send the user to
    # the site's robots.txt (issue 17, case 7). A 5xx robots.txt stays "robots" (above).
    assert [(i.id, i.reason) for i in items if isinstance(i, Rejection)] == [("https://down.example/x", "fetch-failed")]
    assert "ConnectError" in items[0].detail  # type: ignore[union-attr]


def test_unreachable_host_is_tried_once_per_run() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        raise httpx.ConnectError("name or service not known", request=request)

    urls = ["https://down.example/a", "https://down.example/b"]
    with mock_client(handler) as client:
        items = list(ingest(urls, settings=FAST, client=client))
    assert [getattr(i, "reason", "ok") for i in items] == ["fetch-failed", "fetch-failed"]
    assert calls == ["https://down.example/robots.txt"]


def test_connection_refused_without_robots() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with mock_client(handler) as client, Fetcher(FAST, client, obey_robots=False) as fetcher:
        with pytest.raises(FetchFailed, match="ConnectError: connection refused"):
            fetcher.get("https://down.example/x")


def test_feed_served_as_generic_xml_is_sniffed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        body = (FIXTURES / "rss.xml").read_bytes()
        return httpx.Response(200, headers={"content-type": "text/xml; charset=utf-8"}, content=body)

    with mock_client(handler) as client:
        items = list(ingest(["https://gazette.example/rss"], settings=FAST, client=client))
    assert [(i.id, getattr(i, "reason", "ok")) for i in items] == [
        ("https://gazette.example/2025/05/16/talks", "ok"),
        ("https://gazette.example/2025/05/16/exchange", "ok"),
        ("https://gazette.example/2025/05/16/gallery", "no-content"),
    ]
