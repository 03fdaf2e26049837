"""Whole-file checks and a guarded byte stream that every file reader goes through.

`check_file` rejects missing, special, empty and oversized files from `stat` alone,
without reading them. `open_guarded` opens a file, decompresses gzip transparently
(whatever the name says) and caps the decompressed size, so that a gzip bomb costs
at most `cap` bytes of work. `looks_binary` and `sniff_kind` look at the first bytes.
"""

from __future__ import annotations

import gzip
import io
import stat
import zlib
from pathlib import Path
from typing import BinaryIO

from newsprism.config import Settings
from newsprism.ingest.errors import BadGzip, Binary, Empty, NotFound, TooLarge, Unreadable, Unsupported

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 8192
# Decompressed-size cap for streamed formats (WARC, JSONL): max(max_bytes, ratio x file
# size). Article text gzips 2.2-2.9x here (gzip -6 on examples/), HTML pages and
# Common Crawl WARCs are usually 4-8x; a run of zeros gzips 1,025x (measured). 20x
# leaves room for repetitive markup and still stops a bomb early.
MAX_GZIP_RATIO = 20
# A text or HTML file whose first 8 KB are more than this share NUL bytes is binary;
# UTF-16/32 text (which is half NULs) is recognised by its byte-order mark first.
MAX_NUL_SHARE = 0.05

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"\x7fELF", "an ELF executable"),
    (b"MZ", "a Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an MS Office document"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"BZh", "a bzip2 stream"),
    (b"\xfd7zXZ\x00", "an xz stream"),
    (b"\x28\xb5\x2f\xfd", "a zstd stream"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_UNICODE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def check_file(path: Path, settings: Settings) -> int:
    """Size of `path` after the checks that need no reading; raises an `IngestError`."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise NotFound(f"no such file: {path} (a dangling link, or moved since it was listed)") from None
    except PermissionError:
        raise Unreadable(f"permission denied: {path}; check its permissions") from None
    except OSError as exc:
        raise Unreadable(f"cannot stat {path}: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(st.st_mode):
        raise Unsupported(f"{path} is a directory reached through a symlink; pass it directly to read it")
    if not stat.S_ISREG(st.st_mode):
        raise Unsupported(f"{path} is not a regular file (device, FIFO or socket)")
    if st.st_size == 0:
        raise Empty(f"{path} is empty (0 bytes)")
    if st.st_size > settings.max_bytes:
        raise TooLarge(
            f"{path} is {st.st_size:,} bytes, over the {settings.max_bytes:,}-byte limit; "
            "split it, or raise NEWSPRISM_MAX_BYTES"
        )
    return st.st_size


def open_binary(path: Path) -> BinaryIO:
    """The one place files are opened (tests patch it to prove a file was not read)."""
    try:
        return open(path, "rb")  # the caller closes it
    except PermissionError:
        raise Unreadable(f"permission denied: {path}; check its permissions") from None
    except OSError as exc:
        raise Unreadable(f"cannot open {path}: {exc.strerror or exc}") from exc


class _Guarded(io.RawIOBase):
    """Raw stream over a file, gunzipped when it starts with gzip magic, capped at `cap`."""

    def __init__(self, raw: BinaryIO, *, label: str, cap: int) -> None:
        super().__init__()
        self._raw = raw
        self.gzipped = raw.peek(2)[:2] == GZIP_MAGIC if hasattr(raw, "peek") else False
        self._inner: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if self.gzipped else raw
        self._label = label
        self._cap = cap
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        want = min(len(buffer), self._cap + 1 - self._count) or 1
        try:
            data = self._inner.read(want)
        except EOFError as exc:
            detail = f"{self._label}: gzip stream is truncated ({exc}); re-download or re-compress it"
            raise BadGzip(detail) from exc
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise BadGzip(f"{self._label}: corrupt gzip data ({exc})") from exc
        self._count += len(data)
        if self._count > self._cap:
            what = "decompresses to" if self.gzipped else "has"
            raise TooLarge(
                f"{self._label} {what} more than {self._cap:,} bytes"
                + ("; a gzip bomb, or raise NEWSPRISM_MAX_BYTES" if self.gzipped else "")
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            try:
                self._inner.close()
            finally:
                self._raw.close()
        super().close()


def open_guarded(path: Path, *, cap: int) -> io.BufferedReader:
    """Buffered reader over `path`'s content, gunzipped if needed, failing past `cap` bytes.

    Reads raise `BadGzip` (truncated/corrupt gzip) or `TooLarge` (over `cap`).
    """
    raw = open_binary(path)
    try:
        buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[arg-type]
        return io.BufferedReader(_Guarded(buffered, label=str(path), cap=cap))
    except BaseException:
        raw.close()
        raise


def streamed_cap(size: int, settings: Settings) -> int:
    """Decompressed-size cap for a streamed (record by record) file of `size` bytes."""
    return max(settings.max_bytes, MAX_GZIP_RATIO * size)


def binary_reason(head: bytes) -> str | None:
    """Why `head` (the first bytes of a text/HTML input) is binary, or None if it looks like text."""
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            return f"starts like {what}"
    if head.startswith(_UNICODE_BOMS):
        return None
    sample = head[:SNIFF_BYTES]
    nuls = sample.count(0)
    if sample and nuls / len(sample) > MAX_NUL_SHARE:
        return f"{nuls} of its first {len(sample)} bytes are NUL"
    return None


def check_text(content: bytes, label: str) -> None:
    """Reject empty/whitespace-only or binary content of a single text/HTML article."""
    if not content.strip():
        raise Empty(f"{label} contains only whitespace")
    reason = binary_reason(content[:SNIFF_BYTES])
    if reason:
        raise Binary(f"{label} is not text: it {reason}; remove it from the inputs")


def sniff_kind(head: bytes) -> str | None:
    """ "warc", "html" or "feed" from the first (decompressed) bytes, or None."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"WARC/1."):
        return "warc"
    lower = stripped[:SNIFF_BYTES].lower()
    found = [(lower.find(tag), kind) for tag, kind in _MARKUP_TAGS if tag in lower]
    return min(found)[1] if found else None


# Whichever tag comes first wins: a feed may quote "<html" inside an entry.
_MARKUP_TAGS = (
    (b"<!doctype html", "html"),
    (b"<html", "html"),
    (b"<rss", "feed"),
    (b"<feed", "feed"),
    (b"<rdf:rdf", "feed"),
)
