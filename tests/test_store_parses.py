"""Stored parses (`Store.parses`, `save_parses`, `prune_parses`) on SQLite and PostgreSQL:
blobs by (clean-text hash, version), one row per pair whoever writes it and however often."""

from __future__ import annotations

import hashlib
import threading

from sqlalchemy import func, select

from newsprism.store import Store
from newsprism.store.parses import CHUNK
from newsprism.store.tables import ParseRow


def _key(i: int) -> str:
    return hashlib.sha256(f"text {i}".encode()).hexdigest()


def _rows(store: Store) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        return sorted([(k, v) for k, v in conn.execute(select(ParseRow.content_hash, ParseRow.version))])


def test_parses_are_read_back_by_key_and_version(store: Store) -> None:
    blobs = {_key(i): bytes([i % 256, 0]) * (i % 7 + 1) for i in range(CHUNK + 3)}  # more than one statement's worth
    assert store.save_parses(blobs, version="v1") == len(blobs)
    assert store.save_parses({_key(0): b"other model"}, version="v2") == 1
    assert store.parses([*blobs, "no-such-text"], version="v1") == blobs
    assert store.parses([_key(0), _key(1)], version="v2") == {_key(0): b"other model"}
    assert store.parses([], version="v1") == {}
    assert store.parse_sizes(version="v1") == (len(blobs), sum(map(len, blobs.values())))


def test_a_second_writer_of_a_key_changes_nothing(db_url: str) -> None:
    with Store(db_url) as first, Store(db_url) as second:
        assert first.save_parses({_key(1): b"first", _key(2): b"first"}, version="v") == 2
        assert second.save_parses({_key(2): b"second", _key(3): b"second"}, version="v") == 1
        assert second.save_parses({_key(2): b"second", _key(3): b"second"}, version="v") == 0
        assert first.parses([_key(1), _key(2), _key(3)], version="v") == {
            _key(1): b"first", _key(2): b"first", _key(3): b"second"}
        assert _rows(first) == sorted((_key(i), "v") for i in (1, 2, 3))


def test_concurrent_writers_of_the_same_keys_leave_one_row_each(db_url: str) -> None:
    blobs = {_key(i): b"same parse" for i in range(50)}
    stores = [Store(db_url) for _ in range(4)]
    written: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(stores))

    def save(store: Store) -> None:
        try:
            start.wait()
            written.append(store.save_parses(blobs, version="v"))
        except BaseException as exc:  # reported below: a thread's exception would vanish
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == [] and sum(written) == len(blobs)
        with stores[0].engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(ParseRow)) == len(blobs)
    finally:
        for s in stores:
            s.close()


def test_replacing_rewrites_only_the_keys_named(store: Store) -> None:
    store.save_parses({_key(1): b"damaged", _key(2): b"good"}, version="v")
    assert store.save_parses({_key(1): b"parsed again", _key(2): b"ignored"}, version="v",
                             replacing=[_key(1), _key(9)]) == 1
    assert store.parses([_key(1), _key(2)], version="v") == {_key(1): b"parsed again", _key(2): b"good"}
    assert len(_rows(store)) == 2


def test_pruning_keeps_only_the_current_version(store: Store) -> None:
    store.save_parses({_key(1): b"a", _key(2): b"b"}, version="old")
    store.save_parses({_key(1): b"c"}, version="older")
    store.save_parses({_key(1): b"d"}, version="now")
    assert store.prune_parses(keep="now") == 3
    assert _rows(store) == [(_key(1), "now")]
    assert store.prune_parses(keep="now") == 0
