"""Typed output of the entities stage: canonical entities, their roles, and naming/role conflicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Contradiction", "Entity", "EntityMention", "EntityRoster", "Role", "Statement"]


@dataclass(slots=True)
class Statement:
    article: str
    text: str  # the sentence that states it


@dataclass(slots=True)
class EntityMention:
    article: str
    text: str
    start: int  # offsets into the article's clean text
    end: int
    label: str  # the NLP stage's label
    metonym: bool = False  # a place standing for its government ("Moscow dismissed the offer")
    title: bool = False  # a title-only reference ("the U.S. president"), not a name


@dataclass(slots=True)
class Role:
    """One office as the sources state it; compatible offices are separate Roles of one entity."""

    office: str  # comparable form: "defence minister"
    written: list[str]  # as written: "Minister of Defense", "Defence Minister"
    affiliation: str | None  # country or organisation of the office
    qualifier: str | None  # "former", "acting", "deputy", ...
    statements: list[Statement] = field(default_factory=list)

    @property
    def articles(self) -> list[str]:
        return sorted({s.article for s in self.statements})

    def to_json(self) -> dict[str, Any]:
        return {"office": self.office, "written": self.written, "affiliation": self.affiliation,
                "qualifier": self.qualifier, "articles": self.articles,
                "statements": [{"article": s.article, "text": s.text} for s in self.statements]}


@dataclass(slots=True)
class Entity:
    id: str
    name: str  # canonical: the most complete proper form (the Ukrainian form for Ukrainians)
    type: str  # PERSON, ORG, GPE, LOC, FAC, NORP
    roles: list[Role] = field(default_factory=list)
    affiliation: str | None = None  # the most stated affiliation of its current roles
    variants: dict[str, list[str]] = field(default_factory=dict)  # text as written -> article ids
    mentions: list[EntityMention] = field(default_factory=list)
    country: str | None = None  # places: the country it is in; NORP: the country of the nationality
    metonym_of: str | None = None  # capitals and institutions: the country's government they can mean
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report's `story.entities[]` entry (schema: id, name, type, roles, mentions + extras)."""
        return {
            "id": self.id, "name": self.name, "type": self.type,
            "roles": [r.to_json() for r in self.roles],
            "affiliation": self.affiliation,
            "variants": self.variants,
            "mentions": [{"article": m.article, "text": m.text, "start": m.start, "end": m.end,
                          **({"metonym": True} if m.metonym else {}), **({"title": True} if m.title else {})}
                         for m in self.mentions],
            **({"country": self.country} if self.country else {}),
            **({"metonym_of": self.metonym_of} if self.metonym_of else {}),
            **({"notes": self.notes} if self.notes else {}),
        }


@dataclass(slots=True)
class Contradiction:
    kind: Literal["role", "name"]
    explanation: str
    statements: list[Statement]
    entities: list[str]  # entity ids involved

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "explanation": self.explanation, "entities": self.entities,
                "statements": [{"article": s.article, "text": s.text} for s in self.statements]}


@dataclass(slots=True)
class EntityRoster:
    """What `resolve_entities` returns for one story."""

    entities: list[Entity]
    contradictions: list[Contradiction]
    # per article: entity id -> the variants that article chose
    sources: dict[str, dict[str, list[str]]]

    def by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    def to_json(self) -> dict[str, Any]:
        return {"entities": [e.to_json() for e in self.entities],
                "contradictions": [c.to_json() for c in self.contradictions],
                "sources": self.sources}
