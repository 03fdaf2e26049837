"""Speed per core and accuracy of entity-recogniser candidates, side by side.

Each candidate is an artefact directory (`ner.json` + graphs); `shipped:K` is member K of the
shipped ensemble alone; each runs on every `--backends` entry (`onnx`: the int8 graphs, one
sentence per call; `torch-bf16`: their weights in torch, batches of 32; where the CPU has no
native bf16 that one runs as `torch`, fp32). Words/s is the recogniser alone (`NerModel.predict`)
over the PUD sentences, on one thread (an ONNX ensemble runs its members on one thread each, so
its figure is per CPU-second): words per CPU-second of the process, the
median of `--repeats` rounds in which the candidates take turns, with the load average beside
it (the machine is shared: compare the ratios of one run). F is the span F1 of the scorer of
`make eval ner` on gold words, on PUD and on the dev files (EWT + GUM dev: what a choice may look at).

    python scripts/bench_ner.py [DIR ...] [--backends onnx torch-bf16] [--repeats 3] [--json out/bench_ner.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import torch

from newsprism.nlp.ner.corpus import read_conllu, score
from newsprism.nlp.ner.model import BACKENDS, DEFAULT_DIR, NerModel, resolve_backend
from newsprism.nlp.training.ner import DEV, data_dir, load_corpus

ROOT = Path(__file__).resolve().parent.parent


def member_dir(k: int, into: Path) -> Path:
    """An artefact directory holding member `k` of the shipped ensemble alone."""
    meta = json.loads((DEFAULT_DIR / "ner.json").read_text("utf-8"))
    out = into / f"shipped-{k}"
    out.mkdir()
    name = meta["model_files"][k]
    shutil.copyfile(DEFAULT_DIR / name, out / name)
    shutil.copyfile(DEFAULT_DIR / "tokenizer.json", out / "tokenizer.json")
    (out / "ner.json").write_text(json.dumps(dict(meta, model_file=name, model_files=[name])), "utf-8")
    return out


def size_mb(path: Path) -> float:
    meta = json.loads((path / "ner.json").read_text("utf-8"))
    return sum((path / f).stat().st_size for f in meta.get("model_files") or [meta["model_file"]]) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", default=["shipped", "shipped:1"])
    ap.add_argument("--backends", nargs="+", default=["onnx", "torch-bf16"], choices=BACKENDS[1:])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path, default=ROOT / "out" / "bench_ner.json")
    args = ap.parse_args()

    pud = read_conllu(data_dir() / "joint" / "en_pud-uner-test.conllu")
    dev = load_corpus(DEV, [])
    words = [s.words for s in pud]
    n_words = sum(map(len, words))
    with tempfile.TemporaryDirectory() as tmp:
        dirs = {}
        for name in args.models:
            if name == "shipped":
                dirs[name] = DEFAULT_DIR
            elif name.startswith("shipped:"):
                dirs[name] = member_dir(int(name.split(":")[1]), Path(tmp))
            else:
                dirs[name] = Path(name)
        torch.set_num_threads(1)
        models = {f"{name} [{resolve_backend(b)}]": NerModel.load(d, threads=1, backend=b)
                  for name, d in dirs.items() for b in args.backends}
        dirs = {key: dirs[key.split(" [")[0]] for key in models}
        speeds: dict[str, list[float]] = {name: [] for name in models}
        loads = []
        preds = {}
        for m in models.values():
            m.predict(words[:20])  # warm-up
        for _ in range(args.repeats):
            for name, m in models.items():
                t0 = time.process_time()
                preds[name] = m.predict(words)
                speeds[name].append(n_words / (time.process_time() - t0))
                loads.append(os.getloadavg()[0])
        results = {"pud_words": n_words, "load_average": [round(min(loads), 1), round(max(loads), 1)], "models": {}}
        for name, m in models.items():
            row = {"words_per_cpu_s": round(statistics.median(speeds[name])),
                   "pud_f": round(score(pud, preds[name]).prf()[2], 4),
                   "dev_f": round(score(dev, m.predict([s.words for s in dev])).prf()[2], 4),
                   "size_mb": round(size_mb(dirs[name]), 1)}
            results["models"][name] = row
            print(f"{name:40s} {row['words_per_cpu_s']:7,} words/CPU-s  PUD F {row['pud_f']:.4f}  "
                  f"dev F {row['dev_f']:.4f}  {row['size_mb']} MB", flush=True)
    print(f"load average during the timed rounds: {results['load_average'][0]}-{results['load_average'][1]}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
