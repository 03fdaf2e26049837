"""Claim alignment time per story as a function of articles per story (5, 50, 500).

Each synthetic article is 40 sentences drawn from the sample's sentences (so every
fact recurs across many articles, as in a big story), a third of them lightly
reworded. Units are built directly (no NLP) and embedded by the stand-in hashed
encoder of `bench_stories.py` by default, so the figure is the alignment's own cost
(blocking, scoring, grouping, contradictions); `--encoder model` adds the real
embedding, whose cost per unit is constant.

    python scripts/bench_claims.py [--sizes 5 50 500] [--encoder hashed|model] [--json OUT]
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 500])
    ap.add_argument("--encoder", choices=("hashed", "model"), default="hashed")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
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
