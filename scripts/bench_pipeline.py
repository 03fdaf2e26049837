"""End-to-end throughput of `newsprism analyze`: ingest + clean + store, stories, story
analysis and the report, on a mixed corpus of real articles, with `--workers` 1 and 2.

The corpus (default 1,000 articles) is built as scripts/bench.py builds its own, from
real texts only: the dev corpora under ../shared/corpus (multi-outlet event stories,
text; the gold clean copies left out) first, then the 181 ScrapingHub benchmark pages
(HTML), repeated until there are `--n`, every copy with one distinct sentence inserted.
So every event story is compared (two origins or more, each copy joining its original's
origin) and each benchmark page is a story of one origin.

Each `--workers` value runs in a fresh process (models loaded inside the timing, as a
command's would be) and prints articles/s overall, seconds per stage, the cores used
(CPU time of the process and its children / wall time) and peak memory: PSS summed over
the process and its children (sampled every 0.5 s; shared pages counted once), and the
largest process's peak RSS.

    python scripts/bench_pipeline.py [--n 1000] [--workers 1 2] [--json out/bench_pipeline.json]
    python scripts/bench_pipeline.py --mixed --workers 2   # the issue's 249 articles against trafilatura
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
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSPRISM_SHARED", ROOT.parent / "shared"))
CORPORA = SHARED / "corpus"
BENCHMARK = SHARED / "data" / "article-extraction-benchmark" / "html"
FILLER = ("officials", "said", "on", "Tuesday", "that", "the", "talks", "would", "continue", "next", "week",
          "according", "to", "two", "people", "familiar", "with", "plans")


def _sentence(rng: random.Random, i: int) -> str:
    return f"Update {i}: " + " ".join(rng.choices(FILLER, k=rng.randint(8, 16))).capitalize() + "."


def _perturb(kind: str, body: str, rng: random.Random, i: int) -> str:
    if kind == "txt":
        lines = body.split("\n")
        at = rng.randint(1, max(1, len(lines) - 1))
        return "\n".join(lines[:at] + [_sentence(rng, i)] + lines[at:])
    opens = [m.end() for m in re.finditer(r"<p(?:\s[^>]*)?>", body)]  # the middle paragraph: kept by cleaning
    if not opens:
        return body.replace("</body>", f"<p>{_sentence(rng, i)}</p></body>")
    return body[:opens[len(opens) // 2]] + _sentence(rng, i) + " " + body[opens[len(opens) // 2]:]


def corpus_texts() -> list[Path]:
    """The texts of the shared corpora, the gold clean copies left out."""
    return sorted(p for p in CORPORA.glob("*/**/*.txt") if "clean" not in p.parts)


def build_corpus(target: Path, n: int, seed: int = 13) -> dict[str, int]:
    """`n` articles under `target`: the dev corpora's texts, then the benchmark pages, repeated."""
    texts = corpus_texts()
    pages = sorted(BENCHMARK.glob("*.html.gz"))
    if not texts or not pages:
        sys.exit(f"error: the corpus needs {CORPORA} and {BENCHMARK} (the shared data); found {len(texts)} texts "
                 f"and {len(pages)} pages")
    bases = [("txt", p.read_text("utf-8")) for p in texts] + [
        ("html", gzip.decompress(p.read_bytes()).decode("utf-8", "replace")) for p in pages]
    rng = random.Random(seed)
    counts = {"txt": 0, "html": 0, "distinct": min(n, len(bases))}
    for i in range(n):
        kind, body = bases[i % len(bases)]
        sub = target / f"{i // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"doc{i:05d}.{kind}").write_text(_perturb(kind, body, rng, i), "utf-8")
        counts[kind] += 1
    return counts


def build_mixed(target: Path, conflicts: int = 40) -> dict[str, int]:
    """The issue's 249-article corpus, unperturbed: the 181 benchmark pages (HTML), the
    dev-stories texts (28) and the first `conflicts` dev-conflicts texts as one dated JSONL
    file (dates from each story's gold.yaml)."""
    import yaml

    target.mkdir(parents=True)
    pages = sorted(BENCHMARK.glob("*.html.gz"))
    for p in pages:
        (target / p.name.removesuffix(".gz")).write_bytes(gzip.decompress(p.read_bytes()))
    texts = sorted(p for p in (CORPORA / "dev-stories").glob("*/*.txt"))
    for p in texts:
        shutil.copyfile(p, target / f"{p.parent.name}-{p.name}")
    records = []
    for p in sorted((CORPORA / "dev-conflicts").glob("*/*.txt"))[:conflicts]:
        gold = yaml.safe_load((p.parent / "gold.yaml").read_text("utf-8")) or {}
        dates = {a.get("file"): str(a.get("date", "")).split(" ")[0] for a in gold.get("articles") or []}
        record = {"id": f"{p.parent.name}/{p.name}", "text": p.read_text("utf-8")}
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", dates.get(p.name, "")):
            record["published"] = dates[p.name]
        records.append(json.dumps(record))
    (target / "news.jsonl").write_text("\n".join(records) + "\n", "utf-8")
    return {"html": len(pages), "txt": len(texts), "jsonl": len(records)}


def trafilatura_seconds() -> float:
    """Plain `trafilatura.extract` over the 181 benchmark pages, one process: the issue's yardstick."""
    import trafilatura

    pages = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in sorted(BENCHMARK.glob("*.html.gz"))]
    t0 = time.perf_counter()
    for html in pages:
        trafilatura.extract(html)
    return time.perf_counter() - t0


def _tree(root: int) -> list[int]:
    """`root` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeakPss:
    """The largest PSS summed over this process and its descendants, sampled every `every` s."""

    def __init__(self, every: float = 0.5) -> None:
        self.every, self.peak_kb, self.processes, self.loads = every, 0, 1, [os.getloadavg()[0]]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            pids = _tree(os.getpid())
            total = sum(_pss_kb(p) for p in pids)
            if total > self.peak_kb:
                self.peak_kb, self.processes = total, len(pids)
            self.loads.append(os.getloadavg()[0])

    def __enter__(self) -> PeakPss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system  # children: those waited for (pools closed)


def one_run(corpus: Path, workers: int, db: str) -> dict[str, Any]:
    """`analyze` of `corpus` into `db` with `workers`, stage by stage, in this process."""
    from newsprism.config import load_settings
    from newsprism.pipeline import index_stories, process, report_for_run
    from newsprism.report import validate_report
    from newsprism.store import Store
    from newsprism.stories import load_story_params
    from newsprism.story_pool import StoryPool

    stages: dict[str, dict[str, float]] = {}
    wall0, cpu0 = time.perf_counter(), _cpu()

    def lap(name: str, started: tuple[float, float]) -> tuple[float, float]:
        now = time.perf_counter(), _cpu()
        stages[name] = {"seconds": round(now[0] - started[0], 1), "cores": round((now[1] - started[1])
                                                                                 / max(now[0] - started[0], 1e-9), 2)}
        return now

    with PeakPss() as pss:
        settings = load_settings()
        with Store(db) as store:
            at = (wall0, cpu0)
            result = process([str(corpus)], store=store, settings=settings, workers=workers)
            at = lap("ingest+clean+store", at)
            with StoryPool(workers) as pool:
                pool.warm(load_story_params(), settings, articles=result.run.n_ok)  # as `newsprism analyze` does
                index_stories(store)
                at = lap("stories", at)
                report = report_for_run(store, result.run.id, settings=settings, reports=pool)
            at = lap("analysis", at)
            validate_report(report)
            lap("report", at)
    wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
    stories = report["stories"]
    return {"workers": workers, "articles": result.run.n_ok, "rejected": result.run.n_rejected,
            "stories": len(stories), "compared": sum(1 for s in stories if len(s["origins"]) >= 2),
            "articles_per_s": round(result.run.n_ok / wall, 2), "seconds": round(wall, 1),
            "cores_used": round(cpu / wall, 2), "stages": stages, "peak_pss_mb": round(pss.peak_kb / 1024),
            "pss_processes": pss.processes, "load_average": round(sum(pss.loads) / len(pss.loads), 1),
            "peak_rss_largest_mb": round(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                             resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024)}


def _line(r: dict[str, Any]) -> str:
    stages = ", ".join(f"{k} {v['seconds']} s ({v['cores']} cores)" for k, v in r["stages"].items())
    return (f"--workers {r['workers']}: {r['articles']} articles in {r['seconds']} s = {r['articles_per_s']} "
            f"articles/s; {r['stories']} stories ({r['compared']} compared); {stages}; cores used "
            f"{r['cores_used']}; peak PSS {r['peak_pss_mb']:,} MB ({r['pss_processes']} processes), largest "
            f"process RSS {r['peak_rss_largest_mb']:,} MB; load average during the run {r['load_average']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--mixed", action="store_true",
                    help="the issue's 249 real articles (181 pages, 28 texts, 40 JSONL records) instead of --n, "
                         "timed against plain trafilatura on the 181 pages in the same run")
    ap.add_argument("--one", nargs=3, metavar=("CORPUS", "DB", "OUT"), help=argparse.SUPPRESS)  # a child's run
    args = ap.parse_args()
    if args.one:
        corpus, db, out = args.one
        Path(out).write_text(json.dumps(one_run(Path(corpus), args.workers[0], db)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="newsprism-bench-pipeline-"))
    try:
        if args.mixed:
            counts = build_mixed(tmp / "corpus")
            print(f"corpus: {sum(counts.values())} articles ({counts['html']} HTML pages, {counts['txt']} texts, "
                  f"{counts['jsonl']} JSONL records)")
        else:
            counts = build_corpus(tmp / "corpus", args.n)
            print(f"corpus: {args.n} articles ({counts['txt']} text, {counts['html']} HTML, {counts['distinct']} "
                  f"distinct texts)")
        load = os.getloadavg()
        print(f"{len(os.sched_getaffinity(0))} cores; load average {load[0]:.1f}")
        runs = []
        for w in args.workers:
            out = tmp / f"w{w}.json"
            subprocess.run([sys.executable, __file__, "--workers", str(w), "--one", str(tmp / "corpus"),
                            f"sqlite:///{tmp / f'w{w}.db'}", str(out)], check=True)
            runs.append(json.loads(out.read_text()))
            print(_line(runs[-1]), flush=True)
            if args.mixed:
                plain = trafilatura_seconds()
                runs[-1]["trafilatura_181_s"] = round(plain, 2)
                print(f"  plain trafilatura.extract on the 181 pages: {plain:.2f} s; analyze took "
                      f"{runs[-1]['seconds'] / plain:.1f} times as long (target <= 4)", flush=True)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps({"n": "mixed" if args.mixed else args.n, "corpus": counts, "load_before": round(load[0], 1),
                                             "runs": runs}, indent=2) + "\n")
            print(f"figures written to {args.json}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
