"""Latency of the web API with 1,000 stories stored, under a load generator on loopback.

Builds a store of synthetic stories (two articles each, words drawn from the sample's
vocabulary, one publication day per story, each with a stored analysis the size of the
sample's) through the real story index, starts
`newsprism serve`'s app in its own process on 127.0.0.1, and sends requests from
`--clients` threads for `--seconds` per endpoint: the story page's data
(`GET /api/v1/stories/{id}`, random stories), the story page itself, the story list,
a search, an entity across stories and the contradictions across stories. Prints p50/p95/p99 latency and requests/s per endpoint; `--json` writes
them. The target: story data p95 under 50 ms.

    python scripts/bench_web.py [--stories 1000] [--clients 4] [--seconds 10] [--json out/bench_web.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import random
import re
import socket
import statistics
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from newsprism.analysis import StoryAnalysis
from newsprism.config import load_settings
from newsprism.models import Article
from newsprism.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "istanbul-2025" / "clean"


def _vocabulary() -> list[str]:
    words = {w.lower() for p in SAMPLE.glob("*.txt") for w in re.findall(r"[A-Za-z]{4,}", p.read_text("utf-8"))}
    return sorted(words)


def _article(aid: str, title: str, words: list[str], day: date) -> Article:
    text = title + "\n" + " ".join(words).capitalize() + "."
    return Article(id=aid, origin=aid, source=f"outlet-{aid[-1]}", title=title, text=text,
                   published=day.isoformat(), language="en", word_count=len(text.split()),
                   content_hash=hashlib.sha256(text.encode()).hexdigest())


def _analysis(story_id: str, pair: list[Article]) -> StoryAnalysis:
    """A stored analysis the size of the sample's (80 claims, 50 entities, 6 contradictions,
    a brief of 8 sentences), so that the story page is measured as an analysed story's."""
    from newsprism.analysis import (
        Brief,
        BriefSentence,
        Claim,
        Contradiction,
        Entity,
        Facts,
        SourceProfile,
        Span,
        story_version,
    )

    ids = [a.id for a in pair]
    text = pair[0].text

    def span(k: int) -> Span:
        start = (37 * k) % max(len(text) - 40, 1)
        return Span(ids[k % 2], text[start:start + 40], start, start + 40)

    return StoryAnalysis(
        story_id=story_id, version=story_version([(a.id, a.content_hash) for a in pair]), articles=ids,
        models={"bench": "1"}, compared=True,
        members=[Facts(i, "en", {"value": None, "source": "none", "evidence": None}, "ok", None) for i in ids],
        entities=[Entity(f"person:{k}", f"Person {k}", "PERSON", [], [span(k + j) for j in range(5)],
                         {"variants": {f"Person {k}": ids}}) for k in range(50)],
        claims=[Claim(f"cl-{k}", span(k).text, "consensus" if k % 3 else "single", ids, [span(k), span(k + 1)],
                      {"origins": ids}) for k in range(80)],
        contradictions=[Contradiction("number", f"figures differ ({k})", [span(k), span(k + 1)], {"confidence": 0.8})
                        for k in range(6)],
        comparison="compared",
        sources=[SourceProfile(i, {"A": 0.1, "B": -0.2}, [{"kind": "exaggeration", "text": "sweeping", "start": 0,
                                                             "end": 8, "side": None, "score": 0.0, "cue": "x"}] * 10,
                               [{"id": "cl-1", "text": "t"}]) for i in ids],
        brief=Brief([BriefSentence(span(k).text, ids, {"kind": "consensus"}) for k in range(8)]))


def build_store(url: str, n_stories: int, seed: int = 7) -> tuple[int, float]:
    """Store `n_stories` synthetic stories of two articles each, each with a stored analysis;
    returns (stories, seconds).

    The articles go in through `Store.save`; the story-index rows are written directly
    (one story per pair, a unit lead vector for the first): this measures serving, and
    clustering real articles into 1,000 stories is `scripts/bench_stories.py`'s job. The
    rows carry no valid checksums, so this store is only for reading."""
    from datetime import UTC, datetime

    import numpy as np
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from newsprism.store.tables import ArticleRow, StoryMemberRow, StoryRow

    rng = random.Random(seed)
    vocab = _vocabulary()
    start = date(2020, 1, 1)
    articles = []
    for i in range(n_stories):
        topic = rng.sample(vocab, 400)
        day = start + timedelta(days=i)
        articles.append(_article(f"s{i}a", " ".join(topic[:8]).capitalize(), topic[8:], day))
        rewrite = topic[8:250] + rng.sample(vocab, 150)
        articles.append(_article(f"s{i}b", " ".join(topic[1:9]).capitalize(), rewrite, day + timedelta(days=1)))
    t = time.perf_counter()
    vectors = np.random.default_rng(seed).normal(size=(n_stories, 384)).astype("<f4")
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    with Store(url) as store:
        run = store.begin_run(["bench"])
        for i in range(0, len(articles), 200):
            store.save(run, articles[i:i + 200], first_seq=i)
        store.finish_run(run)
        with Session(store.engine) as s, s.begin():
            pk = dict(s.execute(select(ArticleRow.article_id, ArticleRow.pk)).all())
            now = datetime.now(UTC)
            for i in range(n_stories):
                story = StoryRow(story_id=f"st-bench{i:06d}", status="ok", created_at=now)
                s.add(story)
                s.flush()
                a, b = pk[f"s{i}a"], pk[f"s{i}b"]
                s.add_all([
                    StoryMemberRow(seq=2 * i, article_pk=a, story_pk=story.pk, origin_pk=a, status="ok",
                                   vector=vectors[i].tobytes(), checksum="bench"),
                    StoryMemberRow(seq=2 * i + 1, article_pk=b, story_pk=story.pk, origin_pk=b, status="ok",
                                   checksum="bench")])
        for i in range(n_stories):
            store.save_analysis(_analysis(f"st-bench{i:06d}", articles[2 * i:2 * i + 2]))
    return n_stories, time.perf_counter() - t


def _serve(url: str, port: int) -> None:
    import uvicorn

    from newsprism.web import create_app

    uvicorn.run(create_app(load_settings(db=url)), host="127.0.0.1", port=port, log_level="warning")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(base: str, paths: list[str], clients: int, seconds: float) -> dict[str, float]:
    """Requests from `clients` threads (keep-alive) for `seconds`; latency percentiles in ms."""
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        mine: list[float] = []
        bad = 0
        with httpx.Client(base_url=base, timeout=30) as c:
            while time.perf_counter() < stop:
                t = time.perf_counter()
                r = c.get(rng.choice(paths))
                mine.append(1000 * (time.perf_counter() - t))
                bad += r.status_code != 200
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    q = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "errors": errors, "rps": round(len(latencies) / wall, 1),
            "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "p99_ms": round(q[98], 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stories", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench_web.db"
        n, secs = build_store(url, args.stories)
        print(f"store: {n} stories ({2 * args.stories} articles) written in {secs:.1f} s")
        ids = [f"st-bench{i:06d}" for i in range(n)]
        port = _free_port()
        server = multiprocessing.get_context("spawn").Process(target=_serve, args=(url, port), daemon=True)
        server.start()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/v1/runs", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        endpoints = {
            "story data GET /api/v1/stories/{id}": [f"/api/v1/stories/{i}" for i in ids],
            "story page GET /stories/{id}": [f"/stories/{i}" for i in ids],
            "story list GET /api/v1/stories": ["/api/v1/stories"],
            "search GET /api/v1/stories?q=": ["/api/v1/stories?q=" + w for w in _vocabulary()[:200]],
            "entity GET /api/v1/entities?name=": [f"/api/v1/entities?name=Person+{k}" for k in range(50)],
            "contradictions GET /api/v1/contradictions?kind=": ["/api/v1/contradictions?kind=number&limit=50"],
        }
        results = {}
        for name, paths in endpoints.items():
            load(base, paths[:50], 1, 1.0)  # warm-up
            results[name] = load(base, paths, args.clients, args.seconds)
            r = results[name]
            print(f"{name:40s} p50 {r['p50_ms']:6.1f} ms  p95 {r['p95_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  "
                  f"{r['rps']:7.1f} req/s  ({r['requests']} requests, {r['errors']} errors, {args.clients} clients)")
        server.terminate()
        server.join(10)
    target = results["story data GET /api/v1/stories/{id}"]["p95_ms"]
    print(f"story data p95 {target} ms with {n} stories: {'meets' if target < 50 else 'MISSES'} the 50 ms target")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"stories": n, "clients": args.clients, "results": results}, indent=2))


if __name__ == "__main__":
    main()
