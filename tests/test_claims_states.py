"""States and outcomes compared across a story: real sentences (from the dev-conflicts and
dev-stories reports) through the NLP stage and sentence embeddings."""

from __future__ import annotations

from newsprism.claims import StoryClaims

from .claims_support import claims_of, headline


def _states(result: StoryClaims) -> list:
    return headline(result, "state")


def test_a_cause_ruled_out_against_one_still_investigated() -> None:
    result = claims_of(
        ("a", "Authorities have ruled out a cyber attack, but concerns remain over the vulnerability of the "
              "power grid.", "2025-04-29"),
        ("b", "Spain's National Court opens investigation into whether the blackout resulted from a cyberattack "
              "on the power grid.", "2025-04-29"),
    )
    (c,) = _states(result)
    assert c.frame == "ruled out" and {s.article for s in c.statements} == {"a", "b"}


def test_an_agreement_against_no_agreement_is_one_contradiction_with_every_source() -> None:
    result = claims_of(
        ("a", "Both Israel and Iran have formally agreed to a ceasefire proposal brokered by the United States.", None),
        ("b", "Israel and Iran have agreed to a complete ceasefire brokered by the United States and Qatar.", None),
        ("c", "Iran's foreign minister said there was no agreement on any ceasefire between Israel and Iran.", None),
    )
    (c,) = _states(result)
    assert {s.article for s in c.statements} == {"a", "b", "c"}
    assert "no agreement" in c.explanation


def test_forecasts_proposals_and_daily_openings_are_not_states_in_conflict() -> None:
    result = claims_of(
        ("a", "Under the announced agreement, U.S. Steel will retain its name and headquarters in Pittsburgh.", None),
        ("b", "Nippon Steel completed its buyout of U.S. Steel on Wednesday, changing its name to Nippon Steel "
              "North America.", None),
        ("c", "Ukraine proposed holding more talks with Russia before the end of June in Istanbul.", None),
        ("d", "Ukraine and Russia agreed to hold more talks before the end of June in Istanbul.", None),
        ("e", "Three intruders broke into the museum around the time it opened on Sunday morning.", None),
        ("f", "The museum remains closed after three intruders broke in on Sunday morning.", None),
    )
    # the table never sets "proposed" against "agreed"; the narrow reading of one party proposing
    # talks both agreed to for one window is `proposals`' finding (tests/test_claims_proposals.py)
    assert [(c.frame, {s.article for s in c.statements}) for c in _states(result)] == [
        ("agreed or proposed", {"c", "d"})]


def test_a_negated_state_phrase_is_the_other_state() -> None:
    result = claims_of(
        ("a", "The Louvre museum reopened to visitors on Wednesday after the jewel theft, officials said.", None),
        ("b", "The Louvre museum has not reopened to visitors after the jewel theft, officials said.", None),
    )
    (c,) = _states(result)
    assert c.frame == "open"


def test_a_company_name_kept_against_one_changed() -> None:
    result = claims_of(
        ("a", "Japan-based Nippon Steel on Wednesday completed its buyout of U.S. Steel, changing its name to "
              "Nippon Steel North America.", None),
        ("b", "Nippon Steel committed not to change US Steel's company name after the buyout.", None),
    )
    (c,) = _states(result)
    assert c.frame == "name"


def test_a_cause_stated_against_the_same_cause_not_found() -> None:
    stated = ("a", "The blackout, reportedly triggered by a rare atmospheric phenomenon, has disrupted daily life "
                   "across major cities such as Madrid, Lisbon, Barcelona, and Seville.", "2025-04-28")
    not_found = ("b", "Spain's Meteorological Agency said in a post on X that no unusual meteorological or atmospheric "
                      "phenomena were detected in Spain on April 28.", "2025-04-29")
    (c,) = [x for x in _states(claims_of(stated, not_found)) if x.frame == "cause"]
    assert "triggered by a rare atmospheric phenomenon" in c.explanation and "were detected" in c.explanation
    # another cause, or a cause only asked about, says nothing
    gas = ("c", "The explosion at the depot was caused by a gas leak, the fire brigade said.", None)
    explosives = ("d", "No traces of explosives were found at the depot after the explosion, police said.", None)
    assert [x for x in _states(claims_of(gas, explosives)) if x.frame == "cause"] == []
    asked = ("e", "Spain's authorities promised to investigate the outages to see if they were caused by a "
                  "cyberattack.", None)
    ruled = ("f", "Authorities have ruled out a cyber attack, but concerns remain over the grid.", None)
    assert [x for x in _states(claims_of(asked, ruled)) if x.frame == "cause"] == []
