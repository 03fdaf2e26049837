"""WARC files (plain or gzipped): HTML responses become articles.

A `response` record with HTTP status 200 and an HTML content type becomes a
`RawDocument` (kind html, url and id from WARC-Target-URI, encoding from the HTTP
charset). Other records (requests, metadata, redirects, images...) are not articles:
they are skipped and counted through `skip(reason)`, not rejected.

warcio stops silently at a truncated gzip member or a record cut short, so the file
reaches warcio already gunzipped by `guards.open_guarded` (which raises on a
truncated stream) and every record is checked to have the length it declares. On
damage, the records before it have been yielded; then `BadWarc` is raised for the
rest of the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from newsprism.config import Settings
from newsprism.ingest.errors import BadGzip, BadWarc, IngestError, TooLarge
from newsprism.models import RawDocument, Rejection

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_DRAIN = 65536


def read_warc(
    stream: BinaryIO,
    *,
    stem: str,
    origin: str,
    settings: Settings,
    skip: Callable[[str], None],
) -> Iterator[RawDocument | Rejection]:
    """Documents of an (uncompressed) WARC stream; raises `BadWarc` at the first damage."""
    records = iter(ArchiveIterator(stream))
    seen: set[str] = set()
    number = 0
    while True:
        current = number + 1
        item_id, where = f"{stem}:{current}", f"{origin}#{current}"
        try:
            record = next(records, None)
            if record is None:
                if number == 0:
                    raise BadWarc("no WARC record in the file (only blank lines?)")
                return
            number = current
            _check_header(record, current)
            doc = _document(record, current, item_id, where, settings, skip)
            _drain(record, current)
        except (BadGzip, BadWarc) as exc:
            raise _damaged(current, item_id, where, exc.detail) from exc
        except IngestError as exc:  # the decompressed-size cap: the rest is not read
            exc.item_id, exc.origin = item_id, where
            exc.detail = f"{exc.detail}; {_read_so_far(current)}"
            raise
        except Exception as exc:  # warcio raises many types on damaged input
            raise _damaged(current, item_id, where, f"{type(exc).__name__}: {exc}") from exc
        if doc is None:
            continue
        if isinstance(doc, RawDocument) and doc.url and doc.url not in seen:
            doc.id = doc.url  # the URL is the id; a repeated URL keeps stem:N
            seen.add(doc.url)
        yield doc


def _document(
    record: ArcWarcRecord,
    number: int,
    item_id: str,
    origin: str,
    settings: Settings,
    skip: Callable[[str], None],
) -> RawDocument | Rejection | None:
    if record.rec_type != "response":
        skip(f"warc-{record.rec_type}")
        return None
    http = record.http_headers
    if http is None:
        skip("warc-response-not-http")
        return None
    status = http.get_statuscode()
    if status != "200":
        skip("warc-status-not-200")
        return None
    content_type = http.get_header("Content-Type") or ""
    mime, _, params = content_type.partition(";")
    if mime.strip().lower() not in HTML_TYPES:
        skip("warc-not-html")
        return None
    cap = settings.max_record_bytes
    body = record.content_stream().read(cap + 1)
    url = record.rec_headers.get_header("WARC-Target-URI")
    if len(body) > cap:
        detail = f"record {number} ({url}) is over {cap:,} bytes (the per-record limit)"
        return TooLarge(detail).rejection(item_id, origin)
    return RawDocument(
        id=item_id, origin=origin, kind="html", content=body, url=url or None, encoding=_charset(params)
    )


def _check_header(record: ArcWarcRecord, number: int) -> None:
    """Raise `BadWarc` for a record warcio reads without complaint but that is not one.

    warcio takes a Content-Length of "abc" or "-5" for 0 (the body is then read as the
    next record, or the file ends: nothing was reported) and reads plain text with
    blank lines in front as a record without a type.
    """
    if record.format == "arc":
        return
    if record.rec_type is None:
        raise BadWarc(f"record {number} has no WARC-Type header: this is not a WARC file")
    length = record.rec_headers.get_header("Content-Length")
    if length is None or not length.strip().isdigit():
        what = "no Content-Length" if length is None else f"Content-Length {length.strip()[:40]!r}"
        raise BadWarc(f"record {number} has {what}, not a byte count; its end cannot be found")


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'"):
            return value.strip(" \"'").lower()
    return None


def _drain(record: ArcWarcRecord, number: int) -> None:
    """Read the record to its end and check it was as long as it declared."""
    while record.raw_stream.read(_DRAIN):
        pass
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        url = record.rec_headers.get_header("WARC-Target-URI") or "no URI"
        raise BadWarc(f"record {number} ({url}) is cut short: {missing:,} of its bytes are missing")


def _read_so_far(current: int) -> str:
    return f"records 1-{current - 1} were read" if current > 1 else "no record could be read"


def _damaged(current: int, item_id: str, origin: str, what: str) -> BadWarc:
    return BadWarc(
        f"damaged WARC at record {current}: {what}; {_read_so_far(current)}, the rest of the file is lost "
        "(re-download it, or check it with `warcio check`)",
        item_id=item_id,
        origin=origin,
    )
