"""Read-only queries of the web app: stories of the store's story index, articles, runs.

Stories are read straight from the index tables (`stories`, `story_members`) without
loading and verifying the whole index (which `Store.indexed_stories` does, in seconds
at 100k articles): a page needs a few stories, in milliseconds. The `Story` records
built here equal the index's own (`StoryIndex.story`): same article order, origin
groups, representative title (the titled origin nearest the story's mean lead vector)
and publication span; tests/test_web_api.py checks that against `indexed_stories`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from newsprism.models import Article, Removed
from newsprism.store.tables import ArticleRow, StoryMemberRow, StoryRow
from newsprism.stories.index import valid_date
from newsprism.stories.records import Story
from newsprism.web.search import matching_articles

__all__ = ["ArticleView", "StoryList", "find_article", "list_stories", "story_with_articles", "unassigned_count"]


@dataclass(slots=True)
class StoryList:
    total: int  # stories matching (all of them without a query)
    stories: list[Story]
    keys: dict[str, dict[str, str]] = field(default_factory=dict)  # story id -> article id -> content hash
    sources: dict[str, list[str]] = field(default_factory=dict)  # story id -> outlets, in article order


@dataclass(slots=True)
class ArticleView:
    article: Article
    stories: list[str]  # ids of the stories it belongs to (one, once indexed)


def _row_article(row: ArticleRow) -> Article:
    return Article(id=row.article_id, origin=row.origin, source=row.source, title=row.title, text=row.text,
                   url=row.url, published=row.published, language=row.language, word_count=row.word_count,
                   content_hash=row.content_hash, removed=[Removed(**r) for r in row.removed],
                   problems=list(row.problems))


def _build(story: StoryRow, members: Sequence) -> Story:
    """A `Story` from its member rows in index order (see `StoryIndex.story`)."""
    origins: dict[int, list[str]] = {}
    published = []
    reps: list[tuple[np.ndarray, str]] = []
    vec_sum = np.zeros(0)
    for m in members:
        origins.setdefault(m.origin_pk, []).append(m.article_id)
        if m.published and valid_date(m.published):
            published.append(m.published)
        if m.vector is not None:
            vec = np.frombuffer(m.vector, dtype="<f4").astype(np.float32)
            vec_sum = vec.astype(np.float64) if not vec_sum.size else vec_sum + vec
            reps.append((vec, m.title))
    titled = [(v, t) for v, t in reps if t]
    title = story.title or ""  # stored by the index update; databases from before it derive one
    if not title and len(titled) == 1:
        title = titled[0][1]
    elif not title and titled:
        centre = vec_sum / max(np.linalg.norm(vec_sum), 1e-12)
        title = max(titled, key=lambda vt: float(vt[0] @ centre))[1]
    dated = sorted(published, key=lambda d: (d[:10], d))
    return Story(id=story.story_id, title=title, articles=[m.article_id for m in members],
                 origins=list(origins.values()), first_published=dated[0] if dated else None,
                 last_published=dated[-1] if dated else None, status=story.status)  # type: ignore[arg-type]


def _members(s: Session, story_pks: Sequence[int]) -> dict[int, list]:
    m = StoryMemberRow
    rows = s.execute(
        select(m.story_pk, m.seq, m.article_pk, m.origin_pk, m.vector, ArticleRow.article_id, ArticleRow.title,
               ArticleRow.published, ArticleRow.source, ArticleRow.content_hash)
        .join(ArticleRow, m.article_pk == ArticleRow.pk)
        .where(m.story_pk.in_(story_pks)).order_by(m.seq)).all()
    out: dict[int, list] = defaultdict(list)
    for r in rows:
        out[r.story_pk].append(r)
    return out


def list_stories(engine: Engine, *, query: str = "", limit: int = 50, offset: int = 0) -> StoryList:
    """Stories, newest first; with `query`, those with an article matching all its words."""
    base = select(StoryRow.pk)
    if query.strip():
        match = matching_articles(engine, query)
        if match is None:
            return StoryList(0, [])
        sql, params = match
        hits = select(StoryMemberRow.story_pk).where(StoryMemberRow.article_pk.in_(text(sql).bindparams(**params)))
        base = base.where(StoryRow.pk.in_(hits))
    with Session(engine) as s:
        total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
        page = list(s.scalars(base.order_by(StoryRow.pk.desc()).limit(limit).offset(offset)))
        rows = {r.pk: r for r in s.scalars(select(StoryRow).where(StoryRow.pk.in_(page)))} if page else {}
        members = _members(s, page) if page else {}
    out = StoryList(total, [])
    for pk in page:
        story = _build(rows[pk], members.get(pk, []))
        out.stories.append(story)
        out.keys[story.id] = {m.article_id: m.content_hash for m in members.get(pk, [])}
        out.sources[story.id] = [m.source for m in members.get(pk, [])]
    return out


def story_with_articles(engine: Engine, story_id: str) -> tuple[Story, list[Article]] | None:
    """A story and its articles (in the story's order), or None if there is no such story."""
    with Session(engine) as s:
        row = s.scalar(select(StoryRow).where(StoryRow.story_id == story_id))
        if row is None:
            return None
        members = _members(s, [row.pk]).get(row.pk, [])
        pks = [m.article_pk for m in members]
        arts = {r.pk: r for r in s.scalars(select(ArticleRow).where(ArticleRow.pk.in_(pks)))} if pks else {}
        return _build(row, members), [_row_article(arts[pk]) for pk in pks if pk in arts]


def find_article(engine: Engine, ident: str) -> ArticleView | None:
    """An article by content hash (exact) or by the id it was stored under (the newest
    article stored under that id when several were)."""
    with Session(engine) as s:
        row = s.scalar(select(ArticleRow).where(ArticleRow.content_hash == ident))
        if row is None:
            row = s.scalar(select(ArticleRow).where(ArticleRow.article_id == ident).order_by(ArticleRow.pk.desc())
                           .limit(1))
        if row is None:
            return None
        stories = list(s.scalars(select(StoryRow.story_id).join(StoryMemberRow, StoryMemberRow.story_pk == StoryRow.pk)
                                 .where(StoryMemberRow.article_pk == row.pk)))
        return ArticleView(_row_article(row), stories)


def unassigned_count(engine: Engine) -> int:
    """Stored articles that the story index does not hold yet."""
    with Session(engine) as s:
        held = select(StoryMemberRow.article_pk)
        return s.scalar(select(func.count()).select_from(ArticleRow).where(ArticleRow.pk.not_in(held))) or 0
