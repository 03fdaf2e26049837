"""Stored analyses: one row per story version (`newsprism.analysis.story_version`), with
the versions of the models that made it. Saving a version again replaces it (the models
changed); other versions of the story stay, so that a page shows the last analysis
while the next is computed and a run's report finds the version it was made for."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from newsprism.analysis import StoryAnalysis
from newsprism.store.db import writer
from newsprism.store.tables import StoryAnalysisRow

__all__ = ["AnalysesMixin", "StoredAnalysis"]

log = logging.getLogger("newsprism.store")


@dataclass(slots=True)
class StoredAnalysis:
    analysis: StoryAnalysis
    created_at: datetime
    seconds: float  # how long it took to compute

    @property
    def n_articles(self) -> int:
        return len(self.analysis.articles)


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
            s.add(StoryAnalysisRow(story_id=analysis.story_id, version=analysis.version,
                                   n_articles=len(analysis.articles), models=analysis.models,
                                   document=analysis.to_json(), seconds=seconds, created_at=datetime.now(UTC)))

    def analysis(self, story_id: str, version: str | None = None) -> StoredAnalysis | None:
        """The stored analysis of a story at `version`; without `version`, the latest one.
        One that cannot be read counts as none (and is logged): it is computed again."""
        q = select(StoryAnalysisRow).where(StoryAnalysisRow.story_id == story_id)
        if version is not None:
            q = q.where(StoryAnalysisRow.version == version)
        with Session(self.engine) as s:
            row = s.scalar(q.order_by(StoryAnalysisRow.pk.desc()).limit(1))
            return _stored(row) if row is not None else None

    def latest_analyses(self) -> list[StoredAnalysis]:
        """The latest stored analysis of every story, newest first (for views across
        stories; every analysis is read, so this is for stores of thousands of stories)."""
        latest = select(func.max(StoryAnalysisRow.pk)).group_by(StoryAnalysisRow.story_id)
        with Session(self.engine) as s:
            rows = s.scalars(select(StoryAnalysisRow).where(StoryAnalysisRow.pk.in_(latest))
                             .order_by(StoryAnalysisRow.pk.desc()))
            return [found for row in rows if (found := _stored(row)) is not None]
