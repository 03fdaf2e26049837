"""Firsts and records: how long since the last one, on real sentences (dev-conflicts reports
of the Thai air strikes and of the Myanmar earthquake, the sample's Istanbul talks) through
the NLP stage and the claims stage."""

from __future__ import annotations

import math

from newsprism.claims.firsts import first_facts
from newsprism.claims.units import claim_units
from newsprism.nlp import annotate_many

from .claims_support import article, claims_of, headline

SINCE_2011 = ("a", "Thai F-16 fighter jets conducted precision strikes on Cambodian military targets Thursday, marking "
                   "the first use of air power in the countries’ border conflict since 2011.", "2025-07-24")
FIRST_EVER = ("b", "Shortly after the artillery exchange, Thailand launched its first-ever airstrikes in the dispute, "
                   "deploying six F-16 jets and striking a military target inside Cambodia.", "2025-07-24")
DECADES = ("c", "It was the biggest quake to hit Myanmar in decades, according to geologists, and the tremors were "
                "powerful enough to severely damage buildings across Bangkok.", "2025-03-28")
CENTURY = ("d", "It was the biggest quake to hit Myanmar in over a century, according to US geologists, and the "
                "tremors were powerful enough to severely damage buildings across Bangkok.", "2025-03-28")


def _firsts(c: tuple[str, str, str | None]) -> list:
    (doc,) = annotate_many([article(*c)])
    return first_facts(claim_units(doc, origin=c[0]), {c[0]: c[2]})


def _found(*texts: tuple[str, str, str | None]) -> list:
    return [x for x in headline(claims_of(*texts), "state") if x.frame == "how long since the last one"]


def test_spans_are_years_since_the_last_comparable_event() -> None:
    (f,) = _firsts(SINCE_2011)
    assert (f.word, f.low, f.high) == ("first", 13, 15)
    (f,) = _firsts(FIRST_EVER)
    assert f.high == math.inf and f.phrase.startswith("first-ever airstrikes")
    (f,) = _firsts(DECADES)
    assert (f.low, f.high) == (20, 99)
    (f,) = _firsts(CENTURY)
    assert (f.low, f.high) == (100, math.inf)
    # "since 2011" needs the article's date
    assert _firsts(("x", SINCE_2011[1], None)) == []


def test_spans_that_cannot_overlap_conflict() -> None:
    (c,) = _found(SINCE_2011, FIRST_EVER)
    assert "since 2011" in c.explanation and "first-ever airstrikes" in c.explanation
    (c,) = _found(DECADES, CENTURY)
    assert {s.article for s in c.statements} == {"c", "d"}


def test_the_same_span_said_two_ways_and_other_superlatives_say_nothing() -> None:
    since = ("e", "Russia and Ukraine held the first direct peace talks since 2022 in Istanbul on Friday.", "2025-05-16")
    years = ("f", "The first face-to-face talks between Ukrainian and Russian representatives in three years took "
                  "place in Istanbul.", "2025-05-16")
    assert _found(since, years) == []
    worst = ("g", "The worst fighting between the countries in 13 years came after Thailand recalled its "
                  "ambassador.", "2025-07-24")
    assert _found(worst, FIRST_EVER) == []
