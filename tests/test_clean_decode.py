"""Bytes in, text out: encodings, mojibake, NULs, binary and empty input."""

from __future__ import annotations

import gzip
import random

import pytest

from newsprism.clean import clean
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
