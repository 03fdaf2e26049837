"""ingest of RSS/Atom feed files: entries become documents; hostile feeds are refused."""

from __future__ import annotations

import gzip
import time
import tracemalloc
from pathlib import Path

import pytest

from newsprism.config import Settings
from newsprism.ingest import ingest
from newsprism.models import RawDocument, Rejection

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://x.example/1</link><description>&lol9;</description></item>
</channel></rss>
"""


def run(*paths: Path, **settings: object) -> list[RawDocument | Rejection]:
    return list(ingest([str(p) for p in paths], settings=Settings(**settings)))  # type: ignore[arg-type]


def test_rss_entries_become_documents() -> None:
    items = run(FIXTURES / "rss.xml")
    assert [(i.id, type(i).__name__) for i in items] == [
        ("rss:1", "RawDocument"),
        ("rss:2", "RawDocument"),
        ("rss:3", "Rejection"),
    ]
    first, second, third = items
    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert first.kind == "html" and "Dolmabahçe Palace" in first.content  # content:encoded wins
    assert (first.title, first.url, first.source, first.published) == (
        "Delegations meet in Istanbul",
        "https://gazette.example/2025/05/16/talks",
        "Harbour Gazette",
        "2025-05-16T12:30:00+00:00",
    )
    assert first.origin == f"{FIXTURES / 'rss.xml'}#1"
    assert second.kind == "html" and "<b>1,000</b>" in second.content  # escaped HTML description
    assert second.published == "2025-05-16T13:00:00+00:00"  # +0200 normalised to UTC
    assert isinstance(third, Rejection) and third.reason == "no-content"


def test_atom_entries_become_documents() -> None:
    items = run(FIXTURES / "atom.xml")
    assert all(isinstance(i, RawDocument) for i in items)
    first, second = items
    assert (first.id, first.kind, first.source, first.url) == (
        "atom:1",
        "html",
        "Wire Service",
        "https://wire.example/talks-end",
    )
    assert first.published == "2025-05-16T16:45:00+00:00"
    assert "without a ceasefire" in first.content
    assert (second.kind, second.content, second.published) == (
        "text",
        "A plain-text summary of the day.",
        "2025-05-16T19:00:00+00:00",
    )


def test_billion_laughs_is_refused_fast_and_small(tmp_path: Path) -> None:
    path = tmp_path / "lol.xml"
    path.write_bytes(BILLION_LAUGHS)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        items = run(path)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(items) == 1 and isinstance(items[0], Rejection)
    assert (items[0].id, items[0].reason) == ("lol", "bad-feed")
    assert "'lol'" in items[0].detail and "entity" in items[0].detail
    assert elapsed < 1.0
    assert peak < 2_000_000  # bytes; the expansion would be ~3 GB


@pytest.mark.parametrize(
    "doctype",
    [
        # quadratic blowup: one big entity, no nesting, referenced many times
        b'<!DOCTYPE rss [<!ENTITY a "' + b"A" * 50_000 + b'">]>',
        # parameter entity
        b"<!DOCTYPE rss [<!ENTITY % p \"<!ENTITY e 'x'>\"> %p;]>",
        # external entity
        b'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    ],
    ids=["quadratic", "parameter", "external"],
)
def test_any_entity_declaration_is_refused(tmp_path: Path, doctype: bytes) -> None:
    body = b"<rss version='2.0'><channel><title>t</title><item><description>" + b"&a;" * 1000
    path = tmp_path / "evil.rss"
    path.write_bytes(b'<?xml version="1.0"?>\n' + doctype + body + b"</description></item></channel></rss>")
    assert [(i.id, getattr(i, "reason", "ok")) for i in run(path)] == [("evil", "bad-feed")]


def test_malformed_prolog_with_entities_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_bytes(b'<?xml version="1.0"?><!DOCTYPE rss [ <<< <!ENTITY a "x"> ]><rss><channel/></rss>')
    item = run(path)[0]
    assert isinstance(item, Rejection) and item.reason == "bad-feed"
    assert "not well-formed XML and contains an entity declaration" in item.detail


def test_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "settings.xml"
    path.write_bytes(b'<?xml version="1.0"?><config><option name="a">1</option></config>')
    item = run(path)[0]
    assert isinstance(item, Rejection) and (item.id, item.reason) == ("settings", "bad-feed")


@pytest.mark.parametrize("declaration", [b'<?xml version="1.0" encoding="utf\x00-8"?>', b"<?xml encoding='\x00'?>"])
def test_nul_in_the_xml_declaration_is_bad_feed(tmp_path: Path, declaration: bytes) -> None:
    # feedparser raised ValueError ("embedded null character"): an internal-error (issue 17, case 7).
    path = tmp_path / "nul.xml"
    path.write_bytes(declaration + b'<rss version="2.0"><channel><item><title>a</title>'
                     b"<description>Delegations met.</description></item></channel></rss>")
    item = run(path)[0]
    assert isinstance(item, Rejection) and (item.id, item.reason) == ("nul", "bad-feed")
    assert "null character" in item.detail


def test_feed_without_entries(tmp_path: Path) -> None:
    path = tmp_path / "quiet.rss"
    path.write_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    item = run(path)[0]
    assert isinstance(item, Rejection) and (item.id, item.reason) == ("quiet", "no-content")


def test_oversized_entry_is_rejected_others_read(tmp_path: Path) -> None:
    path = tmp_path / "big.rss"
    items_xml = (
        b"<item><title>small</title><description>short text</description></item>"
        + b"<item><title>big</title><description>"
        + b"x" * 5000
        + b"</description></item>"
    )
    path.write_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>' + items_xml + b"</channel></rss>"
    )
    assert [(i.id, getattr(i, "reason", "ok")) for i in run(path, max_record_bytes=1000)] == [
        ("big:1", "ok"),
        ("big:2", "too-large"),
    ]


def test_gzipped_feed(tmp_path: Path) -> None:
    path = tmp_path / "wire.atom.gz"
    path.write_bytes(gzip.compress((FIXTURES / "atom.xml").read_bytes()))
    assert [i.id for i in run(path)] == ["wire:1", "wire:2"]
