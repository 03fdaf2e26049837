"""Comparing quantities stated by two sources: compatible, different, or in conflict.

A number with a qualifier is a range of values: "less than two hours" is [0, 2),
"at least 13" is [13, ∞), "about 100" is [90, 110] (±10 % for a round figure; a precise one,
"about $14.1 billion", admits less: ±3 % or its last digit; one rounded to whole millions,
"about 2 million", no less than "2 million"), a range is [low, high]. A round
figure of three digits or more ("1,000", "$15 billion") stands for what rounds to it:
"$15 billion" and "$14.9 billion" agree, "30-storey" and "33-storey" do not.
Two statements about the same quantity (same unit) conflict when their ranges cannot
both hold, or (a softer conflict) when two estimates each name a figure outside the other's
range ("50 million", 45-55 million, and "about 60 million", 54-66 million); when both are
open bounds that can both hold but name different figures ("at least 6 dead" vs "at least
43 dead", typically reports from different times) they differ: a weaker finding, reported
with lower confidence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from newsprism.nlp.document import Number

__all__ = ["Comparison", "compare_numbers", "interval", "same_unit"]

INF = math.inf
APPROX = 0.1  # "about x" covers ±10 % of a round figure
APPROX_PRECISE = 0.03  # ... and ±3 % (or its last digit) of a precise one: "about $14.1 billion"
ROUND_MIN = 100  # a figure rounded to 100 or coarser stands for what rounds to it
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
    kind: str | None = None  # conflict: "exact" (two exact figures), "bounded", "touching"; "differ"


_VAGUE = re.compile(r"(?:hundreds|thousands|millions|billions|dozens|tens of thousands)\b", re.I)
_SCALE_WORDS = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3,
                "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
_FIGURE = re.compile(r"(\d[\d,]*)(?:\.(\d+))?[\s-]*([a-z]+)?", re.I)


def precision(n: Number) -> float:
    """The place of the last significant digit as written: "14.1 billion" 1e8, "1,000" 1e3,
    "30" 10, "nine" 1."""
    m = _FIGURE.search(n.text or "")
    if m is None:
        return 1.0
    scale = _SCALE_WORDS.get((m.group(3) or "").lower(), 1.0)
    if m.group(2):
        return scale * 10 ** -len(m.group(2))
    digits = m.group(1).replace(",", "")
    zeros = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
    return scale * 10 ** zeros


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
    if _VAGUE.match(n.text or ""):  # "hundreds of casualties": 200 stands for 200-999
        return v, v * 5, False
    if n.upper is not None or q == "range":
        return v, n.upper if n.upper is not None else v, False
    if any(q.startswith(x) for x in _LOWER):
        return v, INF, any(q.startswith(x) for x in _STRICT)
    if any(q.startswith(x) for x in _UPPER):
        # "nearly/almost x" reads as just under x
        return (v * (1 - APPROX) if q.startswith(("nearly", "almost")) else 0.0), v, q.startswith(_STRICT)
    if any(q.startswith(x) for x in _ABOUT):
        p = precision(n)
        tol = min(APPROX * abs(v), max(p, APPROX_PRECISE * abs(v)))
        m = _FIGURE.search(n.text or "")
        if p >= ROUND_MIN and m and p == _SCALE_WORDS.get((m.group(3) or "").lower()):
            tol = max(tol, p / 2)  # "about 2 million" admits what "2 million" does: 1.5 to 2.5 million
        return v - tol, v + tol, False
    p = precision(n)
    if p >= ROUND_MIN:
        return v - p / 2, v + p / 2, False
    return v, v, False


def compare_numbers(a: Number, b: Number, ia: tuple[float, float, bool] | None = None,
                    ib: tuple[float, float, bool] | None = None) -> Comparison:
    """How two quantities with the same unit relate (callers check `same_unit` first);
    `ia`/`ib`: their intervals when the caller has them already."""
    if a.value is None or b.value is None:
        return Comparison("compatible", 0.0)
    (la, ha, sa), (lb, hb, sb) = ia or interval(a), ib or interval(b)
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
        kind = "exact" if exact == 2 else ("touching" if touching else "bounded")
        return Comparison("conflict", {"exact": 0.9, "touching": 0.6, "bounded": 0.75}[kind], kind)
    if _VAGUE.match(a.text or "") or _VAGUE.match(b.text or ""):
        return Comparison("compatible", 0.0)  # "hundreds" names no figure to differ from
    open_bound = math.isinf(ha) or math.isinf(hb) or (la == 0 < ha) or (lb == 0 < hb)
    if not open_bound and a.upper is None and b.upper is None and not la <= b.value <= ha \
            and not lb <= a.value <= hb:
        # two estimates whose ranges overlap, each figure outside the other's: "50 million" (45-55
        # million) and "about 60 million" (54-66 million) cannot both be what the writers meant
        return Comparison("conflict", 0.6, "apart")
    if open_bound and a.value != b.value and max(abs(a.value), abs(b.value)) > 0 and (
        abs(a.value - b.value) / max(abs(a.value), abs(b.value)) > APPROX
    ):
        return Comparison("differ", 0.5, "differ")
    return Comparison("compatible", 0.0)
