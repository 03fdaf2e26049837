"""RSS and Atom feeds (files or fetched): each entry becomes an article.

Feeds are hostile input. feedparser parses with expat through SAX; it turns external
entities off, strips entity declarations whose value refers to another entity, and
expat >= 2.4 limits amplification. We do not rely on any of that: `check_no_entities`
rejects any feed whose DOCTYPE declares an entity (no news feed needs one) before
feedparser sees it, so billion-laughs and quadratic-blowup payloads cost one pass of
expat over the prolog, stopped at the first declaration.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from xml.parsers import expat

import feedparser

from newsprism.config import Settings
from newsprism.ingest.errors import BadFeed, NoContent, TooLarge
from newsprism.models import DocumentKind, RawDocument, Rejection

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Fallback when expat cannot parse the prolog: a declaration in UTF-8/ASCII or UTF-16.
_ENTITY_DECL = re.compile(
    rb"<!\s*ENTITY|<\x00!\x00E\x00N\x00T\x00I\x00T\x00Y\x00|\x00<\x00!\x00E\x00N\x00T\x00I\x00T\x00Y",
    re.IGNORECASE,
)


class _EntityDeclared(Exception):
    pass


class _RootReached(Exception):
    pass


def check_no_entities(data: bytes, label: str) -> None:
    """Raise `BadFeed` if the document's DOCTYPE declares any entity."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def on_entity(name: str, *_: object) -> None:
        raise _EntityDeclared(name)

    def on_root(*_: object) -> None:
        raise _RootReached

    parser.EntityDeclHandler = on_entity
    parser.StartElementHandler = on_root
    try:
        parser.Parse(data, True)
    except _EntityDeclared as exc:
        raise BadFeed(
            f"{label} declares XML entity {exc.args[0]!r} in its DOCTYPE; entity declarations are refused "
            "(billion-laughs protection) and no RSS/Atom feed needs them"
        ) from None
    except _RootReached:
        return
    except (expat.ExpatError, LookupError, ValueError):  # also an unknown encoding, a NUL in it
        if _ENTITY_DECL.search(data):
            detail = f"{label} is not well-formed XML and contains an entity declaration; refused"
            raise BadFeed(detail) from None


def read_feed(
    data: bytes,
    *,
    label: str,
    item_prefix: str,
    origin: str,
    settings: Settings,
    headers: Mapping[str, str] | None = None,
    ids_from_links: bool = False,
) -> Iterator[RawDocument | Rejection]:
    """One document per entry, id `{item_prefix}:N` (or the entry's link if `ids_from_links`).

    `headers` (HTTP response headers) give feedparser the charset and the base URL.
    Raises `BadFeed` for a hostile or unparseable feed, `NoContent` for one without entries.
    """
    check_no_entities(data, label)
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=dict(headers or {}))
    except (ValueError, LookupError) as exc:  # a NUL in the XML declaration, an unknown encoding
        raise BadFeed(f"{label} is not a readable RSS/Atom feed: {type(exc).__name__}: {exc}") from None
    if not parsed.get("entries"):
        if parsed.get("bozo") or not parsed.get("version"):
            problem = parsed.get("bozo_exception") or "no RSS or Atom root element"
            raise BadFeed(f"{label} is not a readable RSS/Atom feed: {problem}")
        raise NoContent(f"{label} is a {parsed.get('version')} feed with no entries")
    feed_title = _clean(parsed.get("feed", {}).get("title"))
    seen: set[str] = set()
    for number, entry in enumerate(parsed.entries, start=1):
        link = _clean(entry.get("link"))
        item_id = f"{item_prefix}:{number}"
        if ids_from_links and link and link not in seen:
            item_id = link
            seen.add(link)
        where = f"{origin}#{number}"
        yield _entry_document(entry, number, item_id, where, link, feed_title, settings)


def _entry_document(
    entry: Any,
    number: int,
    item_id: str,
    origin: str,
    link: str | None,
    feed_title: str | None,
    settings: Settings,
) -> RawDocument | Rejection:
    found = _content(entry)
    if found is None:
        return NoContent(f"entry {number} has neither content nor summary").rejection(item_id, origin)
    content, kind = found
    if len(content.encode("utf-8")) > settings.max_record_bytes:
        detail = f"entry {number} is over {settings.max_record_bytes:,} bytes (the per-record limit)"
        return TooLarge(detail).rejection(item_id, origin)
    return RawDocument(
        id=item_id,
        origin=origin,
        kind=kind,
        content=content,
        url=link,
        title=_clean(entry.get("title")),
        source=feed_title,
        published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
    )


def _content(entry: Any) -> tuple[str, DocumentKind] | None:
    """The fullest body of an entry: its content blocks, else its summary."""
    candidates = [(c.get("value") or "", c.get("type") or "") for c in entry.get("content") or []]
    detail = entry.get("summary_detail") or {}
    candidates.append((entry.get("summary") or "", detail.get("type") or "text/html"))
    for value, mime in candidates:
        if value.strip():
            return value, "html" if mime.lower() in _HTML_TYPES else "text"
    return None


def _iso(parsed: Any) -> str | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None


def _clean(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
