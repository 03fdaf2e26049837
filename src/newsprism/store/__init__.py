"""The only stage that touches the database.

`Store(url)` opens (and migrates) a SQLite or PostgreSQL database. A run records
every input item: a stored article (deduplicated by the hash of its clean text) or
a rejection with its reason. Items are written in batches, one transaction each, so
a crash mid-batch loses only the uncommitted batch and leaves the database
consistent; re-running the same inputs adds no article twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from newsprism.models import Article, Rejection, Removed
from newsprism.store.stories import IndexUpdate, LoadedIndex, StoryIndexMixin
from newsprism.store.tables import ArticleRow, RunItemRow, RunRow

__all__ = [
    "IndexUpdate",
    "LoadedIndex",
    "RunItem",
    "RunSummary",
    "Store",
    "StoreError",
    "create_db_engine",
    "migrate",
]

MIGRATIONS = Path(__file__).parent / "migrations"


class StoreError(Exception):
    """The database cannot be opened or used (bad URL, server down, unsupported backend)."""


@dataclass(slots=True)
class RunItem:
    """One input item of a run, in input order: its report id and what became of it."""

    id: str
    article: Article | None
    rejection: Rejection | None


@dataclass(slots=True)
class RunSummary:
    id: int
    status: str
    inputs: list[str]
    n_ok: int
    n_new: int
    n_rejected: int
    started_at: datetime
    finished_at: datetime | None


def _now() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers (web app) don't block the writer
    cur.close()


def create_db_engine(url: str) -> Engine:
    if not url.startswith(("sqlite", "postgresql")):
        raise StoreError(f"unsupported database URL {url!r}: use sqlite:///FILE or postgresql://USER@HOST/DB")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        engine = create_engine(url)
    except Exception as exc:  # missing driver, malformed URL
        raise StoreError(f"cannot open database {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except Exception as exc:
        raise StoreError(f"cannot migrate database {engine.url!r}: {exc}") from exc


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


class Store(StoryIndexMixin):
    """Typed access to the database; nothing outside this package issues SQL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_db_engine(url)
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs ------------------------------------------------------------------
    def begin_run(self, inputs: Sequence[str]) -> int:
        with Session(self.engine) as s, s.begin():
            run = RunRow(
                started_at=_now(), inputs=list(inputs), status="running", n_ok=0, n_new=0, n_rejected=0
            )
            s.add(run)
            s.flush()
            return run.id

    def finish_run(self, run_id: int, status: str = "done") -> RunSummary:
        with Session(self.engine) as s, s.begin():
            run = s.get(RunRow, run_id)
            if run is None:
                raise StoreError(f"no run {run_id}")
            run.status = status
            run.finished_at = _now()
            return self._summary(run)

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
    def save(self, run_id: int, items: Sequence[Article | Rejection], *, first_seq: int = 0) -> int:
        """Store one batch of a run's items in one transaction; returns how many articles were new."""
        with Session(self.engine) as s, s.begin():
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
                outcome = (
                    {"article_pk": pks[it.content_hash]}
                    if isinstance(it, Article)
                    else {"stage": it.stage, "reason": it.reason, "detail": it.detail}
                )
                s.add(RunItemRow(run_id=run_id, seq=seq, item_id=it.id, origin=it.origin, **outcome))
            run = s.get(RunRow, run_id)
            assert run is not None
            run.n_ok += len(articles)
            run.n_new += new
            run.n_rejected += len(items) - len(articles)
            return new

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
        from sqlalchemy import func

        with Session(self.engine) as s:
            return s.scalar(select(func.count()).select_from(ArticleRow)) or 0
