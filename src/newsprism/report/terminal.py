"""The end of `analyze` in a terminal: for the largest compared stories, the brief (sources
named by outlet) and the headline contradictions, as Rich renderables (`cli` prints them)."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from newsprism.claims.contradictions import HEADLINE
from newsprism.report.tables import contradiction_quotes, name_outlets

__all__ = ["story_summaries"]

MAX_CONTRADICTIONS = 3


def _story(story: dict[str, Any], articles: list[dict[str, Any]]) -> RenderableType:
    labels = {a["id"]: a.get("outlet") or a.get("source") or a["id"] for a in articles}
    parts: list[RenderableType] = []
    facts = Text(f"{len(story['articles'])} articles, {len(story['origins'])} independent origins: "
                 + ", ".join(dict.fromkeys(labels.get(a, a) for a in story["articles"])), style="dim")
    parts.append(facts)
    brief = (story.get("brief") or {}).get("sentences", [])
    if brief:
        text = Text()
        for s in brief:
            text.append(s["text"] + " ")
            text.append("[" + ", ".join(labels.get(c, c) for c in s["citations"]) + "] ", style="cyan")
        parts += [Text("Brief", style="bold"), text]
    contradictions = [c for c in story.get("contradictions", []) if c.get("confidence", 1.0) >= HEADLINE]
    if contradictions:
        parts.append(Text(f"Headline contradictions ({len(contradictions)})", style="bold"))
        for c in contradictions[:MAX_CONTRADICTIONS]:
            line = Text("• ", style="red")
            line.append(f"{c['kind']}: ", style="bold red")
            line.append(name_outlets(c["explanation"], labels))
            parts.append(line)
            for q in contradiction_quotes(c, articles):
                quote = Text("    ")
                quote.append(f"{q.outlet}{f' ({q.date})' if q.date else ''}: ", style="cyan")
                quote.append("“")
                for piece, marked in q.parts:
                    quote.append(piece, style="bold yellow" if marked else None)
                quote.append("”")
                parts.append(quote)
        if len(contradictions) > MAX_CONTRADICTIONS:
            parts.append(Text(f"  … {len(contradictions) - MAX_CONTRADICTIONS} more in the reports", style="dim"))
    elif "contradictions" in story:
        parts.append(Text("No headline contradictions.", style="dim"))
    return Panel(Group(*parts), title=story.get("title") or story["id"], title_align="left")


def story_summaries(report: dict[str, Any], limit: int = 3) -> list[RenderableType]:
    """One panel per story with claims, the largest (most independent origins) first."""
    stories = sorted((s for s in report.get("stories", []) if "claims" in s),
                     key=lambda s: (-len(s["origins"]), -len(s["articles"])))
    return [_story(s, report["articles"]) for s in stories[:limit]]
