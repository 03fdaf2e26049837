"""An extractive story brief: what happened (claims backed by the most origins first), what is
disputed (both statements, with who says them), what only one source reports, and how the
coverage differs. Sentences are the sources' own sentences (the unit's whole sentence) with
their citations; only the labels around them ("Reported by one source only:") are ours.

    >>> brief = compose_brief(docs, claims, framing)          # doctest: +SKIP
    >>> brief.sentences[0].text, brief.sentences[0].citations  # doctest: +SKIP
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from newsprism.brief.records import Brief, BriefSentence
from newsprism.claims import HEADLINE, StoryClaims
from newsprism.claims.records import ClaimGroup, ClaimUnit
from newsprism.framing import Framing, load_lexicon
from newsprism.nlp.document import AnnotatedDocument

__all__ = ["MAX_WORDS", "compose_brief", "overlap"]

MAX_WORDS = 250
# word budgets of the parts (the rest of MAX_WORDS goes to the coverage line)
CONSENSUS_WORDS, DISPUTED_WORDS, SINGLE_WORDS = 140, 60, 30
MIN_WORDS, MAX_SENTENCE_WORDS = 6, 45
REDUNDANT = 0.35  # word Jaccard above which a sentence repeats one already chosen
LEAN = 0.1  # |stance(A) - stance(B)| above which an article leans toward a side

# a reader needs what did not happen as much as what did, and sources say it in passing
NEGATED_BONUS = 8
NEW_PERSON = 1.5  # naming a person the brief has not named yet counts like 1.5 more origins (once per sentence)
VAGUE = 1.0  # a sentence naming no person, giving no figure and denying nothing counts like one origin fewer
_PRONOUNS = frozenset("He She They It This That These Those His Her Its Their".split())
_WORD = re.compile(r"[\w’']+")
_STOP = frozenset("a an the of to in on at for and or but by with as is are was were be been has have had "
                  "that this it its their his her from said says will would".split())


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _STOP


def overlap(sentence: str, evidence: Sequence[str]) -> float:
    """Share of the sentence's content words found in its best-matching piece of evidence."""
    words = _words(sentence)
    if not words:
        return 0.0
    return max((len(words & _words(e)) / len(words) for e in evidence), default=0.0)


def _jaccard(a: str, b: str) -> float:
    x, y = _words(a), _words(b)
    return len(x & y) / len(x | y) if x | y else 0.0


class _Sentences:
    def __init__(self, docs: Sequence[AnnotatedDocument]) -> None:
        self.docs = {d.id: d for d in docs}
        self.starts = {d.id: [s.start for s in d.sentences] for d in docs}

    def around(self, article: str, start: int, fallback: str) -> str:
        doc = self.docs.get(article)
        k = bisect_right(self.starts.get(article, []), start) - 1
        if doc is None or k < 0:
            return fallback.strip()
        return doc.text[doc.sentences[k].start:doc.sentences[k].end].strip()

    def of(self, unit: ClaimUnit) -> tuple[str, list[str]]:
        """The whole sentence a unit belongs to, and its modality."""
        doc = self.docs[unit.article]
        k = bisect_right(self.starts[unit.article], unit.start) - 1
        if k < 0:
            return unit.text, unit.modality
        s = doc.sentences[k]
        return doc.text[s.start:s.end].strip(), s.modality


def _people(unit: ClaimUnit) -> set[str]:
    return {m.text.split()[-1].lower() for m in unit.mentions if m.label == "PERSON" and m.text.split()}


def _usable(text: str, modality: Sequence[str]) -> bool:
    n = len(text.split())
    return (MIN_WORDS <= n <= MAX_SENTENCE_WORDS and text.split()[0] not in _PRONOUNS and text[-1:] in ".!?”\"'’" and text[:1].isupper()
            and not {"future", "conditional", "hedged", "question"} & set(modality)
            and not load_lexicon().loaded_in(text) and "|" not in text)


def _best(group: ClaimGroup, sents: _Sentences) -> tuple[str, ClaimUnit] | None:
    """The group's shortest usable sentence, where one that also says what did not happen ("no
    ceasefire accord was achieved") counts NEGATED_BONUS words shorter."""
    options = []
    for u in group.units:
        text, modality = sents.of(u)
        negated = "negated" in modality
        if (u.mentions or u.numbers or negated) and _usable(text, modality):
            options.append((len(text.split()) - NEGATED_BONUS * negated, text, u))
    return min(options, key=lambda o: o[0])[1:] if options else None


def compose_brief(docs: Sequence[AnnotatedDocument], claims: StoryClaims, framing: Framing | None = None,
                  max_words: int = MAX_WORDS) -> Brief:
    sents = _Sentences(docs)
    chosen: list[BriefSentence] = []

    def fits(text: str, budget: int, kind: str) -> bool:
        used = sum(len(s.text.split()) for s in chosen if s.kind == kind)
        return used + len(text.split()) <= budget and all(_jaccard(text, s.text) <= REDUNDANT for s in chosen)

    # (group, sentence, unit, people it names, worth before the new-person bonus)
    candidates: list[tuple[ClaimGroup, str, ClaimUnit, set[str], float]] = []
    for g in claims.claims:
        if len(g.origins) < 2 or g.anchored or (best := _best(g, sents)) is None:
            continue
        text, unit = best
        people = _people(unit)
        vague = not (people or unit.numbers or "negated" in sents.of(unit)[1])
        candidates.append((g, text, unit, people, len(g.origins) - VAGUE * vague))
    named: set[str] = set()
    # greedy: support first, a new person named counts extra, a vague sentence less; at equal worth the
    # shorter sentence (it leaves room for another fact), then the earlier one
    while candidates:
        g, text, unit, people, _ = max(candidates, key=lambda c: (c[4] + NEW_PERSON * min(1, len(c[3] - named)),
                                                                 -len(c[1].split()), -c[2].position))
        candidates = [c for c in candidates if c[0] is not g]
        if people and people <= named:
            continue  # a second sentence about the same people: the budget goes to other facts
        if fits(text, CONSENSUS_WORDS, "consensus"):
            chosen.append(BriefSentence(text, g.sources, "consensus", [u.text for u in g.units] + [text]))
            named |= people
    chosen.sort(key=lambda b: -len({a for a in b.citations}))  # strongest support first
    for c in sorted((c for c in claims.contradictions if c.confidence >= HEADLINE), key=lambda c: -c.confidence):
        a, b = (sents.around(st.article, st.start, st.text) for st in c.statements[:2])
        if _jaccard(a, b) > 0.6:
            continue
        text = f"Accounts differ: “{a}” against “{b}”"
        if fits(text, DISPUTED_WORDS, "disputed"):
            chosen.append(BriefSentence(text, list(dict.fromkeys(st.article for st in c.statements[:2])),
                                        "disputed", [a, b]))
    singles = sorted((g for g in claims.claims if len(g.origins) == 1 and any(u.numbers or u.mentions
                                                                             for u in g.units)),
                     key=lambda g: g.units[0].position)
    for g in singles:
        best = _best(g, sents)
        if best is None:
            continue
        text = f"Reported by one source only: {best[0]}"
        if fits(text, SINGLE_WORDS, "single"):
            chosen.append(BriefSentence(text, g.sources, "single", [best[0]]))
    if framing is not None and (line := _coverage(framing)) is not None:
        if sum(len(s.text.split()) for s in chosen) + len(line.text.split()) <= max_words:
            chosen.append(line)
    return Brief(chosen)


def _coverage(framing: Framing) -> BriefSentence | None:
    """"Coverage differs: ... leans toward A; ... toward B." from the framing profiles; its
    evidence is the profiles' signal spans."""
    if len(framing.sides) != 2:
        return None
    a, b = (s.name for s in framing.sides)
    lean: dict[str, list[str]] = {a: [], b: []}
    evidence = []
    for p in framing.profiles:
        d = p.stance.get(a, 0.0) - p.stance.get(b, 0.0)
        if abs(d) > LEAN:
            lean[a if d > 0 else b].append(p.article)
            evidence += [s.text for s in p.signals]
    if not lean[a] and not lean[b]:
        return None
    parts = [f"{len(arts)} of {len(framing.profiles)} sources lean toward {side}"
             for side, arts in lean.items() if arts]
    return BriefSentence("Coverage differs: " + "; ".join(parts) + ".", lean[a] + lean[b], "coverage", evidence)
