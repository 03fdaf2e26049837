"""Typed records of the story stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["ArticleStatus", "Assignment", "Story"]

# ok: clustered by content. too-short: fewer words than `StoryParams.min_words` (a
# headline, a caption); empty: no text at all; other-language: not one of
# `StoryParams.languages` (the embedding model reads English). Articles that are not
# `ok` join a story only as a near-duplicate copy of one of its articles; otherwise each
# stays alone in a story with that status, so they never merge with everything.
ArticleStatus = Literal["ok", "too-short", "empty", "other-language"]


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

    def to_report(self) -> dict[str, Any]:
        """The `stories[]` entry of the report (schema fields; `status` added)."""
        return {"id": self.id, "title": self.title, "articles": list(self.articles),
                "origins": [list(o) for o in self.origins], "first_published": self.first_published,
                "last_published": self.last_published, "status": self.status}


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
