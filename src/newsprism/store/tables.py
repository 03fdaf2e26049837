"""SQLAlchemy table definitions. Change them only together with a migration."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ArticleRow(Base):
    """A cleaned article, stored once per distinct clean text (content hash)."""

    __tablename__ = "articles"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    article_id: Mapped[str] = mapped_column(String(2048), index=True)  # id it was first stored under
    origin: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(512))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    published: Mapped[str | None] = mapped_column(String(64), nullable=True)
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[list] = mapped_column(JSON, default=list)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RunRow(Base):
    """One `analyze`/`ingest` invocation."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    inputs: Mapped[list] = mapped_column(JSON, default=list)
    # running | done | failed (an error ended it) | interrupted (its process died or was stopped)
    status: Mapped[str] = mapped_column(String(16), default="running")
    n_ok: Mapped[int] = mapped_column(Integer, default=0)
    n_new: Mapped[int] = mapped_column(Integer, default=0)
    n_rejected: Mapped[int] = mapped_column(Integer, default=0)
    # The process that runs it, to tell a live run from one whose process died: host name,
    # pid and the pid's start time (a reused pid has another), and the time of its last
    # sign of life (refreshed every minute while it runs).
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pid_start: Mapped[str | None] = mapped_column(String(32), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class RunItemRow(Base):
    """Every input item of a run: either a stored article or a rejection with its reason."""

    __tablename__ = "run_items"
    __table_args__ = (UniqueConstraint("run_id", "item_id"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # input order within the run
    item_id: Mapped[str] = mapped_column(String(2048))
    origin: Mapped[str] = mapped_column(Text)
    article_pk: Mapped[int | None] = mapped_column(ForeignKey("articles.pk"), nullable=True, index=True)
    stage: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)


# -- story index (newsprism.stories; read and written by newsprism.store.stories) ------------
class StoryRow(Base):
    """A story of the incremental index; its representation is derived from its members."""

    __tablename__ = "stories"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    story_id: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    title: Mapped[str | None] = mapped_column(Text, nullable=True)  # the index's title after the last update


class StoryMemberRow(Base):
    """One article's place in the story index, in assignment order (`seq`), with the
    features the index is rebuilt from without re-embedding: the lead vector (origins
    only), the MinHash sketch, hashed term frequencies; `checksum` covers all of it."""

    __tablename__ = "story_members"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.pk", ondelete="CASCADE"), unique=True)
    story_pk: Mapped[int] = mapped_column(ForeignKey("stories.pk", ondelete="CASCADE"), index=True)
    origin_pk: Mapped[int] = mapped_column(Integer)  # article pk of the origin's first article
    status: Mapped[str] = mapped_column(String(16))
    copy_of_pk: Mapped[int | None] = mapped_column(Integer, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    vector: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    sketch: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    sketch_size: Mapped[int] = mapped_column(Integer, default=0)
    terms: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    checksum: Mapped[str] = mapped_column(String(64))


class StoryIndexMetaRow(Base):
    """Key/value facts about the story index: settings fingerprint, model hash, member count."""

    __tablename__ = "story_index_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# -- stored analysis and the work queue (newsprism.store.analyses, newsprism.store.queue) --
class StoryAnalysisRow(Base):
    """The analysis of one version of a story (a hash of its article ids and texts), as
    `newsprism.analysis.StoryAnalysis.to_json`, with the model versions that made it."""

    __tablename__ = "story_analyses"
    __table_args__ = (UniqueConstraint("story_id", "version"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    story_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(64))
    n_articles: Mapped[int] = mapped_column(Integer)
    models: Mapped[dict] = mapped_column(JSON)
    document: Mapped[dict] = mapped_column(JSON)
    seconds: Mapped[float] = mapped_column(Float)  # how long it took to compute
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AnalysisEntityRow(Base):
    """An entity of a stored analysis: `spellings` holds its spellings' words, one spelling
    per `|`-separated field, for finding it by any spelling; `detail` what a view shows."""

    __tablename__ = "analysis_entities"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    analysis_pk: Mapped[int] = mapped_column(ForeignKey("story_analyses.pk", ondelete="CASCADE"), index=True)
    story_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(32))
    spellings: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(JSON)


class AnalysisContradictionRow(Base):
    """A contradiction of a stored analysis (its report entry in `detail`)."""

    __tablename__ = "analysis_contradictions"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    analysis_pk: Mapped[int] = mapped_column(ForeignKey("story_analyses.pk", ondelete="CASCADE"), index=True)
    story_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    detail: Mapped[dict] = mapped_column(JSON)


class StoryQueueRow(Base):
    """A story whose articles changed and that a worker should analyse again.
    `state`: queued | computing | failed; `again` is set when the story changed while a
    worker was computing it, so that it is queued again when that worker finishes."""

    __tablename__ = "story_queue"

    story_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    again: Mapped[bool] = mapped_column(default=False)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


# -- feed watching (newsprism.store.feeds) --------------------------------------------------
class FeedRow(Base):
    """A watched feed: validators for a conditional GET and how the last poll went."""

    __tablename__ = "feeds"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_modified: Mapped[str | None] = mapped_column(Text, nullable=True)
    polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    entries: Mapped[int] = mapped_column(Integer, default=0)


class FeedEntryRow(Base):
    """An entry a feed watcher has taken, by the sha256 of its key (its link, else its text)."""

    __tablename__ = "feed_entries"
    __table_args__ = (UniqueConstraint("feed_url", "key_hash"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feed_url: Mapped[str] = mapped_column(String(2048))
    key_hash: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AlertRow(Base):
    """An alert, kept once per key; `delivered_at` is set when the webhook took it."""

    __tablename__ = "alerts"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    rule: Mapped[str] = mapped_column(String(32))
    story_id: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


# -- stored parses (newsprism.store.parses) -------------------------------------------------
class ParseRow(Base):
    """An article's parse (`newsprism.nlp.stored`'s bytes) by the hash of the clean text it
    was made from and the version of what made it; one row per pair."""

    __tablename__ = "parses"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
