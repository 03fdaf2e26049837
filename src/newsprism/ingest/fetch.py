"""Polite HTTP fetching: one page at a time, bounded in time, size and redirects.

`Fetcher.get(url)` returns a `Page` or raises `FetchFailed`, `TooLarge` or
`RobotsDisallowed`. What it guarantees:

- the `User-Agent` is `settings.user_agent`;
- at least `settings.fetch_host_interval` seconds between two requests to one host
  (redirect hops and robots.txt included); clock and sleep are injectable for tests;
- each request times out after `settings.fetch_timeout` seconds (connect, read), and
  a body still arriving after that long is abandoned (a slow-drip server);
- at most `settings.fetch_max_redirects` redirects, each hop rate-limited and checked
  against its host's robots.txt;
- the (decoded) body is streamed and abandoned past `max_bytes`, by default
  `settings.max_record_bytes`; a larger Content-Length is refused before reading;
- a conditional GET (`headers` with If-None-Match / If-Modified-Since) answered
  `304 Not Modified` returns a `Page` of status 304 and no body.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from newsprism.config import Settings
from newsprism.ingest.errors import FetchFailed, TooLarge
from newsprism.ingest.robots import RobotsPolicy

_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"
)


@dataclass(slots=True)
class Page:
    """A fetched response body and what the server said about it."""

    url: str  # final URL, after redirects
    status: int
    content_type: str  # media type, lower-case, without parameters ("" if none)
    charset: str | None  # declared charset, a hint for the cleaner
    body: bytes
    headers: dict[str, str]


class HostRateLimiter:
    """Waits so that two requests to one host are at least `interval` seconds apart."""

    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}

    def wait(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            delay = last + self.interval - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._last[host] = self._clock()


class Fetcher:
    """Fetches pages politely; close it (or use it as a context manager) when done.

    A given `client` is used as is (its own redirect setting is ignored: we follow
    redirects ourselves) and left open; without one, a client is made and closed.
    """

    def __init__(
        self,
        settings: Settings,
        client: httpx.Client | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        obey_robots: bool = True,
    ) -> None:
        self._settings = settings
        self._own_client = client is None
        self._client = client if client is not None else httpx.Client()
        self._clock = clock
        self.limiter = HostRateLimiter(settings.fetch_host_interval, clock=clock, sleep=sleep)
        agent = settings.user_agent.split("/", 1)[0].strip() or "*"
        self._robots = RobotsPolicy(self._fetch_robots, agent=agent) if obey_robots else None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._own_client:
            self._client.close()

    def get(self, url: str, *, max_bytes: int | None = None, headers: dict[str, str] | None = None) -> Page:
        """GET `url`, following redirects, with extra request `headers`; see the module
        docstring for the limits."""
        return self._get(url, cap=max_bytes or self._settings.max_record_bytes, robots=True, headers=headers)

    def _fetch_robots(self, url: str, cap: int) -> Page:
        return self._get(url, cap=cap, robots=False)

    def _get(self, url: str, *, cap: int, robots: bool, headers: dict[str, str] | None = None) -> Page:
        chain = [url]
        limit = self._settings.fetch_max_redirects
        for hop in range(limit + 1):
            if robots and self._robots is not None:
                self._robots.check(url)
            result = self._request(url, cap, headers or {})
            if isinstance(result, Page):
                return result
            if hop == limit:
                break
            url = result
            chain.append(url)
        raise FetchFailed(f"too many redirects (more than {limit}): {' -> '.join(chain)}")

    def _request(self, url: str, cap: int, extra: dict[str, str]) -> Page | str:
        """One request: the `Page`, or the URL a redirect points to."""
        timeout = self._settings.fetch_timeout
        try:
            request = self._client.build_request(
                "GET",
                url,
                headers={**extra, "User-Agent": self._settings.user_agent, "Accept": _ACCEPT},
                timeout=httpx.Timeout(timeout),
            )
        except httpx.InvalidURL as exc:
            raise FetchFailed(f"invalid URL {url!r}: {exc}") from exc
        self.limiter.wait(request.url.host)
        started = self._clock()
        try:
            response = self._client.send(request, stream=True, follow_redirects=False)
        except httpx.TimeoutException as exc:
            detail = f"{url}: no answer within {timeout:g} s ({type(exc).__name__}); retry later"
            raise FetchFailed(detail) from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(f"{url}: {type(exc).__name__}: {exc}") from exc
        try:
            if response.is_redirect and response.next_request is not None:
                return str(response.next_request.url)
            if response.status_code == 304 and extra:
                return Page(url=str(response.url), status=304, content_type="", charset=None, body=b"",
                            headers=dict(response.headers))
            if response.status_code >= 400 or not response.is_success:
                raise FetchFailed(
                    f"{url}: HTTP {response.status_code} {response.reason_phrase}",
                    status=response.status_code,
                )
            body = self._read_body(response, url, cap, started)
        finally:
            response.close()
        content_type = response.headers.get("content-type", "")
        return Page(
            url=str(response.url),
            status=response.status_code,
            content_type=content_type.partition(";")[0].strip().lower(),
            charset=response.charset_encoding,
            body=body,
            headers=dict(response.headers),
        )

    def _read_body(self, response: httpx.Response, url: str, cap: int, started: float) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLarge(f"{url}: Content-Length {int(declared):,} over the {cap:,}-byte limit, not read")
        body = bytearray()
        timeout = self._settings.fetch_timeout
        try:
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > cap:
                    raise TooLarge(f"{url}: body is over the {cap:,}-byte limit; stopped reading")
                if self._clock() - started > timeout:
                    raise FetchFailed(f"{url}: body still arriving after {timeout:g} s; abandoned")
        except httpx.TimeoutException as exc:
            raise FetchFailed(f"{url}: body stalled for {timeout:g} s ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(f"{url}: reading the body failed: {type(exc).__name__}: {exc}") from exc
        return bytes(body)
