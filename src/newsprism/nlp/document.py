"""Typed output of the NLP stage: what `annotate(article)` returns.

Every `start`/`end` is a character offset into `AnnotatedDocument.text`, the article's
clean text, so later stages can cite the exact span. `to_json()` is the shape
`newsprism annotate FILE --json OUT` writes (see DESIGN.md); `from_json` reads it back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# Sentence modality tags; a sentence may carry several, none means plain assertion.
Modality = Literal["reported", "hedged", "conditional", "future", "negated", "question"]


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    modality: list[str] = field(default_factory=list)
    tense: str | None = None  # "past" | "present" | "future", from the main verb


@dataclass(slots=True)
class Mention:
    """A named-entity mention, with the role the text gives it where it gives one."""

    text: str
    label: str  # PERSON, ORG, GPE, LOC, FAC, NORP
    start: int
    end: int
    role: str | None = None  # office as written, e.g. "Foreign Minister", "Presidential Aide"
    affiliation: str | None = None  # country or organisation of that office, e.g. "Turkey"
    qualifier: str | None = None  # "former", "acting", "deputy", ...; None when plain


@dataclass(slots=True)
class Quote:
    text: str  # the quoted words (direct) or the reported clause (indirect)
    speaker: str | None  # the speaker's name as resolved; None when unattributed
    start: int
    end: int
    direct: bool
    speaker_start: int | None = None  # span of the speaker expression the quote hangs on
    speaker_end: int | None = None


@dataclass(slots=True)
class Number:
    text: str
    value: float | None  # normalised; the lower bound for ranges
    unit: str | None  # what is counted: "prisoners", "hours", "%", "USD", ...
    qualifier: str | None  # "about", "at least", "at most", "more than", "less than", "range"
    start: int
    end: int
    upper: float | None = None  # the upper bound of a range
    # what the figure is about, from the parse: the counted noun's lemma with its modifiers
    # ("piece jewelry", "people"; None when the figure counts no noun) and the verb or
    # adjective that governs it ("steal", "kill", "injured"); claims compare figures by these
    counted: str | None = None
    predicate: str | None = None


@dataclass(slots=True)
class DateExpr:
    text: str
    value: str | None  # ISO 8601 date, month ("2022-04"), year, or duration ("P3Y"); None if unresolved
    start: int
    end: int
    relative: bool = False  # resolved against the publication date
    zone: str | None = None  # for a time of day: "UTC", "CET", "local", ... as written after it
    # what happened then, read off the parse: the governing verb and the common nouns of its event
    # ("the outage began at 1033 GMT": "begin", "outage"); claims compare times of one event only
    predicate: str | None = None
    about: str | None = None
    past: bool = False  # the verb is in a past tense: something that happened, even inside a forecast


@dataclass(slots=True)
class AnnotatedDocument:
    id: str
    text: str
    published: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)
    dates: list[DateExpr] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnnotatedDocument:
        """The document `to_json` wrote; raises `KeyError`/`TypeError` on another shape."""
        return cls(id=data["id"], text=data["text"], published=data["published"],
                   sentences=[Sentence(**x) for x in data["sentences"]],
                   mentions=[Mention(**x) for x in data["mentions"]],
                   quotes=[Quote(**x) for x in data["quotes"]],
                   numbers=[Number(**x) for x in data["numbers"]],
                   dates=[DateExpr(**x) for x in data["dates"]])
