"""`analyze --engine ray` on a local Ray instance started here (2 CPUs, a small object
store): its report equals the local engine's on the sample and on the dev stories, with
PostgreSQL as the Ray run's store when NEWSPRISM_TEST_PG is set (else SQLite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import ray
from typer.testing import CliRunner

import newsprism
from newsprism import pipeline, ray_engine
from newsprism.cli import app
from newsprism.evaluation.stories import shared_dir

from .conftest import ROOT, SAMPLE, _reset_pg

pytestmark = pytest.mark.slow

SHARED = shared_dir()
DEV_STORIES = SHARED / "corpus" / "dev-stories" if SHARED else None


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """A new local Ray instance for this module; its address, for a second driver to join."""
    context = ray.init(address="local", num_cpus=2, object_store_memory=200_000_000, include_dashboard=False)
    yield context.address_info["address"]
    ray.shutdown()


@pytest.fixture
def ray_db(tmp_path: Path) -> str:
    """The Ray run's database: PostgreSQL (emptied) when NEWSPRISM_TEST_PG is set, else SQLite."""
    url = os.environ.get("NEWSPRISM_TEST_PG")
    if url:
        _reset_pg(url)
        return url
    return f"sqlite:///{tmp_path / 'ray.db'}"


def _local_report(inputs: Path, out: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["analyze", str(inputs), "--db", f"sqlite:///{out.with_suffix('.db')}",
                                      "--json", str(out)])
    assert result.exit_code in (0, 1), result.output  # 1: some inputs rejected (dev-stories' gold files)
    return json.loads(out.read_text("utf-8"))


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    """The report less what differs between any two runs: when it was made, the run's number."""
    return {**report, "created": None, "run": {**report["run"], "id": None}}


def _assert_same(ray_report: dict[str, Any], local: dict[str, Any]) -> None:
    compared = [s for s in local["stories"] if s.get("claims")]
    assert compared and any(s["contradictions"] for s in compared)  # there is something to compare
    assert [s["id"] for s in ray_report["stories"]] == [s["id"] for s in local["stories"]]
    for mine, theirs in zip(ray_report["stories"], local["stories"], strict=True):
        assert mine.get("claims") == theirs.get("claims"), mine["id"]
        assert mine.get("contradictions") == theirs.get("contradictions"), mine["id"]
    assert _comparable(ray_report) == _comparable(local)


def test_sample_from_a_second_driver_joining_the_instance(tmp_path: Path, ray_address: str, ray_db: str) -> None:
    """`newsprism analyze --engine ray --ray-address ADDR` in its own process, as on a cluster."""
    out = tmp_path / "ray.json"
    done = subprocess.run(
        [sys.executable, "-c", "from newsprism.cli import app; app()", "analyze", str(SAMPLE / "raw"),
         "--engine", "ray", "--ray-address", ray_address, "--db", ray_db, "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    _assert_same(json.loads(out.read_text("utf-8")), _local_report(SAMPLE / "raw", tmp_path / "local.json"))


def _counted(function: Callable[..., Any], calls: list[str]) -> Callable[..., Any]:
    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(function.__name__)
        return function(*args, **kwargs)

    return counted


def _driver_must_not(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("a document was cleaned by the driver instead of on Ray")


@pytest.mark.skipif(DEV_STORIES is None or not DEV_STORIES.is_dir(),
                    reason="dev-stories not found beside the clone (set NEWSPRISM_SHARED)")
def test_dev_stories_same_report_stages_on_ray(tmp_path: Path, ray_address: str, ray_db: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert DEV_STORIES is not None
    local = _local_report(DEV_STORIES, tmp_path / "local.json")
    # the local engine's cleaning trips; the Ray engine's entry points are counted
    monkeypatch.setattr(pipeline, "clean_safely", _driver_must_not)
    calls: list[str] = []
    for name in ("clean_on_ray", "story_reports_on_ray"):
        monkeypatch.setattr(ray_engine, name, _counted(getattr(ray_engine, name), calls))
    out = tmp_path / "ray.json"
    result = CliRunner().invoke(app, ["analyze", str(DEV_STORIES), "--engine", "ray", "--db", ray_db,
                                      "--json", str(out)])
    assert result.exit_code == 1, result.output  # the gold files and the README are rejected, as locally
    assert ray.is_initialized()  # the fixture's instance was used, not one of the command's own
    assert calls == ["clean_on_ray", "story_reports_on_ray"]
    _assert_same(json.loads(out.read_text("utf-8")), local)


def test_missing_ray_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as when it is not installed
    monkeypatch.delitem(sys.modules, "newsprism.ray_engine")
    monkeypatch.delattr(newsprism, "ray_engine")
    result = CliRunner().invoke(app, ["analyze", str(SAMPLE / "raw"), "--engine", "ray"])
    assert result.exit_code == 2
    assert "pip install 'newsprism[ray]'" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--ray-address", "auto"], "--ray-address needs --engine ray"),
    (["--engine", "ray", "--workers", "2"], "--workers is for --engine local"),
])
def test_engine_options_that_do_not_go_together(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["analyze", str(SAMPLE / "raw"), *args])
    assert result.exit_code == 2 and message in result.output
