"""Combine trained NER artefacts into one ensemble artefact: the members' int8 graphs side by side,
their log-probabilities averaged at run time (`newsprism.nlp.ner.model`).

    python -m newsprism.nlp.training.ner_ensemble build/ner-seed0 build/ner-seed1 [--out DIR]

Every member must share labels, case shapes, window and tokenizer (all runs of
`newsprism.nlp.training.ner` do). `ner.json` keeps each member's training record and gets the
ensemble's own dev figures (`dev_int8`), measured here on the same dev files.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from newsprism.nlp.ner.model import DEFAULT_DIR, NerModel

__all__ = ["combine", "main"]

_SHARED = ("labels", "shapes", "max_pieces", "base")


def combine(members: list[Path], out: Path) -> dict:
    """Write the ensemble of `members` (artefact directories) to `out`; returns its `ner.json`."""
    metas = [json.loads((m / "ner.json").read_text("utf-8")) for m in members]
    for m, meta in zip(members[1:], metas[1:], strict=True):
        for key in _SHARED:
            if meta.get(key) != metas[0].get(key):
                raise SystemExit(f"{m}: {key} differs from {members[0]}; cannot be ensembled")
    tokenizers = {(m / "tokenizer.json").read_bytes() for m in members}
    if len(tokenizers) != 1:
        raise SystemExit("members have different tokenizers")
    staging = out.with_name(out.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    files = []
    for k, (m, meta) in enumerate(zip(members, metas, strict=True)):
        name = "ner.onnx" if k == 0 else f"ner-{k}.onnx"
        shutil.copyfile(m / (meta.get("model_files") or [meta["model_file"]])[0], staging / name)
        files.append(name)
    shutil.copyfile(members[0] / "tokenizer.json", staging / "tokenizer.json")
    ensemble = {key: metas[0][key] for key in _SHARED}
    ensemble |= {"model_file": files[0], "model_files": files, "train": metas[0].get("train"),
                 "dev": metas[0].get("dev"),
                 # each member's record in `model_files` order, without its own (pre-ensemble) file name
                 "members": [{k: v for k, v in meta.items() if k not in (*_SHARED, "model_file", "model_files")}
                             for meta in metas]}
    (staging / "ner.json").write_text(json.dumps(ensemble, indent=2) + "\n", encoding="utf-8")
    from newsprism.nlp.training.ner import DEV, evaluate, load_corpus

    ensemble["dev_int8"] = evaluate(NerModel.load(staging), load_corpus(DEV, []))
    (staging / "ner.json").write_text(json.dumps(ensemble, indent=2) + "\n", encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    return ensemble


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("members", nargs="+", type=Path, help="artefact directories written by training.ner")
    ap.add_argument("--out", type=Path, default=DEFAULT_DIR)
    args = ap.parse_args()
    meta = combine(args.members, args.out)
    print(f"ensemble of {len(args.members)} in {args.out}; dev {json.dumps(meta['dev_int8'])}", flush=True)


if __name__ == "__main__":
    main()
