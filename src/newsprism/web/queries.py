"""Read-only queries of the web app over the store: stories of the story index, articles.

The store reads the rows (`newsprism.store.browse`, without loading the whole index);
`pipeline.story_from_stored` builds the `Story` records a page shows, equal to the
index's own (tests/test_web_api.py checks that against `pipeline.indexed_stories`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsprism.analysis import story_version
from newsprism.models import Article
from newsprism.pipeline import story_from_stored
from newsprism.store import Store
from newsprism.stories.records import Story

__all__ = ["AnalysisState", "ArticleView", "StoryList", "find_article", "list_stories", "story_analysis",
           "story_with_articles", "unassigned_count"]


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


@dataclass(slots=True)
class AnalysisState:
    """Where a story's analysis stands. `state`: none (not analysed yet), queued,
    computing, failed, done (current), outdated (an analysis of fewer articles is shown
    while none is queued). The page never computes one: a worker does."""

    state: str
    analysed_at: datetime | None = None
    n_articles: int | None = None  # articles the shown analysis covers
    queued_at: datetime | None = None
    error: str | None = None
    sections: dict[str, Any] | None = None  # what the analysis adds to the story entry

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "analysed_at": self.analysed_at.isoformat() if self.analysed_at else None,
                "articles": self.n_articles, "queued_at": self.queued_at.isoformat() if self.queued_at else None,
                "error": self.error}


def story_analysis(store: Store, story: Story, articles: list[Article]) -> AnalysisState:
    """The stored analysis of `story` as it is now, else the latest one of fewer of its
    articles, with the state of its queue entry. Reads only."""
    found = store.analysis(story.id, story_version([(a.id, a.content_hash) for a in articles]))
    current = found is not None
    if found is None:
        latest = store.analysis(story.id)
        found = latest if latest is not None and set(latest.analysis.articles) <= set(story.articles) else None
    entry = store.queue_entry(story.id)
    if current:
        state = "done"
    elif entry is not None:
        state = entry.state
    else:
        state = "outdated" if found is not None else "none"
    out = AnalysisState(state, queued_at=entry.queued_at if entry else None, error=entry.error if entry else None)
    if found is not None:
        out.analysed_at, out.n_articles = found.created_at, found.n_articles
        out.sections = found.analysis.to_report()
    return out


def list_stories(store: Store, *, query: str = "", limit: int = 50, offset: int = 0) -> StoryList:
    """Stories, newest first; with `query`, those with an article matching all its words."""
    total, page = store.story_page(query=query, limit=limit, offset=offset)
    out = StoryList(total, [])
    for stored in page:
        story = story_from_stored(stored)
        out.stories.append(story)
        out.keys[story.id] = {m.article_id: m.content_hash for m in stored.members}
        out.sources[story.id] = [m.source for m in stored.members]
    return out


def story_with_articles(store: Store, story_id: str) -> tuple[Story, list[Article]] | None:
    """A story and its articles (in the story's order), or None if there is no such story."""
    found = store.story_with_articles(story_id)
    return None if found is None else (story_from_stored(found[0]), found[1])


def find_article(store: Store, ident: str) -> ArticleView | None:
    """An article by content hash (exact) or by the id it was stored under (the newest
    article stored under that id when several were)."""
    found = store.find_article(ident)
    return None if found is None else ArticleView(*found)


def unassigned_count(store: Store) -> int:
    """Stored articles that the story index does not hold yet."""
    return store.unassigned_count()
