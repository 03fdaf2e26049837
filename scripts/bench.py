"""Throughput of ingest+clean (and of the store) on a 10,000-article corpus.

The corpus is built by repeating and perturbing the bundled sample (text) and the
ScrapingHub benchmark pages (HTML, read from ../shared when present), so that every
copy has a distinct content hash. Prints articles/s and peak memory; `--json` writes
the figures for the README.

    python scripts/bench.py [--n 10000] [--workers 1 2] [--json out/bench.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from newsprism.config import load_settings
from newsprism.pipeline import clean_inputs, process
from newsprism.store import Store

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSPRISM_SHARED", ROOT.parent / "shared"))
SAMPLE = ROOT / "examples" / "istanbul-2025" / "raw"
BENCHMARK = SHARED / "data" / "article-extraction-benchmark" / "html"
FILLER = (
    "officials",
    "said",
    "on",
    "Tuesday",
    "that",
    "the",
    "talks",
    "would",
    "continue",
    "next",
    "week",
    "according",
    "to",
    "two",
    "people",
    "familiar",
    "with",
    "plans",
)


def _sentence(rng: random.Random, i: int) -> str:
    words = rng.choices(FILLER, k=rng.randint(8, 16))
    return f"Update {i}: " + " ".join(words).capitalize() + "."


def _perturb_text(text: str, rng: random.Random, i: int) -> str:
    lines = text.split("\n")
    at = rng.randint(1, max(1, len(lines) - 1))
    return "\n".join(lines[:at] + [_sentence(rng, i)] + lines[at:])


def _perturb_html(html: str, rng: random.Random, i: int) -> str:
    # Into the middle paragraph, which extraction keeps: the copy must stay distinct after cleaning.
    opens = [m.end() for m in re.finditer(r"<p(?:\s[^>]*)?>", html)]
    if not opens:
        return html.replace("</body>", f"<p>{_sentence(rng, i)}</p></body>")
    at = opens[len(opens) // 2]
    return html[:at] + _sentence(rng, i) + " " + html[at:]


def build_corpus(target: Path, n: int, seed: int = 13) -> dict[str, int]:
    rng = random.Random(seed)
    texts = [p.read_text("utf-8") for p in sorted(SAMPLE.glob("*.txt"))]
    pages = []
    if BENCHMARK.is_dir():
        pages = [
            gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
            for p in sorted(BENCHMARK.glob("*.html.gz"))
        ]
    else:
        print(f"note: {BENCHMARK} not found; the corpus is built from the sample texts only", file=sys.stderr)
    bases = [("txt", t) for t in texts] + [("html", h) for h in pages]
    counts = {"txt": 0, "html": 0}
    for i in range(n):
        kind, base = bases[i % len(bases)]
        body = _perturb_text(base, rng, i) if kind == "txt" else _perturb_html(base, rng, i)
        sub = target / f"{i // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"doc{i:05d}.{kind}").write_text(body, "utf-8")
        counts[kind] += 1
    return counts


def _peak_mb() -> float:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, child_kb) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--json", type=Path, default=ROOT / "out" / "bench.json")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="newsprism-bench-"))
    try:
        t0 = time.perf_counter()
        counts = build_corpus(tmp / "corpus", args.n)
        print(
            f"corpus: {args.n} articles ({counts['txt']} text, {counts['html']} HTML), "
            f"built in {time.perf_counter() - t0:.1f} s"
        )
        settings = load_settings()
        results: dict[str, object] = {"n": args.n, "corpus": counts, "cpus": os.cpu_count()}
        for w in args.workers:
            t0 = time.perf_counter()
            ok = sum(
                1
                for item in clean_inputs([str(tmp / "corpus")], settings=settings, workers=w)
                if hasattr(item, "text")
            )
            dt = time.perf_counter() - t0
            results[f"ingest_clean_w{w}"] = {
                "articles_per_s": round(args.n / dt, 1),
                "seconds": round(dt, 1),
                "ok": ok,
            }
            print(
                f"ingest+clean, {w} worker(s): {args.n / dt:,.0f} articles/s ({dt:.1f} s, {ok} articles ok)"
            )
        w = max(args.workers)
        t0 = time.perf_counter()
        with Store(f"sqlite:///{tmp / 'bench.db'}") as store:
            run = process([str(tmp / "corpus")], store=store, settings=settings, workers=w).run
        dt = time.perf_counter() - t0
        results[f"ingest_clean_store_sqlite_w{w}"] = {
            "articles_per_s": round(args.n / dt, 1),
            "seconds": round(dt, 1),
            "stored": run.n_new,
        }
        print(f"ingest+clean+store (SQLite), {w} worker(s): {args.n / dt:,.0f} articles/s ({dt:.1f} s)")
        results["peak_rss_mb"] = round(_peak_mb(), 1)
        print(f"peak memory (largest process): {_peak_mb():,.0f} MB")
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
        print(f"figures written to {args.json}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
