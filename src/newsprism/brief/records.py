"""Typed output of the brief: cited sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Brief", "BriefSentence"]

Kind = Literal["consensus", "disputed", "single", "coverage"]


@dataclass(slots=True)
class BriefSentence:
    text: str
    citations: list[str]  # article ids
    kind: Kind
    evidence: list[str] = field(default_factory=list)  # the cited sources' wording it rests on
    extract: str | None = None  # the sources' own sentence, when `text` is a checked rewrite of it

    def to_report(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "citations": self.citations, "kind": self.kind}
        if self.extract is not None:
            out["extract"] = self.extract
        return out


@dataclass(slots=True)
class Brief:
    sentences: list[BriefSentence]

    @property
    def words(self) -> int:
        return sum(len(s.text.split()) for s in self.sentences)

    def to_report(self) -> dict[str, Any]:
        return {"sentences": [s.to_report() for s in self.sentences]}

    def markdown(self, number: dict[str, int]) -> str:
        """Sentences with their citations as [n], `number` giving each article's number."""
        return " ".join(f"{s.text} {''.join(f'[{number[a]}]' for a in s.citations)}" for s in self.sentences)
