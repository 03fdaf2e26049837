"""Normalisation: what changes, what stays, and that stored text is final."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.clean import clean
from newsprism.clean.normalize import normalize
from newsprism.models import Article, RawDocument

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "istanbul-2025"

MESSY = (
    "\ufeff  Title\u00a0with\u202fodd  spaces \r\n"
    "\r\n\r\n\r\n"
    "First\tline\u200b of text\u00ad here \u2028second line\n"
    "Quotes “kept” and ‘kept’, dashes – and — kept; look-alikes: co\u2010operate, \u22125 °C, "
    "don\u00b4t, \u201bodd\u2019, ＡＢＣ１２３\u3000end\n\n\n"
)


def test_normalize_rules() -> None:
    assert normalize(MESSY) == (
        "Title with odd spaces\n"
        "\n"
        "First line of text here\n"
        "second line\n"
        "Quotes “kept” and ‘kept’, dashes – and — kept; look-alikes: co-operate, -5 °C, "
        "don’t, ’odd’, ABC123 end"
    )


def test_zwj_and_zwnj_kept() -> None:
    persian = "می\u200cخواهم"  # ZWNJ is spelling in Persian
    emoji = "👩\u200d💻"
    assert normalize(f"{persian} {emoji}") == f"{persian} {emoji}"


@pytest.mark.parametrize(
    "text",
    [MESSY, "", "\n\n", " a \n\n\n b ", "\r\r\n\u2029x\u00a0\u00a0\ty", "ｘ\u3000ｙ", "a\u00ad\u00adb"],
)
def test_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


def test_idempotent_on_sample_files() -> None:
    raws = sorted((SAMPLE / "raw").glob("*.txt"))
    if not raws:
        pytest.skip(f"sample not found in {SAMPLE}; copy the shared corpus's istanbul-2025 there")
    for path in raws:
        once = normalize(path.read_text(encoding="utf-8"))
        assert normalize(once) == once


def test_stored_text_is_final() -> None:
    """What clean() stores is exactly what later stages see: normalising again is a no-op
    and every offset into it stays valid."""
    content = MESSY + (
        "The delegations met for two hours on Friday and agreed to exchange a thousand prisoners, "
        "officials said after the talks in Istanbul ended."
    )
    article = clean(RawDocument(id="n", origin="n.txt", kind="text", content=content.encode("utf-16")))
    assert isinstance(article, Article)
    assert normalize(article.text) == article.text
    start = article.text.index("delegations")
    assert article.text[start : start + len("delegations met")] == "delegations met"
