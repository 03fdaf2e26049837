"""Comparing quantities stated by two sources: compatible, different, or in conflict.

A number with a qualifier is a range of values: "less than two hours" is [0, 2),
"at least 13" is [13, ∞), "about 750" is [0.9·750, 1.1·750], a range is [low, high].
Two statements about the same quantity (same unit) conflict when their ranges cannot
both hold; when both are open bounds that can both hold but name different figures
("at least 6 dead" vs "at least 43 dead", typically reports from different times) they
differ: a weaker finding, reported with lower confidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from newsprism.nlp.document import Number

__all__ = ["Comparison", "compare_numbers", "interval", "same_unit"]

INF = math.inf
APPROX = 0.1  # "about x" covers ±10 %
Verdict = Literal["same", "compatible", "differ", "conflict"]

_LOWER = ("at least", "more than", "over", "above", "upwards of", "no fewer than", "no less than", "minimum")
_UPPER = ("at most", "less than", "fewer than", "under", "below", "up to", "no more than", "maximum", "nearly",
          "almost")
_STRICT = ("more than", "over", "above", "less than", "fewer than", "under", "below")
_ABOUT = ("about", "around", "approximately", "roughly", "some", "nearly", "almost", "estimated", "approx",
          "close to", "an estimated")


@dataclass(slots=True)
class Comparison:
    verdict: Verdict
    confidence: float  # how sure we are that the reader should see it (conflict/differ)


def _unit_key(unit: str | None) -> str | None:
    if not unit:
        return None
    u = unit.lower().strip().replace("-", " ")
    words = [w[:-1] if w.endswith("s") and len(w) > 3 else w for w in u.split()]
    return " ".join(words) or None


def same_unit(a: Number, b: Number) -> bool:
    ka, kb = _unit_key(a.unit), _unit_key(b.unit)
    return ka is not None and ka == kb


def interval(n: Number) -> tuple[float, float, bool]:
    """(low, high, strict) of the values `n` admits; strict: the bound itself is excluded."""
    v = n.value if n.value is not None else math.nan
    q = (n.qualifier or "").lower()
    if n.upper is not None or q == "range":
        return v, n.upper if n.upper is not None else v, False
    if any(q.startswith(x) for x in _LOWER):
        return v, INF, any(q.startswith(x) for x in _STRICT)
    if any(q.startswith(x) for x in _UPPER):
        # "nearly/almost x" reads as just under x
        return (v * (1 - APPROX) if q.startswith(("nearly", "almost")) else 0.0), v, q.startswith(_STRICT)
    if any(q.startswith(x) for x in _ABOUT):
        return v * (1 - APPROX), v * (1 + APPROX), False
    return v, v, False


def compare_numbers(a: Number, b: Number) -> Comparison:
    """How two quantities with the same unit relate (callers check `same_unit` first)."""
    if a.value is None or b.value is None:
        return Comparison("compatible", 0.0)
    (la, ha, sa), (lb, hb, sb) = interval(a), interval(b)
    if (la, ha, sa) == (lb, hb, sb):
        return Comparison("same", 0.0)
    low, high = max(la, lb), min(ha, hb)
    touching = low == high and (
        (low == ha and sa) or (low == hb and sb) or (high == la and sa) or (high == lb and sb)
    )
    if low > high or touching:
        exact = (la == ha) + (lb == hb)  # two exact figures that differ: a hard conflict
        # a strict bound that excludes the other's figure by a hair ("less than two hours"
        # vs "two-hour") is a soft conflict: both may be loose wording
        conf = 0.9 if exact == 2 else (0.6 if touching else 0.75)
        return Comparison("conflict", conf)
    open_bound = math.isinf(ha) or math.isinf(hb) or (la == 0 < ha) or (lb == 0 < hb)
    if open_bound and a.value != b.value and max(abs(a.value), abs(b.value)) > 0 and (
        abs(a.value - b.value) / max(abs(a.value), abs(b.value)) > APPROX
    ):
        return Comparison("differ", 0.5)
    return Comparison("compatible", 0.0)
