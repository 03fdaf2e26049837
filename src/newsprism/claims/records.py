"""Typed records of the claims stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from newsprism.nlp.document import DateExpr, Mention, Number, Quote

__all__ = ["ClaimGroup", "ClaimUnit", "Contradiction", "Statement"]

ClaimStatus = Literal["consensus", "single", "disputed"]
ContradictionKind = Literal["number", "role", "name", "quote", "negation", "time", "state"]


@dataclass(slots=True)
class ClaimUnit:
    """One sentence (or clause of a compound sentence) of one article: the smallest thing
    that can be stated, corroborated or contradicted."""

    article: str
    origin: str  # near-duplicate group (stories stage): support counts these, not articles
    text: str
    start: int
    end: int
    position: float = 0.0  # where in the article, 0 (lead) .. 1 (end)
    mentions: list[Mention] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)
    dates: list[DateExpr] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    modality: list[str] = field(default_factory=list)
    speaker: str | None = None  # who the sentence attributes its content to, if anyone

    @property
    def negated(self) -> bool:
        return "negated" in self.modality

    def statement(self) -> Statement:
        """This unit as a cited statement of a contradiction."""
        return Statement(article=self.article, text=self.text, start=self.start, end=self.end)

    @property
    def expected(self) -> bool:
        """An expectation, possibility or question, not a reported outcome. (Hedged wording,
        "appear", "reportedly", still reports what is: it can contradict.)"""
        return bool({"future", "conditional", "question"} & set(self.modality))


@dataclass(slots=True)
class Statement:
    article: str
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Contradiction:
    kind: ContradictionKind
    explanation: str
    statements: list[Statement]
    confidence: float  # 0..1; the report's headline list keeps those above a cut
    frame: str | None = None  # what the statements are about, in plain words ("people killed")
    entities: list[str] = field(default_factory=list)  # entity ids (role and name conflicts)
    published: dict[str, str] = field(default_factory=dict)  # article -> publication date, when it explains a change

    def to_report(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "explanation": self.explanation,
            "confidence": round(self.confidence, 3),
            "statements": [{"article": s.article, "text": s.text, "start": s.start, "end": s.end}
                           for s in self.statements],
        }
        if self.frame:
            out["frame"] = self.frame
        if self.entities:
            out["entities"] = self.entities
        if self.published:
            out["published"] = self.published
        return out


@dataclass(slots=True)
class ClaimGroup:
    """Claim units of a story's articles that state the same thing."""

    id: str
    units: list[ClaimUnit]
    status: ClaimStatus = "single"
    cohesion: float = 1.0  # mean pairwise alignment score inside the group
    anchored: bool = False  # a name or figure shared across groups: supporting evidence, its units also sit elsewhere

    @property
    def text(self) -> str:
        """A representative wording: the unit closest to the others (the medoid is chosen
        when the group is built; the first unit is it)."""
        return self.units[0].text

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(u.article for u in self.units))

    @property
    def origins(self) -> list[str]:
        return list(dict.fromkeys(u.origin for u in self.units))

    def to_report(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "status": self.status,
            "sources": self.sources,
            "origins": self.origins,
            "evidence": [{"article": u.article, "text": u.text, "start": u.start, "end": u.end}
                         for u in self.units],
            "anchored": self.anchored,
        }
