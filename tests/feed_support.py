"""A local HTTP feed server (127.0.0.1 only) for the watch and alert tests: a swappable
feed with an ETag it honours, bad feeds of every kind, and a webhook receiver."""

from __future__ import annotations

import html
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .conftest import SAMPLE

ARTICLES = sorted((SAMPLE / "clean").glob("*.txt"))


def _rss(entries: list[Path], base: str) -> bytes:
    items = []
    for p in entries:
        title, _, body = p.read_text("utf-8").partition("\n")
        paragraphs = "".join(f"<p>{html.escape(x)}</p>" for x in body.split("\n") if x.strip())
        items.append(f"<item><title>{html.escape(title)}</title><link>{base}/a/{p.stem}</link>"
                     f"<pubDate>{format_datetime(datetime(2025, 5, 16, tzinfo=UTC))}</pubDate>"
                     f"<description>{html.escape(paragraphs)}</description></item>")
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>{base}</link>'
            f"<description>test</description>{''.join(items)}</channel></rss>").encode()


class FeedServer:
    """Serves /feed.xml (swappable, with an ETag it honours) and bad feeds."""

    def __init__(self) -> None:
        self.feed = b""
        self.etag = '"v0"'
        self.requests: list[tuple[str, str | None]] = []  # (path, If-None-Match)
        self.posts: list[tuple[dict[str, str], bytes, int]] = []  # what /hook received: headers, body, answer
        self.hook_status = 200
        self.pages: dict[str, str] = {}  # path -> article text, served as an HTML page
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_a: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                server.requests.append((self.path, self.headers.get("If-None-Match")))
                if self.path == "/feed.xml":
                    if self.headers.get("If-None-Match") == server.etag:
                        self.send_response(304)
                        self.end_headers()
                        return
                    self._send(200, server.feed, "application/rss+xml", {"ETag": server.etag})
                elif self.path in server.pages:
                    title, _, body = server.pages[self.path].partition("\n")
                    paragraphs = "".join(f"<p>{html.escape(x)}</p>" for x in body.split("\n") if x.strip())
                    page = (f"<html><head><title>{html.escape(title)}</title></head><body><article>"
                            f"<h1>{html.escape(title)}</h1>{paragraphs}</article></body></html>")
                    self._send(200, page.encode(), "text/html; charset=utf-8")
                elif self.path == "/error.xml":
                    self._send(500, b"oops", "text/plain")
                elif self.path == "/page.xml":
                    self._send(200, b"<html><body>Not a feed at all</body></html>", "text/html")
                elif self.path == "/loop.xml":
                    self._send(302, b"", "text/plain", {"Location": "/loop.xml"})
                elif self.path == "/slow.xml":
                    time.sleep(2.5)
                    self._send(200, server.feed, "application/rss+xml")
                elif self.path == "/huge.xml":
                    items = "".join(f"<item><title>t{i}</title><link>http://x.invalid/{i}</link>"
                                    f"<description>d{i}</description></item>" for i in range(10_000))
                    self._send(200, f'<rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode(),
                               "application/rss+xml")
                else:
                    self._send(404, b"", "text/plain")

            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/hook":
                    server.posts.append((dict(self.headers), body, server.hook_status))
                    self._send(server.hook_status, b"", "text/plain")
                else:
                    self._send(404, b"", "text/plain")

            def _send(self, code: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, entries: list[Path], etag: str) -> None:
        self.feed, self.etag = _rss(entries, self.base), etag


