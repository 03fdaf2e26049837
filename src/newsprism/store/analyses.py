"""Stored analyses: one row per story version (`newsprism.analysis.story_version`), with
the versions of the models that made it. Saving a version again replaces it (the models
changed); other versions of the story stay, so that a page shows the last analysis
while the next is computed and a run's report finds the version it was made for."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, Select, delete, func, select
from sqlalchemy.orm import Session

from newsprism.analysis import StoryAnalysis, words
from newsprism.store.db import writer
from newsprism.store.tables import AnalysisContradictionRow, AnalysisEntityRow, StoryAnalysisRow

__all__ = ["AnalysesMixin", "StoredAnalysis", "StoredFinding"]

log = logging.getLogger("newsprism.store")


@dataclass(slots=True)
class StoredAnalysis:
    analysis: StoryAnalysis
    created_at: datetime
    seconds: float  # how long it took to compute

    @property
    def n_articles(self) -> int:
        return len(self.analysis.articles)


@dataclass(slots=True)
class StoredFinding:
    """An entity or a contradiction of a story's latest analysis, for views across stories:
    `detail` is `StoryAnalysis.entity_views()`'s entry or the contradiction's report entry."""

    story_id: str
    analysed_at: datetime
    name: str  # the entity's canonical name, or the contradiction's kind
    type: str  # the entity's type; "contradiction"
    detail: dict


def _utc(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # SQLite drops the zone


def _spelling_field(spellings: dict[str, list[str]]) -> str:
    return "|" + "|".join(" ".join(words(s)) for s in spellings) + "|"


def _stored(row: StoryAnalysisRow) -> StoredAnalysis | None:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)  # SQLite drops it
    try:
        return StoredAnalysis(StoryAnalysis.from_json(row.document), created, row.seconds)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # written by another version, or damaged
        log.warning("stored analysis of story %s (version %s) cannot be read, ignored: %s: %s", row.story_id,
                    row.version[:12], type(exc).__name__, exc)
        return None


class AnalysesMixin:
    """Stored-analysis methods of `Store` (they need only `self.engine`)."""

    engine: Engine

    def save_analysis(self, analysis: StoryAnalysis, *, seconds: float = 0.0) -> None:
        """Keep `analysis` as its story's analysis at its version (replacing one made
        before at that version)."""
        with Session(writer(self.engine)) as s, s.begin():
            s.execute(delete(StoryAnalysisRow).where(StoryAnalysisRow.story_id == analysis.story_id,
                                                     StoryAnalysisRow.version == analysis.version))
            row = StoryAnalysisRow(story_id=analysis.story_id, version=analysis.version,
                                   n_articles=len(analysis.articles), models=analysis.models,
                                   document=analysis.to_json(), seconds=seconds, created_at=datetime.now(UTC))
            s.add(row)
            s.flush()
            s.add_all(AnalysisEntityRow(analysis_pk=row.pk, story_id=analysis.story_id, name=v["name"],
                                        type=v["type"], spellings=_spelling_field(v["spellings"]), detail=v)
                      for v in analysis.entity_views())
            s.add_all(AnalysisContradictionRow(analysis_pk=row.pk, story_id=analysis.story_id, kind=c.kind,
                                               detail=c.to_report()) for c in analysis.contradictions)

    def analysis(self, story_id: str, version: str | None = None) -> StoredAnalysis | None:
        """The stored analysis of a story at `version`; without `version`, the latest one.
        One that cannot be read counts as none (and is logged): it is computed again."""
        q = select(StoryAnalysisRow).where(StoryAnalysisRow.story_id == story_id)
        if version is not None:
            q = q.where(StoryAnalysisRow.version == version)
        with Session(self.engine) as s:
            row = s.scalar(q.order_by(StoryAnalysisRow.pk.desc()).limit(1))
            return _stored(row) if row is not None else None

    def analysed_count(self) -> int:
        """Stories with a stored analysis."""
        with Session(self.engine) as s:
            return s.scalar(select(func.count(func.distinct(StoryAnalysisRow.story_id)))) or 0

    def latest_entities(self, *, name: str = "", detail: bool = True) -> list[StoredFinding]:
        """The entities of every story's latest analysis, newest analysis first; with `name`,
        those with a spelling holding all its words (a superset: `analysis.names` decides).
        Without `detail`, only names and types are read (`detail` is empty)."""
        e = AnalysisEntityRow
        q = (select(e.story_id, StoryAnalysisRow.created_at, e.name, e.type, e.detail if detail else e.pk)
             .join(StoryAnalysisRow, StoryAnalysisRow.pk == e.analysis_pk)
             .where(e.analysis_pk.in_(_latest())).order_by(e.analysis_pk.desc(), e.pk))
        for w in words(name):
            q = q.where(e.spellings.contains(w, autoescape=True))
        with Session(self.engine) as s:
            return [StoredFinding(sid, _utc(at), n, t, d if detail else {}) for sid, at, n, t, d in s.execute(q)]

    def latest_contradictions(self, *, kind: str = "") -> list[StoredFinding]:
        """The contradictions of every story's latest analysis (optionally of one `kind`),
        newest analysis first."""
        c = AnalysisContradictionRow
        q = (select(c.story_id, StoryAnalysisRow.created_at, c.kind, c.detail)
             .join(StoryAnalysisRow, StoryAnalysisRow.pk == c.analysis_pk)
             .where(c.analysis_pk.in_(_latest())).order_by(c.analysis_pk.desc(), c.pk))
        if kind:
            q = q.where(c.kind == kind)
        with Session(self.engine) as s:
            return [StoredFinding(sid, _utc(at), k, "contradiction", d) for sid, at, k, d in s.execute(q)]


def _latest() -> Select[tuple[int]]:
    """The primary keys of every story's latest analysis."""
    return select(func.max(StoryAnalysisRow.pk)).group_by(StoryAnalysisRow.story_id)
