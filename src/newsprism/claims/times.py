"""When something happened, compared across every origin of a story.

A time fact is a point in time that a unit gives for an event: a time of day ("at 12:50
local time", "1033 GMT"), a day ("on May 15", "September 3, 2025"), a month ("first
announced in October 2023") or a minute of a match ("in the 86th minute", "87'", "three
minutes from time"). The NLP stage reads off the parse what each date is about: its verb
and the nouns of its event ("the outage, which began at 1033 GMT": begin, outage).

Two facts are about the same event when they come from different origins, are on one
scale, their sentences are related, and

- times of day, days and months: the verbs are one (or of one kind: "struck", "hit",
  "occurred") and the events share a noun or the sentences are close; without a verb on
  both sides the events must share two nouns ("the first round of negotiations");
- months: also when each follows one event noun ("three weeks of hearings in April" / "a
  15-day remedies hearing in May 2025"), a common noun of the date's event by the parse;
  a bare month ("in April") takes its article's year and is set only against a stated
  month of that year, never against another bare month;
- minutes of a match: they name the same person and, where both say which goal, the same
  goal ("a fifth"); a player with two goals in one article needs that to be said. (A goal
  named by its running score or place and dated by a half is `goals`' concern.)

A day worked out from "on Tuesday" or "yesterday" and its article's date is compared only
with a stated day, for one verb in closely related sentences ("a ruling issued on Tuesday" /
"On September 3, 2025, ... issued a landmark ruling"), never with another such day (each
rests on its own article's date, and crawl dates can be late).

Never compared: publication dates, times in zones that cannot be converted ("12:33 in
Spain" against "08:43 CET"), expectations, and two facts when either article also gives
the other's value (a story of two rounds of talks names both dates). Times of day given
as approximate ("around 12:20") conflict only beyond `APPROX_MINUTES`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np

from newsprism.claims.facts import nearest_person
from newsprism.claims.frames import Finding, cite, dates_note, link_findings, unit_norm
from newsprism.claims.keys import STOPWORDS, stem
from newsprism.claims.records import ClaimUnit, Contradiction
from newsprism.nlp.document import DateExpr
from newsprism.nlp.news.dates import MONTHS, ZONE_OFFSETS

__all__ = ["MINUTE_WORDS", "TimeFact", "minute_from_time", "time_contradictions", "time_facts"]

# Cosine of the two sentences, by scale: days as for figures (frames.CONTEXT_MIN); a story has
# few times of day and match minutes, each tied to a verb or a player, and their sentences are
# worded apart ("the event began at approximately 08:43 CET" / "The outage, which began at
# 1033 GMT": 0.39; Mayulu's goal in the 85th minute / three minutes from time: 0.25; make eval claims)
CONTEXT_MIN = {"clock": 0.3, "minute": 0.2, "day": 0.4, "month": 0.4}
CLOSE_CONTEXT = 0.55  # sentences this close may name the event with different nouns
# Two months after one event noun ("hearings in April" / "remedies hearing in May 2025") are tied as
# two times of day are by one verb, so the floor is the clock's; the one such pair of the dev sets
# (google C3, a long sentence of three events against a short one) has cosine 0.39 (make eval claims)
NOUN_CONTEXT = CONTEXT_MIN["clock"]
MAX_DAYS, MAX_MONTHS = 31, 6  # see `_near`
MAX_PAIRS = 20_000
APPROX_MINUTES = 15  # "around 12:20" and "approximately 12:50" cannot both hold; 12:20 and 12:30 can
BASE = {"clock": 0.75, "minute": 0.7, "day": 0.65, "month": 0.6}
LABEL = {"clock": "time of day", "minute": "minute of the match", "day": "day", "month": "month"}

# verbs that tell one kind of happening: "the quake struck", "the tremor occurred", "it hit"
_VERB_KINDS = [frozenset(stem(w) for w in ws.split()) for ws in (
    "strike struck hit occur happen jolt rock shake", "begin began start commence", "end finish conclude",
    "announce unveil reveal", "kill die", "arrest detain", "meet hold", "sign")]
# "first announced", "initially reported": the first time is one event whatever the sentence
_FIRST = re.compile(r"\b(?:first|initially|originally)\s+(\w+)", re.I)
_KIND_OF = {w: i for i, ws in enumerate(_VERB_KINDS) for w in ws}
_APPROX = re.compile(r"(?:around|approximately|about|roughly|some|nearly|almost|circa|just after|shortly after|"
                     r"just before|shortly before|after|before|by)\s*$", re.I)
_WEEKDAY = re.compile(r"(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday)", re.I)
_MONTH_DAY = re.compile(r"[A-Za-z]{3}.*\d|\d.*[A-Za-z]{3}")
_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
MINUTE_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen".split())}
_MINUTE = re.compile(
    r"\b(?:(?P<ord>\d{1,3})(?:st|nd|rd|th)[- ]minute"
    r"|(?P<prime>\d{1,3})(?:\+\d)?['’′](?![a-z])"
    r"|(?P<left>\d{1,2}|" + "|".join(MINUTE_WORDS) + r") minutes? from (?:time|the end))", re.I)
# which goal of the match a sentence speaks of: two minutes of one player are one goal only if this agrees
_GOAL = re.compile(r"\b(opener|opening goal|first|second|third|fourth|fifth|sixth|seventh|doubled|equali[sz]er|"
                   r"winner|brace)\b", re.I)
# a month alone that dates an event ("in April", "in early May"); "since April", "by April" do not
_BARE_MONTH = re.compile(r"(?:in\s+)?(?:(?:early|mid|late)[\s-]+)?(?:" + "|".join(k for k in MONTHS if len(k) > 3)
                         + r")", re.I)
# what the explanation quotes before the event noun: its count or article and up to two words
# ("three weeks of hearings in April", "a 15-day remedies hearing in May 2025")
_MEASURE = re.compile(r"\b(?:an?|\d[\w.,-]*|one|two|three|four|five|six|seven|eight|nine|ten|several|few)"
                      r"(?:\s+[\w-]+){0,2}?\s+(?:of\s+)?$", re.I)
_HEAD = re.compile(r"([^\W\d_]+)\s+(?:(?:in|during)\s+)?(?:(?:early|mid|late)[\s-]+)?$")
_ORDINALS = re.compile(r"\b(first|second|third|fourth|initial|latest|next|previous|final|last)\b", re.I)


@dataclass(slots=True)
class TimeFact:
    unit: int  # index of the claim unit
    scale: str  # "clock" | "day" | "month" | "minute"
    value: tuple[int, ...]  # minutes of the day (UTC when the zone says so), (month, day), (year, month), (minute,)
    text: str  # as written
    approx: bool
    zone: str | None  # "UTC" once converted; else as written ("local", "ET"), None when unstated
    predicate: str | None
    about: frozenset[str]  # stems of the event's nouns
    people: frozenset[str]  # for minutes: the player
    year: int | None = None  # a day's year when written
    relative: bool = False  # a weekday or "yesterday", made a day by its article's date; a bare month's year
    noun: str | None = None  # a month's: stem of the event noun it follows ("hearings in April"), see `_head_noun`

    @property
    def frame(self) -> str:
        return " ".join(sorted(self.about)) + (f" {self.predicate}" if self.predicate else "") or LABEL[self.scale]


def _approx(u: ClaimUnit, start: int) -> bool:
    return _APPROX.search(u.text[max(0, start - u.start - 20):start - u.start]) is not None


def _about(words: str | None) -> frozenset[str]:
    return frozenset(stem(w) for w in (words or "").split() if w not in STOPWORDS and len(w) > 2)


def _clock(u: ClaimUnit, i: int, d: DateExpr) -> TimeFact | None:
    value, zone = d.value or "", d.zone
    if not re.fullmatch(r"T\d\d:\d\d", value):
        return None
    minutes = int(value[1:3]) * 60 + int(value[4:6])
    text = f"{d.text} {zone}" if zone and zone != "local" else d.text
    if zone in ZONE_OFFSETS:
        minutes, zone = (minutes - ZONE_OFFSETS[zone]) % (24 * 60), "UTC"
    return TimeFact(unit=i, scale="clock", value=(minutes,), text=text, approx=_approx(u, d.start),
                    zone=zone, predicate=d.predicate, about=_about(d.about), people=frozenset())


def _calendar(u: ClaimUnit, i: int, d: DateExpr) -> TimeFact | None:
    value, text = d.value or "", d.text
    months = [MONTHS[k] for w in re.findall(r"[A-Za-z]+", text) if (k := w.lower().rstrip(".")) in MONTHS]
    if d.relative and _WEEKDAY.fullmatch(text.strip()) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        # "on Tuesday", "yesterday": the day its article's date makes of it (see `_same_event`)
        return TimeFact(unit=i, scale="day", value=(int(value[5:7]), int(value[8:10])), text=f"{text} ({value})",
                        approx=False, zone=None, predicate=d.predicate, about=_about(d.about), people=frozenset(),
                        year=int(value[:4]), relative=True)
    if d.relative and _BARE_MONTH.fullmatch(text.strip()) and re.fullmatch(r"\d{4}-\d\d", value):
        # "hearings in April": its year is its article's (see `_same_event`); kept only with its event noun
        head = _head_noun(u, d)
        return None if head is None else TimeFact(
            unit=i, scale="month", value=(int(value[:4]), int(value[5:7])), text=head[1], approx=False, zone=None,
            predicate=d.predicate, about=_about(d.about), people=frozenset(), relative=True, noun=head[0])
    if not months or not _MONTH_DAY.search(text):
        return None  # "last month", "this week": too loose to set against a stated day
    year = _YEAR.search(text)
    day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", _YEAR.sub("", text))
    if day and (re.fullmatch(r"\d{4}-\d\d-\d\d", value) or not value):
        # a month and day without a year and no publication date to place it: still a day
        scale, val = "day", (months[0], int(day.group(1)))
    elif re.fullmatch(r"\d{4}-\d\d", value) and year:
        scale, val = "month", (int(value[:4]), int(value[5:7]))
    else:
        return None
    head = _head_noun(u, d) if scale == "month" else None
    return TimeFact(unit=i, scale=scale, value=val, text=head[1] if head else text, approx=False, zone=None,
                    predicate=d.predicate, about=_about(d.about), people=frozenset(),
                    year=int(year.group(1)) if year else None, noun=head[0] if head else None)


def _head_noun(u: ClaimUnit, d: DateExpr) -> tuple[str, str] | None:
    """(stem, wording) of the word a month follows ("three weeks of hearings in April": hearin,
    "hearings in April"), when the parse makes it a noun of the date's event (in `about`) or
    reads it as the date's verb ("a 15-day remedies hearing in May 2025", "hearing" as "hear")."""
    m = _HEAD.search(u.text[:max(0, d.start - u.start)])
    if m is None or not m.group(1).islower() or m.group(1) in STOPWORDS:
        return None  # a name ("U.S. Steel in December 2023") is an actor, not an event
    word = stem(m.group(1))
    if word in _about(d.about) or (d.predicate and m.group(1).endswith(("ing", "ings"))
                                   and word == stem(d.predicate + "ing")):
        lead = _MEASURE.search(u.text[max(0, m.start() - 40):m.start()])
        return word, u.text[m.start() - (len(lead.group(0)) if lead else 0):d.end - u.start]
    return None


def minute_from_time(left: str) -> int:
    """The minute of "N minutes from time" ("three minutes from time": 87), N in digits or `MINUTE_WORDS`."""
    left = left.lower()
    return 90 - (int(left) if left.isdigit() else MINUTE_WORDS[left])


def _minutes(u: ClaimUnit, i: int, names: Collection[str]) -> list[TimeFact]:
    out = []
    for m in _MINUTE.finditer(u.text):
        if m.group("ord"):
            minute = int(m.group("ord"))
        elif m.group("prime"):
            minute = int(m.group("prime"))
        else:
            minute = minute_from_time(m.group("left"))
        who = nearest_person(u, u.start + m.start(), u.start + m.end(), names)
        if not 0 < minute <= 130 or not who:
            continue  # a minute without a player ("ten minutes later") is not one event
        out.append(TimeFact(unit=i, scale="minute", value=(minute,), text=m.group(0), approx=False, zone=None,
                            predicate=None, about=frozenset(), people=who))
    return out


def time_facts(units: Sequence[ClaimUnit]) -> list[TimeFact]:
    """Every time of day, stated day or month, and minute of a match the units give for something
    that happened (a forecast's own dates left out)."""
    out: list[TimeFact] = []
    names = {stem(m.text.split()[-1]) for u in units for m in u.mentions if m.label == "PERSON" and m.text.split()}
    for i, u in enumerate(units):
        for d in u.dates:
            # a forecast may still date what happened ("they would hold more talks, after
            # captives were traded on May 15"): its past-tense verb says so
            if u.expected and not d.past:
                continue
            f = _clock(u, i, d) or _calendar(u, i, d)
            if f is not None:
                out.append(f)
        if not u.expected:
            out += _minutes(u, i, names)
    return out


def _zones_comparable(a: TimeFact, b: TimeFact) -> bool:
    """Both converted to UTC, or both local (unstated counts as local), or one zone as written."""
    local = {None, "local"}
    return a.zone == b.zone or (a.zone in local and b.zone in local)


def _differ(a: TimeFact, b: TimeFact) -> bool:
    if a.scale == "clock":
        gap = abs(a.value[0] - b.value[0])
        gap = min(gap, 24 * 60 - gap)
        return gap > (APPROX_MINUTES if a.approx or b.approx else 0)
    if a.scale == "day" and a.year and b.year and a.year != b.year:
        return True
    return a.value != b.value


def _near(a: TimeFact, b: TimeFact) -> bool:
    """Two dates close enough to be one event misdated: a day within a month, a month within
    half a year. Farther apart they name two events more often than one (the dev reports:
    one president's order of 3 January against another's of 13 June)."""
    if a.scale == "day":
        (ma, da), (mb, db) = a.value, b.value
        gap = abs((ma * 31 + da) - (mb * 31 + db))
        return min(gap, 12 * 31 - gap) <= MAX_DAYS
    if a.scale == "month":
        return abs((a.value[0] * 12 + a.value[1]) - (b.value[0] * 12 + b.value[1])) <= MAX_MONTHS
    return True


def _kind(predicate: str | None) -> int | str | None:
    if not predicate:
        return None
    st = stem(predicate)
    return _KIND_OF.get(st, st)


_NUMBERED = re.compile(r"\b(first|second|third|fourth|fifth|final|opening)\s+(round|session|meeting|day|leg|phase|"
                       r"stage|match|game|hearing|summit|vote|ballot)\b", re.I)


@dataclass(slots=True)
class _Marks:
    """What a unit's wording says of which event it dates, read once per unit."""
    ordinals: set[str]  # "first", "second", ...
    goals: set[str]  # which goal: "opener", "fifth", ...
    numbered: set[tuple[str, str]]  # numbered occasions: ("first", "round")
    first: set[str]  # stems of verbs said to happen a first time ("first announced")

    @classmethod
    def of(cls, u: ClaimUnit) -> _Marks:
        return cls(ordinals={o.lower() for o in _ORDINALS.findall(u.text)},
                   goals={g.lower() for g in _GOAL.findall(u.text)},
                   numbered={(m.group(1).lower(), stem(m.group(2))) for m in _NUMBERED.finditer(u.text)},
                   first={stem(m.group(1)) for m in _FIRST.finditer(u.text)})


def _first_time(f: TimeFact, marks: _Marks) -> bool:
    """The unit says the fact dates the first time its verb happened ("first announced")."""
    return bool(f.predicate) and stem(f.predicate or "") in marks.first


def _same_event(a: TimeFact, b: TimeFact, ma: _Marks, mb: _Marks, context: float,
                scorers: AbstractSet[str] = frozenset()) -> bool:
    """`ma`, `mb`: the two units' marks; `scorers`: players some article gives two minutes
    for, whose minutes are one event only where both sentences say which goal and agree."""
    if a.scale == "minute":
        if context < CONTEXT_MIN["minute"] or not a.people & b.people:
            return False
        if a.people & scorers:
            return bool(ma.goals & mb.goals)
        return not (ma.goals and mb.goals and not ma.goals & mb.goals)
    if ma.ordinals and mb.ordinals and not ma.ordinals & mb.ordinals:
        return False  # "the first round" is not "the second round"
    if a.scale == "month" and a.noun and a.noun == b.noun and context >= NOUN_CONTEXT:
        # one event noun ("hearings in April" / "a 15-day remedies hearing in May 2025"); a bare month's
        # year is its article's, so only against a stated month of that year, never two bare months
        return not (a.relative and b.relative) and (not (a.relative or b.relative) or a.value[0] == b.value[0])
    if a.relative or b.relative:
        # a day worked out from its article's date rests on that date too: only one verb of one
        # event in closely related sentences, never two relative days against each other
        ka, kb = _kind(a.predicate), _kind(b.predicate)
        return not (a.relative and b.relative) and ka is not None and ka == kb and context >= CLOSE_CONTEXT
    ka, kb = _kind(a.predicate), _kind(b.predicate)
    shared = a.about & b.about
    if ka is not None and ka == kb and _first_time(a, ma) and _first_time(b, mb):
        return True
    if a.scale == "day" and ma.numbered & mb.numbered and context >= CONTEXT_MIN["day"]:
        return True  # "a first round of talks ... on May 15" / "the first round of negotiations on May 16"
    if context < CONTEXT_MIN[a.scale]:
        return False
    if ka is not None and ka == kb:
        # a story has few times of day, and one verb for both ("the outage began" / "the
        # event began at 08:43 CET") in related sentences names one event; days are many
        return a.scale == "clock" or bool(shared) or context >= CLOSE_CONTEXT
    return len(shared) >= 2 and (ka is None or kb is None) and context >= CLOSE_CONTEXT


def _candidates(units: Sequence[ClaimUnit], facts: Sequence[TimeFact], uv: np.ndarray) -> list[tuple[int, int, float]]:
    """Fact pairs (x < y) of one scale and different origins, with their sentences' cosine, the
    most related first and at most `MAX_PAIRS` of them: a story of a thousand near-identical
    dated bulletins must not stall (quadratic in its facts otherwise)."""
    out: list[tuple[int, int, float]] = []
    floor = min(CONTEXT_MIN.values())
    for scale in {f.scale for f in facts}:
        idx = [i for i, f in enumerate(facts) if f.scale == scale]
        if len(idx) < 2:
            continue
        rows = uv[[facts[i].unit for i in idx]]
        sims = rows @ rows.T
        origin = np.array([hash(units[facts[i].unit].origin) for i in idx])
        mask = np.triu(sims >= floor, k=1) & (origin[:, None] != origin[None, :])
        if scale in ("day", "month"):  # the first-time rule may join sentences below the floor
            mask |= np.triu(origin[:, None] != origin[None, :], k=1)
        for p, q in np.argwhere(mask):
            out.append((idx[p], idx[q], float(sims[p, q])))
    out.sort(key=lambda t: -t[2])
    return out[:MAX_PAIRS]


def time_contradictions(units: Sequence[ClaimUnit], facts: Sequence[TimeFact], unit_vectors: np.ndarray,
                        published: Mapping[str, str | None] | None = None) -> list[Contradiction]:
    """Contradictions between the times that different origins give for one event."""
    published = published or {}
    if len(facts) < 2 or not len(unit_vectors):
        return []
    uv = unit_norm(np.asarray(unit_vectors, dtype=np.float32))
    given: dict[tuple[str, str], set[tuple[int, ...]]] = defaultdict(set)  # (article, scale) -> values
    minutes: dict[tuple[str, str], set[tuple[int, ...]]] = defaultdict(set)  # (article, player) -> minutes
    for f in facts:
        given[(units[f.unit].article, f.scale)].add(f.value)
        for p in f.people:
            minutes[(units[f.unit].article, p)].add(f.value)
    scorers = {p for (_, p), values in minutes.items() if len(values) > 1}
    edges: list[Finding] = []
    related: set[tuple[int, int]] = set()
    marks: dict[int, _Marks] = {}

    def marks_of(i: int) -> _Marks:
        if i not in marks:
            marks[i] = _Marks.of(units[i])
        return marks[i]

    for x, y, context in _candidates(units, facts, uv):
        a, b = facts[x], facts[y]
        ua, ub = units[a.unit], units[b.unit]
        if not _same_event(a, b, marks_of(a.unit), marks_of(b.unit), context, scorers):
            continue
        if a.scale == "clock" and not _zones_comparable(a, b):
            continue
        related.add((x, y))
        if not _differ(a, b) or not _near(a, b) or b.value in given[(ua.article, a.scale)] \
                or a.value in given[(ub.article, b.scale)]:
            continue
        edges.append((x, y, BASE[a.scale] * min(1.0, 0.6 + context), a.scale))
    return sorted((_contradiction(units, facts, es, published) for es in link_findings(edges, related)),
                  key=lambda c: -c.confidence)


def _contradiction(units: Sequence[ClaimUnit], facts: Sequence[TimeFact], edges: Sequence[Finding],
                   published: Mapping[str, str | None]) -> Contradiction:
    members = sorted({i for e in edges for i in e[:2]}, key=lambda i: (units[facts[i].unit].article, facts[i].unit))
    scale = facts[members[0]].scale
    frame = max((facts[i].frame for i in members), key=lambda f: sum(facts[i].frame == f for i in members))
    statements, by_value = cite([(units[facts[i].unit], facts[i].text) for i in members])
    dates = dates_note([s.article for s in statements], published)
    sides = "; ".join(f"{v} ({', '.join(arts)})" for v, arts in by_value.items())
    what = f"the sources give different {LABEL[scale]}s for one event"
    return Contradiction(kind="time", explanation=f"{LABEL[scale]} ({frame}): {sides}: {what}.",
                         statements=statements, confidence=max(e[2] for e in edges),
                         frame=f"{LABEL[scale]}: {frame}", published=dates)
