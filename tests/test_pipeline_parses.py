"""Parses kept in the store by `pipeline.analyse_stories`, on the sample: analysing the story
again after it gained an article parses only that article and gives the report a fresh
analysis gives; other NLP models miss every stored parse (and those of the old ones are
deleted); a damaged stored parse is logged, parsed again and replaced, never a crash."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from newsprism import pipeline
from newsprism.cli import app
from newsprism.models import Article
from newsprism.nlp.stored import parse_from_bytes
from newsprism.pipeline import analyse_stories, story_from_stored
from newsprism.store import Store
from newsprism.store.tables import ParseRow
from newsprism.stories import Story
from tests.store_support import article, synthetic_text

from .conftest import SAMPLE
from .parse_support import parsed_texts

runner = CliRunner()


def _cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _story(store: Store, story_id: str) -> tuple[Story, list[Article]]:
    found = store.story_with_articles(story_id)
    assert found is not None
    return story_from_stored(found[0]), found[1]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, str]:
    """A store after `analyze` of the sample, and its story's id."""
    tmp = tmp_path_factory.mktemp("parses")
    db = f"sqlite:///{tmp / 'a.db'}"
    _cli("analyze", str(SAMPLE / "raw"), "--db", db, "--json", str(tmp / "r.json"))
    [story] = json.loads((tmp / "r.json").read_text("utf-8"))["stories"]
    return db, tmp, story["id"]


def test_analyze_keeps_one_parse_per_article(analysed: tuple[str, Path, str]) -> None:
    db, _, sid = analysed
    with Store(db) as store:
        story, articles = _story(store, sid)
        stored = store.parses([a.content_hash for a in articles], version=pipeline.parse_version())
    assert len(articles) == 5 and set(stored) == {a.content_hash for a in articles}


def test_a_story_that_gained_an_article_parses_only_that_one(
        analysed: tuple[str, Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    db, tmp, sid = analysed
    new = tmp / "new"
    new.mkdir()
    text = (SAMPLE / "clean" / "002_905a684dd6f29ba4.txt").read_text("utf-8")
    (new / "wire-copy.txt").write_text(text.replace("Istanbul", "Istanbul,", 1), encoding="utf-8")
    _cli("add", str(new), "--db", db)
    texts = parsed_texts(monkeypatch)
    with Store(db) as store:
        story, articles = _story(store, sid)
        done = analyse_stories(store, articles, [story])
        assert len(articles) == 6 and done.computed == [sid]
        assert texts == [a.text for a in articles if a.id == "wire-copy"]
        assert len(store.parses([a.content_hash for a in articles], version=pipeline.parse_version())) == 6
    texts.clear()
    with Store(f"sqlite:///{tmp / 'empty.db'}") as empty:
        fresh = analyse_stories(empty, articles, [story])
    assert sorted(texts) == sorted(a.text for a in articles)  # nothing stored there: every article parsed
    assert json.dumps(done.entries, sort_keys=True) == json.dumps(fresh.entries, sort_keys=True)


def test_a_damaged_stored_parse_is_parsed_again_and_replaced(
        analysed: tuple[str, Path, str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    db, _, sid = analysed
    version = pipeline.parse_version()
    with Store(db) as store:
        story, articles = _story(store, sid)
        before = analyse_stories(store, articles, [story])
        assert before.reused == [sid]
        damaged = articles[1]
        with store.engine.begin() as conn:
            conn.execute(update(ParseRow).where(ParseRow.content_hash == damaged.content_hash)
                         .values(data=b"\x78\x9c not a parse"))
        texts = parsed_texts(monkeypatch)
        with caplog.at_level(logging.WARNING, logger="newsprism.nlp.stored"):
            again = analyse_stories(store, articles, [story], reuse=False)
        assert texts == [damaged.text]
        assert f"stored parse of article {damaged.id}" in caplog.text
        blob = store.parses([damaged.content_hash], version=version)[damaged.content_hash]
    assert parse_from_bytes(blob, damaged)[1].text == damaged.text
    assert again.computed == [sid] and again.entries == before.entries


def test_other_nlp_models_miss_every_stored_parse(analysed: tuple[str, Path, str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    db, _, sid = analysed
    old = pipeline.parse_version()
    models = pipeline._model_descriptors()
    monkeypatch.setattr(pipeline, "_model_descriptors", lambda: {**models, "ner": "a-retrained-recogniser"})
    new = pipeline.parse_version()
    assert new != old
    texts = parsed_texts(monkeypatch)
    with Store(db) as store:
        story, articles = _story(store, sid)
        done = analyse_stories(store, articles, [story])
        assert done.computed == [sid] and sorted(texts) == sorted(a.text for a in articles)
        assert store.parse_sizes(version=old) == (0, 0)  # the old models' parses are deleted
        assert store.parse_sizes(version=new)[0] == len(articles)


def test_stories_are_analysed_in_chunks_and_come_back_in_order(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "ANALYSIS_CHUNK", 2)
    arts = [article(f"s{i}", synthetic_text(i)) for i in range(5)]
    stories = [Story(id=f"story-{i}", title=a.title, articles=[a.id], origins=[[a.id]]) for i, a in enumerate(arts)]
    with Store(f"sqlite:///{tmp_path / 'c.db'}") as store:
        done = analyse_stories(store, arts, stories)
        assert done.computed == [s.id for s in stories]
        assert [e["articles"] for e in done.entries] == [[a.id] for a in arts]
        assert all(store.analysis(s.id) is not None for s in stories)
