"""Article metadata: title, outlet, date, language, word count, hash."""

from __future__ import annotations

import hashlib

import pytest

from newsprism.clean import __all__ as exported
from newsprism.clean import clean
from newsprism.clean.metadata import (
    dateline_outlet,
    domain,
    iso_date,
    language_of,
    outlet_for,
    title_for,
    word_count,
)
from newsprism.models import Article, RawDocument

BODY = (
    "Ukraine and Russia held talks in Istanbul on Friday. The delegations agreed to exchange "
    "a thousand prisoners of war each, officials from both sides said after the meeting ended."
)


def _article(**kw: object) -> Article:
    fields = {"id": "a1", "origin": "/data/news/a1.txt", "kind": "text", "content": BODY} | kw
    result = clean(RawDocument(**fields))  # type: ignore[arg-type]
    assert isinstance(result, Article), result
    return result


def test_public_api() -> None:
    assert exported == ["clean"]


def test_language_outlet_and_hash() -> None:
    article = _article(url="https://www.Example-News.co.uk/world/123")
    assert article.language == "en"
    assert article.source == "example-news.co.uk"
    assert article.content_hash == hashlib.sha256(article.text.encode("utf-8")).hexdigest()
    assert article.word_count == 29
    again = _article(url="https://www.Example-News.co.uk/world/123", content=BODY.encode("utf-8"))
    assert again.content_hash == article.content_hash


def test_hash_changes_with_text_not_with_whitespace_noise() -> None:
    a = _article()
    b = _article(content="  " + BODY.replace(" ", "  ") + "\n\n\n")
    c = _article(content=BODY.replace("Friday", "Monday"))
    assert a.content_hash == b.content_hash
    assert a.content_hash != c.content_hash


def test_given_fields_win() -> None:
    article = _article(title="Given title", source="Wire", published="2025-05-16", url="https://x.org/a")
    assert (article.title, article.source, article.published, article.url) == (
        "Given title",
        "Wire",
        "2025-05-16",
        "https://x.org/a",
    )


def test_outlet_falls_back_to_file_stem() -> None:
    assert _article().source == "a1"
    assert outlet_for(None, None, None, "/data/feeds/world.jsonl#3", "world:3") == "world"
    assert outlet_for(None, None, None, "", "id-only") == "id-only"


@pytest.mark.parametrize(("text", "outlet"), [
    ("Headline of the day\n(MENAFN) Despite attempts by Ukraine, talks went ahead.", "MENAFN"),
    ("KYIV (Reuters) - Russia said on Friday it would exchange prisoners.", "Reuters"),
    ("ISTANBUL, May 16 (AP) — Delegations met for the first time in three years.", "AP"),
    ("WASHINGTON (Agence France-Presse) - The talks ended.", "Agence France-Presse"),
    ("(CNN) — Ukraine sent its defence minister.", "CNN"),
    ("(Updated) The talks ended without a ceasefire.", None),  # an opener, not an outlet
    ("The delegations (Reuters reported) met on Friday.", None),  # not at a paragraph start
    ("Istanbul, Türkiye| For the first time since April 2022, delegations met.", None),
    ("One\nTwo\nThree\nFour\n(Reuters) - Too deep into the article to be a dateline.", None),
])
def test_outlet_from_a_dateline(text: str, outlet: str | None) -> None:
    assert dateline_outlet(text) == outlet


def test_outlet_order_site_url_dateline_file() -> None:
    text = "(MENAFN) Despite attempts by Ukraine, talks went ahead."
    assert outlet_for(None, "Site", "https://x.org/a", "/d/a1.txt", "a1", text) == "Site"
    assert outlet_for(None, None, "https://www.x.org/a", "/d/a1.txt", "a1", text) == "x.org"
    assert outlet_for(None, None, None, "/d/a1.txt", "a1", text) == "MENAFN"
    assert outlet_for(None, None, None, "/d/a1.txt", "a1", "No dateline here.") == "a1"
    assert _article(content="(MENAFN) " + BODY).source == "MENAFN"


def test_the_samples_dateline_names_its_outlet() -> None:
    from tests.web_support import RAW

    raw = RAW / "000_74267b2649ed2a86.txt"
    result = clean(RawDocument(id=raw.stem, origin=str(raw), kind="text", content=raw.read_bytes()))
    assert isinstance(result, Article) and result.source == "MENAFN"


def test_date_from_metadata_prefix() -> None:
    assert _article(content=f" date 2025-06-02 {BODY}").published == "2025-06-02"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (f"Talks end with prisoner swap\n{BODY}", "Talks end with prisoner swap"),
        (BODY, "Ukraine and Russia held talks in Istanbul on Friday."),
        (
            "In a ruling issued on Tuesday, U.S. District Judge Amit Mehta outlined remedies. More follows.",
            "In a ruling issued on Tuesday, U.S. District Judge Amit Mehta outlined remedies.",
        ),
        (
            "Sept. 3, 2025 A milestone was reached yesterday. Details follow.",
            "Sept. 3, 2025 A milestone was reached yesterday.",
        ),
        (
            "A very long first sentence that goes on and on about the talks in Istanbul, the delegations, "
            "the prisoners, the palace, the mediators and the many questions left open for the next round "
            "of negotiations. Second sentence.",
            "A very long first sentence that goes on and on about the talks in Istanbul, the delegations, "
            "the prisoners, the palace…",
        ),
    ],
)
def test_title_fallbacks(text: str, title: str) -> None:
    assert title_for(None, None, text) == title
    assert title_for(None, "HTML title", text) == "HTML title"


def test_helpers() -> None:
    assert domain("https://www.bbc.co.uk/news") == "bbc.co.uk"
    assert domain("example.org/path") == "example.org"
    assert domain("http://[bad") is None
    assert iso_date("2025-05-16") == "2025-05-16"
    assert iso_date("2025-05-16T10:00:00Z") == "2025-05-16T10:00:00+00:00"
    assert iso_date("16 May 2025") is None
    assert word_count("Three words here") == 3
    assert word_count("— 1,000 — people") == 2
    assert word_count("俄乌代表团在伊斯坦布尔会谈") == 13
    assert language_of("Too short") is None
    assert (
        language_of("Die Delegationen trafen sich am Freitag in Istanbul und vereinbarten einen Austausch.")
        == "de"
    )
