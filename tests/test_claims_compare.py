"""Quantity comparison and polarity findings: cases that must and must not conflict."""

from __future__ import annotations

import numpy as np
import pytest

from newsprism.claims import ClaimUnit, align, find_contradictions
from newsprism.claims.align import AlignParams
from newsprism.claims.quantities import compare_numbers, interval, same_unit
from newsprism.nlp.document import Number


def num(value: float, unit: str | None = "hours", qualifier: str | None = None, upper: float | None = None,
        text: str = "") -> Number:
    return Number(text=text or f"{qualifier or ''} {value:g} {unit or ''}".strip(), value=value, unit=unit,
                  qualifier=qualifier, start=0, end=1, upper=upper)


@pytest.mark.parametrize(("a", "b", "verdict"), [
    # the sample's duration (gold C4): "less than two hours" vs "the two-hour discussion"
    (num(2, "hours", "less than"), num(2, "hour"), "conflict"),
    (num(1000, "prisoners"), num(1000, "prisoners"), "same"),
    (num(1000, "prisoners"), num(390, "prisoners"), "conflict"),
    (num(750, "girls", "about"), num(750, "girls"), "compatible"),
    (num(750, "girls", "about"), num(700, "girls"), "compatible"),
    (num(30, "days"), num(60, "days"), "conflict"),
    # an open bound and a figure inside it: both can hold, but the figures differ
    (num(10, "girls", "at least"), num(27, "girls"), "differ"),
    (num(40, "minutes", "less than"), num(60, "minutes", "about"), "conflict"),
    (num(10, "people", "range", upper=15), num(12, "people"), "compatible"),
    (num(10, "people", "range", upper=15), num(20, "people"), "conflict"),
    # death tolls reported at different times: both can hold, but the reader must see them
    (num(6, "people", "at least"), num(43, "people", "at least"), "differ"),
    (num(80, "people", "more than"), num(95, "people", "over"), "differ"),
    (num(13, "people", "at least"), num(13, "people", "at least"), "same"),
])
def test_compare_numbers(a: Number, b: Number, verdict: str) -> None:
    assert same_unit(a, b)
    assert compare_numbers(a, b).verdict == verdict
    assert compare_numbers(b, a).verdict == verdict  # symmetric


def test_units_must_agree_before_comparing() -> None:
    assert not same_unit(num(2, "hours"), num(2, "days"))
    assert not same_unit(num(2, None), num(2, None))  # a bare figure counts nothing we can compare
    assert same_unit(num(1, "Prisoners"), num(1, "prisoner"))


def test_intervals() -> None:
    assert interval(num(2, qualifier="less than")) == (0.0, 2, True)
    assert interval(num(13, qualifier="at least")) == (13, float("inf"), False)
    low, high, _ = interval(num(100, qualifier="about"))
    assert low == pytest.approx(90) and high == pytest.approx(110)


def unit(article: str, text: str, *, modality: tuple[str, ...] = (), speaker: str | None = None,
         numbers: tuple[Number, ...] = ()) -> ClaimUnit:
    return ClaimUnit(article=article, origin=article, text=text, start=0, end=len(text), modality=list(modality),
                     speaker=speaker, numbers=list(numbers))


def _findings(units: list[ClaimUnit], vectors: np.ndarray) -> list:
    params = AlignParams(pair_threshold=0.5, link_threshold=0.3)
    return find_contradictions(units, align(units, vectors, params))


def _same_direction(n: int) -> np.ndarray:
    v = np.ones((n, 4), dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_quote_with_opposite_polarity_from_one_speaker_is_a_quote_contradiction() -> None:
    units = [
        unit("a", "Zelensky said he does not respect the Turkish president", modality=("reported", "negated"),
             speaker="Volodymyr Zelensky"),
        unit("b", "Zelensky said he sent the delegation out of respect for the Turkish president",
             modality=("reported",), speaker="Zelensky"),
    ]
    [c] = _findings(units, _same_direction(2))
    assert c.kind == "quote" and {s.article for s in c.statements} == {"a", "b"}


def test_different_speakers_are_not_a_quote_contradiction() -> None:
    units = [
        unit("a", "Peskov said the talks would not resume this month", modality=("reported", "negated"),
             speaker="Dmitry Peskov"),
        unit("b", "Umerov said the talks would resume next month", modality=("reported",), speaker="Rustem Umerov"),
    ]
    assert all(c.kind != "quote" for c in _findings(units, _same_direction(2)))


def test_an_expectation_does_not_contradict_an_outcome() -> None:
    units = [
        unit("a", "No ceasefire was agreed at the talks in Istanbul", modality=("negated",)),
        unit("b", "A ceasefire could be agreed at the talks in Istanbul", modality=("conditional",)),
    ]
    assert _findings(units, _same_direction(2)) == []


def test_negation_of_the_same_statement_is_found() -> None:
    units = [
        unit("a", "Russia did not agree to a ceasefire at the Istanbul talks", modality=("negated",)),
        unit("b", "Russia agreed to a ceasefire at the Istanbul talks"),
    ]
    [c] = _findings(units, _same_direction(2))
    assert c.kind == "negation"


def test_figures_are_not_compared_between_aligned_sentences_any_more() -> None:
    # figures are compared within frames across the whole story (test_claims_frames.py)
    units = [
        unit("a", "The talks lasted less than two hours in Istanbul", numbers=(num(2, "hours", "less than"),)),
        unit("b", "The two-hour talks in Istanbul ended without a deal", numbers=(num(2, "hour"),)),
    ]
    assert all(c.kind != "number" for c in _findings(units, _same_direction(2)))


def test_one_origin_never_contradicts_itself() -> None:
    a = unit("a", "Russia did not agree to a ceasefire at the Istanbul talks", modality=("negated",))
    b = unit("b", "Russia agreed to a ceasefire at the Istanbul talks")
    b.origin = "a"  # b is a syndicated copy of a
    assert _findings([a, b], _same_direction(2)) == []


@pytest.mark.parametrize(("a", "b"), [
    # both say he stayed away: a refusal denies what follows it, as "not" does
    ("Putin, who suggested the meeting, opted not to attend in person, Zelensky said",
     "Zelensky said he has refused to personally attend the meeting"),
    # both say the Russians are not serious
    ("Zelensky said the Kremlin's refusal to engage seriously raises questions",
     "Zelensky said the Russians don't appear serious about negotiations"),
])
def test_agreeing_refusals_are_not_quote_drift(a: str, b: str) -> None:
    units = [unit("a", a, modality=("reported", "negated"), speaker="Zelensky"),
             unit("b", b, modality=("reported", "negated"), speaker="Zelensky")]
    assert all(c.kind != "quote" for c in _findings(units, _same_direction(2)))
