"""A readable, self-contained HTML page for a report: no scripts, no external assets.

Everything that came from an input is escaped: article text is hostile until then.
"""

from __future__ import annotations

from html import escape
from typing import Any

CSP = "default-src 'none'; style-src 'unsafe-inline'"
CSS = """
body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:1.2rem 2rem}
header h1{margin:0;font-size:1.4rem}
header p{margin:.3rem 0 0;color:#c9d1e0}
main{max-width:60rem;margin:0 auto;padding:1rem 2rem 4rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{padding:.35rem .6rem;border-bottom:1px solid #e3e6ec;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}
.ok{color:#17663a;font-weight:600}
.rejected{color:#a3261b;font-weight:600}
article{background:#fff;border:1px solid #e3e6ec;border-radius:6px;padding:1rem 1.4rem;margin:1.2rem 0}
article h3{margin:.2rem 0 .4rem}
.meta{color:#5b6475;font-size:.9rem}
.text p{margin:.5rem 0}
details{margin-top:.8rem}
summary{cursor:pointer;color:#5b6475}
.removed{background:#fff4f2;border-left:3px solid #d9695c;padding:.3rem .6rem;margin:.3rem 0;white-space:pre-wrap;font-size:.9rem;color:#6b3a34}
.reason{font-weight:600;color:#a3261b;margin-right:.4rem}
.problems{color:#a3261b}
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{_e(line)}</p>" for line in text.split("\n") if line.strip())


def _link(aid: str, anchors: dict[str, tuple[int, str]]) -> str:
    """An article's outlet label, linked to its section of the page when the page has one."""
    if aid not in anchors:
        return _e(aid)
    i, label = anchors[aid]
    return f'<a href="#a{i}" title="{_e(aid)}">{_e(label)}</a>'


def _story(s: dict[str, Any], anchors: dict[str, tuple[int, str]]) -> str:
    span = " – ".join(dict.fromkeys(_e(d) for d in (s.get("first_published"), s.get("last_published")) if d))
    origins = "; ".join(" = ".join(_link(a, anchors) for a in group) for group in s.get("origins", []))
    return (
        f"<tr><td>{_e(s.get('title'))}<br><small>{_e(s.get('id'))}</small></td>"
        f"<td>{len(s.get('articles', []))}</td><td>{len(s.get('origins', []))}</td>"
        f"<td>{span or 'undated'}</td><td>{origins}</td></tr>"
    )


def _story_details(s: dict[str, Any], anchors: dict[str, tuple[int, str]]) -> str:
    """Brief, per-source framing, contradictions, claims by support, and the entity roster of one
    compared story."""
    contradictions = "".join(
        f"<li><strong>{_e(c['kind'])}</strong>: {_e(c['explanation'])}<ul>"
        + "".join(f"<li>{_link(st['article'], anchors)}: “{_e(st['text'])}”</li>" for st in c["statements"])
        + "</ul></li>"
        for c in s.get("contradictions", [])
    )
    claims = "".join(
        f"<tr><td class=\"{_e(c['status'])}\">{_e(c['status'])}</td><td>{len(c.get('origins', c['sources']))}</td>"
        f"<td>{_e(c['text'])}</td><td>{', '.join(_link(a, anchors) for a in c['sources'])}</td></tr>"
        for c in s["claims"] if c["status"] != "single"
    )
    singles = sum(c["status"] == "single" for c in s["claims"])
    entities = "".join(
        f"<tr><td>{_e(e['name'])}</td><td>{_e(e['type'])}</td>"
        f"<td>{_e('; '.join(sorted((e.get('variants') or {}).keys())))}</td></tr>"
        for e in s.get("entities", [])
    )
    brief = " ".join((f"<span title=\"sources' wording: {_e(b['extract'])}\">{_e(b['text'])}</span> " if b.get("extract")
                      else f"{_e(b['text'])} ") + "".join(f"[{_link(a, anchors)}]" for a in b["citations"])
                     for b in (s.get("brief") or {}).get("sentences", []))
    sources = "".join(
        f"<tr><td>{_link(p['article'], anchors)}</td>"
        f"<td>{_e(', '.join(f'{k} {v:+.2f}' for k, v in p['stance'].items()))}</td>"
        f"<td>{_e('; '.join(sorted({t['text'] for t in p['loaded_terms'] if t['kind'] != 'unattributed_assertion'})))}</td>"
        f"<td>{_e(', '.join(f'{k} {v}' for k, v in (p.get('voices') or {}).items()))}</td>"
        f"<td>{_e('; '.join(', '.join(v) for v in (p.get('naming') or {}).values()))}</td>"
        f"<td>{len(p['omitted_claims'])}</td></tr>"
        for p in s.get("sources", [])
    )
    return (
        f"<section><h2>{_e(s.get('title'))}</h2>"
        + (f"<h3>Brief</h3><p>{brief}</p>" if brief else "")
        + (f"<h3>How each source frames it</h3><table><thead><tr><th>article</th><th>stance</th>"
           "<th>loaded terms</th><th>voices</th><th>naming</th><th>consensus claims omitted</th></tr></thead>"
           f"<tbody>{sources}</tbody></table>" if sources else "")
        + (f"<h3>Contradictions</h3><ul>{contradictions}</ul>" if contradictions else "")
        + "<h3>Claims stated by two or more independent origins, and disputed ones</h3>"
        "<table><thead><tr><th>status</th><th>origins</th><th>claim</th><th>sources</th></tr></thead>"
        f"<tbody>{claims}</tbody></table><p>{singles} further claims come from a single source.</p>"
        + (f"<h3>Entities</h3><table><thead><tr><th>name</th><th>type</th><th>variants</th></tr></thead>"
           f"<tbody>{entities}</tbody></table>" if entities else "")
        + "</section>"
    )


def _article(a: dict[str, Any], anchor: int) -> str:
    meta = " · ".join(
        _e(x)
        for x in (
            a.get("outlet") or a.get("source"),
            a.get("published"),
            a.get("language"),
            f"{a.get('word_count', 0)} words" if a["status"] == "ok" else None,
        )
        if x
    )
    url = a.get("url")
    link = (
        f' · <a href="{_e(url)}" rel="noopener noreferrer nofollow">link</a>'
        if url and str(url).startswith(("http://", "https://"))
        else ""
    )
    problems = "".join(f"<li>{_e(p)}</li>" for p in a.get("problems", []))
    removed = "".join(
        f'<div class="removed"><span class="reason">{_e(r["reason"])}</span>{_e(r["text"])}</div>'
        for r in a.get("removed", [])
    )
    parts = [
        f'<article id="a{anchor}"><h3>{_e(a.get("title") or a["id"])}</h3>',
        f'<div class="meta">{_e(a["id"])} · <span class="{_e(a["status"])}">{_e(a["status"])}</span>'
        f"{' · ' + meta if meta else ''}{link}</div>",
    ]
    if problems:
        parts.append(f'<ul class="problems">{problems}</ul>')
    if a["status"] == "ok":
        parts.append(f'<div class="text">{_paragraphs(a["text"])}</div>')
    if removed:
        parts.append(
            f"<details><summary>Removed by cleaning ({len(a['removed'])})</summary>{removed}</details>"
        )
    parts.append("</article>")
    return "".join(parts)


def render_html(report: dict[str, Any]) -> str:
    articles = report["articles"]
    n_ok = sum(a["status"] == "ok" for a in articles)
    rows = "".join(
        f'<tr><td><a href="#a{i}">{_e(a["id"])}</a></td><td>{_e(a.get("outlet") or a.get("source"))}</td>'
        f'<td>{_e(a.get("title"))}</td><td class="{_e(a["status"])}">{_e(a["status"])}</td>'
        f"<td>{_e('; '.join(a.get('problems', [])))}</td></tr>"
        for i, a in enumerate(articles)
    )
    anchors = {a["id"]: (i, a.get("outlet") or a.get("source") or a["id"]) for i, a in enumerate(articles)}
    stories = "".join(_story(s, anchors) for s in report.get("stories", []))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>newsprism report</title><style>{CSS}</style></head><body>"
        f"<header><h1>newsprism report</h1><p>{_e(report.get('created'))} · {len(articles)} inputs · "
        f"{n_ok} articles · {len(articles) - n_ok} rejected</p></header><main>"
        + (
            "<h2>Stories</h2><table><thead><tr><th>story</th><th>articles</th><th>independent origins</th>"
            f"<th>published</th><th>origins (near-duplicate groups)</th></tr></thead><tbody>{stories}</tbody></table>"
            if stories
            else ""
        )
        + "".join(_story_details(s, anchors) for s in report.get("stories", []) if s.get("claims"))
        + "<h2>Articles</h2><table><thead><tr><th>id</th><th>outlet</th><th>title</th><th>status</th>"
        f"<th>problems</th></tr></thead><tbody>{rows}</tbody></table>"
        + "".join(_article(a, i) for i, a in enumerate(articles))
        + "</main></body></html>\n"
    )
