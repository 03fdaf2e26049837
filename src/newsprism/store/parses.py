"""Stored parses: one blob per (clean-text hash, parse version), as `newsprism.nlp.stored`
writes it; the store keeps the bytes and never reads inside them. Saving is idempotent:
a key already stored keeps its first blob (two writers of one parse made the same
bytes), unless the caller names it in `replacing` (its stored blob could not be read)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from newsprism.store.db import writer
from newsprism.store.tables import ParseRow

__all__ = ["ParsesMixin"]

# keys per `IN (...)` query and rows per insert: well under SQLite's 32,766 bound
# parameters and PostgreSQL's 65,535, and a few MB of blobs per statement
CHUNK = 500


def _chunks(keys: list[str]) -> Iterable[list[str]]:
    return (keys[i:i + CHUNK] for i in range(0, len(keys), CHUNK))


class ParsesMixin:
    """Stored-parse methods of `Store` (they need only `self.engine`)."""

    engine: Engine

    def parses(self, keys: Iterable[str], *, version: str) -> dict[str, bytes]:
        """The stored blobs of `keys` (clean-text hashes) made under `version`; a key
        without one is absent."""
        out: dict[str, bytes] = {}
        with Session(self.engine) as s:
            for chunk in _chunks(sorted(set(keys))):
                out.update(s.execute(select(ParseRow.content_hash, ParseRow.data)
                                     .where(ParseRow.version == version, ParseRow.content_hash.in_(chunk))).all())
        return out

    def save_parses(self, blobs: Mapping[str, bytes], *, version: str, replacing: Collection[str] = ()) -> int:
        """Keep `blobs` (clean-text hash -> blob) under `version`, in one transaction. A key
        already stored is left as it is, unless it is in `replacing`. Returns how many rows
        were written."""
        if not blobs:
            return 0
        now = datetime.now(UTC)
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        written = 0
        with Session(writer(self.engine)) as s, s.begin():
            for chunk in _chunks(sorted(set(replacing) & set(blobs))):
                s.execute(delete(ParseRow).where(ParseRow.version == version, ParseRow.content_hash.in_(chunk)))
            for chunk in _chunks(sorted(blobs)):
                rows = [{"content_hash": k, "version": version, "data": blobs[k], "created_at": now} for k in chunk]
                written += len(s.scalars(insert(ParseRow).on_conflict_do_nothing(
                    index_elements=["content_hash", "version"]).returning(ParseRow.content_hash), rows).all())
        return written

    def prune_parses(self, *, keep: str) -> int:
        """Delete the parses of every version but `keep`; returns how many."""
        with Session(writer(self.engine)) as s, s.begin():
            return s.execute(delete(ParseRow).where(ParseRow.version != keep)).rowcount or 0

    def parse_sizes(self, *, version: str) -> tuple[int, int]:
        """How many parses `version` has stored, and their bytes in all."""
        with Session(self.engine) as s:
            n, size = s.execute(select(func.count(), func.coalesce(func.sum(func.length(ParseRow.data)), 0))
                                .where(ParseRow.version == version)).one()
            return int(n), int(size)
