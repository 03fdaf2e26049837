"""Bytes in, text out: encodings, mojibake, NULs, binary and empty input."""

from __future__ import annotations

import gzip
import random

import pytest

from newsprism.clean import clean
from newsprism.clean.decode import decode_bytes
from newsprism.models import Article, RawDocument, Rejection

TEXT = (
    "Ceasefire talks resumed in Zürich on Friday, officials said; “We’re close,” one négociateur "
    "added, while the Straße outside the hotel stayed closed to traffic for the whole day.\n"
    "Delegations from both sides met for three hours and agreed to meet again next week in Genève."
)


def _clean(content: str | bytes, encoding: str | None = None, kind: str = "text") -> Article | Rejection:
    return clean(RawDocument(id="d", origin="d.txt", kind=kind, content=content, encoding=encoding))  # type: ignore[arg-type]


def _article(content: str | bytes, encoding: str | None = None) -> Article:
    result = _clean(content, encoding)
    assert isinstance(result, Article), result
    return result


def test_utf8_declared_latin1_comes_out_right() -> None:
    article = _article(TEXT.encode("utf-8"), encoding="iso-8859-1")
    assert article.text == TEXT
    assert article.problems == []


def test_real_cp1252_with_declared_latin1() -> None:
    plain = TEXT.replace("“", '"').replace("”", '"')  # cp1252 has curly quotes too, keep it simple
    article = _article(plain.encode("cp1252"), encoding="latin-1")
    assert article.text == plain


def test_wrong_declared_encoding_that_fails_is_ignored() -> None:
    article = _article(TEXT.encode("cp1252"), encoding="utf-8")
    assert article.text == TEXT


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-8-sig"])
def test_byte_order_marks(codec: str) -> None:
    assert _article(TEXT.encode(codec)).text == TEXT


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec: str) -> None:
    assert _article(TEXT.encode(codec)).text == TEXT


def test_meta_charset_used_when_utf8_fails() -> None:
    html = (
        '<html><head><meta charset="windows-1251"><title>Переговоры</title></head><body><article>'
        "<p>Делегации России и Украины провели переговоры в Стамбуле и договорились об обмене "
        "пленными, сообщили официальные представители обеих сторон в понедельник вечером.</p>"
        "<p>Следующая встреча может состояться уже в конце месяца, добавили дипломаты в столице.</p>"
        "</article></body></html>"
    )
    result = _clean(html.encode("cp1251"), kind="html")
    assert isinstance(result, Article), result
    assert "Делегации России и Украины" in result.text
    assert result.language == "ru"


def test_mojibake_repaired() -> None:
    broken = TEXT.replace("”", '"').encode("utf-8").decode("cp1252")
    assert "Ã¼" in broken and "â€™" in broken
    article = _article(broken)
    assert article.text == TEXT.replace("”", '"')
    assert any("mojibake" in p for p in article.problems)


def test_isolated_nuls_stripped_with_a_note() -> None:
    ridden = "\x00".join(TEXT[i : i + 5] for i in range(0, len(TEXT), 5))
    assert ridden.count("\x00") > 40
    article = _article(ridden.encode("utf-8"))
    assert article.text == TEXT
    assert any("NUL" in p for p in article.problems)


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (gzip.compress(TEXT.encode()), "gzip"),
        (random.Random(1).randbytes(4000), "control characters"),
        (b"text" + b"\x00" * 64 + b"more text", "NUL"),
    ],
)
def test_binary_rejected_with_reason(content: bytes, what: str) -> None:
    result = _clean(content)
    assert isinstance(result, Rejection)
    assert (result.stage, result.reason) == ("clean", "binary")
    assert what in result.detail


@pytest.mark.parametrize("content", [b"", "", b"   \n\t  \n", "\ufeff", b"\xef\xbb\xbf"])
def test_empty_rejected(content: str | bytes) -> None:
    result = _clean(content)
    assert isinstance(result, Rejection)
    assert result.reason == "empty"


def test_too_large_rejected_before_decoding() -> None:
    from newsprism.config import Settings

    result = clean(
        RawDocument(id="d", origin="d.txt", kind="text", content=b"a " * 600), Settings(max_record_bytes=1000)
    )
    assert isinstance(result, Rejection)
    assert result.reason == "too-large"
    assert "NEWSPRISM_MAX_RECORD_BYTES" in result.detail


def test_line_flood_rejected_quickly() -> None:
    import time

    start = time.perf_counter()
    result = _clean("\n".join(["Home", "Related", "- link"] * 10_000))
    assert time.perf_counter() - start < 5.0
    assert isinstance(result, Rejection)
    assert result.reason == "too-large"
    assert "lines" in result.detail


def test_wrong_argument_type_raises() -> None:
    with pytest.raises(TypeError):
        clean("not a document")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        clean(RawDocument(id="d", origin="d", kind="text", content=123))  # type: ignore[arg-type]


# --- mostly-UTF-8 text with a few invalid bytes (issue 17, case 4) ---------------------

DOLMABAHCE = (
    "Russian and Ukrainian delegations met at the Dolmabahçe palace in Istanbul on Monday for a "
    "second round of talks. The meeting lasted just over an hour, officials said, and ended with "
    "an agreement to exchange prisoners. "
)


def _with_bytes_after_spaces(data: bytes, bad: bytes, count: int) -> bytes:
    """`data` with `bad` inserted after `count` spaces spread over it."""
    spaces = [i for i, b in enumerate(data) if b == 0x20]
    out = bytearray(data)
    for pos in sorted(spaces[:: max(1, len(spaces) // count)][:count], reverse=True):
        out[pos + 1 : pos + 1] = bad
    return bytes(out)


def test_nine_invalid_bytes_keep_a_utf8_text_utf8() -> None:
    # Before: charset_normalizer's guess for this text was cp1258 ("DolmabahÃ§e").
    data = _with_bytes_after_spaces((DOLMABAHCE * 2).encode(), b"\xff", 9)
    article = _article(data)
    assert "Dolmabahçe" in article.text
    assert article.text.count("\ufffd") == 9
    assert "9 invalid UTF-8 byte sequence(s) replaced with U+FFFD; the rest is UTF-8" in article.problems


def test_one_cp1252_line_in_a_utf8_file_stays_utf8() -> None:
    # Before: decoded as mac_iceland / cp1125, every “curly quote” and é of the file wrong.
    utf8 = ("The talks ended after two hours. “We made progress,” a delegate said in Genève. " * 8).encode()
    line = "Les délégués se sont retrouvés à Genève pour une réunion très attendue.\n".encode("cp1252")
    article = _article(utf8 + b"\n" + line + utf8)
    assert article.text.count("“We made progress,”") == 8 and "Genève" in article.text  # the copy after is a repeat
    assert "Les d\ufffdl\ufffdgu\ufffds" in article.text
    assert any("invalid UTF-8" in p for p in article.problems)


@pytest.mark.parametrize(
    ("codec", "text"),
    [
        ("cp1252", "Les délégués à Genève, naïve façade, œuvre “citée” — ça coûte 5 €. " * 30),
        ("cp1251", "Переговоры в Стамбуле завершились обменом пленными, заявили официальные лица. " * 30),
        ("gbk", "伊斯坦布尔会谈结束，双方同意交换战俘，官员们说。" * 30),
    ],
)
def test_legacy_encodings_are_not_taken_for_damaged_utf8(codec: str, text: str) -> None:
    problems: list[str] = []
    assert decode_bytes(text.encode(codec), None, problems) == text
    assert not any("invalid UTF-8" in p for p in problems)


def test_ascii_with_stray_high_bytes_is_not_forced_to_utf8() -> None:
    # No valid multi-byte sequence: nothing says UTF-8, so the legacy path decides (cp1252 é).
    problems: list[str] = []
    text = decode_bytes(b"The caf\xe9 near the palace was closed on Monday, officials said. " * 5, None, problems)
    assert "café" in text


def test_declared_cp1252_page_quoting_utf8_stays_cp1252() -> None:
    # A cp1252 page (declared) with a UTF-8 snippet in it. Undeclared, 10 invalid sequences
    # against 5 valid ones in 800 bytes would read as damaged UTF-8; declared, only clear
    # UTF-8 (more valid than invalid, one invalid per 1,000 bytes) beats the declaration.
    body = "<p>The talks in Genève ended on Monday, officials said.</p>" * 10  # 10 bytes invalid as UTF-8
    page = (
        b'<html><head><meta charset="windows-1252"></head><body><article>'
        + body.encode("cp1252")
        + "<p>«Ad» ünïc snippet</p>".encode()  # 5 valid UTF-8 sequences
        + b"</article></body></html>"
    )
    problems: list[str] = []
    text = decode_bytes(page, None, problems)
    assert "Genève" in text and "\ufffd" not in text
    assert not any("invalid UTF-8" in p for p in problems)
