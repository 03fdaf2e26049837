"""Claim units → typed, comparable facts.

A quantity fact is one figure of one unit with what it is about: the measure it is given
in (a currency, a duration, a distance; None for a head count), what is counted ("people",
"piece jewelry"), the verb or adjective that governs it ("kill", "steal"), the people and
places its sentence names, and a plain-words frame ("people killed"). Two facts can only
contradict when they are about the same thing (see `frames`).

    >>> [f.frame for f in quantity_facts(units)]                 # doctest: +SKIP
    ['thief steal', 'piece steal', 'people kill', 'story collapse']
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from newsprism.claims.keys import stem
from newsprism.claims.records import ClaimUnit
from newsprism.nlp.document import Number

__all__ = ["CURRENCIES", "GENERIC", "SUBGROUPS", "QuantityFact", "counted_stems", "head_noun", "measure_of", "measure_words", "money_class", "nearest_person", "outcome_class", "quantity_facts"]

# Measures a figure can be given in, by the unit word the NLP stage reads after it. A figure in
# one measure is never compared with one in another ("10 km" and "6 miles", "€88m" and "$102m"
# can be the same amount): converting would need rates and rounding rules we cannot check.
_MEASURES = {
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "uah": "UAH", "rub": "RUB", "cny": "CNY", "%": "%",
    "second": "second", "sec": "second", "minute": "minute", "min": "minute", "hour": "hour", "hr": "hour",
    "day": "day", "week": "week", "month": "month", "year": "year", "decade": "decade", "century": "century",
    "km": "km", "kilometre": "km", "kilometer": "km", "mile": "mile", "metre": "m", "meter": "m", "m": "m",
    "foot": "foot", "feet": "foot", "inch": "inch", "centimetre": "cm", "cm": "cm", "mph": "mph", "kph": "kph",
    "magnitude": "magnitude", "story": "storey", "storey": "storey", "stories": "storey", "storeys": "storey",
    "storys": "storey", "floor": "storey", "carat": "carat", "gigawatt": "GW", "gw": "GW", "megawatt": "MW",
    "mw": "MW", "kg": "kg", "kilogram": "kg", "ton": "tonne", "tonne": "tonne", "degree": "degree",
    "page": "page", "percent": "%", "per": "%",
}

# What a head count counts, when it is one of the outcomes news reports tally. Two figures of
# different outcomes ("killed" and "injured", "on board" and "dead") are never compared, however
# alike their sentences; two of one outcome are, whatever noun each uses ("deaths", "lives", "people").
_OUTCOMES = {
    "dead": ("kill", "killed", "die", "died", "dead", "death", "fatalit", "fatal", "life", "lives", "toll", "bodie",
             "body", "perish", "drown", "drowned", "claim", "claimed"),
    "injured": ("injur", "wound", "hurt", "casualt", "hospital"),
    "missing": ("missin", "unacco", "trappe", "trap", "buried", "rescue"),
    "arrested": ("arrest", "detain", "detained"),
    "evacuated": ("evacua", "displac", "homele", "shelte", "flee", "fled"),
    "aboard": ("board", "passen", "crew", "aboard"),
    "taken": ("steal", "stole", "stolen", "loot", "looted", "robbed", "snatch", "seized"),
    "perpetrators": ("thief", "thieve", "intrud", "robber", "burgla", "gunman", "gunmen", "attack", "assail",
                     "perpet", "culpri", "suspec"),
}
# nouns that name no group of their own: "people killed" can be compared with "civilians killed",
# "nine pieces" stolen with "eight items"
GENERIC = frozenset(stem(w) for w in """people person persons other others life lives death deaths fatality
fatalities injury injuries casualty casualties victim victims body bodies individual individuals toll total
number item items piece pieces object objects thing things""".split())
# Groups that casualty and arrest counts name apart from the whole: a count of one is never a
# total, nor a count of another ("12 fatalities" / "one soldier"; "two civilians" / "three soldiers").
SUBGROUPS = frozenset(stem(w) for w in """soldier soldiers civilian civilians child children kid kids woman women
man men girl girls boy boys police policeman policemen officer officers troop troops militant militants fighter
fighters student students tourist tourists foreigner foreigners citizen citizens national nationals resident
residents pilgrim pilgrims prisoner prisoners hostage hostages journalist journalists crew""".split())
CURRENCIES = frozenset({"USD", "EUR", "GBP", "JPY", "UAH", "RUB", "CNY"})
_CURRENCY_NAMES = frozenset({"dollar", "euro", "pound", "yen", "yuan", "ruble", "rouble", "hryvnia", "ringgit"})
_NOT_NOUNS = frozenset("""in to for of and or a an the as from by on at with was were is are be been will would
has have had that which who this last next over into after before since per each more less than""".split())
_RATE = re.compile(r"\s*(?:an?|per|each)\s+[^\W\d_]", re.I)  # "$4,100 an ounce", "$55 per share"
# What a sum of money is, when it is one of the sums business and crime news report: two sums of
# one kind are one quantity whatever verb or noun each uses ("paying $14.1 billion" / "the
# 14.9-billion-dollar purchase"; "valued at $70,000" / "worth 600,000 euros"), two of different
# kinds ("invest $11 billion" / "the $14.1 billion transaction") never.
_SUMS = {
    "price": re.compile(r"acqui|purchas|buy|bought|takeover|transaction|merger|pa(?:y|id)\b|paying|price", re.I),
    "investment": re.compile(r"invest", re.I),
    "value": re.compile(r"worth|valu", re.I),
}
_OUTCOME_STEMS = {s: name for name, stems in _OUTCOMES.items() for s in stems}
_TOKEN = re.compile(r"[^\W\d_]+", re.U)


def measure_words(measure: str | None) -> frozenset[str]:
    """The unit words of a measure ("km": km, kilometre, kilometer)."""
    return frozenset(w for w, m in _MEASURES.items() if m == measure)


def measure_of(n: Number) -> str | None:
    """The measure `n` is given in; None for a plain count of something."""
    if not n.unit:
        return None
    u = n.unit.lower().strip()
    if u in _MEASURES:
        return _MEASURES[u]
    single = u[:-1] if u.endswith("s") else u
    if single in _MEASURES:
        return _MEASURES[single]
    first = u.split()[0]
    return _MEASURES.get(first) or _MEASURES.get(first.rstrip("s"))


def outcome_class(words: Sequence[str]) -> str | None:
    """The tallied outcome the words speak of ("dead", "injured", ...), if one and only one."""
    found = set()
    for w in words:
        st = stem(w)
        for k in (st, st[:5], w.lower()):
            if k in _OUTCOME_STEMS:
                found.add(_OUTCOME_STEMS[k])
                break
    return found.pop() if len(found) == 1 else None


def _first_outcome(words: Sequence[str]) -> str | None:
    """The outcome of the first word that names one ("46 wounded, after rocket attacks": injured)."""
    for w in words:
        if found := outcome_class([w]):
            return found
    return None


@dataclass(slots=True)
class QuantityFact:
    unit: int  # index of the claim unit
    number: Number
    measure: str | None
    counted: str | None
    predicate: str | None
    outcome: str | None
    people: frozenset[str]
    places: frozenset[str]
    frame: str  # plain words: what the figure is about
    part: bool = False  # one figure of a breakdown ("24 civilians and seven soldiers"): not a total
    duration: bool = False  # how long something took ("lasting just seven minutes", "for under four minutes")
    residents: frozenset[str] = frozenset()  # the place whose population the figure is (`_residence`)
    money: str | None = None  # what a sum of money is: "price", "investment", "value" (see `_SUMS`)

    @property
    def key(self) -> tuple[str | None, str | None]:
        return self.measure, self.outcome


NEAR = 60  # characters: a name this close to a figure is part of what the figure is about


_LOCATIVE = re.compile(r"\b(?:in|at|near|across|throughout|outside|inside|around)\s+(?:the\s+)?(?:[\w-]+\s+)?$", re.I)


def _names(u: ClaimUnit, n: Number, labels: tuple[str, ...]) -> frozenset[str]:
    """Words of the places near the figure that say where it was counted: "in Thailand",
    "near Mandalay" ("U.S. District" shares "U.S." with "U.S."); a place that acts ("Kyiv
    handed over a list") says nothing of where."""
    return frozenset(stem(w) for m in u.mentions
                     if m.label in labels and m.end > n.start - NEAR and m.start < n.end + NEAR
                     and _LOCATIVE.search(u.text[max(0, m.start - u.start - 30):m.start - u.start])
                     for w in m.text.split())


_TIME_MEASURES = frozenset({"second", "minute", "hour", "day", "week", "month"})
# how long something took: a span of time after "in", "for", "within", "took", "lasting" (with
# its qualifiers), or the object of "take", "last", "spend". "12 minutes in", "after 20 minutes",
# "ten minutes later" and "the opening 20 minutes" say when, not how long.
_DURATION_BEFORE = re.compile(
    r"\b(?:in|for|within|took|takes|take|taking|lasted|lasting|lasts|spent|spending)\s+(?:the space of\s+)?"
    r"(?:(?:just|only|all of|under|less than|more than|over|about|around|roughly|nearly|almost|some|barely|"
    r"a little over|a few|just under|little more than)\s+)*$", re.I)
_DURATION_VERBS = frozenset(stem(w) for w in ("take", "last", "spend"))


def _is_duration(u: ClaimUnit, n: Number, measure: str | None) -> bool:
    if measure not in _TIME_MEASURES:
        return False
    at, end = n.start - u.start, n.end - u.start
    if re.match(r"\s*(?:in|later|earlier|ago|before|after|into|from)\b", u.text[end:end + 12], re.I):
        return False
    return bool(_DURATION_BEFORE.search(u.text[max(0, at - 40):at]) or stem(n.predicate or "") in _DURATION_VERBS)


def nearest_person(u: ClaimUnit, start: int, end: int, names: Collection[str] = ()) -> frozenset[str]:
    """The person what lies at `start:end` is about: the nearest one named before it, in news
    usually the subject ("Doué scored in the 63rd minute, Luis Enrique said": Doué), else the
    nearest after it; none beyond `NEAR` characters. `names` (stems of last names) admits
    mentions the recogniser typed otherwise here ("Mayulu" as a place)."""
    people = [m for m in u.mentions if m.text.split() and (m.label == "PERSON" or stem(m.text.split()[-1]) in names)]
    before = [m for m in people if start - NEAR < m.end <= start]
    after = [m for m in people if end <= m.start < end + NEAR]
    m = max(before, key=lambda m: m.end) if before else (min(after, key=lambda m: m.start) if after else None)
    return frozenset({stem(m.text.split()[-1])}) if m else frozenset()


def _outcome_words(u: ClaimUnit, n: Number) -> list[str]:
    """Words near the figure that may say which outcome it tallies, surest first: its
    predicate, a toll named just before it ("death toll to six"), the verb it is the object of
    ("volleys killed at least 11 civilians": the parse may hang it elsewhere), the few words
    right after it ("over 730 injured", "six dead")."""
    words = _TOKEN.findall(n.predicate or "")
    before = u.text[max(0, n.start - u.start - 25):n.start - u.start]
    words += [w for w in _TOKEN.findall(before)[-3:] if stem(w).startswith(("toll", "death"))]
    words += re.findall(r"([^\W\d_]+(?:ed|ing))\s+$", before)
    after = re.split(r"\d", u.text[n.end - u.start:n.end - u.start + 45])[0]  # the next figure's words are its own
    words += _TOKEN.findall(after)[:5]
    return words


def money_class(u: ClaimUnit, n: Number, counted: str | None) -> str | None:
    """What a sum of money is: its noun's kind ("the $14.9 billion purchase": price; "a $5 billion
    fine": none), else the first word that says among its predicate and the four words before
    it, nearest first ("the transaction came to about $14.1 billion": price); none for a rate
    ("$4,100 an ounce", "$55 per share")."""
    if _RATE.match(u.text[n.end - u.start:n.end - u.start + 20]):
        return None
    noun = (_TOKEN.findall(counted or "") or [""])[-1]
    if not noun and (after := re.match(r"\s+([a-z]+)\b", u.text[n.end - u.start:])) \
            and after.group(1) not in _NOT_NOUNS:
        noun = after.group(1)  # "a $5 billion fine": the parse may not hang the figure on its noun
    before = _TOKEN.findall(u.text[max(0, n.start - u.start - 40):n.start - u.start])[-4:]
    words = [*_TOKEN.findall(n.predicate or ""), *reversed(before)]
    for w in [noun] if noun and noun.lower() not in _CURRENCY_NAMES else words:
        found = {k for k, pat in _SUMS.items() if pat.match(w)}
        if found:
            return found.pop() if len(found) == 1 else None
    return None


# a head count of the people who live somewhere: "X, which is home to N people", "X has a
# population of N", "the N people who live across X"
_RESIDENTS_BEFORE = re.compile(r"\b(?:home to|population of|populated by|inhabited by)\s+$", re.I)
_RESIDENTS_AFTER = re.compile(r"\s*(?:who\s+)?(?:live|living|reside|residing)\s+(?:in|across|on|throughout)\b", re.I)
_AREA = r"(?:region|area|metropolitan area|metro area|metro|province|state|county|district|prefecture|valley)"


def _residence(u: ClaimUnit, n: Number) -> frozenset[str]:
    """Stems of the place whose population the figure is: the place named nearest before "home
    to N", nearest after "N people who live in", with the area word that makes it another place
    ("the Mandalay region" is not Mandalay); empty for any other figure."""
    at, end = n.start - u.start, n.end - u.start
    places = [m for m in u.mentions if m.label in ("GPE", "LOC")]
    if _RESIDENTS_BEFORE.search(u.text[max(0, at - 30):at]):
        m = max((m for m in places if m.end <= n.start), key=lambda m: m.end, default=None)
    elif _RESIDENTS_AFTER.match(u.text[end:end + 40]):
        m = min((m for m in places if m.start >= n.end), key=lambda m: m.start, default=None)
    else:
        return frozenset()
    if m is None:
        return frozenset()
    area = re.match(rf"\s+({_AREA})\b", u.text[m.end - u.start:]) or re.search(
        rf"\b({_AREA})\s+of\s+(?:the\s+)?$", u.text[max(0, m.start - u.start - 30):m.start - u.start])
    words = m.text.split() + (area.group(1).split() if area else [])
    return frozenset(stem(w) for w in words)


def _counted(u: ClaimUnit, n: Number) -> str | None:
    """The parse's counted noun, unless an outcome word right after the figure is not followed
    by it: "14 dead, 13 civilians" counts the dead (the parse hangs "14" on "civilians"),
    "12 dead bodies" counts bodies."""
    after = u.text[n.end - u.start:n.end - u.start + 40].split()[:2]
    word = after[0].strip(",;:.") if after else ""
    if n.counted and n.unit is None and _TOKEN.fullmatch(word) and outcome_class([word]) \
            and stem(n.counted.split()[-1]) not in {stem(w.strip(",;:.")) for w in after}:
        return word.lower()
    return n.counted


_PART_OF = re.compile(r"[\s,(—–-]*(?:including|among them|of whom)\s+$|\s+of them\b", re.I)


def _is_total(u: ClaimUnit, n: Number) -> bool:
    """The figure is followed by its breakdown: "14 dead, 13 civilians and one soldier" (13 + 1),
    "at least 32 people, including 14 children", "killed 14 people, 10 of them children"."""
    later = [m for m in u.numbers if n.end <= m.start < n.end + 40]
    if later and (_PART_OF.match(u.text[n.end - u.start:later[0].start - u.start])
                  or _PART_OF.match(u.text[later[0].end - u.start:later[0].end - u.start + 10])):
        return later[0].value is not None and n.value is not None and later[0].value < n.value
    return any(sum(m.value or 0.0 for m in later[:k]) == n.value for k in range(2, len(later) + 1))


def quantity_facts(units: Sequence[ClaimUnit]) -> list[QuantityFact]:
    """Every figure of the units that says how much or how many of something."""
    out: list[QuantityFact] = []
    for i, u in enumerate(units):
        first = len(out)
        for n in u.numbers:
            if n.value is None or u.text[n.end - u.start:n.end - u.start + 2].lower() in ("st", "nd", "rd", "th"):
                continue  # "the 73rd minute": an ordinal is a position, not an amount (see `times`)
            measure = measure_of(n)
            counted = _counted(u, n)
            if measure is None and counted is None and n.unit is None and n.predicate is None:
                continue  # a bare figure ("the 19", "Two") with nothing to say what it counts
            # the counted noun says it first ("thieves stole": thieves), then the words around
            outcome = None if measure is not None else (
                outcome_class(_TOKEN.findall(counted or "")) or _first_outcome(_outcome_words(u, n)))
            what = measure if measure else (counted or n.unit or "")
            frame = " ".join(x for x in (what, n.predicate) if x)
            duration = _is_duration(u, n, measure)
            residents = _residence(u, n) if measure is None else frozenset()
            money = money_class(u, n, counted) if measure in CURRENCIES else None
            out.append(QuantityFact(
                unit=i, number=n, measure=measure, counted=counted, predicate=n.predicate, outcome=outcome,
                people=nearest_person(u, n.start, n.end), places=_names(u, n, ("GPE", "LOC", "FAC")),
                frame="how long it took" if duration else (
                    "population" if residents else money or frame or "figure"),
                duration=duration, residents=residents, money=money,
            ))
        mine = out[first:]
        for a in mine:
            a.part = not _is_total(u, a.number) and any(
                b is not a and b.key == a.key and (b.outcome or b.measure) and abs(b.number.start - a.number.end) < 40
                for b in mine)
    return out


def head_noun(f: QuantityFact) -> str | None:
    """The stem of the counted noun itself ("thai soldier": soldier), modifiers left out."""
    words = (f.counted or "").split()
    return stem(words[-1]) if words else None


def counted_stems(f: QuantityFact) -> set[str]:
    return {stem(w) for w in _TOKEN.findall(f.counted or "")}
