"""Contradictions between aligned claim units of different origins.

Kinds found here (`number` comes from `frames`, `role` and `name` from the entities stage):
- negation: two aligned statements, one negated, the other not;
- quote: the same speaker's words reported with opposite polarity in two sources
  (quote drift: "I don't respect ..." against "cited respect for ...");
- time: aligned statements that date the same thing to different days.

Expectations (future, conditional, hedged) are not outcomes, so they never contradict a
report of what happened. Every finding carries a confidence; the report's headline list
keeps those at or above `HEADLINE`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsprism.claims.align import Alignment
from newsprism.claims.keys import stem
from newsprism.claims.records import ClaimUnit, Contradiction
from newsprism.clean.metadata import shorten

__all__ = ["HEADLINE", "find_contradictions"]

HEADLINE = 0.5
QUOTED_CHARS = 90  # a statement quoted in an explanation, cut at a word boundary (`shorten`), never mid-word
RELATED = 0.62  # pair score above which two units are about the same matter (numbers, quotes)
NEGATION_MIN_JACCARD = 0.3
# A negation cue in one of two aligned sentences is weak evidence on its own: on the dev stories
# and dev-conflicts (make eval claims, 2026-12-02) 1 of 6 headline negation findings was a keyed
# conflict, the others paraphrases ("Canary Islands, ... located" / "Canary Islands in the
# Atlantic"). They stay below the headline until a sentence-pair model confirms them.
NEGATION_MAX = 0.45
NEAR_PARAPHRASE = 0.85


def _speaker_key(name: str | None) -> str | None:
    if not name or not name.split():
        return None
    return stem(name.split()[-1])[:5]


# Pure negators only: "denied the request" and "rejected the request" say the same thing,
# so negative predicates count at sentence level (modality), not as a flip of one word.
_NEG_CUE = re.compile(r"\b(?:not|never|no|nor|without|n['’]t|don['’]t|doesn['’]t|didn['’]t|won['’]t|cannot)\b",
                      re.I)
_TOKEN = re.compile(r"[\w'’]+")


# Verbs that deny what follows them: "refused to attend" and "opted not to attend" agree, and
# "the Kremlin's refusal to engage seriously" agrees with "the Russians don't appear serious".
_REFUSAL = re.compile(r"(?:refus|declin|reject|fail|avoid|den[iy])\w*", re.I)


def _negated_keys(u: ClaimUnit) -> set[str]:
    """Content keys under a negation cue or a refusal (within the four words before them:
    "opted not to attend in person")."""
    toks = _TOKEN.findall(u.text)
    out = set()
    for i, t in enumerate(toks):
        if any(_NEG_CUE.fullmatch(x) or _REFUSAL.fullmatch(x) or x.lower().endswith(("n't", "n’t"))
               for x in toks[max(0, i - 4):i]):
            out.add(stem(t))
    return out


def _polarity_finding(a: ClaimUnit, b: ClaimUnit, score: float, keys: tuple[set[str], set[str]],
                      negated: tuple[set[str], set[str]]) -> Contradiction | None:
    """`keys`: the two units' content keys; `negated`: their keys under a negation cue."""
    if a.expected or b.expected:
        return None
    ja, jb = keys
    shared = {k for k in ja & jb if not k.startswith(("#", "@"))}
    flipped = {k for k in shared if (k in negated[0]) != (k in negated[1])}
    if not flipped and (a.negated == b.negated or score < NEAR_PARAPHRASE):
        # without a flip on a shared word, a negative clause somewhere in one of two
        # related sentences is too weak a sign unless the two say nearly the same thing
        return None
    if flipped:  # the polarity flips on a word both state: the strongest signal
        neg_a = any(k in negated[0] for k in flipped)
        a_neg, b_neg = neg_a, not neg_a
    else:
        a_neg, b_neg = a.negated, b.negated
    ka, kb = _speaker_key(a.speaker), _speaker_key(b.speaker)
    neg, pos = (a, b) if a_neg and not b_neg else (b, a)
    words = [w for w in _TOKEN.findall(pos.text) if stem(w) in flipped]
    about = f" on “{words[0]}”" if words else ""
    if ka and ka == kb:
        return Contradiction(
            kind="quote",
            explanation=f"{a.speaker or b.speaker} is reported with opposite meaning{about}: {neg.article} has "
                        f"the negative (“{shorten(neg.text, QUOTED_CHARS)}”), {pos.article} the positive (“{shorten(pos.text, QUOTED_CHARS)}”).",
            statements=[a.statement(), b.statement()],
            confidence=min(0.9, 0.45 + 0.3 * score),
        )
    overlap = len(ja & jb) / len(ja | jb) if ja and jb else 0.0
    if overlap < NEGATION_MIN_JACCARD:
        return None
    return Contradiction(
        kind="negation",
        explanation=f"{neg.article} negates what {pos.article} states{about}: “{shorten(neg.text, QUOTED_CHARS)}” against "
                    f"“{shorten(pos.text, QUOTED_CHARS)}”.",
        statements=[a.statement(), b.statement()],
        confidence=min(NEGATION_MAX, 0.2 + 0.3 * score + 0.3 * overlap),
    )


def _time_finding(a: ClaimUnit, b: ClaimUnit) -> Contradiction | None:
    # only days the text states: a relative day ("on Tuesday") resolved against each article's
    # own publication date would pit two publication dates against each other
    days_a = {d.value for d in a.dates if d.value and len(d.value) == 10 and not d.relative}
    days_b = {d.value for d in b.dates if d.value and len(d.value) == 10 and not d.relative}
    if not days_a or not days_b or days_a & days_b or a.expected or b.expected:
        return None
    return Contradiction(
        kind="time",
        explanation=f"{a.article} dates it to {', '.join(sorted(days_a))}, {b.article} to {', '.join(sorted(days_b))}.",
        statements=[a.statement(), b.statement()],
        confidence=0.45,
    )


def find_contradictions(units: Sequence[ClaimUnit], alignment: Alignment) -> list[Contradiction]:
    """Contradictions between units of different origins, strongest first, one per kind and
    pair of claim groups (see `_merge`)."""
    group_of = alignment.primary_group()
    found: dict[tuple[str, int, int], Contradiction] = {}
    negated: dict[int, set[str]] = {}

    def negated_keys(i: int) -> set[str]:
        if i not in negated:
            negated[i] = _negated_keys(units[i])
        return negated[i]

    for (i, j), score in alignment.pair_scores.items():
        a, b = units[i], units[j]
        if a.origin == b.origin:
            continue
        grouped = group_of[i] == group_of[j]
        if not grouped and score < RELATED:
            continue
        findings: list[Contradiction] = []
        if grouped or score >= RELATED:
            polarity = _polarity_finding(a, b, score, (alignment.keys[i], alignment.keys[j]),
                                         (negated_keys(i), negated_keys(j)))
            if polarity and (grouped or polarity.kind == "quote"):
                findings.append(polarity)
        if grouped and (t := _time_finding(a, b)):
            findings.append(t)
        gi, gj = sorted((group_of[i], group_of[j]))
        for f in findings:
            _merge(found, (f.kind, gi, gj), f)
    return sorted(found.values(), key=lambda c: -c.confidence)


def _merge(found: dict[tuple[str, int, int], Contradiction], key: tuple[str, int, int], f: Contradiction) -> None:
    """One finding per kind and pair of claim groups: a figure disputed by six sources is
    one contradiction with six statements, not fifteen pairwise ones."""
    old = found.get(key)
    if old is None or (f.kind != "number" and f.confidence > old.confidence):
        found[key] = f  # polarity and time findings: the strongest pair speaks for the pair of groups
        return
    if f.kind != "number":
        return
    seen = {(s.article, s.start) for s in old.statements}
    extra = [s for s in f.statements if (s.article, s.start) not in seen]
    if not extra:
        old.confidence = max(old.confidence, f.confidence)
        return
    old.statements.extend(extra)
    if f.confidence > old.confidence:
        old.confidence = f.confidence
    if f.kind == "number":
        old.explanation = "The sources give figures that do not agree: " + "; ".join(
            f"{s.article}: “{shorten(s.text, 80)}”" for s in old.statements) + "."
