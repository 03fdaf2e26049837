"""The report contract: build the versioned JSON document, validate it, render it.

`build_report(items, run=...)` turns a run's items (articles and rejections, in input
order) into the `newsprism.report/1` document described by `schema.json`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from newsprism import __version__
from newsprism.models import Article, Rejection
from newsprism.report.html import render_html
from newsprism.report.outlets import outlet_labels

__all__ = [
    "SCHEMA_ID",
    "build_report",
    "load_schema",
    "render_html",
    "validate_report",
    "write_html",
    "write_json",
]

SCHEMA_ID = "newsprism.report/1"


def _article_entry(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "text": article.text,
        "status": "ok",
        "problems": list(article.problems),
        "origin": article.origin,
        "url": article.url,
        "published": article.published,
        "language": article.language,
        "word_count": article.word_count,
        "content_hash": article.content_hash,
        "removed": [{"text": r.text, "reason": r.reason} for r in article.removed],
    }


def _rejection_entry(rej: Rejection) -> dict[str, Any]:
    return {
        "id": rej.id,
        "source": "",
        "title": "",
        "text": "",
        "status": "rejected",
        "problems": [f"{rej.reason}: {rej.detail}"],
        "origin": rej.origin,
        "rejection": {"stage": rej.stage, "reason": rej.reason, "detail": rej.detail},
    }


def build_report(
    items: Sequence[Article | Rejection],
    *,
    run: dict[str, Any] | None = None,
    stories: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The report document for `items` (articles and rejections, in input order)."""
    articles = [_article_entry(it) if isinstance(it, Article) else _rejection_entry(it) for it in items]
    _add_story_facts(articles, stories)
    for entry, label in zip(articles, outlet_labels(articles), strict=True):
        entry["outlet"] = label
    report: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "generator": {"name": "newsprism", "version": __version__},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": articles,
        "stories": list(stories),
    }
    if run is not None:
        report["run"] = run
    return report


def _add_story_facts(articles: list[dict[str, Any]], stories: Sequence[dict[str, Any]]) -> None:
    """Each article's event date (and how it was found) and, where cleaning set none, its
    language, as the stories stage read them (`stories[].members[]`)."""
    facts = {m["id"]: m for st in stories for m in st.get("members", ())}
    for entry in articles:
        m = facts.get(entry["id"])
        if m is None:
            continue
        if m.get("event_date"):
            entry["event_date"] = m["event_date"]
        if not entry.get("language") and m.get("language"):
            entry["language"] = m["language"]


@cache
def load_schema() -> dict[str, Any]:
    return json.loads(resources.files("newsprism.report").joinpath("schema.json").read_text("utf-8"))


def validate_report(report: dict[str, Any]) -> None:
    """Raise `jsonschema.ValidationError` unless `report` follows the contract,
    including offsets that index the cited article's text."""
    jsonschema.validate(report, load_schema())
    texts = {a["id"]: a["text"] for a in report["articles"]}
    for story in report["stories"]:
        for span in _spans(story):
            text = texts.get(span["article"])
            if text is None:
                raise jsonschema.ValidationError(f"span cites unknown article {span['article']!r}")
            if (
                not (0 <= span["start"] <= span["end"] <= len(text))
                or text[span["start"] : span["end"]] != span["text"]
            ):
                where = f"span {span['start']}:{span['end']} of {span['article']!r}"
                raise jsonschema.ValidationError(f"{where} does not hold {span['text']!r}")


def _spans(story: dict[str, Any]):  # type: ignore[no-untyped-def]
    for entity in story.get("entities", []):
        yield from entity["mentions"]
    for claim in story.get("claims", []):
        yield from claim["evidence"]


def write_json(report: dict[str, Any], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def write_html(report: dict[str, Any], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path
