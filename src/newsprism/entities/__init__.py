"""Entities stage: the mentions of a story's documents -> canonical entities, roles, conflicts.

    >>> from newsprism.entities import resolve_entities
    >>> roster = resolve_entities(docs)        # docs: AnnotatedDocument of one story
    >>> roster.entities, roster.contradictions, roster.sources

`report_entities(roster)` gives the report's `story.entities[]` entries and
`report_contradictions(roster)` its `story.contradictions[]` entries;
`link_stories(rosters)` links the entities of several stories across the corpus.

Wiring (not done yet: `annotate()` has no committed models at the time of writing). Once
the NLP stage is stable, the report builder adds, per story:

    docs = [annotate(a) for a in story_articles]           # or nlp.annotate_many
    roster = resolve_entities(docs, story_articles)
    story["entities"] = report_entities(roster)
    story["contradictions"] += report_contradictions(roster)

`roster.sources` (article -> entity id -> variants chosen) is what the framing stage
reads for naming choices. Offsets already index each article's clean text.
"""

from __future__ import annotations

from newsprism.entities.corpus import CorpusEntity, link_stories
from newsprism.entities.names import NameMatch, PersonName, compare, parse_person
from newsprism.entities.places import load_places
from newsprism.entities.records import Contradiction, Entity, EntityMention, EntityRoster, Role, Statement
from newsprism.entities.report import report_contradictions, report_entities
from newsprism.entities.resolve import resolve_entities

__all__ = [
    "Contradiction", "CorpusEntity", "Entity", "EntityMention", "EntityRoster", "NameMatch", "PersonName", "Role",
    "Statement", "compare", "link_stories", "load_places", "parse_person", "report_contradictions",
    "report_entities", "resolve_entities",
]
