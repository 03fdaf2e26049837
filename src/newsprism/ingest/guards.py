"""Whole-file checks and a guarded byte stream that every file reader goes through.

`check_file` rejects missing, special, empty and oversized files from `stat` alone,
without reading them. `open_guarded` opens a file, decompresses gzip transparently
(whatever the name says) and caps the decompressed size, so that a gzip bomb costs
at most `cap` bytes of work. `looks_binary` and `sniff_kind` look at the first bytes.
"""

from __future__ import annotations

import io
import stat
import zlib
from pathlib import Path
from typing import BinaryIO

from newsprism.clean.decode import utf16_without_bom
from newsprism.config import Settings
from newsprism.ingest.errors import BadGzip, Binary, Empty, NotFound, TooLarge, Unreadable, Unsupported

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 8192
READ_CHUNK = 65536
# Decompressed-size cap for streamed formats (WARC, JSONL): max(max_bytes, ratio x file
# size). Article text gzips 2.2-2.9x here (gzip -6 on examples/), HTML pages and
# Common Crawl WARCs are usually 4-8x; a run of zeros gzips 1,025x (measured). 20x
# leaves room for repetitive markup and still stops a bomb early.
MAX_GZIP_RATIO = 20
# A text or HTML file whose first 8 KB are more than this share NUL bytes is binary;
# UTF-16/32 text (which is half NULs) is recognised first, by its byte-order mark or, for
# UTF-16 without one, by NULs on every other byte (`clean.decode.utf16_without_bom`).
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


class _Gunzip:
    """Multi-member gzip decoder that returns every decodable byte before it raises.

    (`gzip.GzipFile` reads ahead through a buffer and raises on a truncated stream
    before returning the data decoded before the cut.)
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._input = b""
        self._in_member = False

    def read(self, size: int) -> bytes:
        while True:
            if self._decoder.eof:  # next member
                self._input = self._decoder.unused_data + self._input
                self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
                self._in_member = False
            if not self._in_member:
                self._input = self._input.lstrip(b"\x00")  # padding between/after members
            if not self._input:
                self._input = self._raw.read(READ_CHUNK)
                if not self._input:
                    if self._in_member:
                        raise EOFError("compressed data ends before the end-of-stream marker")
                    return b""
                continue
            self._in_member = True
            out = self._decoder.decompress(self._input, size)
            # at a member's end the rest is in unused_data (and may linger in unconsumed_tail)
            self._input = b"" if self._decoder.eof else self._decoder.unconsumed_tail
            if out:
                return out

    def close(self) -> None:
        self._raw.close()


class _Guarded(io.RawIOBase):
    """Raw stream over a file, gunzipped when it starts with gzip magic, capped at `cap`.

    A gzip error is not raised at once: the read that meets it ends the data (EOF)
    and the error is kept in `error`, so that everything decoded before the damage
    reaches the reader (a buffered reader would drop a chunk read before a raise).
    `GuardedReader` raises it when the reader asks for more.
    """

    def __init__(self, raw: BinaryIO, *, label: str, cap: int) -> None:
        super().__init__()
        self._raw = raw
        self.gzipped = raw.peek(2)[:2] == GZIP_MAGIC if hasattr(raw, "peek") else False
        self._inner: BinaryIO | _Gunzip = _Gunzip(raw) if self.gzipped else raw
        self._label = label
        self._cap = cap
        self._count = 0
        self.error: BadGzip | TooLarge | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.error is not None:
            return 0
        want = min(len(buffer), self._cap + 1 - self._count)
        try:
            data = self._inner.read(want)
        except EOFError as exc:
            self.error = BadGzip(f"{self._label}: gzip stream is truncated ({exc}); re-download it")
            return 0
        except zlib.error as exc:
            self.error = BadGzip(f"{self._label}: corrupt gzip data ({exc})")
            return 0
        self._count += len(data)
        if self._count > self._cap:
            what = "decompresses to" if self.gzipped else "has"
            hint = "; a gzip bomb? or raise NEWSPRISM_MAX_BYTES" if self.gzipped else ""
            self.error = TooLarge(f"{self._label} {what} more than {self._cap:,} bytes{hint}")
            return 0
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            try:
                self._inner.close()
            finally:
                self._raw.close()
        super().close()


class GuardedReader(io.BufferedReader):
    """Buffered reader that raises the stream's error instead of reporting a clean end.

    A sized read or readline returns the good bytes before the damage first, and
    raises on the next call (which would otherwise return b""); `read()` of the whole
    stream raises at once.
    """

    raw: _Guarded

    def _check(self, data: bytes, whole: bool) -> bytes:
        if self.raw.error is not None and (whole or not data):
            raise self.raw.error
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._check(super().read(size), size is None or size < 0)

    def read1(self, size: int = -1) -> bytes:
        return self._check(super().read1(size), False)

    def readline(self, size: int | None = -1) -> bytes:
        return self._check(super().readline(size), False)


def open_guarded(path: Path, *, cap: int) -> GuardedReader:
    """Buffered reader over `path`'s content, gunzipped if needed, failing past `cap` bytes.

    Reads raise `BadGzip` (truncated/corrupt gzip) or `TooLarge` (over `cap`), after
    the bytes before the problem were returned.
    """
    raw = open_binary(path)
    try:
        return GuardedReader(_Guarded(raw, label=str(path), cap=cap))
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
    if utf16_without_bom(sample[: len(sample) & ~1]):  # half NULs, but text: the cleaner decodes it
        return None
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
