"""JSON Lines: one article per line, streamed.

Each line is an object with `text` or `html` (text wins when both are given: it is
already extracted) and optional `url`, `title`, `source`, `published`, `id`. A bad
line becomes a `Rejection` with its line number and the rest are read:

    {"title": "Talks open", "text": "Delegations met ..."}    -> RawDocument id "news:1"
    {"title": "Talks open", "text": ...                       -> Rejection bad-json "news:2"
    {"id": "a7", "html": "<p>...</p>"}                         -> RawDocument id "a7"
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from newsprism.config import Settings
from newsprism.ingest.errors import BadEncoding, BadJson, IngestError, NoContent, TooLarge
from newsprism.models import RawDocument, Rejection

_META_FIELDS = ("url", "title", "source", "published")


def read_jsonl(
    stream: BinaryIO, *, stem: str, origin: str, settings: Settings
) -> Iterator[RawDocument | Rejection]:
    """Records of a JSONL stream; per-line problems are yielded as `Rejection`s.

    Errors of the stream itself (`BadGzip`, `TooLarge` past the decompressed cap)
    propagate after the lines before them were yielded.
    """
    cap = settings.max_record_bytes
    used: set[str] = set()
    number = 0
    while True:
        try:
            line = stream.readline(cap + 1)
            too_long = len(line) > cap and not line.endswith(b"\n")
            if too_long:
                _skip_line(stream, cap)
            elif line and not line.endswith(b"\n"):
                stream.readline(1)  # the last line: raises if it was cut short by damage
        except IngestError as exc:  # the stream broke: the rest of the file is lost
            exc.item_id, exc.origin = f"{stem}:{number + 1}", f"{origin}#{number + 1}"
            exc.detail = f"{exc.detail}; lines 1-{number} were read, the rest is lost"
            raise
        if not line:
            return
        number += 1
        item_id, where = f"{stem}:{number}", f"{origin}#{number}"
        try:
            if too_long:
                raise TooLarge(f"line {number} is over {cap:,} bytes (the per-record cap); split the record")
            if not line.strip():
                continue  # blank line: no record, nothing to account for
            record = _parse(line, number)
            doc = _document(record, _record_id(record, used) or item_id, where, number)
        except IngestError as exc:
            used.add(item_id)
            yield exc.rejection(item_id, where)
            continue
        used.add(doc.id)
        yield doc


def _skip_line(stream: BinaryIO, cap: int) -> None:
    """Consume the rest of an over-long line, one capped chunk at a time."""
    while True:
        rest = stream.readline(cap)
        if not rest or rest.endswith(b"\n"):
            return


def _parse(line: bytes, number: int) -> dict[str, object]:
    try:
        text = line.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        detail = f"line {number} is not UTF-8 ({exc.reason} at byte {exc.start}); JSONL must be UTF-8"
        raise BadEncoding(detail) from exc
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadJson(f"line {number}, column {exc.colno}: {exc.msg}; fix or remove the line") from exc
    except (ValueError, RecursionError) as exc:  # huge integers, absurd nesting
        raise BadJson(f"line {number}: {type(exc).__name__}: {exc}") from exc
    if not isinstance(record, dict):
        what = type(record).__name__
        raise BadJson(f"line {number} is a JSON {what}, expected an object with 'text' or 'html'")
    return record


def _record_id(record: dict[str, object], used: set[str]) -> str | None:
    value = record.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip() and value.strip() not in used:
        return value.strip()
    return None


def _document(record: dict[str, object], item_id: str, origin: str, number: int) -> RawDocument:
    meta = {name: _optional_str(record, name, number) for name in _META_FIELDS}
    for name, kind in (("text", "text"), ("html", "html")):
        value = record.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            what = type(value).__name__
            raise BadJson(f"line {number}: field {name!r} is a JSON {what}, expected a string")
        if value.strip():
            return RawDocument(id=item_id, origin=origin, kind=kind, content=value, **meta)  # type: ignore[arg-type]
    raise NoContent(f"line {number} has neither a non-empty 'text' nor 'html' field")


def _optional_str(record: dict[str, object], name: str, number: int) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadJson(f"line {number}: field {name!r} is a JSON {type(value).__name__}, expected a string")
    return str(value).strip() or None
