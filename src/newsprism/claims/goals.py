"""When a goal of a match came, for a goal named by which one it was, compared across origins.

`times` compares the minutes a story gives one player; a report also names a goal without its
scorer, by the running score ("to make it 3-0"), by its place in the match ("the third goal",
"added a fifth", "PSG's fourth") or among its scorer's goals ("his second"), and dates it by a
minute ("in the 63rd minute", "63'", "after 63 minutes") or by a stretch of the match ("before
the break", "in the second half", "just after the hour"):

    "Before the break, he added another ... to make it 3-0."     3-0, first half
    "PSG got the third goal their performance deserved after 63 minutes."   third, minute 63

A sentence gives a goal fact when it names exactly one goal and exactly one time (a sentence
of two goals cannot say which time is whose), and does not tell a chance ("nearly added a
third", "should have scored"); a bare place ("a fifth") needs a word of scoring in its
sentence, and a story of two legs of a tie gives none (whose 3-0?). Two facts of different origins are one goal when they name it
the same way: one running score; one place in the match, where a running score "3-0" is the
third; or one scorer and his goal's place ("his second"). The match's places need every score
the story gives to be a whitewash ("5-0", "3-0"): then every goal is one side's and "the third
goal" is one goal; once both sides score, "the third" may be the match's or a side's.

One goal conflicts when its times cannot both hold: halves that differ (the first half ends
at 45 plus stoppage time, written "45+2'"), or two minutes more than `MINUTE_SLACK` apart. A
minute past 45 and up to `STOPPAGE_MINUTES` later may be first-half stoppage time counted on
("the 47th minute"), so it belongs to no half; "after 63 minutes" is the 63rd or the 64th.
Two minutes of one named player are left to `times`, and findings whose sentences a stronger
finding already cites together are dropped by the caller; a pair is dropped too when either
article also gives the other's time for that goal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from newsprism.claims.facts import nearest_person
from newsprism.claims.frames import Finding, cite, dates_note, link_findings, unit_norm
from newsprism.claims.keys import stem
from newsprism.claims.records import ClaimUnit, Contradiction
from newsprism.claims.times import MINUTE_WORDS, minute_from_time

__all__ = ["GoalFact", "goal_contradictions", "goal_facts"]

# Stoppage time at the end of a half is rarely over five minutes; reports that count on write a
# goal in it as "the 47th minute" (a choice from the laws' usual added time, not fitted: the one
# football story of the dev sets has no minute between 46 and 50)
STOPPAGE_MINUTES = 5
# cosine of the two sentences, as for a scorer's minutes (times.CONTEXT_MIN["minute"]); the one
# pair of the dev sets ("... to make it 3-0" / "the third goal ... after 63 minutes") has 0.36
CONTEXT_MIN = 0.2
BASE = 0.7  # as times.BASE["minute"]
# a goal 84:30 into a match is in its 85th minute to one outlet and "after 84 minutes" to another, and
# "N minutes from time" counts from 90 or from the added time; the gold of the dev sets puts "the 85th
# minute" and "four minutes from time" on one side of the Mayulu conflict, "87'" on the other
MINUTE_SLACK = 1

_ORDINAL = {w: i for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1)}
# the running score after the goal: "to make it 3-0", "made it 4-0"
_RUNNING = re.compile(r"\b(?:make|makes|made|making)\s+it\s+(\d{1,2})\s*[-–]\s*(\d{1,2})\b", re.I)
# a goal by its place: "the third goal", "added a fifth,", "PSG's fourth with", "his second of the night";
# an ordinal before any other noun is not a goal ("the fourth teenager", "the second half")
_PLACE = re.compile(
    r"\b(?P<det>(?i:the|an?|his|her)|(?P<owner>[A-Z][\w.-]*(?:\s[A-Z][\w.-]*)?)['’]s)\s+(?P<nth>"
    + "|".join(_ORDINAL) + r")(?:\s+(?P<goal>goal)\b|(?=\s*[,.;:)]|\s*$|\s+(?:in|on|with|after|before|just|when|as|from|"
                           r"of the (?:night|match|game|evening|afternoon|final))\b))"
    r"|\b(?P<opener>opener|opening goal)\b")
# a bare place ("added a fifth") is a goal only in a sentence of scoring
_SCORING = re.compile(r"\b(?:goals?|scor\w*|net(?:s|ted)?|finish\w*|strike|struck|shot|head(?:er|ed)|tap(?:s|ped)|fire[sd]|"
                      r"drill\w*|add(?:s|ed|ing)|convert\w*|volley\w*|set(?:ting)? up|on target)\b", re.I)
# a story of two matches (legs of a tie): its running scores and places are not one match's
_LEGS = re.compile(r"\b(?:first|second|return) leg\b|\baggregate\b", re.I)
# a chance, not a goal: "nearly added a third", "should have scored", "a goal ruled out"
_CHANCE = re.compile(r"\b(?:nearly|almost|should have|could have|would have|missed|miss|disallowed|ruled out|"
                     r"chance|denied|hit the (?:post|bar|woodwork))\b", re.I)
_SCORE = re.compile(r"(?<![\d.,:/-])(\d{1,2})\s*[-–]\s*(\d{1,2})(?![\d,:/-]|\.\d|\s*(?:year|day|month|hour|minute))")
_MINUTE = re.compile(
    r"\b(?:(?P<ord>\d{1,3})(?:st|nd|rd|th)[- ]minute"
    r"|(?P<prime>\d{1,3})(?:\+(?P<added>\d{1,2}))?['’′](?![a-z])"
    r"|(?:after|on)\s+(?P<after>\d{1,3})\s+minutes\b(?!\s+(?:later|earlier|after|before|of|remaining|left))"
    r"|(?P<left>\d{1,2}|" + "|".join(MINUTE_WORDS) + r")\s+minutes?\s+from\s+(?:time|the end))", re.I)
# a stretch of the match, by its half: 1 (first half) or 2
# ("after the break-in" and "in the second half of the season" are no stretch of a match)
_HALVES = [(1, re.compile(r"\b(?:(?:before|just before|shortly before) (?:the (?:break|interval)|half-?time)"
                          r"|in the first half|in first-half (?:stoppage|injury|added) time)(?![\w-]|\s+of\b)", re.I)),
           (2, re.compile(r"\b(?:(?:after|just after|shortly after|soon after) (?:the (?:break|interval|restart|hour)"
                          r"|half-?time)|in the second half|(?:on|around) the hour)(?![\w-]|\s+of\b)", re.I))]


@dataclass(slots=True)
class GoalFact:
    unit: int
    goal: frozenset[tuple[str, ...]]  # names of the goal: ("score", "3-0"), ("place", "3"), ("scorer", "doué", "2")
    half: int | None  # 1 or 2 when the time says which half
    minutes: tuple[int, int] | None  # the minutes it may have been, for a minute
    text: str  # the time as written
    team: str | None = None  # the side a place is given for ("PSG's fourth")
    people: frozenset[str] = frozenset()  # the player the time is given for, as `times` reads it


_Time = tuple[int | None, tuple[int, int] | None, re.Match[str]]


def _times(text: str) -> list[_Time]:
    """(half, minutes, where written) of every time of the match the text gives."""
    out: list[_Time] = []
    for m in _MINUTE.finditer(text):
        if m.group("left"):
            minute = minute_from_time(m.group("left"))
            span = (minute, minute)
        elif m.group("after"):
            minute = int(m.group("after"))
            span = (minute, minute + 1)  # "after 63 minutes": the 63rd or the 64th
        else:
            minute = int(m.group("ord") or m.group("prime"))
            if m.group("added"):  # "45+2'", "90+3'": a half's stoppage time, that half
                out.append((1 if minute <= 45 else 2, None, m))
                continue
            span = (minute, minute)
        if not 0 < minute <= 120:
            continue
        half = 1 if span[1] <= 45 else 2 if span[0] > 45 + STOPPAGE_MINUTES else None
        out.append((half, span, m))
    for half, pattern in _HALVES:
        out += [(half, None, m) for m in pattern.finditer(text)]
    return out


def _names(u: ClaimUnit) -> tuple[set[tuple[str, ...]], str | None]:
    """The names the unit gives one goal, and the side a place is given for ("PSG's fourth");
    nothing when it names two goals (two running scores, two places, two of one scorer's goals)."""
    names: set[tuple[str, ...]] = set()
    team = None
    for m in _RUNNING.finditer(u.text):
        a, b = sorted((int(m.group(1)), int(m.group(2))), reverse=True)
        names.add(("score", f"{a}-{b}"))
        if b == 0:
            names.add(("place", str(a)))  # "3-0": the third goal, whoever counts
    for m in _PLACE.finditer(u.text):
        if m.group("opener"):
            names.add(("place", "1"))
            continue
        if not m.group("goal") and not _SCORING.search(u.text):
            continue  # "the third in the table"
        nth, det, owner = str(_ORDINAL[m.group("nth").lower()]), m.group("det").lower(), m.group("owner")
        if det in ("his", "her"):
            person = nearest_person(u, u.start + m.start(), u.start + m.end())
            if not person:
                return set(), None  # "his second" of no one named here
            names.add(("scorer", next(iter(person)), nth))
        elif owner and any(mm.label == "PERSON" and mm.text.endswith(owner) for mm in u.mentions):
            names.add(("scorer", stem(owner.split()[-1]), nth))
        else:
            names.add(("place", nth))
            team = stem(owner) if owner else team
    if any(sum(n[0] == kind for n in names) > 1 for kind in ("score", "place", "scorer")):
        return set(), None
    return names, team


def goal_facts(units: Sequence[ClaimUnit]) -> list[GoalFact]:
    """Every goal a unit names one way or another and dates, when it names one goal and one time."""
    scores = {tuple(sorted(int(g) for g in m.groups())) for u in units for m in _SCORE.finditer(u.text)}
    whitewash = bool(scores) and all(a == 0 for a, _ in scores)
    if any(_LEGS.search(u.text) for u in units):
        return []
    players = {stem(m.text.split()[-1]) for u in units for m in u.mentions if m.label == "PERSON" and m.text.split()}
    out = []
    for i, u in enumerate(units):
        if u.expected or u.negated or _CHANCE.search(u.text):
            continue
        names, team = _names(u)
        if not whitewash:
            names = {n for n in names if n[0] != "place"}
        times = _times(u.text)
        if names and len(times) == 1:
            half, minutes, m = times[0]
            who = nearest_person(u, u.start + m.start(), u.start + m.end(), players)
            out.append(GoalFact(unit=i, goal=frozenset(names), half=half, minutes=minutes, text=m.group(0), team=team,
                                people=who))
    return out


def _differ(a: GoalFact, b: GoalFact) -> bool:
    if a.half and b.half and a.half != b.half:
        return True
    return bool(a.minutes and b.minutes and (a.minutes[1] + MINUTE_SLACK < b.minutes[0]
                                             or b.minutes[1] + MINUTE_SLACK < a.minutes[0]))


def _label(f: GoalFact) -> str:
    """How the goal is named, the surest name first: "the goal to 3-0", "doué's goal no. 2", "goal no. 3"."""
    names = {n[0]: n for n in f.goal}
    if "score" in names:
        return f"the goal to {names['score'][1]}"
    if "scorer" in names:
        return f"{names['scorer'][1]}'s goal no. {names['scorer'][2]}"
    return f"goal no. {names['place'][1]}"


def goal_contradictions(units: Sequence[ClaimUnit], facts: Sequence[GoalFact], unit_vectors: np.ndarray,
                        published: Mapping[str, str | None] | None = None) -> list[Contradiction]:
    """Contradictions between the times different origins give one goal."""
    published = published or {}
    if len(facts) < 2 or not len(unit_vectors):
        return []
    uv = unit_norm(np.asarray(unit_vectors, dtype=np.float32))
    edges: list[Finding] = []
    related: set[tuple[int, int]] = set()
    for x, a in enumerate(facts):
        for y in range(x + 1, len(facts)):
            b = facts[y]
            ua, ub = units[a.unit], units[b.unit]
            if ua.origin == ub.origin or not a.goal & b.goal or (a.team and b.team and a.team != b.team):
                continue
            if a.minutes and b.minutes and a.people & b.people:
                continue  # one scorer's two minutes: `times` sets them against each other
            context = float(uv[a.unit] @ uv[b.unit])
            if context < CONTEXT_MIN:
                continue
            related.add((x, y))
            if _differ(a, b) and not any(_agrees(f, b) for f in facts if units[f.unit].article == ua.article) \
                    and not any(_agrees(f, a) for f in facts if units[f.unit].article == ub.article):
                edges.append((x, y, BASE * min(1.0, 0.6 + context), "goal"))
    return sorted((_contradiction(units, facts, es, published) for es in link_findings(edges, related)),
                  key=lambda c: -c.confidence)


def _agrees(f: GoalFact, other: GoalFact) -> bool:
    """`f` names `other`'s goal and gives it a time that fits (an article that says both)."""
    return bool(f.goal & other.goal) and not _differ(f, other)


def _contradiction(units: Sequence[ClaimUnit], facts: Sequence[GoalFact], edges: Sequence[Finding],
                   published: Mapping[str, str | None]) -> Contradiction:
    members = sorted({i for e in edges for i in e[:2]}, key=lambda i: (units[facts[i].unit].article, facts[i].unit))
    label = _label(facts[members[0]])
    statements, by_value = cite([(units[facts[i].unit], facts[i].text) for i in members])
    sides = "; ".join(f"{v} ({', '.join(arts)})" for v, arts in by_value.items())
    dates = dates_note([s.article for s in statements], published)
    return Contradiction(kind="time", explanation=f"minute of the match ({label}): {sides}: the sources give "
                                                  f"different times for one goal.",
                         statements=statements, confidence=max(e[2] for e in edges),
                         frame=f"minute of the match: {label}", published=dates)
