"""Markdown for `analyze --md`: each compared story's brief (citations as [n], n the article's
number in the story's list, the sources listed by outlet) and its claims by support."""

from __future__ import annotations

from typing import Any

__all__ = ["report_markdown"]


def report_markdown(report: dict[str, Any]) -> str:
    out = []
    outlet = {a["id"]: a.get("outlet") or a.get("source") or a["id"] for a in report.get("articles", [])}
    for s in report.get("stories", []):
        if not s.get("claims"):
            continue
        number = {a: i + 1 for i, a in enumerate(s["articles"])}

        def cite(ids: list[str], number: dict[str, int] = number) -> str:
            return "".join(f"[{number.get(a, a)}]" for a in ids)

        out.append(f"## {s.get('title') or s['id']}\n")
        out.append("Sources: " + "; ".join(f"[{n}] {outlet.get(a, a)}" for a, n in number.items()) + "\n")
        brief = (s.get("brief") or {}).get("sentences", [])
        if brief:
            out.append("### Brief\n\n" + " ".join(f"{b['text']} {cite(b['citations'])}" for b in brief) + "\n")
        claims = [c for c in s["claims"] if c["status"] != "single"]
        if claims:
            out.append("### Claims\n")
            out += [f"- **{c['status']}** ({len(c.get('origins', c['sources']))} origins) {c['text']} "
                    f"{cite(c['sources'])}" for c in claims]
            out.append("")
    return "\n".join(out) + "\n"
