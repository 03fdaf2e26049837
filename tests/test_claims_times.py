"""Times of one event compared across a story: real sentences (from the dev-conflicts reports)
through the NLP stage and sentence embeddings, one article per sentence group."""

from __future__ import annotations

from newsprism.claims import StoryClaims
from newsprism.nlp.annotation import parse_texts
from newsprism.nlp.news.dates import find_dates

from .claims_support import claims_of, headline


def _times(result: StoryClaims) -> list:
    return headline(result, "time")


def test_a_time_of_day_carries_its_zone_and_the_event_it_dates() -> None:
    doc = next(parse_texts(["The outage, which began at 1033 GMT (12:33 pm in Spain and 11:33 am in Portugal), "
                            "affected all of the Iberian Peninsula."]))
    found = {d.text: d for d in find_dates(doc, "2025-04-28")}
    assert found["1033"].value == "T10:33" and found["1033"].zone == "GMT"
    assert found["1033"].predicate == "begin" and "outage" in (found["1033"].about or "")
    assert found["12:33 pm"].value == "T12:33" and found["12:33 pm"].zone is None
    doc = next(parse_texts(["The 7.7-magnitude earthquake hit central Myanmar at 12.50pm local time on Friday."]))
    (clock,) = [d for d in find_dates(doc, "2025-03-28") if d.value and d.value.startswith("T")]
    assert clock.value == "T12:50" and clock.zone == "local" and clock.predicate == "hit"


def test_times_of_one_event_in_convertible_zones_conflict() -> None:
    result = claims_of(
        ("a", "According to Red Eléctrica, the event began at approximately 08:43 CET, halting trains and "
              "snarling traffic across Spain and Portugal.", None),
        ("b", "The outage, which began at 1033 GMT (12:33 pm in Spain and 11:33 am in Portugal), affected all "
              "of the Iberian Peninsula.", None),
    )
    (c,) = _times(result)
    assert {s.article for s in c.statements} == {"a", "b"}
    assert "08:43 CET" in c.explanation and "1033 GMT" in c.explanation


def test_the_same_time_written_in_two_zones_agrees() -> None:
    result = claims_of(
        ("a", "The outage began at 10:33 GMT and affected all of the Iberian Peninsula.", None),
        ("b", "The outage, which began at 12:33 CEST, affected all of the Iberian Peninsula.", None),
        ("c", "The outage began at 12:33 local time and affected all of the Iberian Peninsula.", None),
    )
    assert _times(result) == []  # 12:33 local cannot be set against a zone; CEST is GMT+2


def test_approximate_times_conflict_only_when_far_apart() -> None:
    far = claims_of(
        ("a", "The main tremor, which occurred at around 12:20 local time, struck close to the Irrawaddy River "
              "in Sagaing.", None),
        ("b", "A powerful 7.7-magnitude earthquake struck central Myanmar on Friday at approximately 12:50 p.m. "
              "local time.", None),
    )
    assert len(_times(far)) == 1
    near = claims_of(
        ("a", "The main tremor, which occurred at around 12:45 local time, struck close to the Irrawaddy River "
              "in Sagaing.", None),
        ("b", "A powerful 7.7-magnitude earthquake struck central Myanmar on Friday at approximately 12:50 p.m. "
              "local time.", None),
    )
    assert _times(near) == []


def test_minutes_of_one_players_goal_conflict_and_of_two_players_do_not() -> None:
    result = claims_of(
        ("a", "In the 85th minute, youth academy graduate Senny Mayulu added a fifth, sealing the rout.", None),
        ("b", "Doue was on target again in the 63rd minute, Khvicha Kvaratskhelia scored 10 minutes later and "
              "substitute Senny Mayulu netted three minutes from time.", None),
        ("c", "Kvaratskhelia made it four in the 73rd minute after a fine pass from Dembele.", None),
    )
    found = _times(result)
    assert len(found) == 1 and "85th minute" in found[0].explanation and "three minutes from time" in found[0].explanation
    assert {s.article for s in found[0].statements} == {"a", "b"}


def test_a_second_round_is_not_the_first_and_a_weekday_is_the_day_its_article_makes_of_it() -> None:
    result = claims_of(
        ("a", "The first round of talks between the delegations was held in Istanbul on May 16.", "2025-06-02"),
        ("b", "The second round of talks between the delegations was held in Istanbul on June 2.", "2025-06-02"),
        # Friday before 20 May 2025 is 16 May: the same day as (a)
        ("c", "The first round of talks between the delegations was held in Istanbul on Friday.", "2025-05-20"),
    )
    assert _times(result) == []


def test_a_weekday_against_a_stated_day_of_one_event_conflicts_and_two_weekdays_never_do() -> None:
    ruling = claims_of(
        ("a", "In a ruling issued on Tuesday, U.S. District Judge Amit Mehta outlined several remedies for "
              "Google's illegal monopoly in online search.", "2025-09-03"),
        ("b", "On September 3, 2025, U.S. District Judge Amit P. Mehta issued a landmark ruling in the Google "
              "antitrust case, ordering remedies for its illegal monopoly in online search.", None),
    )
    (c,) = _times(ruling)
    assert "Tuesday (2025-09-02)" in c.explanation and "September 3, 2025" in c.explanation
    # two weekdays each rest on their own article's date (a late crawl date makes a wrong day)
    weekdays = claims_of(
        ("a", "In a ruling issued on Tuesday, U.S. District Judge Amit Mehta outlined several remedies for "
              "Google's illegal monopoly in online search.", "2025-09-03"),
        ("b", "In a ruling issued on Wednesday, U.S. District Judge Amit Mehta outlined remedies for Google's "
              "illegal monopoly in online search.", "2025-09-04"),
    )
    assert _times(weekdays) == []


def test_one_event_dated_to_two_days_conflicts() -> None:
    result = claims_of(
        ("a", "The first round of talks between the delegations was held in Istanbul on May 16.", None),
        ("b", "The first round of talks between the two delegations was held in Istanbul on May 15.", None),
    )
    (c,) = _times(result)
    assert "May 16" in c.explanation and "May 15" in c.explanation


def test_a_forecast_still_dates_what_already_happened() -> None:
    doc = next(parse_texts(["They said they would conduct a further swap, after 1,000 captives were traded "
                            "following a first round of talks on May 15, and would meet again on June 20."]))
    found = {d.text: d for d in find_dates(doc, "2025-06-02")}
    assert found["May 15"].past and found["May 15"].predicate == "trade"
    assert not found["June 20"].past


def test_the_first_time_something_was_announced_is_one_event() -> None:
    result = claims_of(
        ("a", "The plan, first announced in October 2023, was stopped by an executive order issued by the "
              "then president.", None),
        ("b", "Nippon Steel first announced its proposed acquisition of U.S. Steel in December 2023.", None),
        ("c", "Nippon Steel announced a new investment plan for its mills in June 2025.", None),
    )
    (c,) = _times(result)
    assert {s.article for s in c.statements} == {"a", "b"}


def test_a_thousand_dated_bulletins_finish_with_their_findings_grouped() -> None:
    import numpy as np

    from newsprism.claims.records import ClaimUnit
    from newsprism.claims.times import time_contradictions, time_facts
    from newsprism.nlp.document import DateExpr

    units = []
    for i in range(1000):
        day = f"May {i % 2 + 15}"
        text = f"The first round of talks was held in Istanbul on {day}."
        at = text.index(day)
        units.append(ClaimUnit(article=f"a{i}", origin=f"a{i}", text=text, start=0, end=len(text), dates=[
            DateExpr(text=day, value=f"2025-05-{i % 2 + 15}", start=at, end=at + len(day), predicate="hold",
                     about="round talk", past=True)]))
    vectors = np.ones((1000, 8), dtype=np.float32)  # every sentence alike: the worst case
    found = time_contradictions(units, time_facts(units), vectors)
    assert len(found) >= 1 and all(c.kind == "time" for c in found)


def test_one_numbered_occasion_has_one_date() -> None:
    result = claims_of(
        ("a", "They would conduct a further swap after 1,000 captives on each side were traded following a first "
              "round of talks in Istanbul on May 15.", None),
        ("b", "The talks, hosted by Turkish officials, follow the first round of negotiations in Istanbul on May 16.",
         None),
        ("c", "The second round of negotiations in Istanbul took place on June 2.", None),
    )
    (c,) = _times(result)
    assert {s.article for s in c.statements} == {"a", "b"}


# google-search-remedies (dev-stories) 04 (Express Gazette) and 05 (Real News Hub): gold C3
APRIL_HEARINGS = "The decision concluded the remedy phase of a trial that included three weeks of hearings in April."
MAY_HEARING = ("Judge Mehta’s 226-page decision, issued after a nine-week trial in 2023 and a 15-day remedies hearing "
               "in May 2025, addressed Google’s monopolistic practices in general search services and related "
               "advertising.")


def test_months_of_one_event_noun_conflict_a_bare_month_in_its_articles_year() -> None:
    result = claims_of(("04", APRIL_HEARINGS, "2025-09-04"), ("05", MAY_HEARING, "2025-09-04"))
    (c,) = [c for c in _times(result) if c.frame and c.frame.startswith("month")]
    assert {s.article for s in c.statements} == {"04", "05"}
    assert "hearings in April" in c.explanation and "hearing in May 2025" in c.explanation


def test_a_bare_month_is_not_set_against_another_years_month_nor_a_bare_month() -> None:
    # published in 2025, "in April" is April 2025: a hearing in May 2024 may be another one
    result = claims_of(("04", APRIL_HEARINGS, "2025-09-04"), ("05", MAY_HEARING.replace("May 2025", "May 2024"),
                                                               "2025-09-04"))
    assert not [c for c in _times(result) if c.frame and c.frame.startswith("month")]
    result = claims_of(("04", APRIL_HEARINGS, "2025-09-04"), ("05", MAY_HEARING.replace("May 2025", "May"),
                                                               "2025-09-04"))
    assert not [c for c in _times(result) if c.frame and c.frame.startswith("month")]


def test_a_month_after_a_name_has_no_event_noun() -> None:
    from newsprism.claims.times import time_facts

    result = claims_of(("01", "Nippon Steel first announced its proposed acquisition of U.S. Steel in December "
                              "2023.", "2025-06-19"), ("04", APRIL_HEARINGS, "2025-09-04"))
    nouns = {f.text: f.noun for f in time_facts(result.units) if f.scale == "month"}
    assert nouns == {"December 2023": None, "three weeks of hearings in April": "hearin"}
