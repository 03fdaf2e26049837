"""A goal named by its running score or its place in the match, dated by a minute or a half,
compared across a story: real sentences (ucl-final-may2025 of the dev-conflicts reports)
through the NLP stage and sentence embeddings, one article per sentence."""

from __future__ import annotations

from newsprism.claims.goals import goal_facts

from .claims_support import claims_of, headline

BEFORE_THE_BREAK = "Before the break, he added another, converting a brilliant through-ball from Vitinha to make it 3-0."
AFTER_63 = ("Any doubt about the outcome was removed when PSG got the third goal their performance deserved "
            "after 63 minutes.")


def test_one_goal_in_two_halves_conflicts() -> None:
    result = claims_of(("a", BEFORE_THE_BREAK, None), ("b", AFTER_63, None),
                       ("c", "Paris Saint-Germain thrashed Inter Milan 5-0 in the Champions League final.", None))
    (c,) = headline(result, "time")
    assert {s.article for s in c.statements} == {"a", "b"}
    assert "Before the break" in c.explanation and "after 63 minutes" in c.explanation


def test_a_place_in_the_match_is_one_goal_only_while_one_side_scores() -> None:
    # once both sides have scored, "the third goal" may be the match's or one side's
    result = claims_of(("a", BEFORE_THE_BREAK, None), ("b", AFTER_63, None),
                       ("c", "Inter pulled one back late on to make it 3-1 in the Champions League final.", None))
    assert headline(result, "time") == []


def test_one_goals_half_and_minute_that_fit_do_not_conflict() -> None:
    result = claims_of(
        ("a", "In the second half, Khvicha Kvaratskhelia added PSG’s fourth with a composed finish, assisted by "
              "Ousmane Dembélé.", None),
        ("b", "Dembélé turned provider again, setting up Khvicha Kvaratskhelia for the fourth in the 73rd minute.", None),
        ("c", "With just under 20 minutes remaining, Kvaratskhelia made it 4-0, scoring the goal his performance "
              "deserved.", None),
    )
    assert headline(result, "time") == []


def test_a_goal_fact_needs_one_goal_one_time_and_no_chance() -> None:
    result = claims_of(
        ("a", BEFORE_THE_BREAK, None),
        ("b", "PSG substitute Senny Mayulu, himself still only 19, became the fourth teenager to score in a "
              "Champions League final, adding a fifth goal four minutes from time.", None),
        ("c", "Inter managed to reach the halftime break trailing by only two goals, although Khvicha "
              "Kvaratskhelia nearly added a third with the final chance of the half.", None),
        ("d", "Just after the hour mark, Doué scored his second of the night, and Kvaratskhelia made it 4-0 "
              "in the 73rd minute.", None),
    )
    facts = {result.units[f.unit].article: f for f in goal_facts(result.units)}
    assert set(facts) == {"a", "b"}  # c: a chance; d: two goals, two times
    assert facts["a"].half == 1 and ("score", "3-0") in facts["a"].goal and ("place", "3") in facts["a"].goal
    assert facts["b"].minutes == (86, 86) and facts["b"].goal == {("place", "5")}  # not "the fourth teenager"


def test_two_legs_a_season_or_a_table_give_no_goal() -> None:
    legs = claims_of(("a", BEFORE_THE_BREAK, None), ("b", AFTER_63, None),
                     ("c", "Paris Saint-Germain won the first leg 5-0 in the Champions League semi-final.", None))
    assert goal_facts(legs.units) == [] and headline(legs, "time") == []  # whose 3-0?
    other = claims_of(("a", BEFORE_THE_BREAK, None),
                      ("b", "Doué scored his second goal in the second half of the season.", None),
                      ("c", "Federico Dimarco was the second in the 30th minute to be booked by the referee.", None))
    assert [other.units[f.unit].article for f in goal_facts(other.units)] == ["a"]  # a season; a booking
