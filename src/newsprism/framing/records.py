"""Typed output of the framing stage: the story's sides and one profile per article."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["SOURCE_FIELDS", "Side", "Signal", "SourceProfile"]


@dataclass(slots=True)
class Side:
    """One of the story's opposing parties: a country (or organisation) and the entities that speak
    or act for it (its people, its capital and institutions, its nationality)."""

    name: str
    members: list[str]  # entity ids
    weight: int  # mentions of its members in the story


@dataclass(slots=True)
class Signal:
    """One piece of evidence: a span of the article and what it says about a side."""

    kind: str  # "blame", "credit", "victim", "loaded", or a persuasion technique
    text: str
    start: int
    end: int
    side: str | None  # the side it is about; None when it targets no side
    score: float  # signed contribution to that side's stance (0 for untargeted techniques)
    quoted: bool = False  # inside a quotation: the article gives it voice, not its own
    cue: str = ""  # the predicate or term that carries it

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end,
                "side": self.side, "score": round(self.score, 3), "cue": self.cue, **({"quoted": True} if self.quoted else {})}


@dataclass(slots=True)
class SourceProfile:
    article: str
    stance: dict[str, float]  # side (or entity) name -> [-1, 1]
    signals: list[Signal] = field(default_factory=list)  # stance evidence (blame, credit, victim, loaded)
    loaded_terms: list[Signal] = field(default_factory=list)  # loaded language and persuasion techniques
    voices: dict[str, int] = field(default_factory=dict)  # side name (or "other", "unattributed") -> quotes
    speakers: dict[str, int] = field(default_factory=dict)  # speaker as resolved -> quotes
    naming: dict[str, list[str]] = field(default_factory=dict)  # entity name -> variants this article chose
    omitted_claims: list[dict[str, Any]] = field(default_factory=list)  # {id, text} consensus claims not reported

    def to_report(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "stance": {k: round(v, 3) for k, v in self.stance.items()},
            "loaded_terms": [s.to_json() for s in self.loaded_terms],
            "voices": self.voices,
            "speakers": self.speakers,
            "naming": self.naming,
            "omitted_claims": self.omitted_claims,
            "evidence": [s.to_json() for s in self.signals],
        }


SOURCE_FIELDS = ("article", "stance", "loaded_terms", "voices", "naming", "omitted_claims")
