"""Throughput of the NLP stage: `annotate` on 1 and 2 processes against the tokenizer alone
and the spaCy pipeline alone (the difference is the news layer).

The corpus is the clean text of the shared dev-stories articles and of the bundled
sample (the sample only when the shared folder is absent), repeated until it holds
`--words` words (whitespace-separated). Loading the pipeline is excluded from the
1-process figure; the 2-process figure includes starting the workers (each loads the
pipeline once), as a batch run pays it. Peak memory is the largest process's RSS.

    python scripts/bench_nlp.py [--words 300000] [--json out/bench_nlp.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

from newsprism.models import Article
from newsprism.nlp import annotate_many
from newsprism.nlp.pipeline import load_nlp, parse_texts
from newsprism.pipeline import clean_inputs

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSPRISM_SHARED", ROOT.parent / "shared"))
SAMPLE = ROOT / "examples" / "istanbul-2025" / "raw"
DEV_STORIES = SHARED / "corpus" / "dev-stories"


def load_corpus(n_words: int) -> tuple[list[Article], str]:
    inputs = [str(SAMPLE)] + ([str(DEV_STORIES)] if DEV_STORIES.is_dir() else [])
    base = [a for a in clean_inputs(inputs) if isinstance(a, Article)]
    origin = "sample + dev-stories" if len(inputs) > 1 else "sample only (no shared dev-stories)"
    articles: list[Article] = []
    words = 0
    while words < n_words:
        for a in base:
            articles.append(Article(id=f"{a.id}#{len(articles)}", origin=a.origin, source=a.source,
                                    title=a.title, text=a.text, published=a.published))
            words += len(a.text.split())
    return articles, f"{len(base)} distinct articles ({origin})"


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=int, default=300_000)
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--json", type=Path, default=ROOT / "out" / "bench_nlp.json")
    args = ap.parse_args()

    articles, about = load_corpus(args.words)
    n_words = sum(len(a.text.split()) for a in articles)
    print(f"corpus: {len(articles)} articles, {n_words:,} words, {sum(len(a.text) for a in articles):,} "
          f"characters; {about}")
    t0 = time.perf_counter()
    nlp = load_nlp()
    results: dict[str, object] = {"articles": len(articles), "words": n_words, "corpus": about,
                                  "cpus": os.cpu_count(), "pipeline": nlp.pipe_names,
                                  "load_s": round(time.perf_counter() - t0, 2)}
    print(f"pipeline {nlp.pipe_names} loaded in {results['load_s']} s")
    list(annotate_many(articles[:3]))  # warm-up: first-call allocations, lazy imports

    t0 = time.perf_counter()
    n_tokens = sum(len(doc) for doc in nlp.tokenizer.pipe(a.text for a in articles))
    dt = time.perf_counter() - t0
    results["tokenizer"] = {"words_per_s": round(n_words / dt), "seconds": round(dt, 2), "tokens": n_tokens}
    print(f"tokenizer alone: {n_words / dt:,.0f} words/s ({dt:.1f} s)")

    t0 = time.perf_counter()
    for _ in parse_texts(a.text for a in articles):
        pass
    dt = time.perf_counter() - t0
    results["spacy_pipeline"] = {"words_per_s": round(n_words / dt), "seconds": round(dt, 1)}
    print(f"spaCy pipeline alone (no news layer), 1 process: {n_words / dt:,.0f} words/s ({dt:.1f} s)")

    for n in args.processes:
        t0 = time.perf_counter()
        docs = list(annotate_many(articles, n_process=n))
        dt = time.perf_counter() - t0
        results[f"annotate_p{n}"] = {
            "words_per_s": round(n_words / dt), "seconds": round(dt, 1),
            "sentences": sum(len(d.sentences) for d in docs), "mentions": sum(len(d.mentions) for d in docs),
            "ratio_to_tokenizer": round(results["tokenizer"]["words_per_s"] / (n_words / dt), 1),  # type: ignore[index]
        }
        print(f"annotate, {n} process(es): {n_words / dt:,.0f} words/s ({dt:.1f} s); the tokenizer alone is "
              f"{results[f'annotate_p{n}']['ratio_to_tokenizer']}x faster")  # type: ignore[index]
    results["peak_rss_mb"] = {"main": round(_peak_mb(resource.RUSAGE_SELF)),
                              "largest_worker": round(_peak_mb(resource.RUSAGE_CHILDREN))}
    print(f"peak memory: main process {results['peak_rss_mb']['main']:,} MB, "  # type: ignore[index]
          f"largest worker {results['peak_rss_mb']['largest_worker']:,} MB")  # type: ignore[index]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
