"""The queue of stories to analyse again, claimed one at a time in the database.

`enqueue_stories` marks stories whose articles changed (an ingest, `add`, a feed poll).
A worker takes one with `claim_story`, which no other worker can take at the same time:
on PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED` then an update in one transaction; on
SQLite one `UPDATE ... WHERE state = 'queued'` inside a `BEGIN IMMEDIATE` transaction
(writers are serialised, so the second worker sees the row already taken). A story
that changes while a worker computes it is marked `again` and queued once more when the
worker finishes. A claim older than `LEASE` (its worker died) may be taken again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, func, or_, select, update
from sqlalchemy.orm import Session

from newsprism.store.db import writer
from newsprism.store.tables import StoryQueueRow

__all__ = ["LEASE", "QueueEntry", "QueueMixin"]

# A claim is presumed dead after this long. Analysing one story took 40-77 s on a loaded
# 2-core machine (issue 14); a quarter of an hour leaves room for a story ten times larger.
LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 3  # a story that failed this often stays `failed` until it changes again


@dataclass(slots=True)
class QueueEntry:
    story_id: str
    state: str  # queued | computing | failed
    queued_at: datetime
    claimed_at: datetime | None
    claimed_by: str | None
    attempts: int
    error: str | None


def _utc(t: datetime | None) -> datetime | None:
    return t.replace(tzinfo=UTC) if t is not None and t.tzinfo is None else t  # SQLite drops the zone


def _entry(row: StoryQueueRow) -> QueueEntry:
    return QueueEntry(row.story_id, row.state, _utc(row.queued_at) or row.queued_at, _utc(row.claimed_at),
                      row.claimed_by, row.attempts, row.error)


class QueueMixin:
    """Work-queue methods of `Store` (they need only `self.engine`)."""

    engine: Engine

    def enqueue_stories(self, story_ids: Iterable[str]) -> int:
        """Mark stories to be analysed again; returns how many were not queued already."""
        ids = sorted(set(story_ids))
        if not ids:
            return 0
        now = datetime.now(UTC)
        added = 0
        with Session(writer(self.engine)) as s, s.begin():
            rows = {r.story_id: r for r in s.scalars(select(StoryQueueRow).where(StoryQueueRow.story_id.in_(ids))
                                                     .with_for_update())}
            for sid in ids:
                row = rows.get(sid)
                if row is None:
                    s.add(StoryQueueRow(story_id=sid, state="queued", again=False, queued_at=now, attempts=0))
                    added += 1
                elif row.state == "computing":
                    row.again = True
                elif row.state == "failed":  # it changed: worth another try
                    row.state, row.attempts, row.error, row.queued_at = "queued", 0, None, now
                    added += 1
        return added

    def claim_story(self, worker: str) -> str | None:
        """Take the longest-queued story for `worker` (or one whose claim expired); None
        when there is nothing to do. Two workers never hold the same story."""
        now = datetime.now(UTC)
        ready = or_(StoryQueueRow.state == "queued",
                    (StoryQueueRow.state == "computing") & (StoryQueueRow.claimed_at < now - LEASE))
        with Session(writer(self.engine)) as s, s.begin():
            pick = select(StoryQueueRow.story_id).where(ready).order_by(StoryQueueRow.queued_at,
                                                                        StoryQueueRow.story_id).limit(1)
            if self.engine.dialect.name == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            story_id = s.scalar(pick)
            if story_id is None:
                return None
            taken = s.execute(update(StoryQueueRow).where(StoryQueueRow.story_id == story_id, ready).values(
                state="computing", claimed_at=now, claimed_by=worker, again=False,
                attempts=StoryQueueRow.attempts + 1))
            return story_id if taken.rowcount == 1 else None

    def finish_story(self, story_id: str, worker: str, *, error: str | None = None) -> None:
        """`worker` is done with `story_id`: the entry goes away, or is queued again when
        the story changed meanwhile; with `error`, it is queued again until it has failed
        `MAX_ATTEMPTS` times. A worker whose claim was taken over changes nothing."""
        now = datetime.now(UTC)
        with Session(writer(self.engine)) as s, s.begin():
            row = s.get(StoryQueueRow, story_id)
            if row is None or row.state != "computing" or row.claimed_by != worker:
                return
            if row.again:
                row.state, row.again, row.attempts, row.error, row.queued_at = "queued", False, 0, None, now
            elif error is not None:
                row.state = "failed" if row.attempts >= MAX_ATTEMPTS else "queued"
                row.error = error[:2000]
            else:
                s.execute(delete(StoryQueueRow).where(StoryQueueRow.story_id == story_id))

    def queue_entry(self, story_id: str) -> QueueEntry | None:
        with Session(self.engine) as s:
            row = s.get(StoryQueueRow, story_id)
            return _entry(row) if row is not None else None

    def queue_counts(self) -> dict[str, int]:
        """Entries by state."""
        with Session(self.engine) as s:
            return dict(s.execute(select(StoryQueueRow.state, func.count()).group_by(StoryQueueRow.state)).all())
