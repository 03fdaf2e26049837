"""Read-only queries of the web app over the store: stories of the story index, articles.

The store reads the rows (`newsprism.store.browse`, without loading the whole index);
`pipeline.story_from_stored` builds the `Story` records a page shows, equal to the
index's own (tests/test_web_api.py checks that against `pipeline.indexed_stories`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from newsprism.analysis import names, story_version, words
from newsprism.models import Article
from newsprism.pipeline import story_from_stored
from newsprism.store import Store
from newsprism.stories.records import Story

__all__ = ["AnalysisState", "ArticleView", "StoryList", "contradictions", "entities", "find_article", "list_stories",
           "story_analysis", "story_with_articles", "unassigned_count"]


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


def entities(store: Store, *, name: str = "", limit: int = 100) -> dict[str, Any]:
    """Entities across the stories' latest analyses, the most widely covered first. With
    `name`, those it names in any spelling (`analysis.names`), each with its spellings (and
    the articles writing each) and, per story, its roles and the claims naming it; without,
    names, types and stories only. `computed` is false while no story has been analysed."""
    groups: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
    for f in store.latest_entities(name=name, detail=bool(name)):
        if name and not names(name, f.detail["spellings"]):
            continue
        group = groups.setdefault((f.type, words(f.name)), {"name": f.name, "type": f.type, "stories": []})
        if not name:
            if f.story_id not in group["stories"]:
                group["stories"].append(f.story_id)
            continue
        spellings = group.setdefault("spellings", {})
        for spelling, articles in f.detail["spellings"].items():
            known = spellings.setdefault(spelling, [])
            known.extend(x for x in articles if x not in known)
        group["stories"].append({"id": f.story_id, "entity": f.detail["entity"], "roles": f.detail["roles"],
                                 "claims": f.detail["claims"], "analysed_at": f.analysed_at.isoformat(timespec="seconds")})
    ordered = sorted(groups.values(), key=lambda g: (-len(g["stories"]), g["name"]))
    return {"computed": store.analysed_count() > 0, "entities": ordered[:limit]}


def contradictions(store: Store, *, kind: str = "", since: date | None = None, until: date | None = None,
                   limit: int = 200, offset: int = 0) -> dict[str, Any]:
    """Contradictions across the stories' latest analyses, newest first, optionally of one
    `kind` and dated (the latest publication day of their statements' articles) within
    [`since`, `until`]; undated ones are left out when a date bound is given. `total` counts
    them all, `contradictions` holds `limit` of them from `offset`."""
    found = store.latest_contradictions(kind=kind)
    published = store.published_of([st["article"] for f in found for st in f.detail.get("statements", [])])
    out = []
    for f in found:
        days = sorted(d for st in f.detail.get("statements", []) if (p := published.get(st["article"]))
                      and (d := _day(p)))
        day = days[-1] if days else None
        if (since or until) and day is None:
            continue
        if (since and day < since) or (until and day > until):  # type: ignore[operator]
            continue
        out.append({"story": f.story_id, "date": day.isoformat() if day else None, **f.detail})
    out.sort(key=lambda x: x["date"] or "", reverse=True)
    return {"computed": store.analysed_count() > 0, "total": len(out), "contradictions": out[offset:offset + limit]}


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
