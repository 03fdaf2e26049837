"""ingest: discovery, single files, whole-file guards, gzip, JSONL, and the run as a whole."""

from __future__ import annotations

import gzip
import json
import os
import zlib
from pathlib import Path

import pytest

import newsprism.ingest
from newsprism.clean import clean
from newsprism.config import Settings
from newsprism.ingest import IngestStats, Source, discover, guards, ingest, read_source
from newsprism.ingest.errors import REASONS
from newsprism.models import Article, RawDocument, Rejection

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ARTICLE = b"<html><body><p>Delegations met in Istanbul on Friday.</p></body></html>"


def run(*inputs: object, **settings: object) -> list[RawDocument | Rejection]:
    return list(ingest([str(i) for i in inputs], settings=Settings(**settings)))  # type: ignore[arg-type]


def only(items: list[RawDocument | Rejection]) -> RawDocument | Rejection:
    assert len(items) == 1, items
    return items[0]


def rejected(items: list[RawDocument | Rejection]) -> list[tuple[str, str]]:
    return [(i.id, i.reason) for i in items if isinstance(i, Rejection)]


# --- public surface -------------------------------------------------------------------


def test_exported_members() -> None:
    assert sorted(newsprism.ingest.__all__) == sorted(
        [
            "REASONS",
            "Fetcher",
            "IngestError",
            "IngestStats",
            "Source",
            "SourceKind",
            "discover",
            "ingest",
            "read_source",
        ]
    )


def test_reason_codes_are_stable() -> None:
    assert set(REASONS) == {
        "internal-error",
        "not-found",
        "unreadable",
        "empty",
        "too-large",
        "binary",
        "unsupported",
        "bad-gzip",
        "bad-encoding",
        "bad-json",
        "no-content",
        "bad-warc",
        "bad-feed",
        "fetch-failed",
        "robots",
    }


def test_single_string_input_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="iterable"):
        ingest("story.txt")  # type: ignore[arg-type]


# --- discovery ------------------------------------------------------------------------


def test_discover_walks_sorted_skips_hidden_and_classifies(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.html").write_bytes(ARTICLE)
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "c.jsonl.gz").write_bytes(b"")
    (tmp_path / "d.WARC").write_bytes(b"")
    (tmp_path / "e.rss").write_bytes(b"")
    (tmp_path / "f.dat").write_bytes(b"")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.txt").write_text("x")
    skipped: list[str] = []
    sources = discover([str(tmp_path)], on_skip=lambda path, why: skipped.append(why))
    names = [(Path(s.origin).relative_to(tmp_path).as_posix(), s.kind, s.gzip) for s in sources]
    assert names == [
        ("a.txt", "text", False),
        ("b/z.html", "html", False),
        ("c.jsonl.gz", "jsonl", True),
        ("d.WARC", "warc", False),
        ("e.rss", "feed", False),
        ("f.dat", "unknown", False),
    ]
    assert skipped == ["hidden", "hidden"]  # .git (with its content) and .hidden.txt


def test_discover_urls_missing_and_other_schemes() -> None:
    sources = discover(["https://example.com/a", "HTTP://example.com/b", "ftp://x/y", "nowhere/at/all.txt"])
    assert [(s.origin, s.kind) for s in sources] == [
        ("https://example.com/a", "url"),
        ("HTTP://example.com/b", "url"),
        ("ftp://x/y", "unsupported"),
        ("nowhere/at/all.txt", "missing"),
    ]


def test_source_stem_and_default_id() -> None:
    assert Source("dir/2025.05.16-talks.html.gz", "html", True).stem == "2025.05.16-talks"
    assert Source("a/news.jsonl", "jsonl").default_id == "news"
    assert Source("https://x.example/p?q=1", "url").default_id == "https://x.example/p?q=1"


# --- single files ---------------------------------------------------------------------


def test_txt_and_html_read_as_bytes_with_stem_ids() -> None:
    items = run(FIXTURES / "story.txt", FIXTURES / "story.html")
    txt, html = items
    assert isinstance(txt, RawDocument) and isinstance(html, RawDocument)
    assert (txt.kind, html.kind) == ("text", "html")
    assert txt.id == "story" and html.id == "story~2"  # same stem: ids stay unique
    assert txt.content == (FIXTURES / "story.txt").read_bytes()
    assert isinstance(html.content, bytes) and html.content.startswith(b"<!DOCTYPE html>")
    assert txt.origin == str(FIXTURES / "story.txt")


def test_gzipped_html_is_read_transparently(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(ARTICLE))
    doc = only(run(path))
    assert isinstance(doc, RawDocument)
    assert (doc.id, doc.kind, doc.content) == ("page", "html", ARTICLE)


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "page.php").write_bytes(b"\n  <!doctype html>" + ARTICLE)
    (tmp_path / "notes.md").write_text("# Notes\n\nNot an article format.\n")
    (tmp_path / "feed.cgi").write_bytes((FIXTURES / "rss.xml").read_bytes())
    items = run(tmp_path)
    assert [(i.id, type(i).__name__) for i in items] == [
        ("feed:1", "RawDocument"),
        ("feed:2", "RawDocument"),
        ("feed:3", "Rejection"),  # the entry without content
        ("notes", "Rejection"),
        ("page", "RawDocument"),
    ]
    assert items[3].reason == "unsupported" and "unknown extension" in items[3].detail


# --- whole-file guards: one test per bad input ----------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.html").write_bytes(b"  \n\t\n")
    assert rejected(run(tmp_path)) == [("blank", "empty"), ("empty", "empty")]


def test_binary_file_with_text_extension(tmp_path: Path) -> None:
    (tmp_path / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    (tmp_path / "report.txt").write_bytes(b"%PDF-1.7\n" + b"x" * 100)
    items = run(tmp_path)
    assert rejected(items) == [("photo", "binary"), ("report", "binary")]
    assert "PNG" in items[0].detail and "PDF" in items[1].detail


def test_nul_ridden_file_is_binary_but_utf16_is_not(tmp_path: Path) -> None:
    (tmp_path / "nuls.txt").write_bytes(b"Delegations\x00\x00 met\x00 on\x00\x00 Friday\x00" * 200)
    (tmp_path / "utf16.txt").write_bytes("Delegations met on Friday.".encode("utf-16"))
    items = run(tmp_path)
    assert [(i.id, getattr(i, "reason", "ok")) for i in items] == [("nuls", "binary"), ("utf16", "ok")]
    assert "NUL" in items[0].detail


@pytest.mark.parametrize(("codec", "name"), [("utf-16-le", "le.txt"), ("utf-16-be", "be.html")])
def test_utf16_without_bom_reaches_the_cleaner(tmp_path: Path, codec: str, name: str) -> None:
    # Half its bytes are NUL, but on every other byte: text, not binary (issue 17, case 4).
    text = "Delegations met in Istanbul on Monday for talks that lasted an hour, officials said. " * 5
    page = f"<html><body><article><p>{text}</p></article></body></html>" if name.endswith(".html") else text
    (tmp_path / name).write_bytes(page.encode(codec))
    doc = only(run(tmp_path))
    assert isinstance(doc, RawDocument)
    result = clean(doc)
    assert isinstance(result, Article) and result.text == text.strip()


def test_huge_file_is_rejected_without_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.html"
    with open(path, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: no disk, no time

    def no_open(_path: Path) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(guards, "open_binary", no_open)
    item = only(list(ingest([str(path)], settings=Settings())))
    assert isinstance(item, Rejection)
    assert (item.id, item.reason) == ("huge", "too-large")
    assert "209,715,200 bytes" in item.detail and "NEWSPRISM_MAX_BYTES" in item.detail


def test_missing_and_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked.txt").write_text("secret")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")

    def denied(path: Path) -> None:
        raise guards.Unreadable(f"permission denied: {path}; check its permissions")

    monkeypatch.setattr(guards, "open_binary", denied)
    items = run(tmp_path, tmp_path / "nope.html")
    assert rejected(items) == [("dangling", "not-found"), ("locked", "unreadable"), ("nope", "not-found")]


def test_permission_denied_from_the_os(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("secret")

    def raise_permission(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(guards, "open", raise_permission, raising=False)  # shadows the builtin
    item = only(list(read_source(Source(str(path), "text"), Settings())))
    assert (item.id, item.reason) == ("locked", "unreadable")  # type: ignore[union-attr]


def test_truncated_gzip(tmp_path: Path) -> None:
    packed = gzip.compress(ARTICLE * 50)
    (tmp_path / "cut.html.gz").write_bytes(packed[: len(packed) // 2])
    (tmp_path / "garbled.txt.gz").write_bytes(packed[:10] + b"\xff" * 40 + packed[50:])
    items = run(tmp_path)
    assert rejected(items) == [("cut", "bad-gzip"), ("garbled", "bad-gzip")]
    assert "truncated" in items[0].detail


def test_gzip_bomb_stops_at_the_cap(tmp_path: Path) -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip container
    packed = (
        bomb.compress(b"<p>") + b"".join(bomb.compress(b" " * 1_000_000) for _ in range(20)) + bomb.flush()
    )
    assert len(packed) < 40_000
    (tmp_path / "bomb.html.gz").write_bytes(packed)
    item = only(run(tmp_path, max_bytes=1_000_000))
    assert (item.id, item.reason) == ("bomb", "too-large")  # type: ignore[union-attr]
    assert "gzip bomb" in item.detail  # type: ignore[union-attr]


def test_streamed_gzip_cap_is_a_ratio_of_the_file_size(tmp_path: Path) -> None:
    line = json.dumps({"text": "a" * 900}).encode() + b"\n"
    raw = line * 4000  # 3.6 MB of lines that compress ~300x
    (tmp_path / "many.jsonl.gz").write_bytes(gzip.compress(raw, 9))
    items = run(tmp_path, max_bytes=100_000)
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert 0 < len(docs) < 4000
    last = items[-1]
    assert isinstance(last, Rejection) and last.reason == "too-large"
    assert last.id == f"many:{len(docs) + 1}" and f"lines 1-{len(docs)} were read" in last.detail


# --- JSONL ----------------------------------------------------------------------------


def _jsonl(path: Path, lines: list[str | bytes], *, packed: bool = False) -> None:
    data = b"".join((ln.encode() if isinstance(ln, str) else ln) + b"\n" for ln in lines)
    path.write_bytes(gzip.compress(data) if packed else data)


def test_jsonl_good_lines_read_bad_lines_rejected_with_line_numbers(tmp_path: Path) -> None:
    good = {
        "title": "Talks",
        "text": "Delegations met.",
        "url": "https://a.example/1",
        "source": "A",
        "published": "2025-05-16",
    }
    _jsonl(
        tmp_path / "news.jsonl",
        [
            json.dumps(good),
            '{"title": "cut off", "text": "Delegat',
            "",
            json.dumps({"html": "<p>Second</p>", "source": "B"}),
            "[1, 2, 3]",
            json.dumps({"title": "no body"}),
            json.dumps({"text": ["not", "a", "string"]}),
            b'{"text": "caf\xe9"}',
            json.dumps({"text": "   ", "html": "<p>html when text is blank</p>"}),
        ],
    )
    items = run(tmp_path / "news.jsonl")
    assert [(i.id, i.reason if isinstance(i, Rejection) else i.kind) for i in items] == [
        ("news:1", "text"),
        ("news:2", "bad-json"),
        ("news:4", "html"),
        ("news:5", "bad-json"),
        ("news:6", "no-content"),
        ("news:7", "bad-json"),
        ("news:8", "bad-encoding"),
        ("news:9", "html"),
    ]
    first = items[0]
    assert isinstance(first, RawDocument)
    assert (first.title, first.url, first.source, first.published, first.content) == (
        "Talks",
        "https://a.example/1",
        "A",
        "2025-05-16",
        "Delegations met.",
    )
    assert first.origin == f"{tmp_path / 'news.jsonl'}#1"
    assert "line 2, column" in items[1].detail and "line 5 is a JSON list" in items[3].detail


def test_jsonl_record_ids_used_when_unique(tmp_path: Path) -> None:
    _jsonl(
        tmp_path / "feed.jsonl",
        [
            json.dumps({"id": "a7", "text": "one"}),
            json.dumps({"id": "a7", "text": "two: duplicate id"}),
            json.dumps({"id": 12, "text": "three: numeric id"}),
            json.dumps({"id": "", "text": "four: empty id"}),
        ],
    )
    assert [i.id for i in run(tmp_path)] == ["a7", "feed:2", "12", "feed:4"]


def test_jsonl_overlong_line_is_rejected_and_the_next_is_read(tmp_path: Path) -> None:
    _jsonl(
        tmp_path / "big.jsonl",
        [
            json.dumps({"text": "x" * 5000}),
            json.dumps({"text": "short"}),
        ],
    )
    items = run(tmp_path, max_record_bytes=1000)
    assert [(i.id, getattr(i, "reason", "ok")) for i in items] == [("big:1", "too-large"), ("big:2", "ok")]


def test_jsonl_gz_truncated_keeps_lines_before_the_damage(tmp_path: Path) -> None:
    lines = [json.dumps({"text": f"article {n} " + os.urandom(300).hex()}) for n in range(40)]
    data = gzip.compress("\n".join(lines).encode() + b"\n")
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: int(len(data) * 0.6)])
    items = run(tmp_path)
    docs, last = items[:-1], items[-1]
    assert docs and all(isinstance(d, RawDocument) for d in docs)
    assert [d.id for d in docs] == [f"cut:{n}" for n in range(1, len(docs) + 1)]
    assert isinstance(last, Rejection) and last.reason == "bad-gzip"
    assert last.id == f"cut:{len(docs) + 1}"  # the line where the damage is, rest lost


def test_deeply_nested_json_line_is_bad_json(tmp_path: Path) -> None:
    _jsonl(tmp_path / "deep.jsonl", ["[" * 100_000 + "]" * 100_000, json.dumps({"text": "fine"})])
    assert [(i.id, getattr(i, "reason", "ok")) for i in run(tmp_path)] == [
        ("deep:1", "bad-json"),
        ("deep:2", "ok"),
    ]


# --- the run as a whole ---------------------------------------------------------------


def test_one_bad_input_never_stops_the_batch_and_stats_add_up(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Delegations met on Friday.")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.html").write_bytes(ARTICLE)
    _jsonl(tmp_path / "d.jsonl", [json.dumps({"text": "x"}), "{oops"])
    stats = IngestStats()
    items = list(ingest([str(tmp_path), str(tmp_path / "missing.txt")], settings=Settings(), stats=stats))
    assert [(i.id, getattr(i, "reason", "ok")) for i in items] == [
        ("a", "ok"),
        ("b", "empty"),
        ("c", "ok"),
        ("d:1", "ok"),
        ("d:2", "bad-json"),
        ("missing", "not-found"),
    ]
    assert stats.sources == 5 and stats.documents == 3
    assert stats.rejected == {"empty": 1, "bad-json": 1, "not-found": 1}
    assert all(i.stage == "ingest" for i in items if isinstance(i, Rejection))


def test_a_reader_bug_becomes_an_internal_error_rejection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("fine")
    (tmp_path / "b.jsonl").write_text('{"text": "fine"}\n')

    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr("newsprism.ingest.read.read_jsonl", broken)
    items = run(tmp_path)
    assert [(i.id, getattr(i, "reason", "ok")) for i in items] == [("a", "ok"), ("b", "internal-error")]
    assert "KeyError" in items[1].detail


# --- the gzip decoder under everything ------------------------------------------------


@pytest.mark.parametrize("chunk", [1, 7, 4096, 100_000])
def test_gunzip_matches_stdlib_on_multi_member_streams(tmp_path: Path, chunk: int) -> None:
    members = [os.urandom(n).hex().encode() * 3 for n in (10, 5000, 0, 70_000, 3)]
    packed = b"".join(gzip.compress(m) for m in members) + b"\x00" * 16  # with trailing padding
    path = tmp_path / "multi.gz"
    path.write_bytes(packed)
    with guards.open_guarded(path, cap=10**9) as stream:
        parts = iter(lambda: stream.read(chunk), b"")
        assert b"".join(parts) == b"".join(members) == gzip.decompress(packed)


def test_gunzip_returns_every_good_byte_before_raising(tmp_path: Path) -> None:
    data = os.urandom(50_000).hex().encode()
    packed = gzip.compress(data[:40_000]) + gzip.compress(data[40_000:])
    path = tmp_path / "cut.gz"
    path.write_bytes(packed[:-10])
    got = bytearray()
    with guards.open_guarded(path, cap=10**9) as stream, pytest.raises(guards.BadGzip, match="truncated"):
        while chunk := stream.read(1000):
            got += chunk
    assert data.startswith(bytes(got)) and len(got) > 40_000
