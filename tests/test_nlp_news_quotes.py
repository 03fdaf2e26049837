"""Quotes with speakers: the hand-labelled set, the sample's named quotes, and the quote-mark scanner."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
import yaml

from newsprism.evaluation.news import match_quotes, same_speaker
from newsprism.nlp.news import news_layer
from newsprism.nlp.news.quotes import direct_quote_spans

ROOT = Path(__file__).resolve().parents[1]
PASSAGES = yaml.safe_load((ROOT / "tests" / "fixtures" / "quotes.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def test_fixture_is_big_and_varied_enough():
    assert len(PASSAGES) >= 40
    assert {p["style"] for p in PASSAGES} >= {"wire", "british", "american", "broadcast", "tabloid", "translated"}
    assert any(q["speaker"] is None for p in PASSAGES for q in p["quotes"])
    assert any(not q["direct"] for p in PASSAGES for q in p["quotes"])


def test_quote_set_floor(nlp):
    """Floors under the figures `make eval` prints (all 58 passages): they must not drop silently."""
    n_pred = n_gold = span_tp = speaker_tp = 0
    for passage in PASSAGES:
        quotes = news_layer(nlp(passage["text"]), None).quotes
        span, with_speaker = match_quotes(quotes, passage["quotes"])
        n_pred, n_gold = n_pred + len(quotes), n_gold + len(passage["quotes"])
        span_tp, speaker_tp = span_tp + span, speaker_tp + with_speaker
    assert span_tp / n_pred >= 0.95 and span_tp / n_gold >= 0.95
    assert speaker_tp / n_pred >= 0.9 and speaker_tp / n_gold >= 0.9


@pytest.mark.parametrize(("name", "words", "speaker"), [
    ("004_8b8496d1b130a673.txt", "We believe that if we want to be able to progress", "Georgiy Tykhy"),
    ("002_905a684dd6f29ba4.txt", "complete, unconditional, and honest", "Zelensky"),
    ("002_905a684dd6f29ba4.txt", "Russia’s position is clearly unacceptable", "one of the leaders"),
    ("002_905a684dd6f29ba4.txt", "if Russia refuses a complete and unconditional ceasefire", "Zelensky"),
    ("003_fda8ccc6063bb8a5.txt", "truth and initiative", "Maria Zakharova"),
    ("003_fda8ccc6063bb8a5.txt", "Putin will not travel to Istanbul", "Dmitry Peskov"),
])
def test_sample_quotes_have_their_speakers(nlp, name, words, speaker):
    text = (ROOT / "examples" / "istanbul-2025" / "clean" / name).read_text(encoding="utf-8")
    layer = news_layer(nlp(text), None)
    hits = [q for q in layer.quotes if words in q.text]
    assert hits, f"no quote with {words!r}"
    assert same_speaker(hits[0].speaker, speaker), hits[0]
    assert text[hits[0].start:hits[0].end] == hits[0].text


def test_quote_offsets_and_unattributed(nlp):
    text = "Protesters carried banners reading “Hands off our pensions” through the city centre."
    (quote,) = news_layer(nlp(text), None).quotes
    assert (quote.text, quote.speaker, quote.direct) == ("Hands off our pensions", None, True)
    assert text[quote.start:quote.end] == quote.text


def test_pronoun_and_title_references_resolve_to_the_last_person(nlp):
    text = ("Health Minister Sarah Mbeki visited the clinic. “We need nurses,” the minister said. "
            "“And we need them now,” she added.")
    speakers = [q.speaker for q in news_layer(nlp(text), None).quotes]
    assert speakers == ["Sarah Mbeki", "Sarah Mbeki"]


def test_reported_speech(nlp):
    text = "Kremlin spokesman Pavel Orlov said the president would not attend the summit."
    (quote,) = news_layer(nlp(text), None).quotes
    assert (quote.text, quote.speaker, quote.direct) == ("the president would not attend the summit", "Pavel Orlov",
                                                         False)


def test_said_to_is_not_reported_speech(nlp):
    assert news_layer(nlp("The minister was said to have offered his resignation."), None).quotes == []


@pytest.mark.parametrize(("text", "inside"), [
    ("He said “yes” and ‘no’.", ["yes", "no"]),
    ('A "straight" quote.', ["straight"]),
    ("«Nous partons» and „wir bleiben“.", ["Nous partons", "wir bleiben"]),
    ("“Outer ‘inner’ end,” he said.", ["Outer ‘inner’ end,"]),
    ("“Open to the end of the paragraph\nnext", ["Open to the end of the paragraph"]),
    ("Russia’s demands and the Russians’ view don't count.", []),
])
def test_quote_marks(text, inside):
    assert [text[s:e] for s, e in direct_quote_spans(text)] == inside


def test_parsed_doc_gives_the_same_sample_quotes():
    """With the trained pipeline's tags and parse, the named sample quotes keep their speakers."""
    from newsprism.nlp.pipeline import NLPModelError, parse_texts

    text = (ROOT / "examples" / "istanbul-2025" / "clean" / "002_905a684dd6f29ba4.txt").read_text(encoding="utf-8")
    try:
        doc = next(parse_texts([text]))
    except NLPModelError as exc:
        pytest.skip(f"syntax model not built: {exc}")
    quotes = news_layer(doc, None).quotes
    by_words = {w: [q for q in quotes if w in q.text] for w in ("complete, unconditional", "We have just talked")}
    assert same_speaker(by_words["complete, unconditional"][0].speaker, "Zelensky")
    assert by_words["We have just talked"][0].speaker == "one of the leaders"
