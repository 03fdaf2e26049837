"""The figures of the NLI model's README: accuracy on the held-out sets, news stance, speed.

    python -m newsprism.claims.nli.evaluate [--model DIR] [--fp32 GRAPH] [--symmetric] [--limit N] [--json FILE]

Sets (`nli.data`): SNLI test, the held-out TaxiNLI slice, Breaking NLI (3-way accuracy; for
Breaking NLI also per category), and news stance: FNC-1 competition test agree/disagree and
Emergent test for/against pairs, where the headline (Emergent: the claim) is the hypothesis and a
sentence of the body the premise, read two ways:

    lead   the body's first two sentences (cut to fit 128 pieces with the headline)
    best   the body sentence sharing the most content words with the headline

and called `agree` when P(entailment) >= P(contradiction), else `disagree` (neutral ignored).
With `--symmetric`, SNLI test is also read the other way round and contradiction-vs-rest
average precision is given for one direction, the mean and the max of both (`contradiction_score`).
Speed: pairs/s on one thread over the first 2,000 SNLI test pairs, one pair per call and 32 per call.
`--fp32 build/nli/work/nli-fp32.onnx` adds the same figures for the unquantised graph.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from newsprism.claims.nli import DEFAULT_DIR, NliModel, load_nli, load_tokenizer
from newsprism.claims.nli.data import LABELS, Pair, StancePair, splits, stance_pairs

__all__ = ["accuracy_figures", "evaluate", "stance_figures"]

_SENT = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[\"“‘(]?[A-Z0-9])|\n+")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an the of to in on at for and or but is are was were be been has have had it its this that "
                  "with by as from after over says said will would not no".split())


def onnx_model(graph: Path, tokenizer: Path, threads: int = 1) -> NliModel:
    """An `NliModel` over any graph with the same inputs (the fp32 graph of a training run)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    return NliModel(ort.InferenceSession(str(graph), opts, providers=["CPUExecutionProvider"]),
                    load_tokenizer(tokenizer))


def accuracy_figures(probs: np.ndarray, pairs: Sequence[Pair]) -> dict[str, object]:
    gold = np.array([p.label for p in pairs])
    pred = probs.argmax(1)
    out: dict[str, object] = {"n": len(pairs), "accuracy": round(float(np.mean(pred == gold)), 4)}
    for k, name in enumerate(LABELS):
        tp = int(np.sum((pred == k) & (gold == k)))
        prec, rec = tp / max(1, int(np.sum(pred == k))), tp / max(1, int(np.sum(gold == k)))
        out[name] = {"precision": round(prec, 3), "recall": round(rec, 3)}
    return out


def _sentences(body: str) -> list[str]:
    return [s.strip() for s in _SENT.split(body) if len(s.strip()) > 20]


def _content(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def stance_premises(pair: StancePair) -> dict[str, str]:
    sents = _sentences(pair.body) or [pair.body.strip()]
    head = _content(pair.headline)
    best = max(sents, key=lambda s: (len(head & _content(s)), -len(s)))
    return {"lead": " ".join(sents[:2]), "best": best}


def stance_figures(model: NliModel, pairs: Sequence[StancePair]) -> dict[str, object]:
    premises = [stance_premises(p) for p in pairs]
    out: dict[str, object] = {"n": dict(Counter(f"{p.source}:{p.stance}" for p in pairs))}
    for how in ("lead", "best"):
        probs = model.predict([(prem[how], p.headline) for prem, p in zip(premises, pairs, strict=True)],
                              batch_size=32)
        pred = np.where(probs[:, 0] >= probs[:, 2], "agree", "disagree")
        figures = {}
        for source in ("fnc1", "emergent", "all"):
            idx = [i for i, p in enumerate(pairs) if source in ("all", p.source)]
            gold = np.array([pairs[i].stance for i in idx])
            got = pred[idx]
            rec = {s: round(float(np.mean(got[gold == s] == s)), 3) for s in ("agree", "disagree")}
            f1 = []
            for s in ("agree", "disagree"):
                tp = np.sum((got == s) & (gold == s))
                p_, r_ = tp / max(1, np.sum(got == s)), tp / max(1, np.sum(gold == s))
                f1.append(0.0 if tp == 0 else 2 * p_ * r_ / (p_ + r_))
            figures[source] = {"accuracy": round(float(np.mean(got == gold)), 3), "recall": rec,
                               "macro_f1": round(float(np.mean(f1)), 3)}
        out[how] = figures
    return out


def _average_precision(scores: np.ndarray, positive: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")
    hits = positive[order].astype(float)
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return round(float((precision * hits).sum() / max(1.0, hits.sum())), 4)


def speed(model: NliModel, pairs: Sequence[Pair]) -> dict[str, float]:
    texts = [(p.premise, p.hypothesis) for p in pairs]
    out = {}
    for size in (1, 32):
        t = time.perf_counter()
        model.predict(texts, batch_size=size)
        out[f"batch_{size}"] = round(len(texts) / (time.perf_counter() - t), 1)
    return out


def evaluate(model: NliModel, *, limit: int = 0, symmetric: bool = False) -> dict[str, object]:
    data = splits()
    out: dict[str, object] = {}
    for name in ("snli_test", "taxinli_test", "breaking_nli", "dev"):
        pairs = data[name][:limit] if limit else data[name]
        t = time.perf_counter()
        probs = model.predict([(p.premise, p.hypothesis) for p in pairs], batch_size=32)
        fig = accuracy_figures(probs, pairs)
        fig["seconds"] = round(time.perf_counter() - t, 1)
        if name == "breaking_nli":
            by_cat: dict[str, list[int]] = defaultdict(list)
            for i, p in enumerate(pairs):
                by_cat[p.source.split(":", 1)[1]].append(i)
            fig["by_category"] = {c: round(float(np.mean(probs[idx].argmax(1) == [pairs[i].label for i in idx])), 3)
                                  for c, idx in sorted(by_cat.items())}
        if name == "snli_test" and symmetric:
            back = model.predict([(p.hypothesis, p.premise) for p in pairs], batch_size=32)
            positive = np.array([p.label == 2 for p in pairs])
            fwd, bwd = probs[:, 2], back[:, 2]
            fig["contradiction_ap"] = {"forward": _average_precision(fwd, positive),
                                       "mean": _average_precision((fwd + bwd) / 2, positive),
                                       "max": _average_precision(np.maximum(fwd, bwd), positive)}
            fig["contradiction_at_0.5"] = {
                how: {"precision": round(float(positive[s >= 0.5].mean()) if (s >= 0.5).any() else 0.0, 3),
                      "recall": round(float((s >= 0.5)[positive].mean()), 3)}
                for how, s in (("forward", fwd), ("mean", (fwd + bwd) / 2), ("max", np.maximum(fwd, bwd)))}
        out[name] = fig
    stance = stance_pairs()
    out["news_stance"] = stance_figures(model, stance[:limit] if limit else stance)
    out["pairs_per_second_1_thread"] = speed(model, data["snli_test"][:min(2000, limit or 2000)])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, default=DEFAULT_DIR, help="artefact folder (nli.json, nli.onnx)")
    ap.add_argument("--fp32", type=Path, help="also evaluate this unquantised graph (same tokenizer)")
    ap.add_argument("--symmetric", action="store_true", help="SNLI test both ways: contradiction_score's reductions")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pairs of each set (quick check)")
    ap.add_argument("--fp32-limit", type=int, default=0, help="only the first N pairs of each set for --fp32")
    ap.add_argument("--skip-int8", action="store_true", help="only the --fp32 graph")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args()
    results = {}
    if not args.skip_int8:
        results["int8"] = evaluate(load_nli(args.model, threads=1), limit=args.limit, symmetric=args.symmetric)
    if args.fp32:
        results["fp32"] = evaluate(onnx_model(args.fp32, args.model / "tokenizer.json"),
                                   limit=args.fp32_limit or args.limit, symmetric=args.symmetric)
    text = json.dumps(results, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
