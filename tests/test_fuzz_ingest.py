"""Fuzz target: any file, through ingest + clean + Store.save (SQLite), ends as stored
articles or rejections with a reason, within its time budget (issue 17).

`make test` runs 40 inputs (QUICK, seconds). `make fuzz` runs this same test in parallel
chunks of LONG settings, one seed per chunk (`scripts/fuzz.py`): there an
uncaught exception does not end the chunk; it is counted and its input saved under
NEWSPRISM_FUZZ_OUT, and the chunk's figures are written there as JSON.

Inputs: a file of a random kind (.txt/.html/.jsonl/.warc/.xml/unknown extension, gzipped
or not, names with bytes that are not UTF-8) holding random bytes, random text in random
encodings, HTML/JSONL/WARC/RSS built from hostile parts (comments, DOCTYPE subsets,
entities, huge attributes, NULs, lone surrogates, over-long ids and dates, bad
Content-Length), or a repo fixture with random bytes spliced in.
"""

from __future__ import annotations

import gzip
import json
import os
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import text

from newsprism.clean import clean
from newsprism.config import Settings
from newsprism.ingest import ingest
from newsprism.models import Article, RawDocument, Rejection
from newsprism.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [
    p.read_bytes()
    for p in sorted((ROOT / "tests" / "fixtures" / "ingest").iterdir())
    + sorted((ROOT / "examples" / "istanbul-2025" / "raw").glob("*.txt"))[:2]
    if p.is_file()
]
FUZZ_OUT = os.environ.get("NEWSPRISM_FUZZ_OUT")  # set by scripts/fuzz.py: the long campaign
# Budget per item in the fuzz run; an item over it is a finding, like an exception.
BUDGET_S = float(os.environ.get("NEWSPRISM_FUZZ_BUDGET", "5"))
# A few seconds in `make test`; scripts/fuzz.py sets the chunk size and a seed per chunk.
QUICK = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LONG = settings(
    max_examples=int(os.environ.get("NEWSPRISM_FUZZ_EXAMPLES", "1000")),
    deadline=None,
    database=None,
    phases=[Phase.generate],  # no shrinking: a finding is saved as it is and the run goes on
    suppress_health_check=list(HealthCheck),
)
SEED = int(os.environ.get("NEWSPRISM_FUZZ_SEED", "0"))

ATOMS = [
    "<!-- c -->",
    "<!--",
    "-->",
    "<a",
    "<p>",
    "</p>",
    "<div>",
    "<html>",
    "<body>",
    "<!DOCTYPE html>",
    "<!DOCTYPE x [",
    "]>",
    "<!ENTITY a 'b'>",
    "&a;",
    "&amp;",
    "&#0;",
    "&#xD800;",
    '<x y="',
    "'",
    '"',
    ">",
    "<meta charset=",
    "utf-8",
    "<script>",
    "</script>",
    "<![CDATA[",
    "]]>",
    "<?xml ",
    "?>",
    "\x00",
    "\ud800",
    "\udcff",
    "\ufeff",
    "\u200b",
    "\u00ad",
    "\r\n",
    "\n",
    "\n\n\n",
    " ",
    "\t",
    "-",
    "—",
    "•",
    ".",
    "...",
    "date: 2025-06-02 ",
    "By Jane Doe",
    "Read more:",
    "Share this",
    "Comments",
    "https://a.example/x",
    "www.",
    "Ã©",
    "â€™",
    "Dolmabahçe",
    "Переговоры",
    "伊斯坦布尔",
    "😀",
    "The delegations met in Istanbul and agreed to exchange prisoners, officials said. ",
]
PROSE = "The delegations met in Istanbul and agreed to exchange prisoners, officials said. "
ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "cp1251", "gbk"]
EXTENSIONS = [".txt", ".html", ".htm", ".jsonl", ".warc", ".xml", ".rss", ".atom", ".dat", ""]

hostile_text = st.lists(
    st.one_of(st.sampled_from(ATOMS), st.text(max_size=40)),
    max_size=30,
).map("".join)
repeated = st.builds(lambda atom, n: atom * n, st.sampled_from(ATOMS), st.integers(1, 1000))
any_text = st.one_of(hostile_text, repeated, st.text(max_size=300))
# Over the store's column sizes (id 2,048, source 512, published 64), with NULs and surrogates.
long_value = st.builds(
    lambda c, n: c * n, st.sampled_from(["x", "\x00", "\ud800", "é", "a\udcff"]), st.integers(60, 3000)
)
meta_value = st.one_of(
    st.none(),
    any_text,
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    long_value,
)


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")


@st.composite
def jsonl(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        keys = st.sampled_from(["id", "title", "url", "source", "published", "text", "html"])
        if draw(st.booleans()):  # any JSON values: mostly bad-json, bad-encoding
            record = {k: draw(meta_value) for k in draw(st.sets(keys, max_size=7))}
            if draw(st.booleans()):
                record["text"] = draw(any_text)
        else:  # a well-formed article with hostile string metadata: what reaches the store
            record = {
                k: draw(st.one_of(any_text, long_value))
                for k in ("id", "title", "url", "source", "published")
            }
            record["text"] = draw(any_text) + PROSE * 3
        line = json.dumps(record) if draw(st.integers(0, 9)) else draw(any_text)
        lines.append(line)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "cp1252", "utf-16"]))
    return _encode("\n".join(lines), encoding)


@st.composite
def warc(draw: st.DrawFn) -> bytes:
    out = b""
    for _ in range(draw(st.integers(1, 3))):
        http = (
            b"HTTP/1.1 "
            + draw(st.sampled_from([b"200 OK", b"404 Not Found", b"301 Moved", b"x"]))
            + (
                b"\r\nContent-Type: "
                + draw(
                    st.sampled_from(
                        [b"text/html", b"text/html; charset=cp1251", b"image/png", b"text/html; charset=\x00"]
                    )
                )
                + b"\r\n\r\n"
                + _encode(draw(any_text), "utf-8")
            )
        )
        length = draw(st.sampled_from([str(len(http)).encode(), b"abc", b"-5", b"", b"99999999", b"0"]))
        out += (
            b"WARC/1.0\r\nWARC-Type: "
            + draw(st.sampled_from([b"response", b"request", b"warcinfo", b""]))
            + b"\r\nWARC-Target-URI: "
            + _encode(draw(any_text)[:200], "utf-8")
            + b"\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: "
            + length
            + b"\r\n\r\n"
            + http
            + b"\r\n\r\n"
        )
    return out


@st.composite
def feed(draw: st.DrawFn) -> bytes:
    items = "".join(
        f"<item><title>{draw(any_text)}</title><link>{draw(any_text)}</link>"
        f"<pubDate>{draw(any_text)}</pubDate><description>{draw(any_text)}</description></item>"
        for _ in range(draw(st.integers(0, 3)))
    )
    decl = draw(
        st.sampled_from(
            [
                '<?xml version="1.0"?>',
                '<?xml version="1.0" encoding="utf\x00-8"?>',
                "",
                '<?xml version="1.0" encoding="nope"?>',
                "<!DOCTYPE rss [<!ENTITY a 'b'>]>",
            ]
        )
    )
    root = draw(
        st.sampled_from(
            [
                '<rss version="2.0"><channel><title>T</title>{}</channel></rss>',
                '<feed xmlns="http://www.w3.org/2005/Atom">{}</feed>',
                "<rss>{}",
            ]
        )
    )
    return _encode(decl + root.format(items), draw(st.sampled_from(["utf-8", "utf-16", "cp1252"])))


@st.composite
def spliced(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(data)))
        if draw(st.booleans()):
            data[at:at] = draw(st.binary(max_size=20)) or b"\xff"
        else:
            del data[at : at + draw(st.integers(0, 200))]
    return bytes(data)


def _named(content: st.SearchStrategy[bytes], ext: str) -> st.SearchStrategy[tuple[bytes, str]]:
    """`content` under its own extension mostly, else under any."""
    return st.tuples(content, st.sampled_from([ext] * len(EXTENSIONS) + EXTENSIONS))


files = st.one_of(
    _named(st.binary(max_size=2000), ".dat"),
    _named(st.builds(_encode, any_text, st.sampled_from(ENCODINGS)), ".txt"),
    _named(
        st.builds(
            lambda t: _encode(f"<html><body><article><p>{t}</p></article></body></html>", "utf-8"), any_text
        ),
        ".html",
    ),
    _named(jsonl(), ".jsonl"),
    _named(warc(), ".warc"),
    _named(feed(), ".xml"),
    _named(spliced(), ".txt"),
)
names = st.one_of(
    st.text(
        st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=30
    ),
    st.binary(min_size=1, max_size=30).map(lambda b: b.replace(b"/", b"_").replace(b"\x00", b"_")),
)


def _write(folder: Path, name: str | bytes, ext: str, gz: bool, content: bytes) -> bytes:
    base = os.fsencode(name) if isinstance(name, str) else name
    base = base.lstrip(b".") or b"x"  # hidden files inside a folder are skipped, not read
    path = os.path.join(os.fsencode(folder), base[:100] + ext.encode() + (b".gz" if gz else b""))
    with open(path, "wb") as f:
        f.write(gzip.compress(content, mtime=0) if gz else content)
    return path


class Campaign:
    """What one run of the target saw; written to NEWSPRISM_FUZZ_OUT at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.inputs = folder / "inputs"  # one file at a time
        self.inputs.mkdir()
        self.settings = Settings(db=f"sqlite:///{folder / 'fuzz.db'}", clean_timeout=BUDGET_S)
        self.store = Store(self.settings.db)
        self.run_id = self.store.begin_run(["fuzz"])
        self.pending: list[Article | Rejection] = []
        self.seq = 0
        self.counts: Counter[str] = Counter()
        self.slowest = 0.0
        self.findings: list[str] = []

    def one(self, name: str | bytes, ext: str, gz: bool, content: bytes) -> None:
        path = _write(self.inputs, name, ext, gz, content)
        self.counts["inputs"] += 1
        try:
            for item in ingest([os.fsdecode(path)], settings=self.settings):
                started = time.perf_counter()
                result = clean(item, self.settings) if isinstance(item, RawDocument) else item
                seconds = time.perf_counter() - started
                self.slowest = max(self.slowest, seconds)
                if seconds > BUDGET_S + 1:  # the deadline did not stop it
                    self.finding("over-budget", content, f"{seconds:.1f} s")
                self.counts["items"] += 1
                self.counts[getattr(result, "reason", "article")] += 1
                if getattr(result, "reason", "") == "internal-error":
                    self.finding("internal-error", content, result.detail)
                self.pending.append(result)
            if len(self.pending) >= 200:
                self.flush()
        except Exception:
            self.finding("exception", content, traceback.format_exc())
            if not FUZZ_OUT:
                raise
        finally:
            os.unlink(path)

    def flush(self) -> None:
        items, self.pending = self.pending, []
        if not items:
            return
        for it in items:  # ids are unique within one ingest call: number them for the run
            self.seq += 1
            it.id = f"{self.seq:x}:{it.id}"
        self.store.save(self.run_id, items, first_seq=self.seq - len(items))

    def finding(self, kind: str, content: bytes, detail: str) -> None:
        self.counts[f"finding:{kind}"] += 1
        self.findings.append(f"{kind}: {detail}")
        if FUZZ_OUT:
            n = self.counts[f"finding:{kind}"]
            if n <= 20:
                Path(FUZZ_OUT, f"{kind}-{os.getpid()}-{n}.bin").write_bytes(content)
                Path(FUZZ_OUT, f"{kind}-{os.getpid()}-{n}.txt").write_text(detail, "utf-8")

    def close(self) -> dict[str, object]:
        self.flush()
        self.store.finish_run(self.run_id)
        with self.store.engine.connect() as conn:
            stored = conn.execute(
                text("SELECT count(*) FROM run_items WHERE run_id = :r"), {"r": self.run_id}
            )
            refused = conn.execute(  # the store turns an item it cannot write into a store-* rejection
                text("SELECT count(*) FROM run_items WHERE run_id = :r AND reason LIKE 'store%'"),
                {"r": self.run_id},
            )
            summary = {"stored_items": stored.scalar(), "store_refused": refused.scalar()}
        self.store.close()
        return {"counts": dict(self.counts), "slowest_s": round(self.slowest, 3), **summary}


def test_any_file_ends_stored_or_rejected_within_budget(tmp_path: Path) -> None:
    campaign = Campaign(tmp_path)

    @seed(SEED)
    @(LONG if FUZZ_OUT else QUICK)
    @given(names, files, st.booleans())
    def target(name: str | bytes, file: tuple[bytes, str], gz: bool) -> None:
        content, ext = file
        campaign.one(name, ext, gz, content)

    target()
    summary = campaign.close()
    if FUZZ_OUT:
        Path(FUZZ_OUT, f"summary-{os.getpid()}.json").write_text(json.dumps(summary), "utf-8")
    assert campaign.findings == []
    assert summary["stored_items"] == campaign.counts["items"]
    assert summary["store_refused"] == 0
    assert campaign.counts["internal-error"] == 0
