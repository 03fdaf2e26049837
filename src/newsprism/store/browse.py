"""Read-only queries for browsing: a page of stories, one story with its articles, an
article, what the index does not hold yet.

Stories are read straight from the index tables (`stories`, `story_members`) without
loading and verifying the whole index: a page needs a few stories, in milliseconds.
Members come back in index order with what a page derives the story from (origin,
lead vector, title, publication time); building the `Story` is the caller's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from newsprism.models import Article
from newsprism.store.search import matching_articles
from newsprism.store.tables import ArticleRow, StoryMemberRow, StoryRow

__all__ = ["BrowseMixin", "StoredStory", "StoryMemberView"]


@dataclass(slots=True)
class StoryMemberView:
    article_pk: int
    article_id: str
    content_hash: str
    origin_pk: int  # article pk of the first article of its origin
    vector: bytes | None  # lead vector (float32), origins only
    title: str
    published: str | None
    source: str


@dataclass(slots=True)
class StoredStory:
    story_id: str
    status: str
    title: str | None  # the index's title at its last update (None in databases from before it)
    members: list[StoryMemberView] = field(default_factory=list)


def _members(s: Session, story_pks: Sequence[int]) -> dict[int, list[StoryMemberView]]:
    m = StoryMemberRow
    rows = s.execute(
        select(m.story_pk, m.article_pk, m.origin_pk, m.vector, ArticleRow.article_id, ArticleRow.title,
               ArticleRow.published, ArticleRow.source, ArticleRow.content_hash)
        .join(ArticleRow, m.article_pk == ArticleRow.pk)
        .where(m.story_pk.in_(story_pks)).order_by(m.seq)).all()
    out: dict[int, list[StoryMemberView]] = defaultdict(list)
    for r in rows:
        out[r.story_pk].append(StoryMemberView(r.article_pk, r.article_id, r.content_hash, r.origin_pk, r.vector,
                                               r.title, r.published, r.source))
    return out


class BrowseMixin:
    """Browsing methods of `Store` (they need only `self.engine`)."""

    engine: Engine

    def story_page(self, *, query: str = "", limit: int = 50, offset: int = 0) -> tuple[int, list[StoredStory]]:
        """(stories matching, one page of them), newest first; with `query`, the stories
        with an article matching all its words (`newsprism.store.search`)."""
        base = select(StoryRow.pk)
        if query.strip():
            match = matching_articles(self.engine, query)
            if match is None:
                return 0, []
            base = base.where(StoryRow.pk.in_(select(StoryMemberRow.story_pk).where(
                StoryMemberRow.article_pk.in_(match))))
        with Session(self.engine) as s:
            total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
            page = list(s.scalars(base.order_by(StoryRow.pk.desc()).limit(limit).offset(offset)))
            rows = {r.pk: r for r in s.scalars(select(StoryRow).where(StoryRow.pk.in_(page)))} if page else {}
            members = _members(s, page) if page else {}
        return total, [StoredStory(rows[pk].story_id, rows[pk].status, rows[pk].title, members.get(pk, []))
                       for pk in page]

    def story_with_articles(self, story_id: str) -> tuple[StoredStory, list[Article]] | None:
        """A story and its articles (in the story's order), or None if there is no such story."""
        from newsprism.store import _row_to_article

        with Session(self.engine) as s:
            row = s.scalar(select(StoryRow).where(StoryRow.story_id == story_id))
            if row is None:
                return None
            members = _members(s, [row.pk]).get(row.pk, [])
            pks = [m.article_pk for m in members]
            arts = {r.pk: r for r in s.scalars(select(ArticleRow).where(ArticleRow.pk.in_(pks)))} if pks else {}
            return (StoredStory(row.story_id, row.status, row.title, members),
                    [_row_to_article(arts[pk]) for pk in pks if pk in arts])

    def find_article(self, ident: str) -> tuple[Article, list[str]] | None:
        """An article by content hash (exact) or by the id it was stored under (the newest
        article stored under that id when several were), with the ids of its stories."""
        from newsprism.store import _row_to_article

        with Session(self.engine) as s:
            row = s.scalar(select(ArticleRow).where(ArticleRow.content_hash == ident))
            if row is None:
                row = s.scalar(select(ArticleRow).where(ArticleRow.article_id == ident)
                               .order_by(ArticleRow.pk.desc()).limit(1))
            if row is None:
                return None
            stories = list(s.scalars(select(StoryRow.story_id)
                                     .join(StoryMemberRow, StoryMemberRow.story_pk == StoryRow.pk)
                                     .where(StoryMemberRow.article_pk == row.pk)))
            return _row_to_article(row), stories

    def unassigned_count(self) -> int:
        """Stored articles that the story index does not hold yet."""
        with Session(self.engine) as s:
            held = select(StoryMemberRow.article_pk)
            return s.scalar(select(func.count()).select_from(ArticleRow).where(ArticleRow.pk.not_in(held))) or 0

    def stories_of(self, hashes: Sequence[str]) -> dict[str, str]:
        """The story id of each indexed article among `hashes` (content hashes)."""
        if not hashes:
            return {}
        with Session(self.engine) as s:
            q = (select(ArticleRow.content_hash, StoryRow.story_id)
                 .join(StoryMemberRow, StoryMemberRow.article_pk == ArticleRow.pk)
                 .join(StoryRow, StoryRow.pk == StoryMemberRow.story_pk)
                 .where(ArticleRow.content_hash.in_(list(hashes))))
            return dict(s.execute(q).all())

    def published_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The publication time of each stored article among `article_ids` that has one."""
        out: dict[str, str] = {}
        ids = list(dict.fromkeys(article_ids))
        with Session(self.engine) as s:
            for i in range(0, len(ids), 500):
                out.update((aid, pub) for aid, pub in s.execute(
                    select(ArticleRow.article_id, ArticleRow.published).where(
                        ArticleRow.article_id.in_(ids[i:i + 500]), ArticleRow.published.is_not(None))))
        return out
