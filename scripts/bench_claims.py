"""Claim alignment time per story as a function of articles per story (5, 50, 500).

Each synthetic article is 40 sentences drawn from the sample's sentences (so every
fact recurs across many articles, as in a big story), a third of them lightly
reworded. Units are built directly (no NLP) and embedded by the stand-in hashed
encoder of `bench_stories.py` by default, so the figure is the alignment's own cost
(blocking, scoring, grouping, contradictions); `--encoder model` adds the real
embedding, whose cost per unit is constant.

`--embed-speed` measures that constant instead: the claim-unit encoder (the default
backend, one torch thread) on the distinct sentences of the shared corpora (every text
under ../shared/corpus but the gold clean copies, split after . ! ? and a space), three
passes over the same sentences, in sentences per CPU-second. The first pass also pays
for oneDNN compiling a kernel for each new batch shape, as a fresh process does.

    python scripts/bench_claims.py [--sizes 5 50 500] [--encoder hashed|model] [--json OUT]
    python scripts/bench_claims.py --embed-speed [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "istanbul-2025" / "clean"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline import CORPORA, corpus_texts  # noqa: E402
from bench_stories import HashedEncoder  # noqa: E402
from newsprism.claims import AlignParams, ClaimUnit, align, find_contradictions  # noqa: E402

SWAPS = {"said": "stated", "talks": "negotiations", "agreed": "consented", "first": "initial", "Russia": "Moscow"}


def _pool() -> list[str]:
    out = []
    for p in sorted(SAMPLE.glob("*.txt")):
        out += [s for s in re.split(r"(?<=[.!?])\s+", p.read_text("utf-8")) if len(s.split()) >= 6]
    return out


def build(n_articles: int, seed: int = 5) -> list[ClaimUnit]:
    rng = random.Random(seed)
    pool = _pool()
    units = []
    for a in range(n_articles):
        pos = 0
        for s in rng.sample(pool, min(40, len(pool))):
            if rng.random() < 0.33:
                s = " ".join(SWAPS.get(w, w) for w in s.split())
            units.append(ClaimUnit(article=f"a{a}", origin=f"a{a}", text=s, start=pos, end=pos + len(s)))
            pos += len(s) + 1
    return units


def one(n_articles: int, encoder: object) -> dict[str, float]:
    units = build(n_articles)
    t0 = time.perf_counter()
    vectors = encoder.encode([u.text for u in units])  # type: ignore[attr-defined]
    t1 = time.perf_counter()
    alignment = align(units, vectors, AlignParams())
    contradictions = find_contradictions(units, alignment)
    t2 = time.perf_counter()
    return {"articles": n_articles, "units": len(units), "candidate_pairs": len(alignment.pair_scores),
            "groups": len(alignment.groups), "contradictions": len(contradictions),
            "embed_s": round(t1 - t0, 3), "align_s": round(t2 - t1, 3),
            "align_us_per_unit": round(1e6 * (t2 - t1) / max(len(units), 1), 1),
            "pairs_per_unit": round(len(alignment.pair_scores) / max(len(units), 1), 1)}


def corpus_sentences() -> list[str]:
    """The distinct sentences of the shared corpora's texts (gold clean copies left out)."""
    texts = corpus_texts()
    if not texts:
        sys.exit(f"error: no texts under {CORPORA} (the shared data)")
    return list(dict.fromkeys(s.strip() for p in texts for s in re.split(r"(?<=[.!?])\s+", p.read_text("utf-8"))
                              if s.strip()))


def embed_speed(passes: int = 3) -> dict[str, object]:
    import torch

    from newsprism.stories import load_encoder
    from newsprism.stories.embed import resolve_embedder

    torch.set_num_threads(1)
    sentences = corpus_sentences()
    encoder = load_encoder()
    rates = []
    for _ in range(passes):
        c0 = time.process_time()
        encoder.encode(sentences)  # type: ignore[attr-defined]
        rates.append(round(len(sentences) / (time.process_time() - c0), 1))
    return {"backend": resolve_embedder("auto"), "sentences": len(sentences), "threads": 1,
            "sentences_per_cpu_s": rates}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 500])
    ap.add_argument("--encoder", choices=("hashed", "model"), default="hashed")
    ap.add_argument("--embed-speed", action="store_true", help="the claim-unit encoder's sentences per CPU-second")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if args.embed_speed:
        r = embed_speed()
        print(f"claim-unit encoder {r['backend']}, {r['sentences']} sentences of the shared corpora, one thread: "
              + ", ".join(f"pass {i + 1} {v:,.0f}" for i, v in enumerate(r["sentences_per_cpu_s"]))  # type: ignore[arg-type]
              + " sentences per CPU-second")
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(r, indent=2) + "\n")
        return
    if args.encoder == "model":
        from newsprism.stories import load_encoder

        encoder: object = load_encoder()
    else:
        encoder = HashedEncoder()
    rows = [one(n, encoder) for n in args.sizes]
    print(f"{'articles':>8} {'units':>7} {'pairs':>9} {'pairs/unit':>10} {'groups':>7} {'align s':>8} "
          f"{'µs/unit':>8} {'embed s':>8}")
    for r in rows:
        print(f"{r['articles']:>8} {r['units']:>7} {r['candidate_pairs']:>9} {r['pairs_per_unit']:>10} "
              f"{r['groups']:>7} {r['align_s']:>8} {r['align_us_per_unit']:>8} {r['embed_s']:>8}")
    if len(rows) >= 2:
        print(f"per-unit cost, largest vs smallest story: ×{rows[-1]['align_us_per_unit'] / rows[0]['align_us_per_unit']:.2f}"
              f" for ×{rows[-1]['units'] / rows[0]['units']:.0f} the units")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
