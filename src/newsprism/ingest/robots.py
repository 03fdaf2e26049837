"""robots.txt, per RFC 9309, fetched once per scheme://host:port and cached.

- 2xx: the rules apply (the first 500 KiB are parsed, as the RFC requires at least);
- 4xx (no robots.txt, or forbidden): everything is allowed ("unavailable");
- 5xx: everything is disallowed ("unreachable"), so the URL is rejected as `robots`
  with a hint to retry later;
- no answer at all (connection refused, unknown host, timeout): the page cannot be
  fetched either, so the URL is rejected as `fetch-failed`, not `robots`;
- a robots.txt over 2 MB is ignored (everything allowed), like an unavailable one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from newsprism.ingest.errors import FetchFailed, RobotsDisallowed, TooLarge

if TYPE_CHECKING:
    from newsprism.ingest.fetch import Page

PARSE_BYTES = 500 * 1024
_FETCH_CAP = 4 * PARSE_BYTES


class RobotsPolicy:
    """`check(url)` raises `RobotsDisallowed` when the host's robots.txt forbids `url`."""

    def __init__(self, fetch: Callable[[str, int], Page], *, agent: str) -> None:
        self._fetch = fetch
        self._agent = agent
        # the rules, why all is disallowed (str), or why the host did not answer (FetchFailed)
        self._rules: dict[str, RobotFileParser | str | FetchFailed] = {}

    def check(self, url: str) -> None:
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        rules = self._rules.get(root)
        if rules is None:
            rules = self._rules[root] = self._load(root)
        if isinstance(rules, FetchFailed):
            raise FetchFailed(f"{url}: the host did not answer ({rules.detail}); retry later")
        if isinstance(rules, str):
            raise RobotsDisallowed(f"{url}: {rules}")
        if not rules.can_fetch(self._agent, url):
            raise RobotsDisallowed(
                f"{url}: {root}/robots.txt disallows this path for {self._agent!r}; "
                "save the page yourself and pass the file instead"
            )

    def _load(self, root: str) -> RobotFileParser | str | FetchFailed:
        parser = RobotFileParser()
        try:
            page = self._fetch(f"{root}/robots.txt", _FETCH_CAP)
        except FetchFailed as exc:
            if exc.status is None:  # no HTTP answer: the host is down or unknown
                return exc
            if 400 <= exc.status < 500:
                parser.parse([])  # unavailable: all allowed
                return parser
            return (
                f"{root}/robots.txt is unreachable ({exc.detail}); "
                "by RFC 9309 nothing may be fetched from the site; retry later"
            )
        except TooLarge:
            page = None
        text = page.body[:PARSE_BYTES].decode("utf-8", "replace") if page else ""
        parser.parse(text.splitlines())
        return parser
