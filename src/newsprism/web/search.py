"""Full-text search over stored articles (title and clean text), for finding stories.

SQLite: a contentless FTS5 table (`web_article_search`, porter stemming) keyed by the
article's primary key, caught up with new articles before each search (articles are
only ever added, so the highest indexed key is the watermark). PostgreSQL: an
expression GIN index over `to_tsvector('english', title || ' ' || text)`.
Both are derived data, created on first use and safe to drop.

A query is its words (`\\w+`), all required, stemmed: "talk Istanbul" finds the
articles that contain both "talks" (or "talk") and "Istanbul".
"""

from __future__ import annotations

import logging
import re
import threading

from sqlalchemy import Engine, text

__all__ = ["ensure_search", "matching_articles", "query_words"]

log = logging.getLogger("newsprism.web")

MAX_WORDS = 16
_lock = threading.Lock()
_PG_DOC = "to_tsvector('english', coalesce(title, '') || ' ' || text)"


def query_words(query: str) -> list[str]:
    """The words of a user's query (punctuation and search operators dropped)."""
    return re.findall(r"\w+", query.lower())[:MAX_WORDS]


def ensure_search(engine: Engine) -> None:
    """Create the search index if it is missing (idempotent)."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS web_article_search "
                              "USING fts5(title, text, content='', tokenize='porter unicode61')"))
        else:
            conn.execute(text(f"CREATE INDEX IF NOT EXISTS web_article_search ON articles USING gin ({_PG_DOC})"))


def _catch_up(engine: Engine) -> None:
    with _lock, engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO web_article_search(rowid, title, text) SELECT pk, title, text FROM articles "
            "WHERE pk > (SELECT coalesce(max(rowid), 0) FROM web_article_search) ORDER BY pk"))


def matching_articles(engine: Engine, query: str) -> tuple[str, dict[str, object]] | None:
    """SQL selecting the primary keys of the articles matching `query`, with its
    parameters; None when the query has no words."""
    words = query_words(query)
    if not words:
        return None
    if engine.dialect.name == "sqlite":
        try:
            _catch_up(engine)
        except Exception as exc:  # a concurrent writer: search what is indexed already
            log.warning("search index not caught up: %s", exc)
        # every word quoted: FTS5 operators in the input stay plain words
        return ("SELECT rowid FROM web_article_search WHERE web_article_search MATCH :q",
                {"q": " ".join(f'"{w}"' for w in words)})
    return (f"SELECT pk FROM articles WHERE {_PG_DOC} @@ plainto_tsquery('english', :q)", {"q": " ".join(words)})
