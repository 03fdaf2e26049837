"""Typed records of the story stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["ArticleFacts", "ArticleStatus", "Assignment", "Story"]

# ok: clustered by content. too-short: fewer words than `StoryParams.min_words` (a
# headline, a caption); empty: no text at all; other-language: not one of
# `StoryParams.languages` (the embedding model reads English). Articles that are not
# `ok` join a story only as a near-duplicate copy of one of its articles; otherwise each
# stays alone in a story with that status, so they never merge with everything.
ArticleStatus = Literal["ok", "too-short", "empty", "other-language"]


@dataclass(slots=True)
class ArticleFacts:
    """What the story stage read off one article: its language, its event day and how that
    was found (`stories.eventdate`), and why it was not compared by content, if it was not."""

    article: str
    language: str | None
    event_date: str | None  # ISO date, or "--MM-DD" for a month-day without a year
    event_date_source: str  # published | relative | dateline | text | month-day | none
    event_date_evidence: str | None = None  # the words it was read from
    status: ArticleStatus = "ok"
    reason: str | None = None  # why the status is not ok

    def to_report(self) -> dict[str, Any]:
        return {"id": self.article, "language": self.language,
                "event_date": {"value": self.event_date, "source": self.event_date_source,
                               "evidence": self.event_date_evidence},
                "status": self.status, "reason": self.reason}


@dataclass(slots=True)
class Story:
    """Articles about one event. `origins` groups near-duplicate articles (syndicated
    copies, trimmed copies, light rewrites, one text under two URLs): one voice each, so
    `len(origins)` is the number of independent sources."""

    id: str
    title: str  # a representative headline
    articles: list[str]  # article ids, in input order
    origins: list[list[str]]  # near-duplicate groups; the first id of each is the earliest
    first_published: str | None = None
    last_published: str | None = None
    status: ArticleStatus = "ok"
    # per article, in `articles` order: language and event date (absent for articles
    # restored from a stored index, which keeps neither)
    members: list[ArticleFacts] = field(default_factory=list)
    first_event: str | None = None  # earliest and latest event day of its dated origins
    last_event: str | None = None

    def to_report(self) -> dict[str, Any]:
        """The `stories[]` entry of the report (schema fields; `status`, `members` and the
        event span added). `members[]` carries each article's language and event date
        with how it was found, for the article entries of the report."""
        return {"id": self.id, "title": self.title, "articles": list(self.articles),
                "origins": [list(o) for o in self.origins], "first_published": self.first_published,
                "last_published": self.last_published, "status": self.status,
                "first_event": self.first_event, "last_event": self.last_event,
                "members": [m.to_report() for m in self.members]}


@dataclass(slots=True)
class Assignment:
    """What happened to one article: the story it joined or opened, and why."""

    article: str
    story: str
    origin: str  # id of the earliest article of its near-duplicate group
    status: ArticleStatus
    new_story: bool
    copy_of: str | None = None  # the article it is a near-duplicate of
    score: float | None = None  # similarity to the story it joined (None: new story or copy)
    candidates: list[tuple[str, float]] = field(default_factory=list)  # (story id, score), best first
