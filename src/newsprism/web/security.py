"""Response headers, allowed hosts, request-body limits, write access, path scrubbing.

Every response carries a strict Content-Security-Policy: scripts and styles only from
this server's `/static/` files (no inline script, no inline event handler, no inline
style attribute can run or apply), no frames, forms post only here. Error responses,
500s included, carry the same headers (`HEADERS`; the app's error handlers add them
where the middleware cannot).

A request whose `Host` is not allowed gets 400 before any route runs (DNS rebinding:
a page on `evil.example` whose name resolves to 127.0.0.1 must not reach the local
server). A server started with `open_=True` allows the loopback names only; otherwise
the configured list (`NEWSPRISM_WEB_ALLOWED_HOSTS`, default the loopback names).

Writes (`POST /api/v1/ingest`, `POST /ingest`) need `Authorization: Bearer <token>`
(or the form field `token`) equal to the configured token; a server started with
`open_=True` (the CLI allows it on a loopback address only) takes writes without one.
A browser write from another origin is refused whatever the token (cross-site request
forgery against an open local server).

Errors raised here (all `fastapi.HTTPException`): 400 host not allowed, 401 no valid
token, 403 writes refused (origin, disabled), 413 JSON body too large, 422 JSON body
malformed or nested too deep.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CSP", "HEADERS", "LOOPBACK_HOSTS", "AllowedHosts", "SecurityHeaders", "WriteAccess", "parse_json_body",
           "public_path"]

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


class SecurityHeaders:
    """ASGI middleware: `HEADERS` on every response that passes through it (a header the
    route set itself is kept)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in HEADERS.items():
                    if k not in headers:
                        headers[k] = v
            await send(message)

        await self.app(scope, receive, send_with_headers)


def host_name(host_header: str) -> str:
    """The name of a `Host` header without its port, lower-case: `[::1]:8000` -> `::1`."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class AllowedHosts:
    """ASGI middleware: 400 unless the request's `Host` names one of `hosts` (any port);
    `*` in `hosts` allows every name."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(h.strip().lower().strip("[]") for h in hosts if h.strip())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and "*" not in self.hosts:
            name = host_name(Headers(scope=scope).get("host", ""))
            if name not in self.hosts:
                response = PlainTextResponse(f"host {name!r} is not allowed here (NEWSPRISM_WEB_ALLOWED_HOSTS)",
                                             status_code=400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in the JSON text `raw` (strings skipped), without
    parsing it: `json_depth(b'{"a": [1, "]]"]}')` -> 2."""
    brackets = re.sub(rb'"(?:[^"\\]|\\.)*"', b"", raw)
    depth = deepest = 0
    for b in re.findall(rb"[\[\]{}]", brackets):
        depth += 1 if b in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


def parse_json_body(raw: bytes, *, max_bytes: int, max_depth: int) -> Any:
    """The JSON value of a request body; 413 over `max_bytes`, 422 when nested deeper than
    `max_depth` (checked before parsing: the parser recurses) or not JSON."""
    if len(raw) > max_bytes:
        raise HTTPException(413, f"JSON body of {len(raw):,} bytes is over the {max_bytes:,}-byte limit")
    if json_depth(raw) > max_depth:
        raise HTTPException(422, f"JSON body nested deeper than {max_depth} levels")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise HTTPException(422, f"the body is not JSON: {exc}") from exc


# An absolute path: a slash not preceded by a word character, ':' or '/' (so URLs are kept),
# then segments; the last segment is what is kept.
_PATH = re.compile(r"(?<![\w:/.~-])/(?:[^\s/'\"<>]+/)+([^\s/'\"<>]*)")


def public_path(text: str) -> str:
    """`text` with every absolute file path cut to its last part (the file's name):
    `public_path("cannot read /tmp/x-1/a.txt")` -> `"cannot read a.txt"`; URLs stay."""
    return _PATH.sub(r"\1", text) if text else text


class WriteAccess:
    """Decides whether a request may write; `check` raises 401/403 with the reason."""

    def __init__(self, token: str | None, open_: bool) -> None:
        self.token = token or None
        self.open = open_

    @property
    def needs_token(self) -> bool:
        return not self.open

    def check(self, request: Request, form_token: str | None = None) -> None:
        origin = request.headers.get("origin")
        if origin and origin != "null":
            parts = urlsplit(origin)
            if parts.netloc != request.headers.get("host", ""):
                raise HTTPException(403, f"cross-origin write from {origin} refused")
        elif origin == "null":
            raise HTTPException(403, "write from an opaque origin refused")
        if self.open:
            return
        if self.token is None:
            raise HTTPException(403, "writes are disabled: set NEWSPRISM_TOKEN, or start `newsprism serve --open` "
                                     "on a loopback address")
        given = form_token
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not given or not hmac.compare_digest(given.encode(), self.token.encode()):
            raise HTTPException(401, "a valid token is required: Authorization: Bearer <NEWSPRISM_TOKEN>",
                                headers={"WWW-Authenticate": "Bearer"})
