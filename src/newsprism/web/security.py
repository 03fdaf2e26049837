"""Response headers and write access.

Every response carries a strict Content-Security-Policy: scripts and styles only from
this server's `/static/` files (no inline script, no inline event handler, no inline
style attribute can run or apply), no frames, forms post only here.

Writes (`POST /api/v1/ingest`, `POST /ingest`) need `Authorization: Bearer <token>`
(or the form field `token`) equal to the configured token; a server started with
`open_=True` (the CLI allows it on a loopback address only) takes writes without one.
A browser write from another origin is refused whatever the token (cross-site request
forgery against an open local server).
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

__all__ = ["CSP", "SecurityHeaders", "WriteAccess"]

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for k, v in HEADERS.items():
            response.headers.setdefault(k, v)
        return response


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
