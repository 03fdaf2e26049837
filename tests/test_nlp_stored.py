"""Parses as bytes (`newsprism.nlp.stored`) on the sample's articles: a restored parse is the
fresh one, token for token; a damaged or foreign blob raises instead of passing for a
parse; `parse_articles` parses only what its `StoredParses` lacks."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from spacy.tokens import Doc, Token

from newsprism.models import Article
from newsprism.nlp import stored
from newsprism.nlp.annotation import annotate_parsed, document_from_doc
from newsprism.nlp.stored import (
    StoredParseError,
    StoredParses,
    parse_articles,
    parse_from_bytes,
    parse_to_bytes,
    parse_version,
    text_key,
)
from tests.store_support import article

from .conftest import SAMPLE
from .parse_support import parsed_texts


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return [article(p.stem, p.read_text("utf-8"), published="2025-05-16")
            for p in sorted((SAMPLE / "clean").glob("*.txt"))]


@pytest.fixture(scope="module")
def fresh(articles: list[Article]) -> list[tuple[Any, Doc]]:
    return list(annotate_parsed(articles))


def _token(t: Token) -> tuple[object, ...]:
    return (t.idx, t.text, t.whitespace_, t.tag_, t.pos_, str(t.morph), t.lemma_, t.norm_, t.dep_, t.head.i,
            t.is_sent_start, t.ent_iob_, t.ent_type_, t.is_punct, t.is_space, t.like_num, t.is_stop, t.lower_)


def test_a_restored_parse_is_the_fresh_one(articles: list[Article], fresh: list[tuple[Any, Doc]]) -> None:
    for a, (annotated, doc) in zip(articles, fresh, strict=True):
        back, back_doc = parse_from_bytes(parse_to_bytes(annotated, doc), a)
        assert back == annotated and back.mentions and back.quotes and back.dates
        assert [_token(t) for t in back_doc] == [_token(t) for t in doc]
        assert [(s.start, s.end) for s in back_doc.sents] == [(s.start, s.end) for s in doc.sents]
        assert [(e.start, e.end, e.label_) for e in back_doc.ents] == [(e.start, e.end, e.label_) for e in doc.ents]
        # the news layer reads the restored Doc as it read the fresh one
        assert document_from_doc(back_doc, id=a.id, published=a.published) == annotated


def test_an_article_under_another_date_gets_the_document_of_that_date(
        articles: list[Article], fresh: list[tuple[Any, Doc]]) -> None:
    a = next(x for x in articles if x.id.startswith("002"))  # it says "yesterday" and names weekdays
    annotated, doc = fresh[articles.index(a)]
    later = article("later-copy", a.text, published="2025-06-20")
    back, _ = parse_from_bytes(parse_to_bytes(annotated, doc), later)
    assert back == document_from_doc(doc, id="later-copy", published="2025-06-20")
    assert [d.value for d in back.dates] != [d.value for d in annotated.dates]


def test_a_damaged_or_foreign_blob_raises(articles: list[Article], fresh: list[tuple[Any, Doc]],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    blob = parse_to_bytes(*fresh[0])
    for bad in (b"", b"not a parse", blob[: len(blob) // 2], blob[:-8] + bytes(8)):
        with pytest.raises(StoredParseError):
            parse_from_bytes(bad, articles[0])
    with pytest.raises(StoredParseError, match="another text"):
        parse_from_bytes(blob, articles[1])
    monkeypatch.setattr(stored, "FORMAT", stored.FORMAT + 1)
    with pytest.raises(StoredParseError, match="format"):
        parse_from_bytes(blob, articles[0])


def test_parse_articles_parses_only_what_it_lacks(articles: list[Article], fresh: list[tuple[Any, Doc]],
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    parses = StoredParses("v", {text_key(a): parse_to_bytes(*p) for a, p in zip(articles[:3], fresh, strict=False)})
    parses.found[text_key(articles[2])] = b"damaged"
    texts = parsed_texts(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="newsprism.nlp.stored"):
        got = parse_articles(articles, parses)
    assert texts == [a.text for a in articles[2:]]
    assert f"stored parse of article {articles[2].id}" in caplog.text and "parsing it again" in caplog.text
    assert parses.unreadable == [text_key(articles[2])]
    assert set(parses.made) == {text_key(a) for a in articles[2:]}
    assert [annotated for annotated, _ in got] == [annotated for annotated, _ in fresh]
    assert parse_from_bytes(parses.made[text_key(articles[2])], articles[2])[0] == fresh[2][0]


def test_one_text_under_two_ids_is_parsed_once(articles: list[Article], fresh: list[tuple[Any, Doc]],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    twin = article("twin", articles[0].text, published=articles[0].published)
    texts = parsed_texts(monkeypatch)
    parses = StoredParses("v")
    (first, doc), (second, twin_doc) = parse_articles([articles[0], twin], parses)
    assert texts == [articles[0].text] and list(parses.made) == [text_key(twin)]
    assert first == fresh[0][0] and second.id == "twin" and second.mentions == first.mentions
    assert twin_doc is doc


def test_the_version_changes_with_each_model_and_the_format(monkeypatch: pytest.MonkeyPatch) -> None:
    base = parse_version("syntax-1", "ner-1")
    assert base == parse_version("syntax-1", "ner-1")
    assert len({base, parse_version("syntax-2", "ner-1"), parse_version("syntax-1", "ner-2")}) == 3
    monkeypatch.setattr(stored, "FORMAT", stored.FORMAT + 1)
    assert parse_version("syntax-1", "ner-1") != base
