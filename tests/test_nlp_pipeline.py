"""The NLP pipeline on the sample: sentences and offsets, long and empty texts, the annotate CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.models import Article
from newsprism.nlp import AnnotatedDocument, annotate, annotate_many
from newsprism.nlp.pipeline import ENDS, NO_START, chunk_spans, parse_texts

from .conftest import SAMPLE

CLEAN = sorted((SAMPLE / "clean").glob("*.txt"))


def _article(text: str, id: str = "t") -> Article:
    return Article(id=id, origin=id, source="test", title="", text=text)


def _check_offsets(doc: AnnotatedDocument) -> None:
    """Every span indexes `doc.text`: sentences in order, trimmed, inside one line; mentions and
    quotes are the text they claim to be."""
    text = doc.text
    prev_end = 0
    for s in doc.sentences:
        assert prev_end <= s.start < s.end <= len(text), (s, prev_end)
        span = text[s.start:s.end]
        assert span == span.strip(), repr(span)
        assert "\n" not in span, f"sentence crosses a line break: {span!r}"
        prev_end = s.end
    for m in doc.mentions:
        assert text[m.start:m.end] == m.text, m
    for q in doc.quotes:
        assert 0 <= q.start < q.end <= len(text), q


@pytest.fixture(scope="module")
def sample_docs() -> list[tuple[str, AnnotatedDocument]]:
    texts = [p.read_text("utf-8") for p in CLEAN]
    docs = list(annotate_many([_article(t, p.stem) for t, p in zip(texts, CLEAN, strict=True)]))
    return list(zip(texts, docs, strict=True))


def test_sample_sentences_are_sane(sample_docs: list[tuple[str, AnnotatedDocument]]) -> None:
    assert len(sample_docs) == len(CLEAN) == 5
    for text, doc in sample_docs:
        assert doc.text == text
        _check_offsets(doc)
        # every word of the text lies in some sentence: nothing is lost between sentences
        covered = [False] * len(text)
        for s in doc.sentences:
            covered[s.start:s.end] = [True] * (s.end - s.start)
        for m in re.finditer(r"\S+", text):
            assert all(covered[m.start():m.end()]), f"{doc.id}: {m.group()!r} at {m.start()} in no sentence"
        # each line (title, paragraph) is split into sentences, and sentences are not
        # cut into fragments: most end with terminal punctuation (titles and captions do not)
        # no fragment sentences: none starts with closing punctuation, and one that starts
        # inside a line follows terminal punctuation, a quote or a bracket
        for s in doc.sentences:
            before = text[:s.start].rstrip(" \t")
            assert text[s.start] not in NO_START, f"{doc.id}: {text[s.start:s.end]!r}"
            assert not before or before[-1] == "\n" or before[-1] in ENDS, f"{doc.id}: {before[-30:]!r} | ..."
        lines = [ln for ln in text.split("\n") if ln.strip()]
        assert len(doc.sentences) >= len(lines)
        ends = sum(text[s.end - 1] in ".!?\"'”’)" for s in doc.sentences)
        assert ends >= 0.8 * (len(doc.sentences) - len(lines)), doc.id


def test_sentence_split_in_a_paragraph(sample_docs: list[tuple[str, AnnotatedDocument]]) -> None:
    """A known paragraph of the sample: its sentences end where the full stops are."""
    text, doc = next((t, d) for t, d in sample_docs if "Medinsky emphasized" in t)
    start = text.index("Medinsky emphasized")
    sent = next(s for s in doc.sentences if s.start == start)
    assert text[sent.end - 1] == "." and text[sent.start:sent.end].count(". ") == 0


@pytest.mark.parametrize(("text", "sentences"), [
    # nippon-us-steel (dev-conflicts) 02 and 06: a title or "U.S." before a name ends nothing
    ("The two companies filed a lawsuit requesting the court to cancel the order and re-investigate the case. "
     "On June 14, U.S. President Donald Trump issued an executive order to permit the merger under given conditions.",
     ["The two companies filed a lawsuit requesting the court to cancel the order and re-investigate the case.",
      "On June 14, U.S. President Donald Trump issued an executive order to permit the merger under given "
      "conditions."]),
    ('On June 13, Mr. Trump cleared the sale of U.S. Steel to Nippon Steel. The companies say they have "now '
     'completed the transaction as contemplated by their merger agreement."',
     ["On June 13, Mr. Trump cleared the sale of U.S. Steel to Nippon Steel.",
      'The companies say they have "now completed the transaction as contemplated by their merger agreement."']),
    # UD PUD: an abbreviation that can end a sentence, then a word that opens one
    ("It contains a monument to Martin Luther King, Jr. Since the 1960s, the city's economy has been in steep "
     "decline.",
     ["It contains a monument to Martin Luther King, Jr.", "Since the 1960s, the city's economy has been in steep "
                                                          "decline."]),
    ("The plant was built in the U.S. The next day it closed.", ["The plant was built in the U.S.",
                                                                 "The next day it closed."]),
    # straight quote marks stay with their sentence: istanbul-talks 06, myanmar-earthquake 06
    ('Recall that after the first round of negotiations in Istanbul (on May 16, 2025), the sides agreed on a '
     'prisoner exchange in the format of "1000 for 1000." The exchange took place on Belarusian territory, with '
     'Belarus providing all necessary conditions and treating the people with care.',
     ['Recall that after the first round of negotiations in Istanbul (on May 16, 2025), the sides agreed on a '
      'prisoner exchange in the format of "1000 for 1000."',
      'The exchange took place on Belarusian territory, with Belarus providing all necessary conditions and '
      'treating the people with care.']),
    ('"It has been closed since yesterday," said one. "The ceiling collapsed but no-one was hurt.',
     ['"It has been closed since yesterday," said one.', '"The ceiling collapsed but no-one was hurt.']),
])
def test_sentences_around_abbreviations_and_quote_marks(text: str, sentences: list[str]) -> None:
    doc = annotate(_article(text))
    assert [text[s.start:s.end] for s in doc.sentences] == sentences


def test_annotate_one_equals_many(sample_docs: list[tuple[str, AnnotatedDocument]]) -> None:
    text, many = sample_docs[1]
    one = annotate(_article(text, many.id))
    assert one.to_json() == many.to_json()


@pytest.mark.slow
def test_annotate_many_in_worker_processes(sample_docs: list[tuple[str, AnnotatedDocument]]) -> None:
    articles = [_article(text, doc.id) for text, doc in sample_docs]
    parallel = list(annotate_many(articles, n_process=2, batch_size=2))
    assert [d.to_json() for d in parallel] == [d.to_json() for _, d in sample_docs]


def test_empty_and_blank_texts() -> None:
    for text in ("", "   ", "\n\n\n"):
        doc = annotate(_article(text))
        assert doc.text == text and doc.sentences == [] and doc.mentions == []


def test_chunk_spans_cover_the_text() -> None:
    text = "\n".join(p.read_text("utf-8") for p in CLEAN) * 120  # about 2.4 MB
    spans = chunk_spans(text, limit=100_000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a < b <= a + 100_000 for a, b in spans)
    assert all(b == c for (_, b), (c, _) in zip(spans, spans[1:], strict=False))
    assert all(text[b - 1] == "\n" for _, b in spans[:-1])  # cuts at line breaks when there are some
    # no line break and no space: hard cuts at the limit
    assert chunk_spans("x" * 25, limit=10) == [(0, 10), (10, 20), (20, 25)]
    # no line break: cut after the last sentence end, else after the last space
    assert chunk_spans("One two. Three four", limit=16) == [(0, 9), (9, 19)]
    assert chunk_spans("One two. Three four five", limit=12) == [(0, 9), (9, 20), (20, 24)]


def test_chunked_parse_keeps_text_and_sentences() -> None:
    """A text parsed in small chunks is the same text, with sentences at the same places
    wherever a line break made the cut."""
    text = CLEAN[2].read_text("utf-8")
    whole = next(parse_texts([text]))
    parts = next(parse_texts([text], chunk_chars=1500))
    assert parts.text == text and len(parts) == len(whole)
    assert [t.text for t in parts] == [t.text for t in whole]
    assert [t.tag_ for t in parts].count("NNP") > 20


@pytest.mark.slow
def test_two_megabyte_text() -> None:
    """2 MB: a sample article, a 2 MB run with no space or line break (an inlined data blob),
    the article again. It is parsed in chunks; offsets index the whole text."""
    article = CLEAN[0].read_text("utf-8")
    blob = ("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0123456789+/" * 50_000)[:2_000_000]
    text = article + "\n" + blob + "\n" + article
    doc = annotate(_article(text))
    assert doc.text == text
    _check_offsets(doc)
    first = [text[s.start:s.end] for s in doc.sentences if s.end <= len(article)]
    last = [text[s.start:s.end] for s in doc.sentences if s.start >= len(text) - len(article)]
    # the same article parses (nearly) the same before and after the blob: the context differs
    assert len(first) > 10 and len(set(first) & set(last)) >= 0.8 * len(first)


def test_cli_annotate_writes_the_document(tmp_path: Path) -> None:
    out = tmp_path / "doc.json"
    raw = SAMPLE / "raw" / "004_8b8496d1b130a673.txt"
    result = CliRunner().invoke(app, ["annotate", str(raw), "--json", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text("utf-8"))
    text = doc["text"]
    assert doc["id"] == raw.stem and text == (SAMPLE / "clean" / raw.name).read_text("utf-8")
    assert len(doc["sentences"]) > 10
    for key in ("sentences", "mentions", "quotes", "numbers", "dates"):
        assert isinstance(doc[key], list)
    for s in doc["sentences"]:
        assert text[s["start"]:s["end"]].strip() == text[s["start"]:s["end"]] != ""
    for m in doc["mentions"]:
        assert text[m["start"]:m["end"]] == m["text"]


def test_cli_annotate_rejected_input(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", "utf-8")
    out = tmp_path / "doc.json"
    result = CliRunner().invoke(app, ["annotate", str(empty), "--json", str(out)])
    assert result.exit_code == 1
    assert "rejected" in result.output and "empty" in result.output
    assert not out.exists()


def test_public_api() -> None:
    import newsprism.nlp

    assert sorted(newsprism.nlp.__all__) == [
        "AnnotatedDocument", "DateExpr", "Mention", "Number", "Quote", "Sentence", "annotate", "annotate_many",
        "annotate_parsed",
    ]
    assert callable(newsprism.nlp.annotate)  # not shadowed by a submodule of the same name


def test_annotate_parsed_gives_the_same_annotation_and_the_parse_it_came_from() -> None:
    from newsprism.models import Article
    from newsprism.nlp import annotate_many, annotate_parsed

    texts = ["Ukrainian President Volodymyr Zelenskyy met Turkish officials in Ankara on Thursday.",
             "At least 13 people were killed when the ferry capsized off the coast on Monday."]
    articles = [Article(id=f"a{i}", origin=f"a{i}", source="s", title="t", text=t, published="2025-05-16",
                        word_count=len(t.split())) for i, t in enumerate(texts)]
    pairs = list(annotate_parsed(articles))
    assert [a for a, _ in pairs] == list(annotate_many(articles))
    assert [doc.text for _, doc in pairs] == texts and all(doc.has_annotation("DEP") for _, doc in pairs)


def test_cli_annotate_failure_is_a_per_item_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsprism.nlp.annotation

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("pathological text")

    monkeypatch.setattr(newsprism.nlp.annotation, "document_from_doc", broken)
    out = tmp_path / "doc.json"
    result = CliRunner().invoke(app, ["annotate", str(SAMPLE / "raw" / "000_74267b2649ed2a86.txt"), "--json", str(out)])
    assert result.exit_code == 1
    assert "annotation failed: ValueError: pathological text" in " ".join(result.output.split())
    assert not out.exists()


def test_syntax_eval_skips_without_shared_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism.evaluation import syntax

    monkeypatch.setenv("NEWSPRISM_SHARED", str(tmp_path))
    figures = syntax.run()
    assert figures["sets"] == {} and "NEWSPRISM_SHARED" in figures["notes"][0]
