"""Numbers, dates and modality of the news layer."""

from __future__ import annotations

import pytest
import spacy

from newsprism.nlp.news import news_layer
from newsprism.nlp.news.dates import find_dates
from newsprism.nlp.news.numbers import find_numbers


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _numbers(nlp, text):
    return [(n.text, n.value, n.unit, n.qualifier, n.upper) for n in find_numbers(nlp(text))]


@pytest.mark.parametrize(("text", "expected"), [
    ("Both sides agreed to exchange 1,000 prisoners of war.", [("1,000 prisoners", 1000.0, "prisoners", None, None)]),
    ("The talks lasted less than two hours.", [("less than two hours", 2.0, "hours", "less than", None)]),
    ("Russian Presidential Aide described the two-hour discussion.", [("two-hour", 2.0, "hours", None, None)]),
    ("Zelensky pushed for a 30-day ceasefire.", [("30-day", 30.0, "days", None, None)]),
    ("The fund holds 1.2 million dollars.", [("1.2 million dollars", 1.2e6, "USD", None, None)]),
    ("Between 10 and 15 people were hurt.", [("10 and 15 people", 10.0, "people", "range", 15.0)]),
    ("About 10-15 trucks crossed.", [("About 10-15 trucks", 10.0, "trucks", "about", 15.0)]),
    ("At least 40 people died and a thousand fled.",
     [("At least 40 people", 40.0, "people", "at least", None), ("a thousand", 1000.0, None, None, None)]),
    ("Prices rose 4.1% after a $3.5bn deal.", [("4.1%", 4.1, "%", None, None), ("$3.5bn", 3.5e9, "USD", None, None)]),
    ("Tens of thousands of casualties.", [("Tens of thousands of casualties", 20000.0, "casualties", None, None)]),
    ("The warring sides met for barely an hour.", [("barely an hour", 1.0, "hour", "at most", None)]),
    ("The round concluded after a little over an hour.", [("over an hour", 1.0, "hour", "more than", None)]),
    ("It had finalized the 14.9-billion-U.S.-dollar purchase of U.S. Steel.",
     [("14.9-billion-U.S.-dollar", 14.9e9, "USD", None, None)]),
    ("A 10-million-euro fine and a two-million-strong army.",
     [("10-million-euro", 1e7, "EUR", None, None), ("two-million-strong", 2e6, "strongs", None, None)]),
    ("Winds of 60 miles an hour and pay of $5 an hour.",
     [("60 miles", 60.0, "miles", None, None), ("$5", 5.0, "USD", None, None)]),
])
def test_numbers(nlp, text, expected):
    assert _numbers(nlp, text) == expected


def test_years_and_dates_are_not_numbers(nlp):
    text = "The first talks since 2022 were held on May 16, 2025 at 10:30."
    doc = nlp(text)
    dates = find_dates(doc, None)
    assert find_numbers(doc, [(d.start, d.end) for d in dates]) == []


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("For the first time since April 2022, delegations met.", None, [("April 2022", "2022-04", False)]),
    ("The talks on May 16, 2025 ended.", None, [("May 16, 2025", "2025-05-16", False)]),
    ("They met on 16 May.", "2025-05-19", [("16 May", "2025-05-16", True)]),
    ("They met on Friday.", "2025-05-19", [("Friday", "2025-05-16", True)]),
    ("The first direct talks in three years.", None, [("three years", "P3Y", False)]),
    ("After a three-year freeze, they met.", None, [("three-year", "P3Y", False)]),
    ("This week's negotiations; last year's deal.", "2025-05-16",
     [("This week", "2025-W20", True), ("last year", "2024", True)]),
    ("It collapsed three years ago.", "2025-05-16", [("three years ago", "2022-05-16", True)]),
    ("The Great Northern War (1700–1721) was long.", None, [("1700–1721", "1700/1721", False)]),
    ("Strikes stopped at 4 am on Tuesday.", "2025-06-25", [("4 am", "T04:00", False), ("Tuesday", "2025-06-24", True)]),
    ("It happened yesterday.", None, [("yesterday", None, True)]),
])
def test_dates(nlp, text, published, expected):
    assert [(d.text, d.value, d.relative) for d in find_dates(nlp(text), published)] == expected


@pytest.mark.parametrize(("text", "modality"), [
    ("Peskov said Putin will not travel to Istanbul.", ["reported", "future", "negated"]),
    ("Russia may seek a pause, reportedly.", ["hedged"]),
    ("If Russia attacks again, sanctions must continue.", ["conditional"]),
    ("Moscow refused the offer and denied it.", ["negated"]),
    ("Is this the end of the talks?", ["question"]),
    ("The delegations met in Istanbul.", []),
])
def test_modality(nlp, text, modality):
    (sentence,) = news_layer(nlp(text), None).sentences
    assert sentence.modality == modality


def test_offsets_index_the_text(nlp):
    text = "Ukraine’s Defence Minister Rustem Umerov said on Friday that 1,000 prisoners would be freed “soon”."
    layer = news_layer(nlp(text), "2025-05-19")
    for item in [*layer.mentions, *layer.quotes, *layer.numbers, *layer.dates]:
        assert text[item.start:item.end] == item.text
