"""The report contract: schema, offsets, and a safe self-contained HTML page."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest

from newsprism.models import Article, Rejection, Removed
from newsprism.report import build_report, validate_report, write_html, write_json

HOSTILE = 'Talks <script>alert("x")</script> ended <img src=x onerror=alert(1)> & "quotes"'


def _items() -> list[Article | Rejection]:
    return [
        Article(
            id="a",
            origin="a.html",
            source="Example <b>News</b>",
            title=HOSTILE,
            text=HOSTILE + "\nSecond line.",
            url="javascript:alert(1)",
            language="en",
            word_count=9,
            content_hash="h",
            removed=[Removed("<iframe src=//evil></iframe> Share This Post", "widget")],
        ),
        Rejection("b", "b.bin", "ingest", "binary", "file starts with PNG magic bytes"),
    ]


def test_report_follows_schema_and_keeps_input_order(tmp_path: Path) -> None:
    report = build_report(_items(), run={"id": 1, "inputs": ["x"], "ok": 1, "rejected": 1, "new": 1})
    validate_report(report)
    assert report["schema"] == "newsprism.report/1"
    assert [(a["id"], a["status"]) for a in report["articles"]] == [("a", "ok"), ("b", "rejected")]
    assert report["articles"][1]["problems"] == ["binary: file starts with PNG magic bytes"]
    path = write_json(report, tmp_path / "r.json")
    assert json.loads(path.read_text("utf-8"))["articles"][0]["text"].startswith("Talks <script>")


def test_schema_rejects_broken_reports() -> None:
    good = build_report(_items())
    bad_status = copy.deepcopy(good)
    bad_status["articles"][0]["status"] = "maybe"
    rejected_without_reason = copy.deepcopy(good)
    del rejected_without_reason["articles"][1]["rejection"]
    for bad in (bad_status, rejected_without_reason, {**good, "schema": "newsprism.report/2"}):
        with pytest.raises(jsonschema.ValidationError):
            validate_report(bad)


def test_offsets_must_index_the_clean_text() -> None:
    text = _items()[0].text  # type: ignore[union-attr]
    start = text.index("ended")
    story = {
        "id": "s1",
        "title": "t",
        "articles": ["a"],
        "origins": [["a"]],
        "claims": [
            {
                "id": "c1",
                "text": "ended",
                "status": "single",
                "sources": ["a"],
                "evidence": [{"article": "a", "text": "ended", "start": start, "end": start + 5}],
            }
        ],
    }
    validate_report(build_report(_items(), stories=[story]))
    story["claims"][0]["evidence"][0]["start"] += 1
    with pytest.raises(jsonschema.ValidationError, match="does not hold"):
        validate_report(build_report(_items(), stories=[story]))


def test_html_escapes_everything_and_loads_nothing(tmp_path: Path) -> None:
    page = write_html(build_report(_items()), tmp_path / "r.html").read_text("utf-8")
    assert "<script" not in page and "<iframe" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "javascript:" not in page  # only http(s) links are rendered
    assert not re.search(r'(src|href)="(https?:)?//', page)  # no external assets
    assert "Removed by cleaning (1)" in page and "widget" in page
    assert "file starts with PNG magic bytes" in page


def test_articles_carry_the_event_date_and_language_the_stories_stage_read() -> None:
    art = Article(id="es1", origin="es1.txt", source="Diario", title="Apagón", text="Un apagón dejó sin luz a España.",
                  language=None, word_count=7, content_hash="h2")
    story = {"id": "st-1", "title": "Apagón", "articles": ["es1"], "origins": [["es1"]],
             "members": [{"id": "es1", "language": "es", "status": "ok", "reason": None,
                          "event_date": {"value": "2025-04-28", "source": "dateline", "evidence": "MADRID, 28 Apr"}}]}
    report = build_report([art], stories=[story])
    entry = report["articles"][0]
    assert entry["language"] == "es"
    assert entry["event_date"] == {"value": "2025-04-28", "source": "dateline", "evidence": "MADRID, 28 Apr"}
    validate_report(report)


def _art(aid: str, source: str, published: str | None = None, text: str = "Body.", url: str | None = None,
         origin: str | None = None) -> Article:
    return Article(id=aid, origin=origin or f"/in/{aid}.txt", source=source, title=aid, text=text, url=url,
                   published=published, word_count=1, content_hash=aid)


def test_articles_carry_outlet_labels_told_apart_by_date() -> None:
    from newsprism.report.outlets import outlet_labels

    items = [_art("a", "MENAFN", "2025-05-16"), _art("b", "MENAFN", "2025-05-17T08:00:00"),
             _art("c", "c", text="KYIV (Reuters) - Russia said so."),  # a file-stem source, read again
             _art("d", "d", url="https://www.example.org/x"), _art("e", "e"),
             _art("f", "Wire", "2025-05-16"), _art("g", "Wire", "2025-05-16"), _art("h", "Wire")]
    report = build_report(items)
    validate_report(report)
    assert [a["outlet"] for a in report["articles"]] == [
        "MENAFN · 16 May 2025", "MENAFN · 17 May 2025", "Reuters", "example.org", "e",
        "Wire · 16 May 2025 (1)", "Wire · 16 May 2025 (2)", "Wire"]
    assert outlet_labels([{"id": "x", "source": ""}]) == ["x"]


def test_html_and_markdown_name_outlets_not_file_ids(tmp_path: Path) -> None:
    from newsprism.brief.markdown import report_markdown
    from newsprism.report import render_html

    items = [_art("000_74267b2649ed2a86", "000_74267b2649ed2a86", text="(MENAFN) Despite attempts, talks went on."),
             _art("001_a41350389d8f096f", "Wire")]
    story = {"id": "st-1", "title": "T", "articles": [i.id for i in items], "origins": [[i.id] for i in items],
             "status": "ok", "claims": [{"id": "c1", "text": "Talks went on.", "status": "consensus",
                                         "sources": [i.id for i in items], "origins": [[i.id] for i in items],
                                         "evidence": []}]}
    report = build_report(items, stories=[story])
    html = render_html(report)
    assert '">MENAFN</a>' in html and '">000_74267b2649ed2a86</a>' not in html.split("<h2>Articles</h2>")[0]
    assert "[1] MENAFN; [2] Wire" in report_markdown(report)


def test_exported_members_of_the_table_modules() -> None:
    from newsprism.report import outlets, tables, terminal

    assert outlets.__all__ == ["outlet_labels", "outlet_name"]
    assert tables.__all__ == ["ClaimRow", "Quote", "claim_rows", "claims_csv", "contradiction_quotes",
                              "contradictions_csv", "merge_rows", "name_outlets", "sentence_around", "write_csv"]
    assert terminal.__all__ == ["story_summaries"]
    assert all(hasattr(m, n) for m in (outlets, tables, terminal) for n in m.__all__)
