"""Who fired first, compared across a story: real sentences (dev-conflicts reports of the
Thai-Cambodian border clash) through the NLP stage and the claims stage."""

from __future__ import annotations

from newsprism.claims.initiators import initiator_facts
from newsprism.claims.units import claim_units
from newsprism.nlp import annotate_many

from .claims_support import article, claims_of, headline

CAMBODIA_FIRST = ("a", "But about one hour later, around 8.20 am, the Cambodian soldiers started to open fire "
                       "towards the base, which was about 200 metres east of the ruins.", None)
THAILAND_FIRST = ("b", "At 8.46am today, Thai invading forces pre-emptively opened fire on Cambodian troops at the "
                       "Ta Mone Thom Temple area, the ministry said.", None)


def _facts(text: str) -> list:
    (doc,) = annotate_many([article("x", text)])
    return initiator_facts(claim_units(doc, origin="x"))


def test_origins_blaming_different_sides_for_the_first_shots_conflict() -> None:
    (c,) = [x for x in headline(claims_of(CAMBODIA_FIRST, THAILAND_FIRST), "state") if x.frame == "who fired first"]
    assert "Cambodia (a)" in c.explanation and "Thailand (b)" in c.explanation
    assert {s.article for s in c.statements} == {"a", "b"}


def test_the_side_is_the_country_named_last_before_the_phrase_in_its_clause() -> None:
    (f,) = _facts("Thailand's acting PM Phumtham Wechayachai insisted Cambodia fired first.")
    assert f.side == "Cambodia"
    (f,) = _facts("Thai military sources indicated that Cambodian forces initiated combat near the temple.")
    assert f.side == "Cambodia"


def test_denials_sentences_without_a_side_and_agreeing_origins_say_nothing() -> None:
    assert _facts("Cambodia denied firing first at the Thai base on Thursday.") == []
    assert _facts("The two countries have mutually accused each other of having opened fire first.") == []
    same = ("c", "Thai military sources said Cambodian forces initiated combat near the Ta Moan Thom temple.", None)
    assert [x for x in headline(claims_of(CAMBODIA_FIRST, same), "state") if x.frame == "who fired first"] == []
    # an article that names both sides reports the dispute itself
    both = ("d", "Thailand says Cambodian soldiers fired first; Cambodia says Thai invading forces pre-emptively "
                 "opened fire.", None)
    assert [x for x in headline(claims_of(CAMBODIA_FIRST, both), "state") if x.frame == "who fired first"] == []
