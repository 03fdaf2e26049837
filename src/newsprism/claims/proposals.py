"""A meeting one party only proposed, reported elsewhere as agreed by both, across origins.

`states` leaves "proposed" out as the opposite of "agreed": a proposed acquisition may well
be agreed. A narrower reading holds: one party proposing a meeting or talks for a time
window, against both parties agreeing to the same thing for the same window:

    "Ukraine has proposed holding more talks before the end of June"           Ukraine proposes
    "... as Ukraine and Russia agree to further talks between June 20 and 30"  both agree

A proposal is a named party (a country, body or person the NLP stage names), "proposed",
and the meeting ("proposed to Russia to hold a meeting", "proposed holding more talks"); an
agreement is two named parties ("Ukraine and Russia") or "both sides" / "the parties",
"agree(d) to" or "on", and the meeting. Each needs its window right after the meeting:
"between June 20 and 30", "from 20 to 30 June", "by the end of June" ("of this month" in the
month its article's date gives). The two are one thing when the meeting is one noun
("talks" and "negotiations" are one; "a meeting" of leaders is not "talks"), the windows end
on the same day, the proposing party is one of the agreeing ones, and the sentences are
related. Never compared: negated or forecast wording ("did not agree to", "could agree"),
expectations, a joint proposal ("Ukraine and Russia proposed": both sides' word), and a
pair where either article says both (it was proposed, then agreed).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from newsprism.claims.frames import cite, dates_note, unit_norm
from newsprism.claims.keys import stem
from newsprism.claims.records import ClaimUnit, Contradiction
from newsprism.claims.states import CONFIDENCE, CONTEXT_MIN
from newsprism.disjoint import linked_groups
from newsprism.nlp.news.dates import MONTHS

__all__ = ["ProposalFact", "proposal_contradictions", "proposal_facts"]

WINDOW_CHARS = 60  # how far after the meeting its window may be ("a meeting between Zelenskyy and Putin from June 20")
_PARTY_LABELS = {"GPE", "ORG", "NORP", "PERSON"}
_MEETING = {"talks": "talks", "negotiations": "talks", "meeting": "meeting", "meetings": "meeting",
            "summit": "summit"}
_THING = (r"(?:(?:more|further|another|new|fresh|a|an|the next|a new|a further)\s+)?(?:rounds?\s+of\s+)?"
          r"(?P<noun>" + "|".join(_MEETING) + r")\b")
_NAME = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*"
_AUX = r"(?:(?:have|has|had|also|now|both|each|then|again)\s+)*"
_PROPOSED = re.compile(rf"(?P<who>{_NAME})\s+{_AUX}(?:proposed|proposes)\s+(?:to\s+(?:the\s+)?{_NAME}\s+)?"
                       rf"(?:to\s+)?(?:hold(?:ing)?\s+)?{_THING}")
_AGREED = re.compile(rf"(?:(?P<x>{_NAME})\s+and\s+(?P<y>{_NAME})|(?P<both>[Bb]oth sides|[Tt]he (?:two )?(?:sides|parties)"
                     rf"|[Bb]oth parties))\s+{_AUX}(?:agreed|agree|agrees)\s+(?:to|on)\s+(?:hold(?:ing)?\s+)?{_THING}")
_JOINT = re.compile(r"(?:\band|,)\s*$")
_NEGATED = re.compile(r"\b(?:not|no|never|n't|yet to|refused|declined|failed)\b", re.I)
_MODAL = re.compile(r"\b(?:will|would|could|might|may|shall|expected|set|likely|hope|hoped|hopes|aim|plan|"
                    r"ready|willing)\b", re.I)
_MONTH = r"(?P<{0}>" + "|".join(k for k in MONTHS if len(k) > 3) + r")"
_WINDOWS = [
    re.compile(r"\b(?:between|from)\s+" + _MONTH.format("m1") + r"\s+\d{1,2}(?:st|nd|rd|th)?\s*(?:and|to|until|-|–)\s*"
               r"(?:" + _MONTH.format("m2") + r"\s+)?(?P<d>\d{1,2})\b", re.I),
    re.compile(r"\b(?:between|from)\s+\d{1,2}\s*(?:and|to|until|-|–)\s*(?P<d>\d{1,2})\s+" + _MONTH.format("m2"), re.I),
    re.compile(r"\b(?:by|before)\s+(?:the\s+)?end\s+of\s+(?:" + _MONTH.format("m2") + r"|(?P<this>this|the)\s+month)\b",
               re.I),
]


@dataclass(slots=True)
class ProposalFact:
    unit: int
    agreed: bool  # True: both parties agreed; False: one party proposed
    parties: frozenset[str]  # stems of the parties named; empty for "both sides"
    meeting: str  # "talks" | "meeting" | "summit"
    ends: tuple[int, int]  # (month, day) the window ends
    phrase: str  # as written, from the party to the window


def _window(u: ClaimUnit, text: str) -> tuple[tuple[int, int], int] | None:
    """((month, day) the window ends, its end in `text`) of the first window in `text`."""
    for pattern in _WINDOWS:
        m = pattern.search(text)
        if m is None:
            continue
        groups = m.groupdict()
        if groups.get("this"):  # "by the end of this month": the month of its article's date
            month = next((int(d.value[5:7]) for d in u.dates if d.value and re.fullmatch(r"\d{4}-\d\d", d.value)
                          and "month" in d.text.lower()), None)
            year = next((int(d.value[:4]) for d in u.dates if d.value and d.value[:4].isdigit()), 2001)
            if month is None:
                return None
            return (month, calendar.monthrange(year, month)[1]), m.end()
        month = MONTHS[(groups.get("m2") or groups.get("m1") or "").lower().rstrip(".")]
        day = int(groups["d"]) if groups.get("d") else calendar.monthrange(2001, month)[1]
        return (month, day), m.end()
    return None


def _named(u: ClaimUnit, text: str) -> str | None:
    """The stem of the party `text` names, when the NLP stage names it (not "We", "He")."""
    for m in u.mentions:
        if m.label in _PARTY_LABELS and m.text.split() and (m.text in text or text.endswith(m.text.split()[-1])):
            return stem(m.text.split()[-1])
    return None


def proposal_facts(units: Sequence[ClaimUnit]) -> list[ProposalFact]:
    """Every meeting a unit says one party proposed or both agreed to, for a window."""
    out = []
    for i, u in enumerate(units):
        if u.expected:
            continue
        for agreed, pattern in ((True, _AGREED), (False, _PROPOSED)):
            for m in pattern.finditer(u.text):
                lead = u.text[max(0, m.start() - 30):m.start()] + " " + u.text[m.start():m.end()]
                if _NEGATED.search(lead) or _MODAL.search(u.text[m.start():m.end()]) \
                        or _MODAL.search(u.text[max(0, m.start() - 30):m.start()]):
                    continue
                window = _window(u, u.text[m.end():m.end() + WINDOW_CHARS])
                if window is None:
                    continue
                if agreed and not m.group("both"):
                    x, y = _named(u, m.group("x")), _named(u, m.group("y"))
                    if not x or not y or x == y:
                        continue
                    parties = frozenset({x, y})
                elif agreed:
                    parties = frozenset()
                else:
                    who = _named(u, m.group("who"))
                    if not who or _JOINT.search(u.text[:m.start()]):
                        continue  # "Ukraine and Russia proposed": a joint proposal is both sides' word
                    parties = frozenset({who})
                out.append(ProposalFact(unit=i, agreed=agreed, parties=parties, meeting=_MEETING[m.group("noun")],
                                        ends=window[0], phrase=u.text[m.start():m.end() + window[1]]))
    return out


def proposal_contradictions(units: Sequence[ClaimUnit], facts: Sequence[ProposalFact], unit_vectors: np.ndarray,
                            published: Mapping[str, str | None] | None = None) -> list[Contradiction]:
    """Contradictions between a meeting one party proposed and both agreed to; findings that
    share a fact form one contradiction."""
    published = published or {}
    if len(facts) < 2 or not len(unit_vectors):
        return []
    uv = unit_norm(np.asarray(unit_vectors, dtype=np.float32))
    said = {(units[f.unit].article, f.meeting, f.agreed) for f in facts}  # (article, meeting, agreed): it says so

    def links() -> Iterator[tuple[int, int, float]]:
        for x, a in enumerate(facts):
            for y, b in enumerate(facts):
                if not (a.agreed and not b.agreed):
                    continue  # x agreed, y proposed
                ua, ub = units[a.unit], units[b.unit]
                if ua.origin == ub.origin or a.meeting != b.meeting or a.ends != b.ends:
                    continue
                if a.parties and not b.parties <= a.parties:
                    continue  # the proposing party is not one of the agreeing ones
                if (ua.article, a.meeting, False) in said or (ub.article, b.meeting, True) in said:
                    continue  # an article that tells both: proposed, then agreed
                if float(uv[a.unit] @ uv[b.unit]) >= CONTEXT_MIN:
                    # the finding rests on one meeting noun, one window's end and the proposer among the
                    # agreeing parties, not on how alike the sentences read: flat, as `states` rates its
                    # narrow rows (the one dev pair, istanbul-talks C5, has cosine 0.47, just over the
                    # floor `states.CONTEXT_MIN`)
                    yield x, y, CONFIDENCE

    return sorted((_contradiction(units, [facts[i] for i in members], best, published)
                   for members, best in linked_groups(len(facts), links())), key=lambda c: -c.confidence)


def _contradiction(units: Sequence[ClaimUnit], members: Sequence[ProposalFact], confidence: float,
                   published: Mapping[str, str | None]) -> Contradiction:
    ordered = sorted(members, key=lambda f: (not f.agreed, units[f.unit].article, f.unit))
    statements, by_phrase = cite([(units[f.unit], f"{'+' if f.agreed else '-'}{f.phrase}") for f in ordered])
    said = " against only proposed: ".join(
        "; ".join(f"“{p[1:]}” ({', '.join(a)})" for p, a in by_phrase.items() if p[0] == side) for side in "+-")
    dates = dates_note([s.article for s in statements], published)
    when = f" (reported at different times: {', '.join(f'{k} {v}' for k, v in sorted(dates.items()))})" if dates else ""
    return Contradiction(kind="state", explanation=f"agreed or proposed: agreed: {said}{when}.",
                         statements=statements, confidence=confidence, frame="agreed or proposed", published=dates)
