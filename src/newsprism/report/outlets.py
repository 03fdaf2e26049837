"""Outlet labels for people: the name of the outlet behind each article, told apart by date
when one outlet has several articles in the same view.

    outlet_labels([{"id": "a", "source": "MENAFN", "published": "2025-05-16"},
                   {"id": "b", "source": "MENAFN", "published": "2025-05-17"},
                   {"id": "c", "source": "c", "text": "KYIV (Reuters) - ..."}])
    -> ["MENAFN · 16 May 2025", "MENAFN · 17 May 2025", "Reuters"]

The name is the article's `source` (cleaning chose it: given, site name, URL host, a
dateline, the file stem); where that is only the file stem or the id (articles stored
before datelines were read), the dateline and the URL host are tried again here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from newsprism.clean.metadata import dateline_outlet, domain, file_stem

__all__ = ["outlet_labels", "outlet_name"]


def outlet_name(article: dict[str, Any]) -> str:
    """The outlet of one report article entry (see the module docstring)."""
    source = (article.get("source") or "").strip()
    fallbacks = {article.get("id", ""), file_stem(article.get("origin") or "")}
    if source and source not in fallbacks:
        return source
    return dateline_outlet(article.get("text") or "") or domain(article.get("url")) or source or article.get("id", "")


def _day(article: dict[str, Any]) -> str | None:
    event = article.get("event_date") or {}
    for value in (article.get("published"), event.get("value") if isinstance(event, dict) else None):
        try:
            d = date.fromisoformat(str(value)[:10]) if value else None
        except ValueError:
            d = None
        if d is not None:
            return f"{d.day} {d:%b %Y}"
    return None


def outlet_labels(articles: Sequence[dict[str, Any]]) -> list[str]:
    """One outlet label per article, in order: the outlet's name, with the article's date where
    the outlet has several articles here, and a number where the dates do not tell them apart."""
    names = [outlet_name(a) for a in articles]
    shared = Counter(names)
    labels = [name if shared[name] == 1 else " · ".join(x for x in (name, _day(a)) if x)
              for name, a in zip(names, articles, strict=True)]
    taken = Counter(labels)
    seen: Counter[str] = Counter()
    for i, label in enumerate(labels):
        if taken[label] > 1:
            seen[label] += 1
            labels[i] = f"{label} ({seen[label]})"
    return labels
