"""View models of the cross-story pages (`/entities`, `/contradictions`), built from the
documents of `queries.entities` and `queries.contradictions` (the API's own answers).

Article ids become outlet labels and links to the article pages through the stories
the findings come from: each story named on a page is read once (`StoryRefs`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_args

from newsprism.claims.records import ContradictionKind
from newsprism.report import build_report
from newsprism.store import Store
from newsprism.web import queries
from newsprism.web.views import contradictions_view, outlet_of

__all__ = ["CONTRADICTION_KINDS", "StoryRef", "StoryRefs", "contradiction_cards", "entity_cards"]

CONTRADICTION_KINDS: tuple[str, ...] = get_args(ContradictionKind)


@dataclass(slots=True)
class StoryRef:
    id: str
    title: str
    articles: list[dict[str, Any]] = field(default_factory=list)  # report `articles[]` entries
    labels: dict[str, str] = field(default_factory=dict)  # article id -> outlet label
    keys: dict[str, str] = field(default_factory=dict)  # article id -> content hash (its page)


class StoryRefs:
    """The stories a page names, each read from the store once, on first use."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._found: dict[str, StoryRef] = {}

    def __getitem__(self, story_id: str) -> StoryRef:
        ref = self._found.get(story_id)
        if ref is None:
            found = queries.story_with_articles(self._store, story_id)
            if found is None:  # its story was rebuilt since the analysis: ids only
                ref = StoryRef(story_id, story_id)
            else:
                articles = build_report(found[1])["articles"]
                ref = StoryRef(story_id, found[0].title or story_id, articles,
                               {a["id"]: outlet_of(a, a["id"]) for a in articles},
                               {a["id"]: a.get("content_hash", "") for a in articles})
            self._found[story_id] = ref
        return ref


def _outlets(ref: StoryRef, article_ids: list[str]) -> list[dict[str, str]]:
    """Each article as {label, key}, one entry per outlet label, in the given order."""
    out: dict[str, dict[str, str]] = {}
    for aid in article_ids:
        label = ref.labels.get(aid, aid)
        out.setdefault(label, {"label": label, "key": ref.keys.get(aid, "")})
    return list(out.values())


def entity_cards(found: dict[str, Any], refs: StoryRefs) -> list[dict[str, Any]]:
    """The entities of `queries.entities(name=...)` with outlets named: each spelling with the
    outlets writing it, and per story its title, the roles given (with their outlets) and the
    claims naming the entity (status and outlets)."""
    cards = []
    for ent in found["entities"]:
        stories = [refs[s["id"]] for s in ent["stories"]]
        labels: dict[str, str] = {}
        keys: dict[str, str] = {}
        for ref in stories:
            labels.update(ref.labels)
            keys.update(ref.keys)
        merged = StoryRef("", "", labels=labels, keys=keys)
        spellings = [{"text": text, "outlets": _outlets(merged, articles)}
                     for text, articles in sorted(ent.get("spellings", {}).items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        per_story = []
        for ref, s in zip(stories, ent["stories"], strict=True):
            roles = [{"office": r.get("office"), "affiliation": r.get("affiliation"), "qualifier": r.get("qualifier"),
                      "written": r.get("written") or [], "outlets": _outlets(ref, r.get("articles") or [])}
                     for r in s["roles"]]
            claims = [{"id": c["id"], "text": c["text"], "status": c["status"],
                       "outlets": _outlets(ref, c.get("sources") or [])} for c in s["claims"]]
            per_story.append({"id": ref.id, "title": ref.title, "analysed_at": s["analysed_at"],
                              "roles": roles, "claims": claims})
        cards.append({"name": ent["name"], "type": ent["type"], "spellings": spellings, "stories": per_story})
    return cards


def contradiction_cards(found: dict[str, Any], refs: StoryRefs) -> list[dict[str, Any]]:
    """The contradictions of `queries.contradictions` as the story page shows them (outlets
    named in the explanation, each side a whole sentence with the disputed wording marked and
    a link to it), with their story and date."""
    cards = []
    for c in found["contradictions"]:
        ref = refs[c["story"]]
        [view] = contradictions_view({"contradictions": [c]}, ref.articles)
        cards.append({**view, "story": ref.id, "title": ref.title, "date": c["date"]})
    return cards
