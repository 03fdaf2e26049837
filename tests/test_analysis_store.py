"""Stored analysis on the sample: `analyze` saves each story's analysis per story version
with its model versions; `report` reads it instead of computing; a change of models or
articles makes it computed again; `add` queues the story and `work` brings it up to date."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from newsprism import pipeline
from newsprism.analysis import StoryAnalysis, story_version
from newsprism.cli import app
from newsprism.store import Store
from newsprism.store.tables import StoryAnalysisRow
from tests.web_support import client

from .conftest import SAMPLE

runner = CliRunner()


def _cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, dict[str, Any]]:
    """A store after `analyze` of the sample, and its report."""
    tmp = tmp_path_factory.mktemp("analysed")
    db = f"sqlite:///{tmp / 'a.db'}"
    _cli("analyze", str(SAMPLE / "raw"), "--db", db, "--json", str(tmp / "r.json"))
    return db, tmp, json.loads((tmp / "r.json").read_text("utf-8"))


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = pipeline.story_reports

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(len(args[1]))
        return original(*args, **kwargs)

    monkeypatch.setattr(pipeline, "story_reports", counted)
    return calls


def test_records_round_trip_the_sample_report(analysed: tuple[str, Path, dict[str, Any]]) -> None:
    _, _, report = analysed
    [entry] = report["stories"]
    assert entry["claims"] and entry["contradictions"] and entry["entities"] and entry["brief"]["sentences"]
    found = StoryAnalysis.from_report(entry, version="v", models={"m": "1"})
    assert found.compared and found.claims[0].status in ("consensus", "single", "disputed")
    assert all(isinstance(s.start, int) for c in found.claims for s in c.evidence)
    assert found.to_report() == {k: v for k, v in entry.items() if k in found.to_report()}
    assert set(found.to_report()) == {"members", "entities", "claims", "contradictions", "comparison", "sources",
                                      "brief"}
    assert StoryAnalysis.from_json(json.loads(json.dumps(found.to_json()))) == found


def test_analyze_stores_the_analysis_and_report_reads_it(analysed: tuple[str, Path, dict[str, Any]],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    db, tmp, report = analysed
    [entry] = report["stories"]
    texts = {a["id"]: a["content_hash"] for a in report["articles"]}
    with Store(db) as store:
        stored = store.analysis(entry["id"], story_version([(a, texts[a]) for a in entry["articles"]]))
    assert stored is not None and stored.n_articles == 5 and stored.seconds > 0
    assert stored.analysis.models == pipeline.analysis_models()
    calls = _counting(monkeypatch)
    _cli("report", "1", "--db", db, "--json", str(tmp / "again.json"))
    assert calls == []  # nothing computed
    again = json.loads((tmp / "again.json").read_text("utf-8"))
    assert again["stories"] == report["stories"] and again["articles"] == report["articles"]


def test_changed_models_are_computed_again(analysed: tuple[str, Path, dict[str, Any]],
                                           monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db, _, report = analysed
    newer = {**pipeline.analysis_models(), "ner": "a-retrained-recogniser"}
    monkeypatch.setattr(pipeline, "analysis_models", lambda *_a, **_k: newer)
    calls = _counting(monkeypatch)
    _cli("report", "1", "--db", db, "--json", str(tmp_path / "newer.json"))
    assert calls == [1]
    with Store(db) as store:
        stored = store.analysis(report["stories"][0]["id"])
    assert stored is not None and stored.analysis.models == newer
    _cli("report", "1", "--db", db, "--json", str(tmp_path / "newer2.json"))
    assert calls == [1]  # the new models' analysis is stored now


def test_an_unreadable_stored_analysis_is_computed_again_not_a_crash(
        analysed: tuple[str, Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db, _, report = analysed
    sid = report["stories"][0]["id"]
    with Store(db) as store, store.engine.begin() as conn:
        conn.execute(update(StoryAnalysisRow).values(document={"story_id": sid}))
    c = client(db)
    page = c.get(f"/stories/{sid}")
    assert page.status_code == 200 and 'data-state="' in page.text and "Not computed yet" in page.text
    calls = _counting(monkeypatch)
    _cli("report", "1", "--db", db, "--json", str(tmp_path / "fixed.json"))
    assert calls == [1]


def test_add_queues_the_story_and_work_brings_it_up_to_date(analysed: tuple[str, Path, dict[str, Any]]) -> None:
    db, tmp, report = analysed
    sid = report["stories"][0]["id"]
    new = tmp / "new"
    new.mkdir()
    text = (SAMPLE / "clean" / "002_905a684dd6f29ba4.txt").read_text("utf-8")
    (new / "wire-copy.txt").write_text(text.replace("Istanbul", "Istanbul,", 1), encoding="utf-8")
    _cli("add", str(new), "--db", db)
    with Store(db) as store:
        assert store.queue_entry(sid) is not None and store.queue_entry(sid).state == "queued"
    page = client(db).get(f"/api/v1/stories/{sid}").json()
    # the 5-article analysis is shown while the 6-article version waits for a worker
    assert page["analysis"]["state"] == "queued" and page["analysis"]["articles"] == 5
    out = _cli("work", "--once", "--db", db)
    assert f"story {sid}: analysed (6 articles)" in out and "1 stories taken; queue: empty" in out
    page = client(db).get(f"/api/v1/stories/{sid}").json()
    assert page["analysis"]["state"] == "done" and page["analysis"]["articles"] == 6
    assert "wire-copy" in {s["article"] for s in page["stories"][0]["sources"]}
    assert "0 stories taken" in _cli("work", "--once", "--db", db)


def test_views_across_stories_read_each_storys_latest_analysis_once(
        analysed: tuple[str, Path, dict[str, Any]]) -> None:
    db, _, report = analysed  # by now its story was analysed again (same version, other models) and grew
    sid = report["stories"][0]["id"]
    c = client(db)
    listing = c.get("/api/v1/entities").json()
    assert listing["computed"] and all(g["stories"] == [sid] for g in listing["entities"])
    [zelensky] = [g for g in c.get("/api/v1/entities", params={"name": "Zelenskyy"}).json()["entities"]
                  if g["type"] == "PERSON"]
    assert [s["id"] for s in zelensky["stories"]] == [sid]  # the latest analysis only, once
    assert "wire-copy" in {a for arts in zelensky["spellings"].values() for a in arts}  # the 6-article version
    with Store(db) as store:
        latest = store.analysis(sid)
    assert latest is not None
    assert c.get("/api/v1/contradictions").json()["total"] == len(latest.analysis.contradictions)
