"""Feed-watching state: each feed's validators and last poll, and the entries taken
from it (by the sha256 of their key), so that a restarted watcher fetches with the
last validators and takes no entry twice."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from newsprism.models import FeedState
from newsprism.store.db import writer
from newsprism.store.tables import FeedEntryRow, FeedRow

__all__ = ["FeedsMixin"]


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class FeedsMixin:
    """Feed-state methods of `Store` (they need only `self.engine`)."""

    engine: Engine

    def feed_state(self, url: str) -> FeedState:
        """The state of a feed (a fresh one for a feed never polled)."""
        with Session(self.engine) as s:
            row = s.get(FeedRow, url)
            if row is None:
                return FeedState(url)
            polled = row.polled_at.replace(tzinfo=UTC) if row.polled_at and not row.polled_at.tzinfo else row.polled_at
            return FeedState(url, row.etag, row.last_modified, polled.isoformat() if polled else None, row.status,
                             row.error, row.entries)

    def untaken_entries(self, url: str, keys: Sequence[str]) -> list[str]:
        """The keys among `keys` (in their order) that no poll of `url` has taken yet."""
        hashes = {k: _hash(k) for k in keys}
        taken: set[str] = set()
        with Session(self.engine) as s:
            values = list(set(hashes.values()))
            for i in range(0, len(values), 500):
                taken.update(s.scalars(select(FeedEntryRow.key_hash).where(
                    FeedEntryRow.feed_url == url, FeedEntryRow.key_hash.in_(values[i:i + 500]))))
        return [k for k in dict.fromkeys(keys) if hashes[k] not in taken]

    def record_poll(self, state: FeedState, taken: Sequence[str] = ()) -> None:
        """Save a poll's outcome and the entries it took, in one transaction."""
        now = datetime.now(UTC)
        with Session(writer(self.engine)) as s, s.begin():
            row = s.get(FeedRow, state.url)
            if row is None:
                row = FeedRow(url=state.url, entries=0)
                s.add(row)
            row.etag, row.last_modified, row.polled_at = state.etag, state.last_modified, now
            row.status, row.error = state.status, state.error
            if taken:
                insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
                rows = [{"feed_url": state.url, "key_hash": h, "taken_at": now}
                        for h in dict.fromkeys(_hash(k) for k in taken)]
                added = s.execute(insert(FeedEntryRow).on_conflict_do_nothing(
                    index_elements=["feed_url", "key_hash"]).returning(FeedEntryRow.pk), rows).all()
                row.entries = (row.entries or 0) + len(added)
