"""Stored parses on the sample: `analyse_stories` when the articles' parses are in the
store against when they are not, with the models already loaded.

Each store (SQLite, in a temporary folder) holds the sample, stored and indexed. The sample
story is analysed once to load the models (not timed), then, `--repeat` times each:

- `5 parsed`: a store without parses: the story's 5 articles are parsed
- `0 parsed`: the same story again, analyses not reused (`reuse=False`): all 5 parses read
- `6 parsed`: a store holding the sample and one more article (002 with one comma more, a
  wire copy that joins the story), without parses
- `1 parsed`: a store that analysed the 5-article story, after that article joined it

It prints the seconds (wall and CPU) of each `analyse_stories` call, how many parses it
stored, and the bytes per stored parse.

    python scripts/bench_parses.py [--repeat 3] [--json out/bench_parses.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from newsprism.pipeline import analyse_stories, index_stories, parse_version, process, story_from_stored
from newsprism.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "istanbul-2025"


def _stored(db: str, inputs: list[str]) -> tuple[Store, str]:
    store = Store(db)
    process(inputs, store=store)
    update = index_stories(store)
    [story] = [s for s in update.stories if len(s.articles) > 1]
    return store, story.id


def _analyse(store: Store, story_id: str, *, reuse: bool = False) -> tuple[float, float, int]:
    found = store.story_with_articles(story_id)
    assert found is not None
    version = parse_version()
    before = store.parse_sizes(version=version)[0]
    wall, cpu = time.perf_counter(), time.process_time()
    analyse_stories(store, found[1], [story_from_stored(found[0])], reuse=reuse)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, store.parse_sizes(version=version)[0] - before


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    runs: dict[str, list[tuple[float, float, int]]] = {"5 parsed": [], "0 parsed": [], "6 parsed": [], "1 parsed": []}
    with tempfile.TemporaryDirectory() as tmp:
        wire = Path(tmp) / "wire-copy.txt"
        text = (SAMPLE / "clean" / "002_905a684dd6f29ba4.txt").read_text("utf-8")
        wire.write_text(text.replace("Istanbul", "Istanbul,", 1), encoding="utf-8")
        raw = str(SAMPLE / "raw")
        store, sid = _stored(f"sqlite:///{tmp}/warm.db", [raw])
        _analyse(store, sid)
        store.close()
        for k in range(args.repeat):
            store, sid = _stored(f"sqlite:///{tmp}/a{k}.db", [raw])
            runs["5 parsed"].append(_analyse(store, sid))
            runs["0 parsed"].append(_analyse(store, sid))
            process([str(wire)], store=store)
            index_stories(store)
            runs["1 parsed"].append(_analyse(store, sid))
            n, size = store.parse_sizes(version=parse_version())
            store.close()
            store, sid = _stored(f"sqlite:///{tmp}/b{k}.db", [raw, str(wire)])
            runs["6 parsed"].append(_analyse(store, sid))
            store.close()
    out = {"per_parse_bytes": round(size / n), "parses": n,
           **{name: {"wall_s": round(statistics.median(r[0] for r in rs), 2),
                     "cpu_s": round(statistics.median(r[1] for r in rs), 2),
                     "stored": sorted({r[2] for r in rs})} for name, rs in runs.items()}}
    for name, rs in runs.items():
        print(f"{name}: wall {out[name]['wall_s']} s, CPU {out[name]['cpu_s']} s (median of {len(rs)}), "
              f"parses stored {out[name]['stored']}")
    print(f"stored parses: {n}, {out['per_parse_bytes']:,} bytes each on average")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
