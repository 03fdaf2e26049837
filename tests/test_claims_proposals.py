"""A meeting one party proposed against both parties agreeing to it: real sentences
(istanbul-talks-jun2025 of the dev stories) through the NLP stage and sentence embeddings."""

from __future__ import annotations

from newsprism.claims.proposals import proposal_facts

from .claims_support import claims_of, headline

AGREED = ("urkey's Erdogan proposes a three-way summit with Putin, Zelenskyy, and Trump, as Ukraine and Russia "
          "agree to further talks between June 20 and 30.")
PROPOSED = ("Ukraine has proposed holding more talks before the end of June, but believes that only a meeting "
            "between Zelenskiy and Putin can resolve the many issues of contention, Umerov said.")


def _proposals(result: object) -> list:
    return [c for c in headline(result, "state") if c.frame == "agreed or proposed"]  # type: ignore[arg-type]


def test_talks_one_party_proposed_against_both_agreeing_conflict() -> None:
    (c,) = _proposals(claims_of(("a", AGREED, None), ("b", PROPOSED, None)))
    assert {s.article for s in c.statements} == {"a", "b"}
    assert "agree to further talks" in c.explanation and "proposed holding more talks" in c.explanation


def test_another_meeting_window_or_proposer_is_another_thing() -> None:
    result = claims_of(
        ("a", AGREED, None),
        ("b", "Ukraine proposed to Russia to hold a meeting between Zelenskyy and Putin from June 20 to 30.", None),
        ("c", "Ukraine has proposed holding more talks before the end of July, Umerov said.", None),
        ("d", "Turkey has proposed holding more talks between Ukraine and Russia before the end of June.", None),
        ("e", "Russia and Ukraine have proposed holding more talks before the end of June in Istanbul.", None),
    )
    # a meeting of leaders; another window; a proposer who is no party; a joint proposal (no fact)
    assert _proposals(result) == []
    facts = sorted((result.units[f.unit].article, f.agreed, f.meeting, f.ends) for f in proposal_facts(result.units))
    assert facts == [("a", True, "talks", (6, 30)), ("b", False, "meeting", (6, 30)), ("c", False, "talks", (7, 31)),
                     ("d", False, "talks", (6, 30))]


def test_an_article_that_tells_both_or_an_expectation_is_no_conflict() -> None:
    both = claims_of(("a", AGREED, None),
                     ("b", PROPOSED + " Later, Ukraine and Russia agreed to further talks before the end of June.", None))
    assert _proposals(both) == []
    assert sorted((both.units[f.unit].article, f.agreed) for f in proposal_facts(both.units)) == [
        ("a", True), ("b", False), ("b", True)]
    expected = claims_of(("a", "Ukraine and Russia could agree to further talks between June 20 and 30, officials said.",
                          None), ("b", PROPOSED, None))
    assert _proposals(expected) == []
    assert [(expected.units[f.unit].article, f.agreed) for f in proposal_facts(expected.units)] == [("b", False)]
