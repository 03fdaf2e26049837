"""Stored alerts: each kept once per key (a rule raising it again adds nothing), newest
first for the Atom feed, and marked when the webhook has taken them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from newsprism.models import Alert
from newsprism.store.db import writer
from newsprism.store.tables import AlertRow

__all__ = ["AlertsMixin"]


def _alert(row: AlertRow) -> Alert:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return Alert(row.key, row.rule, row.story_id, row.title, row.summary, created.isoformat(timespec="seconds"),
                 dict(row.details))


class AlertsMixin:
    """Alert methods of `Store` (they need only `self.engine`)."""

    engine: Engine

    def add_alerts(self, alerts: Sequence[Alert]) -> list[Alert]:
        """Keep the alerts whose key is new; returns those (with their time)."""
        if not alerts:
            return []
        now = datetime.now(UTC)
        rows = list({a.key: {"key": a.key, "rule": a.rule, "story_id": a.story_id, "title": a.title,
                             "summary": a.summary, "details": a.details, "created_at": now} for a in alerts}.values())
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        with Session(writer(self.engine)) as s, s.begin():
            added = set(s.scalars(insert(AlertRow).on_conflict_do_nothing(index_elements=["key"])
                                  .returning(AlertRow.key), rows).all())
        out = []
        for a in alerts:
            if a.key in added:
                added.discard(a.key)  # an alert listed twice is new once
                out.append(replace(a, created_at=now.isoformat(timespec="seconds")))
        return out

    def alerts(self, *, limit: int = 100) -> list[Alert]:
        """The latest alerts, newest first."""
        with Session(self.engine) as s:
            return [_alert(r) for r in s.scalars(select(AlertRow).order_by(AlertRow.pk.desc()).limit(limit))]

    def undelivered_alerts(self, *, limit: int = 100) -> list[Alert]:
        """Alerts the webhook has not taken yet, oldest first."""
        with Session(self.engine) as s:
            return [_alert(r) for r in s.scalars(select(AlertRow).where(AlertRow.delivered_at.is_(None))
                                                 .order_by(AlertRow.pk).limit(limit))]

    def mark_delivered(self, keys: Sequence[str]) -> None:
        if keys:
            with Session(writer(self.engine)) as s, s.begin():
                s.execute(update(AlertRow).where(AlertRow.key.in_(list(keys))).values(delivered_at=datetime.now(UTC)))
