"""Outcomes and states compared across every origin of a story.

A state fact is one unit saying that something is in one of two opposite states: a
museum open or closed, a deal agreed or not (only proposed, no agreement), a cause ruled
out or still investigated, a name changed or kept, a verdict guilty or not, a patient in
critical or stable condition, an event held or called off, a cause stated ("triggered by a
rare atmospheric phenomenon") or not found / ruled out. ("Confirmed" / "denied" is
left out: on the dev stories it paired what one side confirmed with what the other denied.)
Each state is read from a small table of the phrases news uses for it, with "not", "no"
and "never" before the phrase flipping it ("not to change" keeps the name).

Two state facts conflict when they come from different origins, neither is an
expectation, they put the same thing in opposite states, and they are about the same
thing: the words around the two phrases share a content word ("the museum", "its name",
"a ceasefire"; "cyber attack" and "cyberattack" are one word) and the sentences are
related. States change with time ("remains closed" on Monday, "reopened" on Wednesday),
so each article's date is shown when the dates differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from newsprism.claims.frames import cite, dates_note, unit_norm
from newsprism.claims.keys import STOPWORDS, stem
from newsprism.claims.records import ClaimUnit, Contradiction
from newsprism.disjoint import linked_groups

__all__ = ["StateFact", "state_contradictions", "state_facts"]

# (state, phrases for one side, phrases for the other). Written as regexes over the lower-cased
# unit; a phrase of the second side is the first side negated in words of its own.
STATES: list[tuple[str, str, str]] = [
    # "opened" alone is a daily opening hour as often as a reopening: only "reopened" counts
    ("open", r"reopen(?:s|ed)?|back open|opened (?:again|its doors)",
     r"(?:remains?|remained|stays?|was|were|is|are) closed|closed (?:to the public|its doors)|shut (?:down|its doors)"),
    # "proposed" is not the opposite of "agreed" (a proposed acquisition may be agreed); "no agreement" is
    ("agreed", r"agreed to|(?:have|has|had) agreed|reached (?:an? )?(?:agreement|deal)|accepted (?:the|a)",
     r"no \W?agreement|rejected|refused to"),
    ("ruled out", r"ruled out|excluded|dismissed the possibility",
     r"investigat\w* (?:into )?whether|to see if|probe into whether|no hypothesis"),
    ("name", r"chang\w* (?:its|the|(?:\w+ ){0,2}\w+'s)(?: \w+)? name|renam\w*",
     r"(?:retain|keep)\w* (?:its|the|(?:\w+ ){0,2}\w+'s)(?: \w+)? name"),
    ("verdict", r"found guilty|convicted", r"acquitted|found not guilty"),
    ("condition", r"critical condition|in critical", r"stable condition|in stable"),
    ("held", r"went ahead|took place|was held|were held", r"postponed|called off|cancell?ed"),
    # a cause stated against the same cause not found or ruled out; compared on the cause's own
    # words only (`_NARROW`): "caused by a gas leak" says nothing of "no explosives were found"
    ("cause", r"(?:triggered|caused|sparked) by",
     r"no (?:[\w-]+ ){1,5}(?:was|were|has been|have been|had been) (?:detected|found|observed|recorded)"
     r"|ruled out (?:a |an |any )?"),
]
_NARROW = {"cause": 4}  # state: words after the phrase that name what is in that state (none before it)
# narrow rows name the thing itself: two of its words in common stand in for most of the sentence
# cosine ("no unusual meteorological or atmospheric phenomena" / "a rare atmospheric phenomenon": 0.36)
NARROW_SHARED, NARROW_CONTEXT_MIN = 2, 0.3
_ASKED = re.compile(r"\b(?:whether|if|investigat\w*|probe|examin\w*|look(?:ing)? into)\b(?:\W+\w+){0,6}\W*$")
_NEGATION = re.compile(r"\b(?:not|no|never|n't|without)\s+(?:\w+\s+){0,2}$")
# a forecast's own words just before a state phrase; a sentence marked as a forecast for another
# of its clauses ("there was no agreement ..., he said the truce would take effect") still reports
_MODAL = re.compile(r"\b(?:will|would|could|might|may|shall|to be|expected to|set to|likely to)\b(?:\s+\w+){0,3}\s*$")
_WORD = re.compile(r"[^\W\d_]+|\d+", re.U)
WINDOW = 8  # words after a state phrase that say what is in that state ("remains closed after thieves")
CONTEXT_MIN = 0.45  # cosine of the two sentences: as for figures (frames.CONTEXT_MIN), a little stricter
CONFIDENCE = 0.6
_STATE_WORDS = frozenset(stem(w) for _, a, b in STATES for w in re.findall(r"[a-z]{4,}", a + " " + b))
_PHRASES = [(state, value, re.compile(rf"\b(?:{pattern})\b"))
            for state, yes, no in STATES for value, pattern in ((True, yes), (False, no))]


@dataclass(slots=True)
class StateFact:
    unit: int
    state: str  # the table's name: "open", "agreed", ...
    value: bool  # True: the first side of the table ("open"), False: the second ("closed")
    phrase: str  # as written
    about: frozenset[str]  # content stems around the phrase, and compounds joined ("cyber attack": cyberattack)


def _about(words: Sequence[str]) -> frozenset[str]:
    content = [w.lower() for w in words if w.lower() not in STOPWORDS and (len(w) > 2 or w.isdigit())]
    keys = {stem(w) for w in content if stem(w) not in _STATE_WORDS}
    keys |= {stem(a + b) for a, b in zip(content, content[1:], strict=False)}
    return frozenset(keys)


def state_facts(units: Sequence[ClaimUnit]) -> list[StateFact]:
    """Every state a unit states of what happened (forecasts left out)."""
    out = []
    for i, u in enumerate(units):
        text = u.text.lower().replace("’", "'")
        for state, value, phrase in _PHRASES:
            for m in phrase.finditer(text):
                if u.expected and _MODAL.search(text[max(0, m.start() - 40):m.start()]):
                    continue  # "will retain its name": a forecast (the sentence may report more)
                if state in _NARROW and value and _ASKED.search(text[max(0, m.start() - 60):m.start()]):
                    continue  # "to see if they were caused by a cyberattack": asked, not stated
                flipped = _NEGATION.search(text[max(0, m.start() - 25):m.start()]) is not None
                before = _WORD.findall(text[:m.start()])[-5:] if state not in _NARROW else []
                after = _WORD.findall(text[m.end():])[:_NARROW.get(state, WINDOW)]
                if state in _NARROW and m.group(0).startswith("no "):
                    after = []  # "no unusual atmospheric phenomena were detected": the phrase names it
                own = _WORD.findall(m.group(0))  # "change US Steel's company name": what changes
                end = m.end()
                if state in _NARROW and after:  # "triggered by a rare atmospheric phenomenon": say what
                    end += re.match(rf"(?:\W*\w+){{{len(after)}}}", text[m.end():]).end()
                out.append(StateFact(unit=i, state=state, value=value != flipped, phrase=u.text[m.start():end],
                                     about=_about(before + own + after)))
    return out


def state_contradictions(units: Sequence[ClaimUnit], facts: Sequence[StateFact], unit_vectors: np.ndarray,
                         published: Mapping[str, str | None] | None = None) -> list[Contradiction]:
    """Contradictions between units that put one thing in opposite states; findings that
    share a fact form one contradiction ("agreed (A, B) against no agreement (C)")."""
    published = published or {}
    if len(facts) < 2 or not len(unit_vectors):
        return []
    uv = unit_norm(np.asarray(unit_vectors, dtype=np.float32))

    def links() -> Iterator[tuple[int, int, float]]:
        for x, a in enumerate(facts):
            for y in range(x + 1, len(facts)):
                b = facts[y]
                ua, ub = units[a.unit], units[b.unit]
                if a.state != b.state or a.value == b.value or ua.origin == ub.origin or not a.about & b.about:
                    continue
                context = float(uv[a.unit] @ uv[b.unit])
                narrow = a.state in _NARROW
                if context < (NARROW_CONTEXT_MIN if narrow else CONTEXT_MIN) or (
                        narrow and len(a.about & b.about) < NARROW_SHARED):
                    continue
                # a narrow finding rests on the shared words of the thing itself, not on the sentences
                yield x, y, CONFIDENCE if narrow else CONFIDENCE * min(1.0, 0.5 + context)

    return sorted((_contradiction(units, [facts[i] for i in members], best, published)
                   for members, best in linked_groups(len(facts), links())), key=lambda c: -c.confidence)


def _contradiction(units: Sequence[ClaimUnit], members: Sequence[StateFact], confidence: float,
                   published: Mapping[str, str | None]) -> Contradiction:
    ordered = sorted(members, key=lambda f: (not f.value, units[f.unit].article, f.unit))
    # one phrase may stand on both sides ("agreed to" / "had not agreed to"): keyed with its side
    statements, by_phrase = cite([(units[f.unit], f"{'+' if f.value else '-'}{f.phrase.lower()}") for f in ordered])
    said = " against ".join("; ".join(f"“{p[1:]}” ({', '.join(a)})" for p, a in by_phrase.items() if p[0] == side)
                            for side in "+-")
    dates = dates_note([s.article for s in statements], published)
    when = f" (reported at different times: {', '.join(f'{k} {v}' for k, v in sorted(dates.items()))})" if dates else ""
    return Contradiction(kind="state", explanation=f"{members[0].state}: {said}{when}.", statements=statements,
                         confidence=confidence, frame=members[0].state, published=dates)
