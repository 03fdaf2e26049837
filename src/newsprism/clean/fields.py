"""Metadata made safe for every store backend, at the ingest/clean boundary.

Inputs put anything in ids, titles, URLs and dates: JSON escapes give lone surrogates
(``"\\ud800"``), which no UTF-8 database can store; PostgreSQL refuses NUL in text; a
file name with bytes that are not UTF-8 reaches Python as lone surrogates
(``caf\\udce9.txt``, PEP 383); and some columns are sized (`store/tables.py`). A value
that breaks `Store.save` fails the whole batch, so every record is made safe here:

- NULs are removed and lone surrogates replaced: an undecodable file-name byte by its
  ``\\xNN`` escape (``caf\\xe9.txt``, so the file can still be found), any other by U+FFFD;
- sized fields are cut to their column: the id keeps a hash of the whole value
  (``<first 2,020 characters>…<12 hex>``), so two long ids stay two; a source or
  published value that long is no outlet name or date and is cut with a note in
  `Article.problems`. A URL is never cut (its column is unbounded): for a URL id the
  full value stays in `url`.

`document` and `rejection` run on every item `ingest` yields, `article` on every
article `clean` returns.
"""

from __future__ import annotations

import hashlib
import re

from newsprism.clean.metadata import content_hash
from newsprism.models import Article, RawDocument, Rejection

__all__ = [
    "ID_CHARS",
    "PUBLISHED_CHARS",
    "SOURCE_CHARS",
    "article",
    "document",
    "rejection",
    "safe_id",
    "safe_text",
]

# Column sizes of the store (store/tables.py; tests/test_clean_fields.py checks they agree).
ID_CHARS = 2048  # articles.article_id, run_items.item_id
SOURCE_CHARS = 512  # articles.source
PUBLISHED_CHARS = 64  # articles.published
LANGUAGE_CHARS = 16  # articles.language
# Room left in an id for the suffix `ingest` adds to a repeated id ("~2") and more.
ID_ROOM = 16
_HASH_CHARS = 12

_UNSAFE = re.compile("[\x00\ud800-\udfff]")
_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _replace(m: re.Match[str]) -> str:
    char = m.group(0)
    if char == "\x00":
        return ""
    if len(char) == 2:  # a surrogate pair left split (JSON "\ud83d\ude00" read code unit by code unit)
        return char.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return "\ufffd"


def safe_text(value: str) -> str:
    """`value` without NULs and lone surrogates (see the module docstring); cheap when clean."""
    if not _UNSAFE.search(value):
        return value
    return _UNSAFE.sub(_replace, _PAIR.sub(_replace, value))


def _optional(value: str | None) -> str | None:
    return None if value is None else safe_text(value)


def safe_id(value: str, limit: int = ID_CHARS - ID_ROOM) -> str:
    """A storable id: `safe_text`, then cut to `limit` characters with a hash of the whole."""
    value = safe_text(value)
    if len(value) <= limit:
        return value
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:_HASH_CHARS]
    return f"{value[: limit - _HASH_CHARS - 1]}…{digest}"


def _cut(value: str | None, limit: int, what: str, problems: list[str]) -> str | None:
    if value is None or len(value) <= limit:
        return value
    problems.append(f"{what} was {len(value):,} characters, cut to {limit}: {value[:60]!r}…")
    return value[: limit - 1] + "…"


def document(doc: RawDocument) -> RawDocument:
    """`doc` with a storable id and no NUL or lone surrogate in its metadata (changed in place)."""
    doc.id = safe_id(doc.id)
    doc.origin = safe_text(doc.origin)
    doc.url = _optional(doc.url)
    doc.title = _optional(doc.title)
    doc.source = _optional(doc.source)
    doc.published = _optional(doc.published)
    doc.encoding = _optional(doc.encoding)
    return doc


def rejection(rej: Rejection) -> Rejection:
    """`rej` with a storable id, origin and detail (changed in place)."""
    rej.id = safe_id(rej.id)
    rej.origin = safe_text(rej.origin)
    rej.detail = safe_text(rej.detail)
    return rej


def article(a: Article) -> Article:
    """`a` with every field storable; cuts are noted in `a.problems` (changed in place).

    `text` is expected clean already (the clean stage strips NULs and repairs
    surrogates); it is checked all the same, and its hash recomputed if it changes.
    """
    a.id = safe_id(a.id)
    a.origin = safe_text(a.origin)
    a.source = _cut(safe_text(a.source), SOURCE_CHARS, "the source", a.problems) or ""
    a.title = safe_text(a.title)
    a.url = _optional(a.url)
    a.published = _cut(_optional(a.published), PUBLISHED_CHARS, "the published date", a.problems)
    a.language = _cut(_optional(a.language), LANGUAGE_CHARS, "the language", a.problems)
    text = safe_text(a.text)
    if text != a.text:  # not expected: the clean stage strips NULs and repairs surrogates
        a.text, a.content_hash = text, content_hash(text)
        a.problems.append("removed NULs or lone surrogates from the text")
    for r in a.removed:
        r.text = safe_text(r.text)
    a.problems = [safe_text(p) for p in a.problems]
    return a
