"""Read-only queries of the web app over the store: stories of the story index, articles.

The store reads the rows (`newsprism.store.browse`); this module builds the `Story`
records a page shows, equal to the index's own (`StoryIndex.story`): same article order,
origin groups, representative title (the stored one, else the titled origin nearest the
story's mean lead vector) and publication span; tests/test_web_api.py checks that
against `pipeline.indexed_stories`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from newsprism.models import Article
from newsprism.store import Store, StoredStory
from newsprism.stories.index import valid_date
from newsprism.stories.records import Story

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


def _build(story: StoredStory) -> Story:
    """A `Story` from its stored members in index order (see `StoryIndex.story`)."""
    origins: dict[int, list[str]] = {}
    published = []
    reps: list[tuple[np.ndarray, str]] = []
    vec_sum = np.zeros(0)
    for m in story.members:
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
    return Story(id=story.story_id, title=title, articles=[m.article_id for m in story.members],
                 origins=list(origins.values()), first_published=dated[0] if dated else None,
                 last_published=dated[-1] if dated else None, status=story.status)  # type: ignore[arg-type]


def list_stories(store: Store, *, query: str = "", limit: int = 50, offset: int = 0) -> StoryList:
    """Stories, newest first; with `query`, those with an article matching all its words."""
    total, page = store.story_page(query=query, limit=limit, offset=offset)
    out = StoryList(total, [])
    for stored in page:
        story = _build(stored)
        out.stories.append(story)
        out.keys[story.id] = {m.article_id: m.content_hash for m in stored.members}
        out.sources[story.id] = [m.source for m in stored.members]
    return out


def story_with_articles(store: Store, story_id: str) -> tuple[Story, list[Article]] | None:
    """A story and its articles (in the story's order), or None if there is no such story."""
    found = store.story_with_articles(story_id)
    return None if found is None else (_build(found[0]), found[1])


def find_article(store: Store, ident: str) -> ArticleView | None:
    """An article by content hash (exact) or by the id it was stored under (the newest
    article stored under that id when several were)."""
    found = store.find_article(ident)
    return None if found is None else ArticleView(*found)


def unassigned_count(store: Store) -> int:
    """Stored articles that the story index does not hold yet."""
    return store.unassigned_count()
