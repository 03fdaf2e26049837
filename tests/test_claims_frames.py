"""Figures compared within frames across a story: real sentences through the NLP stage and
sentence embeddings, one article per sentence group (every article is its own origin)."""

from __future__ import annotations

import re
import zlib

import numpy as np
import pytest

from newsprism.claims import StoryClaims, story_claims
from newsprism.claims.facts import measure_of, quantity_facts
from newsprism.claims.quantities import compare_numbers, precision
from newsprism.nlp.document import AnnotatedDocument, Number, Sentence

from .claims_support import claims_of, headline


def _numbers(result: StoryClaims) -> list:
    return headline(result, "number")


def test_thieves_and_pieces_in_different_words_are_compared() -> None:
    result = claims_of(
        ("a", "Four masked thieves stole eight items of jewellery from the Louvre on Sunday morning.", None),
        ("b", "Three thieves broke into the Louvre on Sunday and stole nine pieces of jewellery.", None),
    )
    found = _numbers(result)
    assert found and all({s.article for s in c.statements} == {"a", "b"} for c in found)
    assert any("four" in c.explanation.lower() and "three" in c.explanation.lower() for c in found)
    # a claim is disputed exactly when a headline contradiction cites it
    disputed = [c for c in result.claims if c.status == "disputed"]
    assert disputed and all(c.status != "consensus" for c in disputed)


def test_killed_is_never_compared_with_injured_or_on_board() -> None:
    result = claims_of(
        ("a", "At least 13 people were killed when the ferry capsized off the coast on Monday.", None),
        ("b", "The ferry that capsized off the coast on Monday had 43 passengers on board.", None),
        ("c", "Officials said 60 people were injured when the ferry capsized off the coast on Monday.", None),
    )
    assert _numbers(result) == []


def test_tolls_from_different_times_differ_and_show_the_dates() -> None:
    result = claims_of(
        ("a", "Flash floods in central Texas killed at least 13 people, officials said on Friday.", "2025-07-04"),
        ("b", "Flash floods in central Texas have killed at least 43 people, officials said on Saturday.",
         "2025-07-05"),
    )
    [c] = _numbers(result)
    assert "2025-07-04" in c.explanation and "2025-07-05" in c.explanation
    assert c.published == {"a": "2025-07-04", "b": "2025-07-05"}


@pytest.mark.parametrize("pair", [
    ("More than 80 workers remained trapped in the rubble of the tower.",
     "The collapse of the tower left 81 workers trapped in the rubble."),  # "more than 80" admits 81
    ("The deal is worth $15 billion, the company said on Wednesday.",
     "The deal is worth $14.9 billion, the company said on Wednesday."),  # rounded against precise
    ("The quake struck at a depth of 10 km, the survey said.",
     "The quake struck at a depth of 6 miles, the survey said."),  # one depth in two units
    ("The stolen jewels are worth 88 million euros, the Paris prosecutor said on Tuesday.",
     "The stolen jewels are worth $102 million, the Paris prosecutor said on Tuesday."),  # one sum in two currencies
    ("Nippon Steel completed the acquisition on Wednesday, paying approximately $14.1 billion for U.S. Steel.",
     "Nippon Steel has committed to invest approximately $11 billion in U.S. Steel by 2028."),  # price, investment
    ("The thieves left behind the colossal 140-carat Regent Diamond, valued at $60 million, the museum said.",
     "The stolen jewels are worth $88 million, the museum said on Monday."),  # the values of two things
    ("Boeing agreed on Monday to pay a $5 billion fine to the Justice Department over the crashes.",
     "Boeing paid $4 billion on Monday to settle the claims of airlines over the crashes."),  # a fine is no price
    ("Salesforce bought Slack for $27.7 billion in 2021, its largest deal.",
     "Salesforce completed its purchase of Informatica for $8 billion on Tuesday, its largest deal since Slack."),
    ("Salesforce paid $27.7 billion for Slack in 2021.",
     "Salesforce paid $8 billion for Informatica on Tuesday."),  # two deals: one dated to another year
    ("The quake hit Mandalay, home to 1.5 million people, on Friday afternoon.",
     "The quake on Friday afternoon hit the Mandalay region, home to 6 million people."),  # a city, its region
    ("The floods hit the 9 million people who live in the Paris region on Tuesday.",
     "The floods hit Paris, home to 2.1 million people, on Tuesday."),
    ("Customs officers seized 2,000 pounds of cocaine at the port on Monday.",
     "Customs officers seized $20,000 of cocaine at the port on Monday."),  # "pounds": a weight, not sterling
    ("Desire Doue scored his second goal in the 63rd minute, Luis Enrique said.",
     "Senny Mayulu scored the fifth goal in the 86th minute, Luis Enrique said."),  # two goals, two players
])
def test_non_contradictions_are_not_flagged(pair: tuple[str, str]) -> None:
    assert _numbers(claims_of(("a", pair[0], None), ("b", pair[1], None))) == []


def test_a_breakdown_is_not_compared_with_a_total() -> None:
    result = claims_of(
        ("a", "In Thailand 24 civilians and seven soldiers were wounded in the shelling on Thursday.", None),
        ("b", "In Thailand 31 people were wounded in the shelling on Thursday, the army said.", None),
    )
    assert _numbers(result) == []


def test_a_precise_approximation_is_narrower_than_a_round_one() -> None:
    def num(text: str, value: float, qualifier: str | None = None) -> Number:
        return Number(text=text, value=value, unit="USD", qualifier=qualifier, start=0, end=len(text))

    assert precision(num("$14.1 billion", 14.1e9)) == pytest.approx(1e8)
    assert precision(num("$15 billion", 15e9)) == pytest.approx(1e9)
    assert precision(num("14.9-billion-U.S.-dollar", 14.9e9)) == pytest.approx(1e8)
    assert compare_numbers(num("$15 billion", 15e9), num("$14.9 billion", 14.9e9)).verdict == "compatible"
    assert compare_numbers(num("about $14.1 billion", 14.1e9, "about"),
                           num("$14.9 billion", 14.9e9)).verdict == "conflict"


def test_measures_are_read_from_the_unit_word() -> None:
    def n(unit: str | None) -> Number:
        return Number(text="x", value=1.0, unit=unit, qualifier=None, start=0, end=1)

    assert measure_of(n("minutes")) == measure_of(n("minute")) == "minute"
    assert measure_of(n("storeys")) == measure_of(n("story")) == "storey"
    assert measure_of(n("km")) != measure_of(n("miles"))
    assert measure_of(n("people")) is None


@pytest.mark.parametrize("texts", [
    [("a", "Nothing here has a figure in it, only words about the talks.", None)],  # one origin
    [("a", "The talks ended without a deal on Friday.", None), ("b", "No deal came out of the talks.", None)],
])
def test_nothing_to_compare_is_said_not_crashed(texts: list) -> None:
    result = claims_of(*texts)
    assert _numbers(result) == []
    assert result.comparison in ("one origin: nothing to compare", "no figures to compare", "compared")
    if len(texts) == 1:
        assert result.comparison == "one origin: nothing to compare"


class _Hashed:
    """A deterministic stand-in for the sentence encoder: word hashes projected to 64 dimensions."""

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                out[i, zlib.crc32(w.encode()) % 64] += 1.0
        return out


def test_a_thousand_units_do_not_stall() -> None:
    """A story of a thousand bulletins that all give a figure (built without the NLP stage, with
    the cheap hashed encoder): it finishes and groups its findings instead of stalling."""
    docs = []
    for i in range(100):
        text = " ".join(f"In district {j}, {i % 7 + j} people were injured." for j in range(10))
        starts = [k for k in range(len(text)) if text.startswith("In district", k)]
        sentences = [Sentence(a, (starts + [len(text) + 1])[k + 1] - 1) for k, a in enumerate(starts)]
        numbers = []
        for a in starts:
            m = re.compile(r"(\d+) people").search(text, a)
            numbers.append(Number(text=m.group(), value=float(m.group(1)), unit="people", qualifier=None,
                                  start=m.start(), end=m.end(), counted="people", predicate="injure"))
        docs.append(AnnotatedDocument(id=f"x{i}", text=text, sentences=sentences, numbers=numbers))
    result = story_claims(docs, encoder=_Hashed())
    assert len(result.units) == 1000 and len(quantity_facts(result.units)) == 1000
    assert result.comparison == "compared"
    assert len(_numbers(result)) <= 500


def test_a_length_rounded_in_another_unit_and_two_lengths_of_different_things_are_not_conflicts() -> None:
    result = claims_of(
        ("a", "The earthquake occurred around 1:30 p.m. local time at a depth of 6 miles near Mandalay.", None),
        ("b", "The 7.7-magnitude earthquake hit central Myanmar at a depth of 10km (6.2 miles) on Friday.", None),
        ("c", "The earthquake occurred about 11 miles northwest of Sagaing, the survey said.", None),
    )
    assert _numbers(result) == []


def test_a_named_group_is_not_a_total_and_two_nations_soldiers_are_two_groups() -> None:
    result = claims_of(
        ("a", "Thailand said there were 12 fatalities in the border clashes on Thursday.", None),
        ("b", "Thailand's health minister said one soldier was killed in the border clashes on Thursday.", None),
        ("c", "Landmines injured five Thai soldiers near the border on Wednesday, the army said.", None),
        ("d", "Landmines injured six Cambodian soldiers near the border on Wednesday, the army said.", None),
    )
    assert _numbers(result) == []


def test_one_named_group_counted_differently_still_conflicts() -> None:
    result = claims_of(
        ("a", "Landmines injured five Thai soldiers near the border on Wednesday, the army said.", None),
        ("b", "Landmines injured three Thai soldiers near the border on Wednesday, the army said.", None),
    )
    assert len(_numbers(result)) == 1


def test_one_noun_with_two_verbs_and_amounts_ten_times_apart_are_two_things() -> None:
    result = claims_of(
        ("a", "He said that recently the Russian side had returned 101 children to Ukraine.", None),
        ("b", "Kyiv handed over a list of 339 children abducted by Russia to the Russian delegation.", None),
        ("c", "The stolen jewels were valued at $60 million, the museum said on Monday.", None),
        ("d", "The earlier gold theft at the museum was valued at $70,000, the museum said on Monday.", None),
    )
    assert _numbers(result) == []


def test_a_compound_measure_is_compared_by_the_noun_it_measures() -> None:
    result = claims_of(
        ("a", "In a 226-page ruling, U.S. District Judge Amit Mehta laid out remedies for Google's dominance.", None),
        ("b", "U.S. District Judge Amit P. Mehta issued a 230-page ruling on remedies for Google's dominance.", None),
        ("c", "The two countries have long disputed the undemarcated 817-km border between them.", None),
        ("d", "Shelling hit at least six locations 209 kilometres apart along the border between them.", None),
    )
    (found,) = _numbers(result)
    assert "226-page" in found.explanation and "230-page" in found.explanation


def test_a_little_over_an_hour_against_barely_an_hour() -> None:
    result = claims_of(
        ("a", "The second round of direct talks between Russia and Ukraine in Istanbul has concluded after a "
              "little over an hour.", None),
        ("b", "The warring sides met for barely an hour in Istanbul for the second round of direct talks.", None),
    )
    (found,) = _numbers(result)
    assert {s.article for s in found.statements} == {"a", "b"}


def test_one_list_with_two_verbs_and_a_place_that_acts_are_compared() -> None:
    result = claims_of(
        ("a", "Kyiv also handed over to the Russian delegation a list of 339 children abducted by Russia.", None),
        ("b", "Zelenskyy, speaking from Lithuania, said that Ukraine had presented a list of nearly 400 abducted "
              "Ukrainian children.", None),
    )
    (found,) = _numbers(result)
    assert "339" in found.explanation and "nearly 400" in found.explanation


def test_hundreds_names_no_figure() -> None:
    result = claims_of(
        ("a", "The quake killed at least 144 people and left more than 730 injured in Myanmar.", None),
        ("b", "The quake killed 1,002 people and left hundreds of casualties injured in Myanmar.", None),
    )
    assert not [c for c in _numbers(result) if "hundreds" in c.explanation]


def test_one_figure_written_twice_is_still_two_players() -> None:
    result = claims_of(
        ("a", "With just under 20 minutes remaining, Kvaratskhelia made it 4-0, scoring the goal his "
              "performance deserved.", None),
        ("b", "PSG scored twice in the opening 20 minutes through former Inter defender Achraf Hakimi and Doue.",
         None),
    )
    assert _numbers(result) == []


def test_how_long_a_thing_took_is_compared_whatever_the_verb_and_when_is_not() -> None:
    result = claims_of(
        ("a", "In the space of just seven minutes, four suspects stole nine pieces of jewellery from the Louvre.", None),
        ("b", "Officials stated that the thieves were inside the Louvre for under four minutes on Sunday morning.", None),
    )
    (found,) = _numbers(result)
    assert "how long it took" in found.explanation and "seven" in found.explanation
    # "twelve minutes in" and "ten minutes later" say when something happened, not how long it took
    result = claims_of(
        ("a", "Just 12 minutes in, the thieves had smashed two display cases at the Louvre.", None),
        ("b", "Ten minutes later, the thieves were inside the Louvre for under four minutes.", None),
    )
    assert _numbers(result) == []


def test_a_total_followed_by_its_breakdown_is_compared_with_another_total() -> None:
    # "14 dead, 13 civilians and one soldier": 14 is the total (13 + 1), counted as the dead
    result = claims_of(
        ("a", "Thai authorities reported 14 dead, 13 civilians and one soldier with 46 wounded, after Cambodian "
              "rocket attacks struck a gas station, homes, and a hospital in Thailand's Sisaket and Surin provinces.",
         None),
        ("b", "Thailand said there were 12 fatalities in three Thai provinces, 11 of them civilians, including an "
              "eight-year-old boy.", None),
    )
    found = [c for c in _numbers(result) if "12 fatalities" in c.explanation]
    assert found and "14" in found[0].explanation
    facts = {f.number.text: f for f in quantity_facts(result.units)}
    assert facts["14"].counted == "dead" and facts["14"].outcome == "dead" and not facts["14"].part
    assert facts["13 civilians"].part


def test_the_verb_right_before_a_figure_names_its_outcome() -> None:
    result = claims_of(
        ("a", "Thailand scrambled an F-16 fighter jet to bomb targets in Cambodia on Thursday after artillery "
              "volleys from both sides killed at least 11 civilians, as border tension boiled over.", None),
        ("b", "A Thai F-16 fighter jet bombed targets in Cambodia early on Thursday, resulting in the deaths of at "
              "least two civilians.", None),
    )
    facts = {f.number.text: f for f in quantity_facts(result.units)}
    assert facts["at least 11 civilians"].outcome == "dead"


def test_sums_of_one_kind_are_compared_whatever_word_names_them() -> None:
    # "the 14.9-billion-U.S.-dollar purchase" and "paying $14.1 billion": both the price of the deal
    result = claims_of(
        ("a", "Nippon Steel announced on Wednesday that it had finalized the 14.9-billion-U.S.-dollar purchase of "
              "U.S. Steel, turning the U.S. company into its wholly owned subsidiary.", None),
        ("b", "Nippon Steel completed the acquisition of all shares of US Steel on the same day, paying "
              "approximately $14.1 billion as the acquisition cost.", None),
    )
    [c] = _numbers(result)
    assert "14.9" in c.explanation and "14.1" in c.explanation and c.frame == "price"


def test_sums_in_two_currencies_conflict_only_beyond_any_exchange_rate() -> None:
    result = claims_of(
        ("a", "The incident comes just weeks after the Museum of Natural History in Paris reported a separate "
              "theft of gold specimens valued at $70,000.", None),
        ("b", "In mid-September, gold nuggets worth 600,000 euros were stolen from the National Museum of Natural "
              "History.", None),
    )
    [c] = _numbers(result)
    assert "$70,000" in c.explanation and "600,000 euros" in c.explanation and "two currencies" in c.explanation
    assert c.frame == "value"


def test_two_estimates_each_outside_the_others_range_conflict() -> None:
    def num(text: str, value: float, qualifier: str | None = None) -> Number:
        return Number(text=text, value=value, unit="people", qualifier=qualifier, start=0, end=len(text))

    fifty, sixty = num("50 million", 50e6), num("about 60 million", 60e6, "about")
    fifty_five = num("around 55 million", 55e6, "about")
    assert compare_numbers(fifty, sixty).kind == "apart"  # 45-55 million against 54-66 million
    assert compare_numbers(fifty, fifty_five).verdict == "compatible"  # 55 rounds to 50 at one digit
    assert compare_numbers(sixty, fifty_five).verdict == "compatible"
    # "about" never narrows a figure rounded to whole millions: "about 2 million" admits 2.3 million
    assert compare_numbers(num("about 2 million", 2e6, "about"), num("2.3 million", 2.3e6)).verdict == "compatible"
    assert compare_numbers(num("about 100", 100, "about"), num("115", 115)).verdict == "conflict"


def test_the_population_of_one_place_is_compared_in_any_words() -> None:
    result = claims_of(
        ("a", "A blackout brought much of Spain and Portugal to a standstill Monday, halting subway trains and "
              "shutting down traffic lights for the 50 million people who live across the Iberian Peninsula.", None),
        ("b", "The Iberian Peninsula has a combined population of about 60 million people.", None),
        ("c", "The blackout hit Spain, home to 48 million people, on Monday, halting subway trains and shutting "
              "down traffic lights.", None),
    )
    [c] = _numbers(result)
    assert c.frame == "population" and {s.article for s in c.statements} == {"a", "b"}


def test_a_noun_after_the_figure_is_kept_and_a_rate_is_no_sum() -> None:
    result = claims_of(
        ("a", "At least 20 people perished at the Shwe Pho Shing Mosque in Mandalay when it collapsed.", None),
        ("b", "With gold prices soaring above $4,100 an ounce, one fear is that the items could be melted down "
              "after Nippon Steel paid $14.1 billion.", None),
    )
    facts = {f.number.text: f for f in quantity_facts(result.units)}
    assert facts["At least 20 people"].counted == "people"  # not "perished": a noun follows the figure
    assert facts["$4,100"].money is None and facts["$14.1 billion"].money == "price"


@pytest.mark.parametrize(("pair", "totals"), [
    (("The storm killed 14 people, 10 of them children, officials said on Sunday.",
      "Officials said on Sunday the storm killed 12 people in the region."), ("14 people", "12 people")),
    (("As of Saturday, at least 32 people, including 14 children, have died in Kerr County.",
      "As of Saturday, at least 43 people have died in Kerr County, officials said."),
     ("at least 32 people", "at least 43 people")),
])
def test_a_total_named_with_a_part_of_it_is_still_a_total(pair: tuple[str, str], totals: tuple[str, str]) -> None:
    [c] = _numbers(claims_of(("a", pair[0], None), ("b", pair[1], None)))
    assert all(t in c.explanation for t in totals)
