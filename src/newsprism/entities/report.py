"""The report's view of an `EntityRoster`: `story.entities[]` and `story.contradictions[]` entries."""

from __future__ import annotations

from typing import Any

from newsprism.entities.records import EntityRoster

__all__ = ["report_contradictions", "report_entities"]


def report_entities(roster: EntityRoster) -> list[dict[str, Any]]:
    """`story.entities[]`: id, name, type, roles, mentions (spans into clean text) + affiliation,
    variants (text -> article ids) and, per entity, which articles chose which variant."""
    return [e.to_json() for e in roster.entities]


def report_contradictions(roster: EntityRoster) -> list[dict[str, Any]]:
    """`story.contradictions[]` entries of kind role and name: kind, explanation, statements."""
    return [c.to_json() for c in roster.contradictions]
