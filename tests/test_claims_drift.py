"""Copy drift: one wire sentence in two outlets with a figure or a time changed. Real
sentences from the dev stories; the edited variants change one thing of a real sentence."""

from __future__ import annotations

from newsprism.claims import HEADLINE
from newsprism.claims.drift import copy_drift, drift_contradictions

from .claims_support import claims_of


def copy_drift_of(a: str, b: str) -> list[tuple[str, str, str]] | None:
    """`copy_drift` of the claim units of two one-sentence articles (None: no unit pair is a copy)."""
    units = claims_of(("a", a, None), ("b", b, None)).units
    found = [d for ua in units if ua.article == "a" for ub in units if ub.article == "b"
             if (d := copy_drift(ua, ub)) is not None]
    return [x for d in found for x in d] if found else None

# myanmar-earthquake (dev-conflicts) 06 (AFP via Hürriyet) and 07 (Forefront): gold C8
DECADES = ("It was the biggest quake to hit Myanmar in decades, according to geologists, and the tremors were "
           "powerful enough to severely damage buildings across Bangkok, hundreds of kilometres (miles) away "
           "from the epicentre.")
CENTURY = ("It was the biggest quake to hit Myanmar in over a century, according to US geologists, and the tremors "
           "were powerful enough to severely damage buildings across Bangkok, hundreds of kilometres (miles) away "
           "from the epicentre.")
# myanmar-earthquake 05 (The News Chronicle)
TOLL = ("So far, the earthquake has claimed at least 144 lives and left more than 730 injured, according to "
        "Myanmar’s military government.")


def test_a_changed_time_span_in_a_copied_sentence() -> None:
    assert copy_drift_of(DECADES, CENTURY) == [("time span", "in decades", "in over a century")]


def test_edits_without_a_fact_are_not_drift() -> None:
    # an added word ("US geologists"), a changed adjective, a changed qualifier of one figure
    assert copy_drift_of(DECADES, DECADES.replace("geologists", "US geologists")) == []
    assert copy_drift_of(DECADES, DECADES.replace("biggest", "strongest")) == []
    assert copy_drift_of(TOLL, TOLL.replace("at least 144", "more than 144")) == []
    # a changed figure that also changes what is counted: two groups (test_claims_frames)
    assert copy_drift_of("Landmines injured five Thai soldiers near the border on Wednesday, the army said.",
                         "Landmines injured six Cambodian soldiers near the border on Wednesday, the army said.") == []


def test_a_changed_figure_is_compared_as_the_figure_frames_do() -> None:
    assert copy_drift_of(TOLL, TOLL.replace("144", "1,002")) == [("figure", "144 lives", "1,002 lives")]
    # "$15 billion" is "$14.9 billion" rounded; "6 miles" is "10 km" in another unit
    assert copy_drift_of("The deal is worth $15 billion, the company said on Wednesday after the vote.",
                         "The deal is worth $14.9 billion, the company said on Wednesday after the vote.") == []
    assert copy_drift_of("The quake struck at a depth of 10 km, the US Geological Survey said on Friday.",
                         "The quake struck at a depth of 6 miles, the US Geological Survey said on Friday.") == []


def test_one_time_said_two_ways_is_not_drift() -> None:
    assert copy_drift_of(DECADES, DECADES.replace("in decades", "in a century")) == [
        ("time span", "in decades", "in a century")]
    assert copy_drift_of(DECADES.replace("in decades", "in a century"), DECADES.replace("in decades", "in 100 years")) == []
    # a weekday against a date names one day two ways
    friday = ("A 7.7-magnitude earthquake centered in war-ravaged Myanmar reverberated across Southeast Asia on "
              "Friday, killing at least three people each in Myanmar and neighboring Thailand.")
    assert copy_drift_of(friday, friday.replace("Friday", "March 28")) == []
    assert copy_drift_of(friday.replace("Friday", "March 28"), friday.replace("Friday", "March 29")) == [
        ("date", "March 28", "March 29")]


def test_rewrites_are_not_copies() -> None:
    # istanbul-talks 01 (online.ua) and 02 (TASS via news-pravda): one fact in two wordings
    assert copy_drift_of(
        "The head of the Russian delegation said that Russia had offered Ukraine a \"specific ceasefire\" for two "
        "to three days on certain sections of the front.",
        "The head of the delegation noted that Russia had made a specific proposal for a 2-3 day ceasefire on "
        "certain sections of the front.") is None


def test_copy_drift_is_a_headline_contradiction_naming_both_wordings() -> None:
    result = claims_of(("06", DECADES, "2025-03-28"), ("07", CENTURY, "2025-03-28"))
    (c,) = drift_contradictions(result.units, {"06": "2025-03-28", "07": "2025-03-28"})
    assert c.confidence >= HEADLINE and {s.article for s in c.statements} == {"06", "07"}
    assert "in decades" in c.explanation and "in over a century" in c.explanation and not c.published
    (c,) = drift_contradictions(result.units, {"06": "2025-03-28", "07": "2025-03-30"})
    assert c.published == {"06": "2025-03-28", "07": "2025-03-30"} and "reporting time" in c.explanation
    # the record rule (`firsts`) finds this pair too: the story reports it once
    (c,) = [c for c in result.contradictions if c.confidence >= HEADLINE]
    assert {s.article for s in c.statements} == {"06", "07"}


def test_a_changed_toll_that_the_figures_find_is_reported_once() -> None:
    """A wire update: the figure frames already set 144 lives against 1,002; no second finding."""
    result = claims_of(("05", TOLL, "2025-03-28"), ("07", TOLL.replace("144", "1,002"), "2025-03-30"))
    (c,) = [c for c in result.contradictions if c.confidence >= HEADLINE]
    assert c.kind == "number" and "1,002" in c.explanation and c.published
