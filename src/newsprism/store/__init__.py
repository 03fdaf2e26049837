"""The only stage that touches the database.

`Store(url)` opens (and migrates) a SQLite or PostgreSQL database. A run records
every input item: a stored article (deduplicated by the hash of its clean text) or
a rejection with its reason. Items are written in batches, one transaction each, so
a crash mid-batch loses only the uncommitted batch and leaves the database
consistent; re-running the same inputs adds no article twice.

No item can fail its batch: when the database refuses a batch because of one item (a
lone surrogate, a NUL byte or an over-long field the backend cannot hold), the batch is
written again one item at a time, each under a savepoint, and every item the database
refuses is recorded as a rejection (stage `store`, reason `store-error`) while the
others are stored. Several processes may share one database (see `newsprism.store.db`).

The store loads and saves; it runs no stage. Beyond runs and articles (here): the story
index's members (`stories`), pages of stories and articles (`browse`), full-text search
(`search`), stored analyses per story version (`analyses`), the queue of stories to
analyse (`queue`), feed-watching state (`feeds`), alerts (`alerts`) and articles' parses
per model version (`parses`), each a mixin of `Store` in its own module.

Errors:

    StoreError    the database cannot be opened, migrated or used (bad URL, server
                  down, unsupported backend, a failure that is not one item's fault)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import uuid4

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, StatementError
from sqlalchemy.orm import Session

from newsprism.models import Article, Rejection, Removed
from newsprism.store.alerts import AlertsMixin
from newsprism.store.analyses import AnalysesMixin, StoredAnalysis
from newsprism.store.browse import BrowseMixin, StoredStory, StoryMemberView
from newsprism.store.db import DATABASE_ERRORS, StoreError, create_db_engine, migrate, writer
from newsprism.store.feeds import FeedsMixin
from newsprism.store.liveness import Heartbeat, is_dead, this_process
from newsprism.store.parses import ParsesMixin
from newsprism.store.queue import QueueEntry, QueueMixin
from newsprism.store.stories import IndexConflict, StoredIndex, StoryIndexMixin
from newsprism.store.tables import ArticleRow, RunItemRow, RunRow

__all__ = [
    "DATABASE_ERRORS",
    "IndexConflict",
    "QueueEntry",
    "RunItem",
    "RunSummary",
    "SaveResult",
    "Store",
    "StoreError",
    "StoredAnalysis",
    "StoredIndex",
    "StoredStory",
    "StoryMemberView",
    "create_db_engine",
    "migrate",
]

log = logging.getLogger("newsprism.store")

STORE_ERROR = "store-error"  # rejection reason of an item the database refused
# A batch that hits a PostgreSQL deadlock or serialization failure (two processes
# inserting the same articles) is tried again this many times before the run fails.
RETRIES = 5


@dataclass(slots=True)
class RunItem:
    """One input item of a run, in input order: its report id and what became of it."""

    id: str
    article: Article | None
    rejection: Rejection | None


@dataclass(slots=True)
class RunSummary:
    id: int
    status: str  # running | done | failed | interrupted
    inputs: list[str]
    n_ok: int
    n_new: int
    n_rejected: int
    started_at: datetime
    finished_at: datetime | None


@dataclass(slots=True)
class SaveResult:
    """What one `Store.save` did: articles new to the store, and the rejections it
    recorded for articles the database refused (reason `store-error`)."""

    new: int
    rejected: list[Rejection] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC)


def _printable(value: object, limit: int) -> str:
    """`value` as text any backend stores: NULs and lone surrogates written as escapes, capped."""
    text = str(value).replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _describe(exc: BaseException) -> str:
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first = (str(cause).strip().splitlines() or [""])[0]
    return _printable(f"{type(cause).__name__}: {first}", 500)


# Column lengths PostgreSQL enforces (SQLite stores any length).
_LIMITS = {"id": 2048, "source": 512, "published": 64, "language": 16}


def _diagnose(item: Article | Rejection, backend: str) -> list[str]:
    """Which fields of `item` a database cannot hold, in words: the likely reasons it was refused."""
    found = []
    for name in ("id", "origin", "source", "title", "url", "published", "language", "text", "stage", "reason",
                 "detail"):
        value = getattr(item, name, None)
        if not isinstance(value, str):
            continue
        bad = next((i for i, ch in enumerate(value) if "\ud800" <= ch <= "\udfff"), None)
        if bad is not None:
            found.append(f"{name} holds a lone surrogate (U+{ord(value[bad]):04X} at {bad})")
        if backend == "postgresql" and "\x00" in value:
            found.append(f"{name} holds a NUL byte (at {value.index(chr(0))})")
        if backend == "postgresql" and name in _LIMITS and len(value) > _LIMITS[name]:
            found.append(f"{name} is {len(value)} characters long, more than {_LIMITS[name]}")
    return found


def _item_error(exc: BaseException) -> bool:
    """Whether `exc` is the database refusing an item's values (as opposed to the database
    being unreachable, locked or out of space, which no item causes)."""
    if isinstance(exc, OperationalError | InterfaceError):
        return False
    return isinstance(exc, StatementError | ValueError | TypeError | OverflowError)


def _transient(exc: BaseException) -> bool:
    """A conflict between concurrent writers that a retry resolves."""
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return isinstance(exc, OperationalError) and code in ("40P01", "40001")  # deadlock, serialization


def _row_to_article(row: ArticleRow, article_id: str | None = None) -> Article:
    return Article(
        id=article_id or row.article_id,
        origin=row.origin,
        source=row.source,
        title=row.title,
        text=row.text,
        url=row.url,
        published=row.published,
        language=row.language,
        word_count=row.word_count,
        content_hash=row.content_hash,
        removed=[Removed(**r) for r in row.removed],
        problems=list(row.problems),
    )


class Store(StoryIndexMixin, BrowseMixin, AnalysesMixin, QueueMixin, FeedsMixin, AlertsMixin, ParsesMixin):
    """Typed access to the database; nothing outside this package issues SQL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_db_engine(url)
        self._heartbeats: dict[int, Heartbeat] = {}
        migrate(self.engine)
        try:
            self.mark_interrupted()
        except Exception as exc:  # a read-only role or a busy database: the next start tries again
            log.warning("could not check for interrupted runs: %s", _describe(exc))

    def close(self) -> None:
        for beat in self._heartbeats.values():
            beat.stop()
        self._heartbeats.clear()
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs ------------------------------------------------------------------
    def begin_run(self, inputs: Sequence[str]) -> int:
        host, pid, pid_start = this_process()
        now = _now()
        with Session(writer(self.engine)) as s, s.begin():
            run = RunRow(
                started_at=now, inputs=list(inputs), status="running", n_ok=0, n_new=0, n_rejected=0,
                host=host, pid=pid, pid_start=pid_start, heartbeat_at=now,
            )
            s.add(run)
            s.flush()
            run_id = run.id
        self._heartbeats[run_id] = Heartbeat(lambda: self._beat(run_id))
        return run_id

    def _beat(self, run_id: int) -> None:
        with writer(self.engine).begin() as conn:
            conn.execute(update(RunRow).where(RunRow.id == run_id, RunRow.status == "running")
                         .values(heartbeat_at=_now()))

    def finish_run(self, run_id: int, status: str = "done") -> RunSummary:
        beat = self._heartbeats.pop(run_id, None)
        if beat is not None:
            beat.stop()
        with Session(writer(self.engine)) as s, s.begin():
            run = s.get(RunRow, run_id)
            if run is None:
                raise StoreError(f"no run {run_id}")
            run.status = status
            run.finished_at = _now()
            return self._summary(run)

    def mark_interrupted(self) -> list[int]:
        """Mark `interrupted` every `running` run whose process is gone (see
        `newsprism.store.liveness`); returns their ids. Runs of live processes, here or
        on other hosts, are left alone."""
        with Session(self.engine) as s:
            running = s.execute(select(RunRow.id, RunRow.host, RunRow.pid, RunRow.pid_start, RunRow.heartbeat_at,
                                       RunRow.started_at).where(RunRow.status == "running")).all()
        dead = [r.id for r in running
                if r.id not in self._heartbeats and is_dead(r.host, r.pid, r.pid_start, r.heartbeat_at or r.started_at)]
        if dead:
            with writer(self.engine).begin() as conn:
                conn.execute(update(RunRow).where(RunRow.id.in_(dead), RunRow.status == "running")
                             .values(status="interrupted", finished_at=_now()))
            log.warning("run%s %s marked interrupted: %s process is gone", "s" if len(dead) > 1 else "",
                        ", ".join(map(str, dead)), "their" if len(dead) > 1 else "its")
        return dead

    def run(self, run_id: int) -> RunSummary | None:
        with Session(self.engine) as s:
            run = s.get(RunRow, run_id)
            return self._summary(run) if run else None

    def runs(self) -> list[RunSummary]:
        with Session(self.engine) as s:
            return [self._summary(r) for r in s.scalars(select(RunRow).order_by(RunRow.id))]

    @staticmethod
    def _summary(run: RunRow) -> RunSummary:
        return RunSummary(
            id=run.id,
            status=run.status,
            inputs=list(run.inputs),
            n_ok=run.n_ok,
            n_new=run.n_new,
            n_rejected=run.n_rejected,
            started_at=run.started_at,
            finished_at=run.finished_at,
        )

    # -- writing ---------------------------------------------------------------
    def save(self, run_id: int, items: Sequence[Article | Rejection], *, first_seq: int = 0) -> SaveResult:
        """Store one batch of a run's items in one transaction. An item the database
        refuses becomes a `store-error` rejection and the others are stored (see the
        module docstring); only a database that cannot be used raises (`StoreError`)."""
        for attempt in range(RETRIES):
            try:
                return self._save_batch(run_id, items, first_seq)
            except StoreError:
                raise
            except Exception as exc:
                if _transient(exc) and attempt < RETRIES - 1:
                    time.sleep(0.05 * 2**attempt)
                    continue
                if not _item_error(exc):
                    raise StoreError(f"cannot store a batch of run {run_id}: {_describe(exc)}") from exc
                log.warning("run %s: the database refused a batch of %d items (%s); storing them one by one",
                            run_id, len(items), _describe(exc))
                break
        try:
            return self._save_isolated(run_id, items, first_seq)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"cannot store a batch of run {run_id}: {_describe(exc)}") from exc

    def _save_batch(self, run_id: int, items: Sequence[Article | Rejection], first_seq: int) -> SaveResult:
        with Session(writer(self.engine)) as s, s.begin():
            run = self._run_row(s, run_id)
            articles = [it for it in items if isinstance(it, Article)]
            new = self._insert_articles(s, articles)
            hashes = {a.content_hash for a in articles}
            pks = (
                dict(
                    s.execute(
                        select(ArticleRow.content_hash, ArticleRow.pk).where(
                            ArticleRow.content_hash.in_(hashes)
                        )
                    ).all()
                )
                if hashes
                else {}
            )
            for seq, it in enumerate(items, start=first_seq):
                s.add(self._item_row(run_id, seq, it, pks.get(it.content_hash) if isinstance(it, Article) else None))
            s.flush()
            self._count(run, ok=len(articles), new=new, rejected=len(items) - len(articles))
            return SaveResult(new)

    @staticmethod
    def _item_row(run_id: int, seq: int, it: Article | Rejection, article_pk: int | None) -> RunItemRow:
        if isinstance(it, Article):
            if article_pk is None:  # cannot happen after a successful insert; fail the item, not the run
                raise ValueError(f"article {it.id!r} was not stored")
            outcome: dict[str, object] = {"article_pk": article_pk}
        else:
            outcome = {"stage": it.stage, "reason": it.reason, "detail": it.detail}
        return RunItemRow(run_id=run_id, seq=seq, item_id=it.id, origin=it.origin, **outcome)

    @staticmethod
    def _run_row(s: Session, run_id: int) -> RunRow:
        run = s.get(RunRow, run_id)
        if run is None:
            raise StoreError(f"no run {run_id}")
        return run

    @staticmethod
    def _count(run: RunRow, *, ok: int, new: int, rejected: int) -> None:
        run.n_ok += ok
        run.n_new += new
        run.n_rejected += rejected

    def _save_isolated(self, run_id: int, items: Sequence[Article | Rejection], first_seq: int) -> SaveResult:
        """The batch again, each item under its own savepoint: the items the database
        refuses are recorded as `store-error` rejections, the others stored."""
        new = ok = 0
        refused: list[Rejection] = []
        with Session(writer(self.engine)) as s, s.begin():
            run = self._run_row(s, run_id)
            for seq, it in enumerate(items, start=first_seq):
                try:
                    with s.begin_nested():
                        added = 0
                        pk = None
                        if isinstance(it, Article):
                            added = self._insert_articles(s, [it])
                            pk = s.scalar(select(ArticleRow.pk).where(ArticleRow.content_hash == it.content_hash))
                        s.add(self._item_row(run_id, seq, it, pk))
                        s.flush()
                except Exception as exc:
                    if not _item_error(exc):
                        raise
                    rejection = self._record_refused(s, run_id, seq, it, exc)
                    log.warning("run %s: item %s refused by the database: %s", run_id, rejection.id[:200],
                                rejection.detail)
                    if isinstance(it, Article):
                        refused.append(rejection)
                    continue
                new += added
                ok += isinstance(it, Article)
            self._count(run, ok=ok, new=new, rejected=len(items) - ok)
        return SaveResult(new, refused)

    @staticmethod
    def _record_refused(s: Session, run_id: int, seq: int, it: Article | Rejection, exc: BaseException) -> Rejection:
        """Record a refused item as a rejection under an id the database takes (its own id
        made printable; failing that, with its position appended; failing that, a fresh one)."""
        found = _diagnose(it, s.get_bind().dialect.name)
        detail = f"the database refused this item: {_describe(exc)}" + (f" ({'; '.join(found)})" if found else "")
        if isinstance(it, Rejection):
            detail = _printable(f"{it.stage}/{it.reason}: {it.detail}", 2000) + f"; and {detail}"
        ident = _printable(it.id, 2048)
        origin = _printable(it.origin, 4096)
        for candidate in (ident, f"{ident[:2000]}#{seq}", f"#{seq}-{uuid4().hex}"):
            try:
                with s.begin_nested():
                    s.add(RunItemRow(run_id=run_id, seq=seq, item_id=candidate, origin=origin, stage="store",
                                     reason=STORE_ERROR, detail=detail))
                    s.flush()
            except Exception as again:
                if not _item_error(again):
                    raise
                continue
            return Rejection(candidate, origin, "store", STORE_ERROR, detail)
        raise StoreError(f"cannot record item {seq} of run {run_id} even as a rejection: {detail}")

    def _insert_articles(self, s: Session, articles: Iterable[Article]) -> int:
        rows = {}
        for a in articles:  # first one wins inside a batch, as across batches
            rows.setdefault(
                a.content_hash,
                {
                    "content_hash": a.content_hash,
                    "article_id": a.id,
                    "origin": a.origin,
                    "source": a.source,
                    "title": a.title,
                    "text": a.text,
                    "url": a.url,
                    "published": a.published,
                    "language": a.language,
                    "word_count": a.word_count,
                    "removed": [{"text": r.text, "reason": r.reason} for r in a.removed],
                    "problems": list(a.problems),
                    "created_at": _now(),
                },
            )
        if not rows:
            return 0
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        stmt = insert(ArticleRow).on_conflict_do_nothing(index_elements=["content_hash"])
        result = s.execute(stmt.returning(ArticleRow.pk), list(rows.values()))
        return len(result.all())

    # -- reading ---------------------------------------------------------------
    def run_items(self, run_id: int) -> list[RunItem]:
        """A run's items in input order, with their articles or rejections."""
        with Session(self.engine) as s:
            q = (
                select(RunItemRow, ArticleRow)
                .outerjoin(ArticleRow, RunItemRow.article_pk == ArticleRow.pk)
                .where(RunItemRow.run_id == run_id)
                .order_by(RunItemRow.seq)
            )
            out = []
            for item, row in s.execute(q).all():
                if row is not None:
                    out.append(RunItem(item.item_id, _row_to_article(row, item.item_id), None))
                else:
                    rej = Rejection(
                        id=item.item_id,
                        origin=item.origin,
                        stage=item.stage or "ingest",  # type: ignore[arg-type]
                        reason=item.reason or "",
                        detail=item.detail or "",
                    )
                    out.append(RunItem(item.item_id, None, rej))
            return out

    def articles(self, *, limit: int | None = None, offset: int = 0) -> list[Article]:
        """All stored articles, oldest first."""
        with Session(self.engine) as s:
            q = select(ArticleRow).order_by(ArticleRow.pk).offset(offset)
            if limit is not None:
                q = q.limit(limit)
            return [_row_to_article(r) for r in s.scalars(q)]

    def count_articles(self) -> int:
        with Session(self.engine) as s:
            return s.scalar(select(func.count()).select_from(ArticleRow)) or 0
