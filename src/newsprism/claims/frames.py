"""Figures compared within a frame, across every origin of a story.

Alignment puts together sentences that say the same thing; conflicting reports often say
it differently ("four suspects stole nine pieces" / "A total of eight items were stolen"),
so figures are compared here across all units of a story, not only aligned ones. Two
quantity facts are about the same thing when

- they come from different origins and neither is an expectation (a forecast is not an outcome);
- they are given in the same measure (never "10 km" against "6 miles"; sums in two stable
  currencies only for a gap no exchange rate explains, see `USD_RATES`), and a head count
  tallies the same outcome (never "people killed" against "people injured" or "on board");
- the people and the places their sentences name do not exclude each other (one player's
  goal minute is not another's; a toll in Thailand is not one in Myanmar);
- they count the same thing: the same tallied outcome ("killed", "stolen", "thieves" in any
  wording), else the same counted noun; a measure needs the same predicate or noun
  ("valued at $70,000" and "$102 million" of the loot are not one amount), or for a sum of
  money the same kind of sum (`facts.money_class`: "paying $14.1 billion" and "the
  14.9-billion-dollar purchase" are both the price), and a sum whose sentence names a year the
  other's does not is another sum (an earlier deal, the price agreed in 2023);
- their sentences are related (cosine at least `CONTEXT_MIN`); when alignment put the two
  sentences together (they say the same thing), the counted noun may differ ("the two-hour
  discussion" / "the talks lasted less than two hours");
- neither is one figure of a breakdown ("24 civilians and seven soldiers were wounded").
- the population of a place ("home to N people", "N people who live across X") is compared
  only with the population of the same place, in any words, and never with another count.
- a head count of no tallied outcome, or an amount, is never compared with one ten times
  larger: "1.7 million people" (a city) and "30 people" (bodies recovered), "$70,000" (an
  earlier theft) and "$60 million" (the loot) are not one quantity. Tolls may grow a
  hundredfold between reports; populations, crowds and prices are not counted twice;
- a head count of no tallied outcome needs one verb on both sides ("returned 101 children"
  is not "a list of 339 children"), a named group one group ("one soldier" is not "12
  fatalities", "Thai soldiers" are not "Cambodian soldiers"), a length one dimension
  ("a depth of 6 miles" is not "11 miles northwest of").

Values then conflict when their ranges after qualifiers and rounding cannot both hold
(`quantities.compare_numbers`), or differ when open bounds name different figures (tolls
at different times: each article's date is shown). Facts linked by findings form one
contradiction per frame: "piece steal: nine (A, B) against eight (C, D)".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

import numpy as np

from newsprism.claims.facts import (
    CURRENCIES,
    GENERIC,
    SUBGROUPS,
    QuantityFact,
    counted_stems,
    head_noun,
    measure_words,
)
from newsprism.claims.keys import stem
from newsprism.claims.quantities import compare_numbers, interval, precision
from newsprism.claims.records import ClaimUnit, Contradiction, Statement

__all__ = ["CONTEXT_MIN", "cite", "comparable", "dates_note", "link_findings", "quantity_contradictions", "unit_norm"]

# Chosen on the dev stories and dev-conflicts (make eval claims), reported with
# leave-one-story-out figures next to them in the README.
CONTEXT_MIN = 0.4
SAME_FIGURE_CONTEXT_MIN = 0.3
ALIGNED_FRAME_MIN = 0.65  # 0.5: recall 19/64, 28 other findings; 0.65: 18/64, 25 (make eval claims, 2026-12-02)
MAX_RATIO = 10.0
# pairwise findings grouped into contradictions, strongest first: a story of a thousand
# near-identical bulletins must not stall the grouping (quadratic in what it keeps)
MAX_FINDINGS = 500
Finding = tuple[int, int, float, str]  # (fact, fact, confidence, kind)
# Lengths and weights are rounded as written ("6 miles" is 6.2 miles) and say nothing of what
# they measure: these words around the figure do.
CONTINUOUS = frozenset({"km", "mile", "m", "foot", "inch", "cm", "kg", "tonne", "mph", "kph", "degree"})
DIMENSIONS = {w: d for d, ws in {
    "depth": "depth deep beneath underground", "height": "height high tall rise rose crest above", "length":
    "long length stretch", "width": "wide width", "distance": "away from north south east west northeast northwest "
    "southeast southwest northern southern eastern western off", "speed": "speed winds gusts", "weight": "weigh weight",
}.items() for w in ws.split()}
_TOKEN = re.compile(r"[a-z]+")
# Rough dollars per unit of the currencies whose rate against the dollar has stayed within a
# factor of about two since 2000 (EUR 0.83-1.60, GBP 1.04-2.11, JPY 1/160-1/75, CNY 1/8.3-1/6.1;
# not RUB or UAH). Sums in two of them are compared only for a gap that no rate could explain:
# one side is widened by `RATE_SLACK` either way after converting ("€88 million" and "$102
# million" agree; "valued at $70,000" and "worth 600,000 euros" do not).
USD_RATES = {"USD": 1.0, "EUR": 1.1, "GBP": 1.3, "JPY": 0.007, "CNY": 0.14}
RATE_SLACK = 3.0
BASE = {"exact": 0.9, "bounded": 0.75, "touching": 0.6, "apart": 0.6, "differ": 0.55}


def _converts(f: QuantityFact) -> bool:
    """A sum in a currency of `USD_RATES` written unambiguously: not "¥" (yen or yuan), not
    "pounds" (sterling or weight)."""
    text = f.number.text.lower()
    return f.measure in USD_RATES and "¥" not in text and not (f.measure == "GBP" and "pound" in text)


def _key(f: QuantityFact) -> tuple[str | None, str | None]:
    """The facts that may be compared: one measure and outcome; sums of money in the currencies
    of `USD_RATES` (in two of them only when both `_converts`, see `comparable`)."""
    return ("money", f.outcome) if f.measure in USD_RATES else f.key


def _in_measure_of(f: QuantityFact, g: QuantityFact, iv: tuple[float, float, bool]) -> tuple[float, float, bool]:
    """`iv`, the values `g` admits, in the currency of `f`, widened by `RATE_SLACK` when it is another."""
    if f.measure == g.measure or not _converts(f) or not _converts(g):
        return iv
    rate = USD_RATES[g.measure] / USD_RATES[f.measure]
    return iv[0] * rate / RATE_SLACK, iv[1] * rate * RATE_SLACK, False


def unit_norm(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.maximum(n, 1e-9)


def _admits(f: QuantityFact) -> tuple[float, float, bool]:
    """The values a figure admits; an exact length or weight also what rounds to it."""
    low, high, strict = interval(f.number)
    if f.measure in CONTINUOUS and low == high:
        half = precision(f.number) / 2
        return low - half, high + half, False
    return low, high, strict


_CONTAINER = re.compile(r"\b([^\W\d_]+) of\s*$")


def _same_container(a: QuantityFact, b: QuantityFact, ua: ClaimUnit, ub: ClaimUnit) -> bool:
    """Both figures fill one named whole: "a list of 339 children" / "a list of nearly 400
    abducted children" (handed over / presented: two verbs, one list)."""
    ca = _CONTAINER.search(ua.text[max(0, a.number.start - ua.start - 30):a.number.start - ua.start])
    cb = _CONTAINER.search(ub.text[max(0, b.number.start - ub.start - 30):b.number.start - ub.start])
    return bool(ca and cb and stem(ca.group(1).lower()) == stem(cb.group(1).lower())
                and ca.group(1).lower() not in ("one", "some", "most", "all", "each", "none", "many", "total"))


def _same_predicate(a: QuantityFact, b: QuantityFact) -> bool:
    return bool(a.predicate and b.predicate and stem(a.predicate) == stem(b.predicate))


def _own_stems(f: QuantityFact, u: ClaimUnit) -> set[str]:
    """The counted noun's stems less the unit's own words; for a compound ("a 226-page
    ruling", "the 817-km border") the noun after it."""
    unit = {stem(w) for w in _TOKEN.findall(f"{f.number.unit or ''} {f.measure or ''}".lower())}
    own = counted_stems(f) - unit - {stem(w) for w in measure_words(f.measure)}
    if not own and re.search(r"\d-[^\W\d]+$", f.number.text) and (
            after := _TOKEN.match(u.text[f.number.end - u.start:].lstrip().lower())):
        own = {stem(after.group(0))}
    return own


def _groups_apart(a: QuantityFact, b: QuantityFact, ua: ClaimUnit, ub: ClaimUnit) -> bool:
    """Two head counts of groups that exclude each other: a named part of the population
    ("one soldier", "three civilians") against a total or an unnamed count ("12 fatalities",
    "two injured"), or one group of two nations ("five Thai soldiers" / "six Cambodian soldiers")."""
    if a.measure is not None:
        return False
    ha, hb = head_noun(a), head_noun(b)
    if (ha in SUBGROUPS) != (hb in SUBGROUPS) or (ha in SUBGROUPS and ha != hb):
        return True
    na, nb = _proper_modifiers(a, ua), _proper_modifiers(b, ub)
    return bool(na and nb and not na & nb)


def _proper_modifiers(f: QuantityFact, u: ClaimUnit) -> set[str]:
    """Modifiers of the counted noun written with a capital: nations, places, bodies ("Thai")."""
    words = (f.counted or "").split()[:-1]
    return {stem(w) for w in words if re.search(rf"\b{re.escape(w[:1].upper() + w[1:])}", u.text)}


def _dimensions(f: QuantityFact, u: ClaimUnit) -> frozenset[str]:
    """What a length or weight measures, from the words around the figure ("a depth of",
    "northwest of", "tall"); empty when nothing says."""
    at = f.number.start - u.start
    words = _TOKEN.findall(u.text[max(0, at - 30):f.number.end - u.start + 30].lower())
    return frozenset(DIMENSIONS[w] for w in words if w in DIMENSIONS)


def _years(u: ClaimUnit) -> set[str]:
    """The years the unit's text names ("in December 2023"); none for days it names relative to publication."""
    return {d.value[:4] for d in u.dates if d.value and not d.relative and d.value[:4].isdigit()}


_VALUE_WORDS = frozenset({"worth", "value", "valued", "estimated", "about", "around", "some", "nearly", "approximately",
                          "were", "was", "are", "is", "the", "with", "from", "that", "which"})


def _valued(f: QuantityFact, u: ClaimUnit) -> set[str]:
    """Stems of the words naming what a value is of, the four before the figure: "gold specimens
    valued at $70,000" and "gold nuggets worth 600,000 euros" share "gold"; "the Regent Diamond,
    valued at $60 million" and "jewels worth €88 million" share nothing."""
    at = f.number.start - u.start
    words = _TOKEN.findall(u.text[max(0, at - 40):at].lower())[-4:]
    return {stem(w) for w in words if len(w) > 2 and w not in _VALUE_WORDS}


def comparable(a: QuantityFact, b: QuantityFact, ua: ClaimUnit, ub: ClaimUnit, aligned: bool = False,
               same_figure: bool = False) -> bool:
    """The structural tests: same measure and outcome, different origins, no expectation,
    places that do not exclude each other, neither a part of a breakdown, and (unless
    `aligned`: the two sentences say the same thing) people that do not exclude each other,
    for head counts of no tallied outcome the same counted noun, for measures the same
    predicate or noun."""
    if ua.origin == ub.origin or ua.expected or ub.expected or _key(a) != _key(b) or a.part or b.part:
        return False
    if a.measure != b.measure and not (_converts(a) and _converts(b)):
        return False
    if a.people and b.people and not a.people & b.people and not aligned:
        return False  # one figure written twice is still two players' ("under 20 minutes" / "opening 20 minutes")
    aligned = aligned or same_figure
    if a.residents or b.residents:  # the people living in one place, in any words; never another count
        if a.residents != b.residents:
            return False
        aligned = True
    if a.places and b.places and not a.places & b.places and not a.residents:
        return False
    if _groups_apart(a, b, ua, ub):
        return False
    if a.outcome is not None:  # one outcome, but "civilians killed" and "soldiers killed" are two counts
        ca, cb = counted_stems(a) - GENERIC, counted_stems(b) - GENERIC
        if ca and cb and not ca & cb:
            return False
    if a.measure in CONTINUOUS and _dimensions(a, ua) != _dimensions(b, ub):
        return False  # "at a depth of 6 miles" and "about 11 miles northwest of Sagaing"
    if a.measure is None and a.outcome is None and not aligned and (
            not counted_stems(a) & counted_stems(b) or (a.predicate or b.predicate) and not _same_predicate(a, b)
            and not _same_container(a, b, ua, ub)):
        return False  # "returned 101 children" / "a list of 339 children": one noun, two things done
    if a.outcome is None:
        # a count of no tallied outcome, or an amount, ten times another is another thing:
        # "1.7 million people" (a city) / "30 people"; "$70,000" (an earlier theft) / "$60 million"
        x, y = abs(a.number.value or 0.0), abs(b.number.value or 0.0) * USD_RATES.get(b.measure or "", 1.0) \
            / USD_RATES.get(a.measure or "", 1.0)
        if min(x, y) == 0 or max(x, y) / min(x, y) > MAX_RATIO:
            return False
    if a.measure in CURRENCIES and _years(ua) != _years(ub):
        return False  # "bought Slack for $27.7 billion in 2021" / "paid $8 billion on Tuesday": two deals
    if a.measure is not None:
        own_a, own_b = _own_stems(a, ua), _own_stems(b, ub)
        if not aligned and not own_a & own_b and not _same_predicate(a, b) and not (a.duration and b.duration) \
                and not (a.money and a.money == b.money and (a.money != "value" or _valued(a, ua) & _valued(b, ub))):
            return False  # "20 miles away" and "a depth of 6 miles": a measure says nothing of what is measured
    return True


def quantity_contradictions(units: Sequence[ClaimUnit], facts: Sequence[QuantityFact],
                            unit_vectors: np.ndarray, frame_vectors: Mapping[str, np.ndarray],
                            published: Mapping[str, str | None] | None = None,
                            context_min: float = CONTEXT_MIN,
                            aligned: Collection[tuple[int, int]] = ()) -> list[Contradiction]:
    """Quantity contradictions of a story; `frame_vectors` embeds each fact's frame phrase,
    `aligned` holds the unit pairs (i < j) that alignment found to say the same thing."""
    published = published or {}
    if not facts or not len(unit_vectors):
        return []
    uv = unit_norm(np.asarray(unit_vectors, dtype=np.float32))
    by_key: dict[tuple[str | None, str | None], list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        by_key[_key(f)].append(i)
    related: set[tuple[int, int]] = set()
    intervals = [_admits(f) for f in facts]
    edges: list[Finding] = []
    for idx in by_key.values():
        if len(idx) < 2:
            continue
        fv = unit_norm(np.stack([frame_vectors[facts[i].frame] for i in idx]))
        frame_sims = fv @ fv.T
        rows = uv[[facts[i].unit for i in idx]]
        ctx_sims = rows @ rows.T
        # only pairs whose sentences are related at all are looked at one by one
        for x, y in np.argwhere(np.triu(ctx_sims >= min(context_min, SAME_FIGURE_CONTEXT_MIN), k=1)):
            a, b = facts[idx[x]], facts[idx[y]]
            fs, cs = float(frame_sims[x, y]), float(ctx_sims[x, y])
            # one figure in one measure with qualifiers that exclude each other ("two-hour"
            # / "less than two hours") is itself a sign that both speak of one quantity
            same_figure = a.measure is not None and a.measure == b.measure and a.number.value == b.number.value \
                or bool(a.residents) and a.residents == b.residents  # or the population of one named place
            if cs < (SAME_FIGURE_CONTEXT_MIN if same_figure else context_min):
                continue
            # alignment says the sentences state the same thing and the frames are alike
            # ("stole nine pieces" / "eight items were stolen"): the nouns may differ
            together = (min(a.unit, b.unit), max(a.unit, b.unit)) in aligned and fs >= ALIGNED_FRAME_MIN \
                and a.counted is not None and b.counted is not None \
                and (bool(_own_stems(a, units[a.unit]) & _own_stems(b, units[b.unit])) or _same_predicate(a, b))
            if not comparable(a, b, units[a.unit], units[b.unit], together, same_figure):
                continue
            related.add((idx[x], idx[y]))
            cmp = compare_numbers(a.number, b.number, intervals[idx[x]], _in_measure_of(a, b, intervals[idx[y]]))
            if cmp.verdict not in ("conflict", "differ") or cmp.kind in ("differ", "apart") and a.measure != b.measure:
                continue
            kind = cmp.kind or "exact"  # compare_numbers names the kind of every conflict and difference
            edges.append((idx[x], idx[y], BASE[kind] * min(1.0, 0.6 + cs), kind))
    # complete linkage: "8 minutes later" / "10 minutes later" and "85th" / "86th minute"
    # stay two contradictions even when some sentence mentions both
    groups = link_findings(edges, related)
    out = [_contradiction(units, facts, es, published) for es in groups]
    return sorted(out, key=lambda c: -c.confidence)


def link_findings(edges: Sequence[Finding], related: Collection[tuple[int, int]]) -> list[list[Finding]]:
    """Pairwise findings grouped into contradictions, strongest first, by complete linkage:
    a finding joins a group only if its facts are `related` (i < j) to every fact already
    there. At most `MAX_FINDINGS` findings are grouped."""
    groups: list[tuple[set[int], list[Finding]]] = []

    def fits(members: set[int], i: int) -> bool:
        return i in members or all((min(i, m), max(i, m)) in related for m in members)

    for e in sorted(edges, key=lambda e: -e[2])[:MAX_FINDINGS]:
        for members, es in groups:
            if fits(members, e[0]) and fits(members, e[1]):
                members.update(e[:2])
                es.append(e)
                break
        else:
            groups.append(({e[0], e[1]}, [e]))
    return [es for _, es in groups]


def cite(items: Sequence[tuple[ClaimUnit, str]]) -> tuple[list[Statement], dict[str, list[str]]]:
    """The statements of the units in `items` (each unit with the value it gives), each once,
    and per value as written the articles that give it, in order."""
    by_value: dict[str, list[str]] = defaultdict(list)
    statements, seen = [], set()
    for u, value in items:
        if u.article not in by_value[value]:
            by_value[value].append(u.article)
        if (u.article, u.start) not in seen:
            seen.add((u.article, u.start))
            statements.append(u.statement())
    return statements, dict(by_value)


def dates_note(articles: Sequence[str], published: Mapping[str, str | None]) -> dict[str, str]:
    """Each article's publication date, when the articles were not all published on one day."""
    dates = {a: d for a in articles if (d := published.get(a))}
    return dates if len(set(dates.values())) >= 2 else {}


def _contradiction(units: Sequence[ClaimUnit], facts: Sequence[QuantityFact],
                   edges: Sequence[Finding], published: Mapping[str, str | None]) -> Contradiction:
    members = sorted({i for e in edges for i in e[:2]}, key=lambda i: (units[facts[i].unit].article, facts[i].unit))
    frame = max((facts[i].frame for i in members), key=lambda f: sum(facts[i].frame == f for i in members))
    statements, by_value = cite([(units[facts[i].unit], facts[i].number.text.lower()) for i in members])
    dates = dates_note([s.article for s in statements], published)
    when = ", ".join(f"{a} {d}" for a, d in sorted(dates.items()))
    sides = "; ".join(f"{v} ({', '.join(arts)})" for v, arts in by_value.items())
    if {e[3] for e in edges} == {"differ"}:
        what = "the sources give different figures" + (f" (reported at different times: {when})" if dates else "")
    else:
        what = "the figures cannot all be right" + (
            f"; reporting time may explain part of it ({when})" if dates else "")
    if len({facts[i].measure for i in members}) > 1:  # see `USD_RATES`
        what += f" (two currencies, apart by more than {RATE_SLACK:g} times at rough exchange rates)"
    return Contradiction(kind="number", explanation=f"{frame}: {sides}: {what}.", statements=statements,
                         confidence=max(e[2] for e in edges), frame=frame, published=dates)
