"""ingest of WARC files: HTML responses read, other records counted, damage reported."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsprism.config import Settings
from newsprism.ingest import IngestStats, ingest
from newsprism.models import RawDocument, Rejection


def page(n: int) -> bytes:
    return (
        f"<html><body><h1>Story {n}</h1><p>{'Delegations met in Istanbul. ' * 40}</p></body></html>".encode()
    )


def build_warc(records: list[tuple[str, str, str, str, bytes]], *, gz: bool) -> bytes:
    """WARC bytes from (type, uri, http status, content type, body) tuples."""
    return build_warc_with_offsets(records, gz=gz)[0]


def build_warc_with_offsets(
    records: list[tuple[str, str, str, str, bytes]], *, gz: bool
) -> tuple[bytes, list[int]]:
    """WARC bytes and the offset where each record ends (record ids and dates vary in size)."""
    ends: list[int] = []
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for rec_type, uri, status, ctype, body in records:
        if rec_type == "warcinfo":
            record = writer.create_warcinfo_record("crawl.warc", {"software": "test"})
        else:
            headers = [("Content-Type", ctype), ("Content-Length", str(len(body)))]
            if rec_type == "request":
                http = StatusAndHeaders(f"GET {uri} HTTP/1.1", [("Host", "x")], is_http_request=True)
            else:
                http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, rec_type, payload=io.BytesIO(body), length=len(body), http_headers=http
            )
        writer.write_record(record)
        record.raw_stream.close()  # warcio spools digests to a temp file and leaves it open
        ends.append(out.tell())
    return out.getvalue(), ends


def articles(n: int) -> list[tuple[str, str, str, str, bytes]]:
    return [
        ("response", f"https://news.example/{i}", "200 OK", "text/html", page(i)) for i in range(1, n + 1)
    ]


def run(path: Path, stats: IngestStats | None = None, **settings: object) -> list[RawDocument | Rejection]:
    return list(ingest([str(path)], settings=Settings(**settings), stats=stats))  # type: ignore[arg-type]


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_html_responses_become_documents_and_the_rest_is_counted(tmp_path: Path, gz: bool) -> None:
    records = [
        ("warcinfo", "", "", "", b""),
        ("request", "https://news.example/1", "", "", b""),
        ("response", "https://news.example/1", "200 OK", "text/html; charset=ISO-8859-1", page(1)),
        ("response", "https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("response", "https://news.example/gone", "404 Not Found", "text/html", b"<html>404</html>"),
        ("response", "https://news.example/2", "200 OK", "application/xhtml+xml", page(2)),
        ("response", "https://news.example/1", "200 OK", "text/html", page(3)),  # re-crawl of /1
    ]
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(build_warc(records, gz=gz))
    stats = IngestStats()
    items = run(path, stats)
    assert all(isinstance(i, RawDocument) for i in items)
    assert [(i.id, i.url) for i in items] == [
        ("https://news.example/1", "https://news.example/1"),
        ("https://news.example/2", "https://news.example/2"),
        ("crawl:7", "https://news.example/1"),  # repeated URL: id by position
    ]
    first = items[0]
    assert isinstance(first, RawDocument)
    assert (first.kind, first.content, first.encoding) == ("html", page(1), "iso-8859-1")
    assert first.origin == f"{path}#3"
    assert stats.skipped == {
        "warc-warcinfo": 1,
        "warc-request": 1,
        "warc-not-html": 1,
        "warc-status-not-200": 1,
    }
    assert stats.rejected == {}


def test_truncated_warc_gz_yields_records_before_the_damage(tmp_path: Path) -> None:
    data, ends = build_warc_with_offsets(articles(6), gz=True)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: (ends[2] + ends[3]) // 2])  # cut inside the 4th record's gzip member
    items = run(path)
    docs, last = items[:-1], items[-1]
    assert [d.id for d in docs] == [f"https://news.example/{i}" for i in range(1, 4)]
    assert isinstance(last, Rejection)
    assert (last.id, last.reason) == ("cut:4", "bad-warc")
    assert "records 1-3 were read" in last.detail and "truncated" in last.detail


def test_warc_gz_cut_just_before_the_end_is_still_reported(tmp_path: Path) -> None:
    data = build_warc(articles(3), gz=True)
    path = tmp_path / "tail.warc.gz"
    path.write_bytes(data[:-6])  # only the last member's gzip trailer is missing
    items = run(path)
    assert [getattr(i, "reason", "ok") for i in items] == ["ok", "ok", "ok", "bad-warc"]
    assert "truncated" in items[-1].detail  # type: ignore[union-attr]


def test_truncated_plain_warc_reports_the_record_cut_short(tmp_path: Path) -> None:
    data = build_warc(articles(4), gz=False)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: len(data) * 5 // 8])  # inside the 3rd record's body
    items = run(path)
    assert [(i.id, getattr(i, "reason", "ok")) for i in items] == [
        ("https://news.example/1", "ok"),
        ("https://news.example/2", "ok"),
        ("cut:3", "bad-warc"),
    ]
    assert "cut short" in items[-1].detail  # type: ignore[union-attr]


def test_corrupt_gzip_inside_a_warc(tmp_path: Path) -> None:
    data = bytearray(build_warc(articles(5), gz=True))
    middle = len(data) // 2
    data[middle : middle + 64] = b"Z" * 64
    path = tmp_path / "corrupt.warc.gz"
    path.write_bytes(bytes(data))
    items = run(path)
    assert items and isinstance(items[-1], Rejection) and items[-1].reason == "bad-warc"
    docs = items[:-1]
    assert 1 <= len(docs) < 5 and all(isinstance(d, RawDocument) for d in docs)
    assert items[-1].id == f"corrupt:{len(docs) + 1}"


def test_file_that_is_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_bytes(b"<html><body>not an archive</body></html>\n")
    item = run(path)
    assert len(item) == 1 and isinstance(item[0], Rejection)
    assert (item[0].id, item[0].reason) == ("fake:1", "bad-warc")
    assert "no record could be read" in item[0].detail


def test_oversized_record_is_rejected_and_the_file_goes_on(tmp_path: Path) -> None:
    records = articles(3)
    records[1] = ("response", "https://news.example/big", "200 OK", "text/html", b"<p>" + b"x" * 50_000)
    path = tmp_path / "big.warc.gz"
    path.write_bytes(build_warc(records, gz=True))
    items = run(path, max_record_bytes=20_000)
    assert [(i.id, getattr(i, "reason", "ok")) for i in items] == [
        ("https://news.example/1", "ok"),
        ("big:2", "too-large"),
        ("https://news.example/3", "ok"),
    ]


def test_warc_with_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "crawl-0001.dat").write_bytes(build_warc(articles(2), gz=True))
    items = run(tmp_path)
    assert [i.id for i in items] == ["https://news.example/1", "https://news.example/2"]


# --- records warcio reads without complaint (issue 17, case 3) ------------------------


def _with_content_length(warc: bytes, record: int, value: bytes) -> bytes:
    """`warc` (uncompressed) with the `record`-th record's Content-Length header set to `value`."""
    parts = warc.split(b"\r\nContent-Length: ")
    index = 2 * (record - 1) + 1  # each response has a WARC and an HTTP Content-Length, WARC first
    head, _, rest = parts[index].partition(b"\r\n")
    parts[index] = value + b"\r\n" + rest
    return b"\r\nContent-Length: ".join(parts)


@pytest.mark.parametrize("value", [b"abc", b"-5", b""])
@pytest.mark.parametrize("where", [1, 2])
def test_content_length_that_is_not_a_count_is_bad_warc(tmp_path: Path, value: bytes, where: int) -> None:
    warc = _with_content_length(build_warc(articles(2), gz=False), where, value)
    (tmp_path / "crawl.warc").write_bytes(warc)
    items = run(tmp_path / "crawl.warc")
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert [d.url for d in docs] == ["https://news.example/1"][: where - 1]
    bad = items[-1]
    assert isinstance(bad, Rejection) and bad.reason == "bad-warc"
    assert bad.id == f"crawl:{where}"
    assert "not a byte count" in bad.detail


@pytest.mark.parametrize(
    "content",
    [
        b"just some plain text\nnot a warc at all\n",
        b"\n\n\nplain text after blank lines\n\nanother paragraph\n",
        b"\n\n\r\n\n",
    ],
)
def test_plain_text_named_warc_is_bad_warc(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "notes.warc").write_bytes(content)
    (item,) = run(tmp_path / "notes.warc")
    assert isinstance(item, Rejection) and item.reason == "bad-warc", item
