"""Bytes to text: encoding detection, binary rejection, mojibake repair.

Order of attempts for bytes (first that works wins):

1. a byte-order mark (UTF-8, UTF-32 before UTF-16, since the UTF-32-LE BOM starts with
   the UTF-16-LE one);
2. UTF-16 without a BOM, recognised by NULs on every other byte;
3. strict UTF-8 — a page *declared* latin-1 that is really UTF-8 must come out as UTF-8,
   so the declaration is never trusted before this; then UTF-8 with a few invalid bytes
   replaced by U+FFFD (noted as a problem), when the rest is clearly UTF-8;
4. the declared encoding (`RawDocument.encoding`, then an HTML ``<meta charset>``), only
   if it decodes without error; latin-1 is read as cp1252, as browsers do (WHATWG);
5. charset_normalizer's best guess;
6. cp1252 with replacement characters, noted as a problem.

`to_text` raises `BinaryContent` for non-text input (magic bytes of a known binary
format, runs of NULs, or more than MAX_CONTROL_RATIO control characters) and TypeError
for content that is neither str nor bytes; it never fails on a text's encoding.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import ftfy
from ftfy.badness import is_bad
from ftfy.fixes import fix_surrogates

# (magic prefix, what it is). Checked before any decoding.
_MAGIC = [
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE document (DOC/XLS)"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ\x90\x00", "Windows executable"),
    (b"\x00asm", "WebAssembly module"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x1a\x45\xdf\xa3", "Matroska/WebM video"),
]
_BOMS = [
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
# Browsers read a latin-1 declaration as cp1252 (WHATWG Encoding); so do we.
_ALIASES = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252"}

# Text has no C0 controls besides TAB/LF/CR/FF/VT; binary files have many. Random bytes
# decoded as cp1252 give ~11% controls; real text from the sample and the 181 benchmark
# pages gives 0%. 5% leaves room for text with stray control characters.
MAX_CONTROL_RATIO = 0.05
# Isolated NULs (a broken export, a UTF-16 fragment) are stripped; binary formats pad
# with runs of NULs. A run this long is never text.
MAX_NUL_RUN = 8
# Text with valid UTF-8 sequences and at most one invalid sequence per this many bytes is
# UTF-8 with damage (see `_mostly_utf8`); a legacy-encoded news text has an accented letter
# every 20-200 bytes, every one of them invalid as UTF-8.
MAX_INVALID_UTF8_PER = 1000
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_NUL_RUN = re.compile("\x00{" + str(MAX_NUL_RUN) + ",}")
# One way to match the spaces around the quote (`\\s*["']?\\s*` split a run of spaces two
# ways at every length: quadratic in the run).
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*(?:["']\s*)?([\w.:-]{1,40})""", re.I)
_SNIFF = 4096
_SURROGATE = re.compile("[\ud800-\udfff]")


class BinaryContent(ValueError):
    """The input is not text; the message says what it looks like."""


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return _ALIASES.get(codec, codec)


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when `data` looks like UTF-16 text without a BOM (NULs on every other byte)."""
    head = data[:_SNIFF]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def sniff_binary(data: bytes) -> str | None:
    """Say what kind of binary file `data` is, or None if it may be text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return None


def check_text(text: str, problems: list[str]) -> str:
    """Reject control-character soup; strip isolated NULs with a note in `problems`."""
    if not text:
        return text
    if _NUL_RUN.search(text):
        raise BinaryContent(f"contains a run of {MAX_NUL_RUN} or more NUL characters")
    others = len(_CONTROLS.findall(text)) - text.count("\x00")
    if others > MAX_CONTROL_RATIO * len(text):
        raise BinaryContent(f"{others / len(text):.0%} of its characters are control characters")
    nuls = text.count("\x00")
    if nuls:
        if nuls > 0.3 * len(text):
            raise BinaryContent(f"{nuls / len(text):.0%} of its characters are NUL")
        text = text.replace("\x00", "")
        problems.append(f"removed {nuls} NUL character(s)")
    return text


def decode_bytes(data: bytes, declared: str | None, problems: list[str]) -> str:
    """Decode `data` (see module docstring for the order); append notes to `problems`."""
    what = sniff_binary(data)
    if what:
        raise BinaryContent(f"looks like a {what}, not text")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(name)
            except UnicodeDecodeError:
                problems.append(f"{name} byte-order mark but invalid {name}; guessed the encoding")
                data = data[len(bom) :]
                break
    utf16 = utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    hints = [declared]
    meta = _META_CHARSET.search(data[:_SNIFF])
    if meta:
        hints.append(meta.group(1).decode("ascii", "replace"))
    # A legacy declaration that decodes the whole text leaves only the clearest UTF-8 to us.
    declared_fits = any(_decodes(data, _codec(h)) for h in hints)
    mostly = _mostly_utf8(data, problems, strict=declared_fits)
    if mostly is not None:
        return mostly
    for hint in hints:
        codec = _codec(hint)
        if codec and codec != "utf-8":
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                problems.append(f"declared encoding {hint!r} does not decode the content")
    guess = _guess(data)
    if guess:
        try:
            text = data.decode(guess)
            problems.append(f"encoding guessed as {guess}")
            return text
        except (UnicodeDecodeError, LookupError):
            pass
    problems.append("encoding unknown; decoded as cp1252 with replacement characters")
    return data.decode("cp1252", errors="replace")


def _decodes(data: bytes, codec: str | None) -> bool:
    if not codec or codec == "utf-8":
        return False
    try:
        data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _mostly_utf8(data: bytes, problems: list[str], *, strict: bool = False) -> str | None:
    """`data` as UTF-8 with its few invalid bytes replaced (U+FFFD), or None if it is not UTF-8.

    A legacy single-byte text has no valid multi-byte UTF-8 sequence (a lone accented
    letter is invalid UTF-8: measured 0 valid against 300-3,600 invalid on 2-4 kB of
    cp1250/1251/1252/1253/1254/1255/1256, koi8-r); a double-byte one (gbk, big5, shift_jis,
    euc-jp, euc-kr) has 2-7 invalid sequences per valid one, on a quarter of its bytes or
    more. So `data` is damaged UTF-8 when it has valid sequences and its invalid ones are
    at most one per MAX_INVALID_UTF8_PER bytes, or (two valid sequences at least) at most
    five per valid one and one per 25 bytes. With `strict` (a declared legacy encoding
    decodes the text: a cp1252 page may quote a UTF-8 snippet) only the first rule holds,
    with no more invalid sequences than valid ones. Before this, nine invalid bytes in an English
    text with "Dolmabahçe" made charset_normalizer guess cp1258, and one cp1252 line in a
    UTF-8 file cp1125 or mac_iceland: the whole text came out wrong.
    """
    text = data.decode("utf-8", "replace")
    replaced = text.count("\ufffd")
    invalid = replaced - data.count("\ufffd".encode())
    valid = len(text) - len(text.encode("ascii", "ignore")) - replaced
    few = invalid * MAX_INVALID_UTF8_PER <= len(data)
    outnumbered = valid >= 2 and invalid <= 5 * valid and invalid * 25 <= len(data)
    if strict:
        few, outnumbered = few and invalid <= valid, False
    if valid < 1 or not (few or outnumbered):
        return None
    problems.append(f"{invalid} invalid UTF-8 byte sequence(s) replaced with U+FFFD; the rest is UTF-8")
    return text


def _guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - installed with trafilatura
        return None
    results = from_bytes(data[:200_000])
    best = results.best()
    if best is None:
        return None
    # Latin-script text often scores the same under several code pages (cp1250 and
    # cp1252 tie on French or German); the tie goes to cp1252, the web's commonest legacy
    # encoding, so "Genève" does not come out as "Genčve".
    tied = {r.encoding for r in results if (r.chaos, r.coherence) == (best.chaos, best.coherence)}
    return "cp1252" if "cp1252" in tied else best.encoding


def fix_mojibake(text: str, problems: list[str]) -> str:
    """Repair mis-decoded text (``â€™`` → ``’``) with ftfy, keeping curly quotes; NFC.

    ftfy works line by line (5 s for 200k short lines), so it runs only when its own
    detector (`ftfy.badness.is_bad`, the test it applies first to each line) fires on
    the whole text. Lone surrogates (from JSON escapes) become U+FFFD.
    """
    if is_bad(text):
        fixed = ftfy.fix_text(text, uncurl_quotes=False, unescape_html=False)
        if fixed != text:
            problems.append("repaired mis-decoded characters (mojibake)")
        text = fixed
    elif _SURROGATE.search(text):
        text = fix_surrogates(text)
        problems.append("replaced unpaired surrogate characters")
    return unicodedata.normalize("NFC", text)


def to_text(content: str | bytes, declared: str | None, problems: list[str]) -> str:
    """Decode `content` and check it is text; raise `BinaryContent` if it is not."""
    if isinstance(content, bytes):
        text = decode_bytes(content, declared, problems)
    elif isinstance(content, str):
        text = content
    else:
        raise TypeError(f"content must be str or bytes, not {type(content).__name__}")
    return check_text(text, problems)
