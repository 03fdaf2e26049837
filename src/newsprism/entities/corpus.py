"""Across stories: the same person, place or organisation in several stories of a corpus.

Story rosters are linked, not re-resolved: two story entities are one corpus entity when
they have the same type and their canonical names match (`names.compare` level `same`
for people; the same canonical name for the rest). People linked only through a
surname stay apart: with no story context, "Biden" can be Joe or Hunter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from newsprism.entities.names import compare, parse_person, surname_keys
from newsprism.entities.records import EntityRoster
from newsprism.entities.translit import fold

__all__ = ["CorpusEntity", "link_stories"]


@dataclass(slots=True)
class CorpusEntity:
    id: str  # the id of its first story entity
    name: str
    type: str
    members: list[tuple[str, str]] = field(default_factory=list)  # (story id, entity id)


def link_stories(rosters: Mapping[str, EntityRoster]) -> list[CorpusEntity]:
    """Corpus entities over the rosters of several stories (story id -> roster)."""
    out: list[CorpusEntity] = []
    index: dict[tuple[str, str], list[int]] = defaultdict(list)  # (type, block key) -> corpus entities
    for story, roster in rosters.items():
        for e in roster.entities:
            if e.type == "PERSON":
                name = parse_person(e.name)
                blocks = [("PERSON", k) for k in surname_keys(name)] if name.given else []
                found = next((i for b in blocks for i in index[b]
                              if compare(parse_person(out[i].name), name).level == "same"), None)
            else:
                blocks = [(e.type, fold(e.name))]
                found = next((i for b in blocks for i in index[b]), None)
            if found is None:
                out.append(CorpusEntity(id=e.id, name=e.name, type=e.type))
                found = len(out) - 1
                for b in blocks:
                    index[b].append(found)
            out[found].members.append((story, e.id))
    return out
