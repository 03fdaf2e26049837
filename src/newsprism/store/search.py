"""Full-text search over stored articles (title and clean text), for finding stories.

SQLite: a contentless FTS5 table (`article_search`, porter stemming) keyed by the
article's primary key, caught up with new articles before each search (articles are
only ever added, so the highest indexed key is the watermark). PostgreSQL: an
expression GIN index over `to_tsvector('english', title || ' ' || text)`. Both are
created by migration 0005 and are derived data.

A query is its words (`\\w+`), all required, stemmed: "talk Istanbul" finds the
articles that contain both "talks" (or "talk") and "Istanbul".
"""

from __future__ import annotations

import logging
import re
import threading

from sqlalchemy import Engine, Integer, TextualSelect, column, text

__all__ = ["matching_articles", "query_words"]

log = logging.getLogger("newsprism.store")

MAX_WORDS = 16
PG_DOCUMENT = "to_tsvector('english', coalesce(title, '') || ' ' || text)"  # the migration's index expression
_lock = threading.Lock()


def query_words(query: str) -> list[str]:
    """The words of a user's query (punctuation and search operators dropped)."""
    return re.findall(r"\w+", query.lower())[:MAX_WORDS]


def _catch_up(engine: Engine) -> None:
    with _lock, engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO article_search(rowid, title, text) SELECT pk, title, text FROM articles "
            "WHERE pk > (SELECT coalesce(max(rowid), 0) FROM article_search) ORDER BY pk"))


def matching_articles(engine: Engine, query: str) -> TextualSelect | None:
    """A statement selecting the primary keys of the articles matching `query`; None when
    the query has no words."""
    words = query_words(query)
    if not words:
        return None
    if engine.dialect.name == "sqlite":
        try:
            _catch_up(engine)
        except Exception as exc:  # a concurrent writer: search what is indexed already
            log.warning("search index not caught up: %s", exc)
        # every word quoted: FTS5 operators in the input stay plain words
        stmt = text("SELECT rowid AS pk FROM article_search WHERE article_search MATCH :q").bindparams(
            q=" ".join(f'"{w}"' for w in words))
    else:
        stmt = text(f"SELECT pk FROM articles WHERE {PG_DOCUMENT} @@ plainto_tsquery('english', :q)").bindparams(
            q=" ".join(words))
    return stmt.columns(column("pk", Integer))
