"""Train the syntax model (tagger, morphologizer, parser, lemmatizer) from the shared UD data.

    python -m newsprism.nlp.training.syntax [--max-steps 6000] [--build build/nlp/syntax]

Converts the joint EWT+UNER and GUM open-genre CoNLL-U files to DocBins in the build
folder (train = both train files, dev = both dev files; PUD is never read here), trains
`syntax.cfg` with its fixed seed, and copies the best model into `nlp/models/syntax`
without what only training needs.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from pathlib import Path

from newsprism.nlp.training.conllu import SHARED_HINT, conllu_to_docbin, nlp_data_dir

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "syntax.cfg"
MODEL_DIR = HERE.parent / "models" / "syntax"
ROOT = HERE.parents[3]

TRAIN_FILES = ("joint/en_ewt-uner-train.conllu", "joint/en_gum-open-ner-train.conllu")
DEV_FILES = ("joint/en_ewt-uner-dev.conllu", "joint/en_gum-open-ner-dev.conllu")
# Run-time model keeps config, meta, tokenizer, vocab and the weights; model-last, the dev
# scores and the training corpora paths are not needed.
STRIP_META = ("performance",)
SOURCES = [
    {"name": "UD English EWT (UD 2.16) + UNER English EWT", "license": "CC BY-SA 4.0"},
    {"name": "GUM v11, open genres only", "license": "CC BY 4.0 annotations; texts CC BY / BY-SA / public domain"},
]


def convert(data: Path, build: Path) -> tuple[Path, Path]:
    """CoNLL-U → DocBin, 10 sentences per doc so the parser sees sentence boundaries."""
    train_dir, dev_dir = build / "train", build / "dev"
    for out_dir, files in ((train_dir, TRAIN_FILES), (dev_dir, DEV_FILES)):
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in files:
            target = out_dir / (Path(name).stem + ".spacy")
            if not target.exists():
                conllu_to_docbin(data / name, target)
    return train_dir, dev_dir


def train(train_dir: Path, dev_dir: Path, output: Path, max_steps: int | None) -> Path:
    from spacy.cli.train import train as spacy_train

    overrides: dict[str, object] = {"paths.train": str(train_dir), "paths.dev": str(dev_dir)}
    if max_steps is not None:
        overrides["training.max_steps"] = max_steps
    spacy_train(CONFIG, output, overrides=overrides, use_gpu=-1)
    return output / "model-best"


def install(best: Path, target: Path = MODEL_DIR) -> None:
    """Copy the trained model into the package, dropping training-only metadata."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(best, target)
    # the build folder's paths mean nothing at run time
    config = (target / "config.cfg").read_text(encoding="utf-8")
    config = re.sub(r'^(train|dev) = ".*"$', r"\1 = null", config, flags=re.M)
    (target / "config.cfg").write_text(config, encoding="utf-8")
    meta_path = target / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta.update(name="newsprism_syntax", license="CC BY-SA 4.0",
                description="newsprism syntax: tagger, morphologizer, lemmatizer, parser (UD EWT + GUM open genres)",
                sources=SOURCES)
    for key in STRIP_META:
        meta.pop(key, None)
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build" / "nlp" / "syntax")
    parser.add_argument("--max-steps", type=int, default=None, help="override training.max_steps")
    parser.add_argument("--no-install", action="store_true", help="train only, keep the shipped model")
    args = parser.parse_args(argv)
    data = nlp_data_dir()
    if data is None:
        sys.exit(f"no training data: {SHARED_HINT}")
    started = time.monotonic()
    train_dir, dev_dir = convert(data, args.build)
    best = train(train_dir, dev_dir, args.build / "output", args.max_steps)
    if not args.no_install:
        install(best)
        print(f"installed {best} → {MODEL_DIR}")
    print(f"syntax training took {(time.monotonic() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
