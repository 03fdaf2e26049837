"""End to end through the CLI: the sample, a batch of bad inputs, re-runs."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism import cli
from newsprism.cli import app
from newsprism.models import Article
from newsprism.pipeline import StoryWorkerError, indexed_stories
from newsprism.store import Store

from .conftest import SAMPLE

runner = CliRunner()


def _analyze(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["analyze", *args])
    return result.exit_code, result.output


def test_sample_end_to_end(tmp_path: Path, db_url: str) -> None:
    code, out = _analyze(
        str(SAMPLE / "raw"),
        "--db",
        db_url,
        "--json",
        str(tmp_path / "r.json"),
        "--html",
        str(tmp_path / "r.html"),
        "--csv",
        str(tmp_path / "csv"),
        "--md",
        str(tmp_path / "brief.md"),
    )
    assert code == 0, out
    # the terminal ends with the brief and the headline contradictions, then the files written
    assert out.index("Brief") < out.index("Headline contradictions") < out.index("JSON report:")
    assert "MENAFN" in out and "role:" in out  # outlets named; the role contradiction is the first headline one
    csvs = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert len(csvs) == 2 and csvs[0].endswith("-claims.csv") and csvs[1].endswith("-contradictions.csv")
    header = (tmp_path / "csv" / csvs[0]).read_text("utf-8").splitlines()[0]
    assert header.startswith("claim_id,status,kind,check_worthy,origins,claim,states")
    assert "CSV: " in out[out.index("JSON report:"):]
    assert "[1] MENAFN" in (tmp_path / "brief.md").read_text("utf-8")
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert [a["id"] for a in report["articles"]] == sorted(p.stem for p in (SAMPLE / "raw").glob("*.txt"))
    assert all(a["status"] == "ok" and a["language"] == "en" for a in report["articles"])
    first = report["articles"][0]
    assert "page you were looking for" not in first["text"] and "Legal Disclaimer" not in first["text"]
    assert {"error-page", "repeated", "disclaimer"} <= {r["reason"] for r in first["removed"]}
    page = (tmp_path / "r.html").read_text("utf-8")
    assert "Istanbul Talks 2.0 deemed good opportunity" in page and "Removed by cleaning" in page
    # one event, five outlets: one story of five independent origins
    [story] = report["stories"]
    assert sorted(story["articles"]) == [a["id"] for a in report["articles"]]
    assert len(story["origins"]) == 5 and story["id"].startswith("st-")
    assert "independent origins" in page


FLOOD = (
    "Heavy rain caused the Guadalupe River to rise more than 26 feet in 45 minutes early on Friday, "
    "sweeping away cabins at a summer camp in Kerr County, Texas. Rescue crews searched the river banks "
    "through the weekend, and the county sheriff said dozens of people were still missing on Sunday. "
    "Forecasters had issued a flood watch the afternoon before, but residents said warnings came too late."
)


def test_add_assigns_new_articles_without_reclustering(tmp_path: Path, db_url: str) -> None:
    code, out = _analyze(str(SAMPLE / "raw"), "--db", db_url, "--json", str(tmp_path / "r.json"))
    assert code == 0, out
    story_id = json.loads((tmp_path / "r.json").read_text("utf-8"))["stories"][0]["id"]
    new = tmp_path / "new"
    new.mkdir()
    # a syndicated copy with a light edit, and an unrelated article
    text = (SAMPLE / "clean" / "002_905a684dd6f29ba4.txt").read_text("utf-8")
    (new / "wire-copy.txt").write_text(text.replace("Istanbul", "Istanbul,", 1), encoding="utf-8")
    (new / "flood.txt").write_text("Texas flood: camp swept away\n\n" + FLOOD, encoding="utf-8")
    result = runner.invoke(app, ["add", str(new), "--db", db_url, "--json", str(tmp_path / "add.json")])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "add.json").read_text("utf-8"))
    by_id = {a["article"]: a for a in doc["assignments"]}
    assert set(by_id) == {"wire-copy", "flood"} and doc["indexed"] == 7
    copy, flood = by_id["wire-copy"], by_id["flood"]
    assert copy["story"] == story_id and copy["copy_of"] == "002_905a684dd6f29ba4" and not copy["new_story"]
    assert flood["story"] != story_id and flood["new_story"]
    joined = next(s for s in doc["stories"] if s["id"] == story_id)
    assert len(joined["articles"]) == 6 and len(joined["origins"]) == 5  # a copy adds no independent source
    again = runner.invoke(app, ["add", str(new), "--db", db_url])
    assert again.exit_code == 0 and "no new articles" in again.output
    with Store(db_url) as store:
        assert store.count_articles() == 7
        assert len(indexed_stories(store)) == 2


def test_rerun_adds_nothing(tmp_path: Path, db_url: str) -> None:
    for _ in range(2):
        code, out = _analyze(str(SAMPLE / "raw"), "--db", db_url)
        assert code == 0, out
    with Store(db_url) as store:
        assert store.count_articles() == 5
        assert [(r.n_ok, r.n_new) for r in store.runs()] == [(5, 5), (5, 0)]


def test_bad_inputs_are_rejected_and_the_batch_goes_on(tmp_path: Path, db_url: str) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SAMPLE / "raw" / "004_8b8496d1b130a673.txt", inputs / "good.txt")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    page = b"<html><body>" + (SAMPLE / "raw" / "002_905a684dd6f29ba4.txt").read_bytes() + b"</body></html>"
    packed = gzip.compress(page)
    (inputs / "cut.html.gz").write_bytes(packed[: len(packed) // 2])
    (inputs / "lines.jsonl").write_text(
        json.dumps(
            {
                "url": "https://example.org/a",
                "title": "Talks",
                "source": "Example",
                "text": (SAMPLE / "raw" / "001_a41350389d8f096f.txt").read_text("utf-8"),
            }
        )
        + "\n{not json\n",
        "utf-8",
    )
    with open(inputs / "huge.txt", "wb") as f:
        f.truncate(200 * 1024 * 1024)
    code, out = _analyze(str(inputs), "--db", db_url, "--json", str(tmp_path / "r.json"))
    assert code == 1, out
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    status = {a["id"]: (a["status"], a.get("rejection", {}).get("reason")) for a in report["articles"]}
    assert status["good"] == ("ok", None)
    assert status["lines:1"] == ("ok", None)
    assert status["lines:2"] == ("rejected", "bad-json")
    assert status["empty"] == ("rejected", "empty")
    assert status["image"] == ("rejected", "binary")
    assert status["huge"] == ("rejected", "too-large")
    assert status["cut"] == ("rejected", "bad-gzip")
    assert "rejected" in out and "bad-json" in out
    with Store(db_url) as store:
        assert store.count_articles() == 2


def test_workers_default_to_the_cores_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert cli._workers(None) == 3 and cli._workers(1) == 1


def test_workers_give_the_same_report(tmp_path: Path) -> None:
    reports = []
    for w in (1, 2):
        out = tmp_path / f"r{w}.json"
        code, log = _analyze(
            str(SAMPLE / "raw"),
            "--db",
            f"sqlite:///{tmp_path / f'w{w}.db'}",
            "--json",
            str(out),
            "--workers",
            str(w),
        )
        assert code == 0, log
        reports.append(
            [
                {k: a[k] for k in ("id", "text", "title", "content_hash")}
                for a in json.loads(out.read_text("utf-8"))["articles"]
            ]
        )
    assert reports[0] == reports[1]


def test_unusable_database_is_exit_3(tmp_path: Path) -> None:
    code, out = _analyze(str(SAMPLE / "raw"), "--db", "mysql://nowhere/x")
    assert code == 3 and "unsupported database URL" in out


def test_report_command_rerenders_a_run(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert _analyze(str(SAMPLE / "raw"), "--db", db)[0] == 0
    result = runner.invoke(app, ["report", "1", "--db", db, "--json", str(tmp_path / "again.json")])
    assert result.exit_code == 0, result.output
    assert len(json.loads((tmp_path / "again.json").read_text("utf-8"))["articles"]) == 5
    assert runner.invoke(app, ["report", "7", "--db", db]).exit_code == 2


def test_exit_codes_tell_rejected_inputs_from_a_crashed_run(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism import pipeline

    from .store_support import HashEncoder, article

    monkeypatch.setattr(pipeline, "story_encoder", lambda params: HashEncoder(params))
    unstorable = [article("fine", "A text the database stores as it is."),
                  article("odd", "A text whose title no database stores.", title="Talks \ud800")]
    monkeypatch.setattr(pipeline, "clean_inputs", lambda *a, **k: iter(unstorable))
    result = runner.invoke(app, ["ingest", "batch", "--db", db_url])
    assert result.exit_code == 1, result.output  # one input rejected, the other stored
    assert "store-error" in result.output

    def crashing(*_a: object, **_k: object) -> Iterator[Article]:
        yield article("late", "Stored only if its batch is.")
        raise RuntimeError("a bug in a stage")

    monkeypatch.setattr(pipeline, "clean_inputs", crashing)
    result = runner.invoke(app, ["ingest", "batch", "--db", db_url])
    assert result.exit_code == 5, result.output
    assert "crashed: RuntimeError: a bug in a stage" in result.output
    with Store(db_url) as store:
        assert [r.status for r in store.runs()] == ["done", "failed"]
        assert store.count_articles() == 1


def test_serve_answers_its_own_host_names_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from fastapi.testclient import TestClient

    served: list = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append((app, kw)))
    monkeypatch.delenv("NEWSPRISM_WEB_ALLOWED_HOSTS", raising=False)
    db = f"sqlite:///{tmp_path / 'serve.db'}"
    result = runner.invoke(app, ["serve", "--db", db, "--host", "news.example.org"])
    assert result.exit_code == 0, result.output
    web_app, kw = served[-1]
    assert kw["host"] == "news.example.org"
    assert TestClient(web_app, base_url="http://news.example.org:8000").get("/").status_code == 200
    assert TestClient(web_app, base_url="http://localhost:8000").get("/").status_code == 200
    assert TestClient(web_app, base_url="http://evil.example:8000").get("/").status_code == 400
    result = runner.invoke(app, ["serve", "--db", db, "--open"])
    assert result.exit_code == 0 and "loopback names" in result.output
    opened, _ = served[-1]
    assert TestClient(opened, base_url="http://evil.example:8000").get("/").status_code == 400
    assert TestClient(opened, base_url="http://127.0.0.1:8000").get("/").status_code == 200


def test_a_story_whose_worker_died_twice_is_exit_5_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def died(*args: object, **kwargs: object) -> None:
        raise StoryWorkerError(["s-1234"])

    monkeypatch.setattr(cli, "report_for_run", died)
    code, out = _analyze(str(SAMPLE / "raw"), "--db", f"sqlite:///{tmp_path / 'a.db'}")
    assert code == 5 and "no report" in out and "s-1234" in out and "Traceback" not in out
