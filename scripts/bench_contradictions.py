"""What contradiction finding costs within a story's analysis (target: at most 10 %).

On the sample (and the dev stories when ../shared is present) each story's analysis is
timed stage by stage as `analyze` runs it after clustering: NLP annotation, entities,
claims (embedding and alignment), framing, brief; then the contradiction finding alone
(`claims.find_all_contradictions`: typed facts, frame phrases embedded, figures, times, goals,
states, proposals, who fired first, whose words, firsts and copy drift compared across
origins, polarity findings over the alignment, role and name conflicts) is timed on the same
inputs.

    python scripts/bench_contradictions.py [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from newsprism.brief import compose_brief
from newsprism.claims import claim_units, find_all_contradictions, story_claims
from newsprism.claims.align import align
from newsprism.entities import resolve_entities
from newsprism.evaluation.claims import load_gold, ready_stories
from newsprism.framing import frame_story
from newsprism.nlp import annotate_many
from newsprism.stories import load_encoder

REPEAT = 3


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    encoder = load_encoder()
    encoder.encode(["warm up"])
    stories, _ = load_gold()
    rows = []
    for s in stories:
        t0 = time.perf_counter()
        s.docs = list(annotate_many(s.articles))
        t_nlp = time.perf_counter() - t0
        ready_stories([s], encoder)
        t0 = time.perf_counter()
        roster = resolve_entities(s.docs, s.articles)
        t_ent = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = story_claims(s.docs, origins=s.origins, encoder=encoder, roster=roster)
        t_claims = time.perf_counter() - t0
        t0 = time.perf_counter()
        framing = frame_story(s.docs, roster, result.claims)
        compose_brief(s.docs, result, framing)
        t_rest = time.perf_counter() - t0
        # the contradiction finding alone, on the same units and vectors
        units = [u for d in s.docs for u in claim_units(d, origin=s.origins.get(d.id, d.id))]
        vectors = encoder.encode([u.text for u in units])
        alignment = align(units, vectors)
        times = []
        for _ in range(REPEAT):  # the median of three: one call can meet a collection or another job's burst
            t0 = time.perf_counter()
            _, facts = find_all_contradictions(s.docs, units, vectors, alignment, encoder, roster)
            times.append(time.perf_counter() - t0)
        t_contra = statistics.median(times)
        total = t_nlp + t_ent + t_claims + t_rest
        rows.append({"story": s.name, "articles": len(s.articles), "units": len(units), "facts": len(facts),
                     "analysis_s": round(total, 2), "contradictions_s": round(t_contra, 3),
                     "share": round(t_contra / total, 3)})
        print(f"{s.name:34} {len(s.articles):3} articles {len(units):4} units {len(facts):4} figures: "
              f"analysis {total:6.2f} s, contradiction finding {t_contra:5.2f} s ({100 * t_contra / total:4.1f} %)")
    share = sum(r["contradictions_s"] for r in rows) / sum(r["analysis_s"] for r in rows)
    print(f"all stories: contradiction finding is {100 * share:.1f} % of the analysis time (target <= 10 %)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"stories": rows, "share": share}, indent=1))


if __name__ == "__main__":
    main()
