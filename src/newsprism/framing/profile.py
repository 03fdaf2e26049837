"""One framing profile per article of a story: stance per side with its evidence, loaded terms,
voices per side, naming choices and the consensus claims the article leaves out."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from newsprism.claims.records import ClaimGroup
from newsprism.entities.records import Entity, EntityRoster
from newsprism.entities.translit import fold
from newsprism.framing.lexicon import load_lexicon
from newsprism.framing.records import Side, Signal, SourceProfile
from newsprism.framing.sides import detect_sides
from newsprism.framing.stance import SideSpan, clause_signals, loaded_signals, stance_scores
from newsprism.nlp.document import AnnotatedDocument

__all__ = ["ENTITY_TARGETS", "Framing", "frame_story"]

# Source selection frames too: every quote of a side's speaker counts this much toward that side.
# Chosen on the dev stories: 0.15 lifts the June 2025 Istanbul round from 0.00 to 0.77 (0.10: 0.38; 0.20-0.25:
# 0.77); the sample keeps Spearman 1.00 and its extremes up to 0.20 (at 0.25, 001 and 002 tie).
VOICE = 0.15
ENTITY_TARGETS = 3  # without two sides, stance is scored toward the story's most-mentioned actors


@dataclass(slots=True)
class Framing:
    sides: list[Side]  # empty when the story has no two opposing parties
    targets: list[Side]  # what stance is scored toward: the sides, else the main actors
    profiles: list[SourceProfile]

    def to_report(self) -> list[dict]:
        return [p.to_report() for p in self.profiles]


def frame_story(docs: Sequence[AnnotatedDocument], roster: EntityRoster,
                claims: Sequence[ClaimGroup] = (), parsed: Sequence | None = None) -> Framing:
    """Profiles of `docs` (one story). `parsed`: the spaCy docs of `doc.text`, parsed here if absent."""
    if parsed is None:
        from newsprism.nlp.pipeline import parse_texts

        parsed = list(parse_texts([d.text for d in docs]))
    sides = detect_sides(roster, docs)
    targets = sides or _main_actors(roster)
    member_of = {m: t.name for t in targets for m in t.members}
    entities = roster.by_id()
    lexicon = load_lexicon()
    profiles = []
    for doc, pdoc in zip(docs, parsed, strict=True):
        spans: list[SideSpan] = [(m.start, m.end, member_of[e.id]) for e in roster.entities if e.id in member_of
                                 for m in e.mentions if m.article == doc.id]
        quoted = [(q.start, q.end) for q in doc.quotes]
        stance_sigs = clause_signals(pdoc, spans, lexicon, quoted)
        loaded = loaded_signals(doc, pdoc, spans, lexicon, quoted)
        voices, speakers, voiced = _voices(doc, roster, spans, member_of)
        targeted = stance_sigs + [s for s in loaded if s.score] + voiced
        profiles.append(SourceProfile(
            article=doc.id,
            stance=stance_scores(targeted, [t.name for t in targets]),
            signals=sorted(targeted, key=lambda s: s.start),
            loaded_terms=loaded,
            voices=voices,
            speakers=speakers,
            naming=_naming(doc.id, roster, entities),
            omitted_claims=[{"id": c.id, "text": c.text} for c in claims
                            if c.status == "consensus" and doc.id not in c.sources],
        ))
    return Framing(sides=sides, targets=targets, profiles=profiles)


def _main_actors(roster: EntityRoster) -> list[Side]:
    actors = sorted((e for e in roster.entities if e.type in ("PERSON", "ORG") and len(e.mentions) >= 3),
                    key=lambda e: -len(e.mentions))
    return [Side(name=e.name, members=[e.id], weight=len(e.mentions)) for e in actors[:ENTITY_TARGETS]]


def _voices(doc: AnnotatedDocument, roster: EntityRoster, spans: Sequence[SideSpan],
            member_of: dict[str, str]) -> tuple[dict[str, int], dict[str, int], list[Signal]]:
    """Quotes per side (by the speaker's mention, else the speaker's name among the roster's
    variants), "other" for speakers of no side, "unattributed" for none; speakers by name; and a
    `voice` signal (VOICE toward the side) for every quote of a side's speaker."""
    by_variant = {v.lower(): member_of.get(e.id) for e in roster.entities for v in e.variants}
    voices: Counter[str] = Counter()
    speakers: Counter[str] = Counter()
    voiced: list[Signal] = []
    for q in doc.quotes:
        if q.speaker is None:
            voices["unattributed"] += 1
            continue
        speakers[q.speaker] += 1
        side = None
        if q.speaker_start is not None and q.speaker_end is not None:
            side = next((s for a, b, s in spans if a < q.speaker_end and q.speaker_start < b), None)
        side = side or by_variant.get(q.speaker.lower())
        voices[side or "other"] += 1
        if side:
            voiced.append(Signal("voice", doc.text[q.start:q.end], q.start, q.end, side, VOICE, True, q.speaker))
    return dict(voices), dict(speakers), voiced


_WORD = re.compile(r"\w+")


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text))


def _respelt(a: str, b: str) -> bool:
    """Two spellings of one word: same initial, similar letters, not a plural or a diacritic."""
    a, b = fold(a), fold(b)
    if a == b or a[:1] != b[:1] or a.rstrip("s") == b.rstrip("s") or min(len(a), len(b)) < 4:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.5


def _meaningful(variants: Sequence[str]) -> bool:
    """Variants carry meaning when one word is spelt two ways (Kiev/Kyiv, Vladimir/Volodymyr
    Zelensky, Türkiye/Turkey); not a short and a full form, a plural or an abbreviation."""
    words = [_words(v) for v in variants]
    return any(_respelt(x, y) for i, a in enumerate(words) for b in words[i + 1:] for x in a - b for y in b - a)


def _naming(article: str, roster: EntityRoster, entities: dict[str, Entity]) -> dict[str, list[str]]:
    out = {}
    for eid, chosen in roster.sources.get(article, {}).items():
        entity = entities.get(eid)
        if entity is not None and _meaningful(list(entity.variants)):
            out[entity.name] = sorted(chosen)
    return out
