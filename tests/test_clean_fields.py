"""Metadata that broke a whole run is made storable at the ingest/clean boundary
(issue 17, case 2): lone surrogates and NULs in title/id/source/url/published, ids,
sources and dates longer than their columns, file names that are not UTF-8. Stored
through the real `Store`, on SQLite and (with NEWSPRISM_TEST_PG) PostgreSQL."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newsprism.clean import clean, fields
from newsprism.config import Settings
from newsprism.ingest import ingest
from newsprism.models import Article, RawDocument, Rejection
from newsprism.store import Store
from newsprism.store.tables import ArticleRow, RunItemRow

BODY = "Delegations met in Istanbul on Monday and agreed to exchange prisoners, officials said. " * 3


def test_field_sizes_are_the_store_columns() -> None:
    columns = ArticleRow.__table__.c
    assert columns.article_id.type.length == fields.ID_CHARS
    assert RunItemRow.__table__.c.item_id.type.length == fields.ID_CHARS
    assert columns.source.type.length == fields.SOURCE_CHARS
    assert columns.published.type.length == fields.PUBLISHED_CHARS
    assert columns.language.type.length == fields.LANGUAGE_CHARS


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("plain", "plain"),
        ("a\x00b", "ab"),
        ("title \ud800 x", "title \ufffd x"),
        ("caf\udce9.txt", "caf\\xe9.txt"),  # a file-name byte that is not UTF-8 (surrogateescape)
        ("\ud83d\ude00", "\U0001f600"),  # a pair left split: joined
        ("\udfff\ud800", "\ufffd\ufffd"),  # the wrong order is no pair
    ],
)
def test_safe_text(raw: str, safe: str) -> None:
    assert fields.safe_text(raw) == safe
    safe.encode("utf-8")  # storable


def test_long_ids_are_cut_and_stay_distinct() -> None:
    one, two = fields.safe_id("x" * 3000 + "1"), fields.safe_id("x" * 3000 + "2")
    assert one != two
    assert len(one) <= fields.ID_CHARS - fields.ID_ROOM and one.startswith("x" * 2000)


def _jsonl_line(**record: object) -> str:
    # A distinct text per record: the store keeps one article per text. json.dumps writes
    # surrogates and NULs as \\u escapes, as a hostile producer would.
    return json.dumps({"text": f"Record {record.get('id')!r}. {BODY}", **record}) + "\n"


HOSTILE = {
    "surrogate-title": {"title": "Talks \ud800 end"},
    "surrogate-url": {"url": "https://news.example/\udfff"},
    "nul-title": {"title": "Talks\x00 end"},
    "nul-source": {"source": "Gazette\x00"},
    "nul-url": {"url": "https://news.example/a\x00b"},
    "nul-published": {"published": "2025-06-02\x00"},
    "long-source": {"source": "S" * 600},
    "long-published": {"published": "2025-06-02 " + "x" * 100},
}


def _hostile_inputs(folder: Path) -> list[str]:
    folder.mkdir()
    lines = [_jsonl_line(**{**record, "id": name}) for name, record in HOSTILE.items()]
    lines += [
        _jsonl_line(id="\ud800surrogate-id", title="a surrogate in the id"),
        _jsonl_line(id="nul\x00id", title="a NUL in the id"),
        _jsonl_line(id="i" * 3000, title="an id over 2,048 characters"),
    ]
    (folder / "hostile.jsonl").write_text("".join(lines), encoding="utf-8")
    # A file name with a byte that is not UTF-8 (Latin-1 é), and a good article after it.
    (folder / "ok.txt").write_text("Talks end\n" + BODY, encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as f:
        f.write(("Caf\u00e9 talks\n" + BODY).encode())
    return [str(folder)]


def _run(folder: Path, store: Store) -> tuple[list[Article | Rejection], int]:
    settings = Settings(db=store.url)
    items: list[Article | Rejection] = []
    for item in ingest(_hostile_inputs(folder), settings=settings):
        items.append(clean(item, settings) if isinstance(item, RawDocument) else item)
    run_id = store.begin_run([str(folder)])
    store.save(run_id, items)  # raised (and lost the batch) before
    store.finish_run(run_id)
    return items, run_id


def test_hostile_metadata_is_stored_on_every_backend(tmp_path: Path, store: Store) -> None:
    items, run_id = _run(tmp_path / "inputs", store)
    assert all(isinstance(i, Article) for i in items), [i for i in items if isinstance(i, Rejection)]
    stored = {item.id: item for item in store.run_items(run_id)}
    assert len(stored) == len(items) == len(HOSTILE) + 5
    assert all(s.rejection is None for s in stored.values()), "the store refused an item"
    by_id = {s.id: s.article for s in stored.values()}
    assert by_id["surrogate-title"].title == "Talks \ufffd end"
    assert by_id["surrogate-url"].url == "https://news.example/\ufffd"
    assert by_id["nul-title"].title == "Talks end"
    assert by_id["nul-source"].source == "Gazette"
    assert by_id["nul-url"].url == "https://news.example/ab"
    assert by_id["nul-published"].published == "2025-06-02"
    assert by_id["long-source"].source == "S" * 511 + "…"
    assert any("the source was 600 characters, cut to 512" in p for p in by_id["long-source"].problems)
    assert len(by_id["long-published"].published) == 64
    assert "\ufffdsurrogate-id" in by_id and "nulid" in by_id
    long_id = next(i for i in by_id if i.startswith("iii"))
    assert len(long_id) <= fields.ID_CHARS
    assert "caf\\xe9" in by_id  # the file name keeps its byte, escaped
    assert by_id["caf\\xe9"].origin.endswith("caf\\xe9.txt")


def test_rejections_with_hostile_ids_and_details_are_stored(tmp_path: Path, store: Store) -> None:
    # A bad line with a NUL in its id, and a file whose name is not UTF-8 that is rejected.
    tmp_path = tmp_path / "inputs"
    tmp_path.mkdir()
    (tmp_path / "bad.jsonl").write_text(json.dumps({"id": "x\x00y", "text": 5}) + "\n", encoding="utf-8")
    with open(os.path.join(os.fsencode(tmp_path), b"empty-\xff.txt"), "wb"):
        pass
    items = list(ingest([str(tmp_path)], settings=Settings(db=store.url)))
    assert [(type(i).__name__, getattr(i, "reason", "")) for i in items] == [
        ("Rejection", "bad-json"),
        ("Rejection", "empty"),
    ]
    assert items[1].id == "empty-\\xff" and "empty-\\xff.txt" in items[1].detail
    run_id = store.begin_run([str(tmp_path)])
    store.save(run_id, items)
    assert [(s.id, s.rejection.reason) for s in store.run_items(run_id)] == [  # type: ignore[union-attr]
        ("bad:1", "bad-json"),
        ("empty-\\xff", "empty"),
    ]


def test_clean_makes_a_hand_made_document_storable(store: Store) -> None:
    # Callers other than ingest (the web app, tests) build RawDocuments themselves.
    doc = RawDocument(
        id="w\x00" + "e" * 3000,
        origin="upload\ud800",
        kind="text",
        content="Talks end\n" + BODY,
        title="T\x00itle \udc80",
        source="\x00" + "s" * 700,
        published="p" * 100,
        url="https://news.example/\x00",
    )
    article = clean(doc)
    assert isinstance(article, Article)
    run_id = store.begin_run(["upload"])
    store.save(run_id, [article])
    (stored,) = store.run_items(run_id)
    assert stored.article is not None and stored.article.title == "Title \\x80"
    assert len(stored.id) <= fields.ID_CHARS and stored.article.source.startswith("sss")


def test_batch_of_300_with_a_hostile_record_at_252_is_stored_whole(tmp_path: Path, store: Store) -> None:
    # The run: before, the record at 252 failed its batch and the run (200 stored, 101 lost).
    from newsprism.pipeline import process

    folder = tmp_path / "inputs"
    folder.mkdir()
    for n in range(300):
        if n == 252:
            record = {
                "id": "x\x00\ud800",
                "title": "T\x00",
                "source": "s" * 600,
                "published": "p" * 100,
                "url": "https://news.example/\x00\ud800",
                "text": f"Record {n}. {BODY}",
            }
            (folder / f"{n:03}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
        else:
            (folder / f"{n:03}.txt").write_text(f"Story {n}\nItem {n}. {BODY}", encoding="utf-8")
    result = process([str(folder)], store=store, settings=Settings(db=store.url))
    assert result.rejected == []
    assert (result.run.status, result.run.n_ok, result.run.n_rejected) == ("done", 300, 0)
    assert store.count_articles() == 300
