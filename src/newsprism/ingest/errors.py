"""Why an input, or one record of it, could not be read.

Every exception carries a short stable `reason` code (the `Rejection.reason` it
becomes) and a `detail` that says what was wrong and how to fix it. Readers raise
these; `ingest` turns each into a `Rejection` and goes on with the next input.

Our exception hierarchy:

* IngestError
  + NotFound ............ "not-found"     path does not exist
  + Unreadable .......... "unreadable"    permission denied, I/O error
  + Empty ............... "empty"         zero bytes, or only whitespace
  + TooLarge ............ "too-large"     file, record, download or decompressed size over a cap
  + Binary .............. "binary"        PDF, image, archive, executable, NUL-ridden bytes
  + Unsupported ......... "unsupported"   not a format or content type we read
  + BadGzip ............. "bad-gzip"      truncated or corrupt gzip stream
  + BadEncoding ......... "bad-encoding"  bytes that are not the text encoding the format requires
  + BadJson ............. "bad-json"      a JSONL line that is not a JSON object of the expected shape
  + NoContent ........... "no-content"    a record with neither text nor HTML
  + BadWarc ............. "bad-warc"      corrupt or truncated WARC
  + BadFeed ............. "bad-feed"      unreadable or hostile RSS/Atom (entity declarations)
  + FetchFailed ......... "fetch-failed"  HTTP error status, timeout, connection error, redirects
  + RobotsDisallowed .... "robots"        the site's robots.txt forbids the URL

Not an exception: "internal-error" is the reason given when a reader fails with an
unexpected exception (a bug); the Rejection names the exception so it can be reported.
"""

from __future__ import annotations

from typing import ClassVar

from newsprism.models import Rejection


class IngestError(Exception):
    """Base class: one input (or one record of it) that is rejected.

    `item_id` and `origin`, when set, name the record the error belongs to (e.g. the
    damaged WARC record); otherwise the whole input's id and origin are used.
    """

    reason: ClassVar[str] = "ingest-error"

    def __init__(self, detail: str, *, item_id: str | None = None, origin: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.item_id = item_id
        self.origin = origin

    def rejection(self, item_id: str, origin: str) -> Rejection:
        """The `Rejection` record for this error; `item_id`/`origin` are the fallbacks."""
        return Rejection(
            id=self.item_id or item_id,
            origin=self.origin or origin,
            stage="ingest",
            reason=self.reason,
            detail=self.detail,
        )


class NotFound(IngestError):
    reason = "not-found"


class Unreadable(IngestError):
    reason = "unreadable"


class Empty(IngestError):
    reason = "empty"


class TooLarge(IngestError):
    reason = "too-large"


class Binary(IngestError):
    reason = "binary"


class Unsupported(IngestError):
    reason = "unsupported"


class BadGzip(IngestError):
    reason = "bad-gzip"


class BadEncoding(IngestError):
    reason = "bad-encoding"


class BadJson(IngestError):
    reason = "bad-json"


class NoContent(IngestError):
    reason = "no-content"


class BadWarc(IngestError):
    reason = "bad-warc"


class BadFeed(IngestError):
    reason = "bad-feed"


class FetchFailed(IngestError):
    """`status` is the HTTP status when the server answered, else None."""

    reason = "fetch-failed"

    def __init__(self, detail: str, *, status: int | None = None, **kwargs: str | None) -> None:
        super().__init__(detail, **kwargs)
        self.status = status


class RobotsDisallowed(IngestError):
    reason = "robots"


INTERNAL_ERROR = "internal-error"

REASONS: tuple[str, ...] = (INTERNAL_ERROR,) + tuple(
    cls.reason
    for cls in (
        NotFound,
        Unreadable,
        Empty,
        TooLarge,
        Binary,
        Unsupported,
        BadGzip,
        BadEncoding,
        BadJson,
        NoContent,
        BadWarc,
        BadFeed,
        FetchFailed,
        RobotsDisallowed,
    )
)
