"""Whose words: one quotation attributed to two different bodies, on real sentences (two
reports of Cambodia's reaction to the Thai air strike, dev-conflicts) through the NLP stage
and the claims stage."""

from __future__ import annotations

from newsprism.claims.attributions import attributions
from newsprism.claims.units import claim_units
from newsprism.nlp import annotate_many

from .claims_support import article, claims_of, headline

FOREIGN = ("a", "Thailand positioned six F-16 fighter jets in an uncommon combat deployment, one of which was "
                "mobilised to strike a Cambodian military target, among measures Cambodia’s foreign ministry called "
                "“reckless and brutal military aggression”.", None)
DEFENCE = ("b", "Cambodia's defence ministry condemned the air strikes, labelling them as \"reckless and brutal "
                "military aggression\" against its sovereignty.", None)


def _bodies(text: str) -> list[str]:
    (doc,) = annotate_many([article("x", text)])
    return [f.body.lower() for f in attributions(claim_units(doc, origin="x"))]


def test_one_quotation_from_two_ministries_conflicts() -> None:
    (c,) = [x for x in headline(claims_of(FOREIGN, DEFENCE), "quote") if x.frame == "whose words"]
    assert "reckless and brutal military aggression" in c.explanation
    assert "defence ministry (b)" in c.explanation and "foreign ministry (a)" in c.explanation
    assert {s.article for s in c.statements} == {"a", "b"}


def test_a_country_or_an_unnamed_ministry_is_no_attribution() -> None:
    country = ("c", "Cambodia denounced the bombing as \"reckless and brutal military aggression,\" claiming Thai "
                    "jets dropped ordnance on a road.", None)
    assert _bodies(country[1]) == []
    assert _bodies("The Cambodian ministry called it \"reckless and brutal military aggression\".") == []
    assert [x for x in headline(claims_of(FOREIGN, country), "quote") if x.frame == "whose words"] == []


def test_the_audience_of_a_quotation_is_not_its_source() -> None:
    assert _bodies("The envoy told the security council \"we will not accept this ceasefire\" on Friday.") == []
    assert _bodies("The defence ministry said the strikes were \"reckless and brutal military aggression\".") == [
        "defence ministry"]
