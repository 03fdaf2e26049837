"""Syntax figures for `make eval`: the shipped pipeline on UD test sets, with gold tokens.

Test sets (never trained on) from the shared `data/nlp/joint` folder: EWT test (web
text, the same genres as the training data) and PUD (news and Wikipedia, the closest to
our domain). The pipeline runs on the gold words, so the figures measure tagging and
parsing, not tokenisation: UPOS accuracy, unlabelled / labelled attachment (UAS, LAS,
punctuation included, spaCy's scorer), sentence boundary F, lemma accuracy, and words/s;
then again with sentence boundaries left to the parser alone (the rules' effect).

    python -m newsprism.evaluation.syntax [--json out/eval_syntax.json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["TEST_SETS", "evaluate_file", "main", "run"]

TEST_SETS = {"EWT test": "joint/en_ewt-uner-test.conllu", "PUD": "joint/en_pud-uner-test.conllu"}
FIGURES = (("UPOS", "pos_acc"), ("UAS", "dep_uas"), ("LAS", "dep_las"), ("sentence F", "sents_f"),
           ("lemma", "lemma_acc"), ("morph", "morph_acc"))


RULES = ("newsprism_sentence_rules", "newsprism_sentence_repair")


def evaluate_file(path: Path, *, rules: bool = True) -> dict[str, Any]:
    """Scores of the shipped pipeline (entity recogniser off) on one CoNLL-U file;
    `rules=False` leaves sentence boundaries to the parser alone."""
    from spacy.tokens import Doc, DocBin
    from spacy.training import Example

    from newsprism.nlp.pipeline import load_nlp
    from newsprism.nlp.training.conllu import conllu_to_docs

    nlp = load_nlp()
    golds = list(DocBin(docs=conllu_to_docs(path)).get_docs(nlp.vocab))  # the pipeline's string store
    examples = [Example(Doc(nlp.vocab, words=[t.text for t in g], spaces=[bool(t.whitespace_) for t in g]), g)
                for g in golds]
    n_words = sum(len(g) for g in golds)
    disabled = [name for name in nlp.pipe_names if name == "newsprism_ner" or (not rules and name in RULES)]
    with nlp.select_pipes(disable=disabled):
        t0 = time.perf_counter()
        scores = nlp.evaluate(examples)
        seconds = time.perf_counter() - t0
    out: dict[str, Any] = {"sentences": sum(1 for g in golds for _ in g.sents), "words": n_words}
    for label, key in FIGURES:
        value = scores.get(key)
        out[label] = None if value is None else round(100 * value, 2)
    out["words/s"] = round(n_words / seconds)
    return out


def run() -> dict[str, Any]:
    from newsprism.nlp.training.conllu import SHARED_HINT, nlp_data_dir

    data = nlp_data_dir()
    if data is None:
        return {"sets": {}, "notes": [f"syntax: shared UD data not found ({SHARED_HINT}); skipped"]}
    sets = {name: evaluate_file(data / rel) for name, rel in TEST_SETS.items()}
    sets |= {f"{name}, no sentence rules": evaluate_file(data / rel, rules=False)
             for name, rel in TEST_SETS.items()}
    return {"sets": sets, "notes": []}


def _table(figures: dict[str, Any]) -> Any:
    from rich.table import Table

    cols = ["sentences", "words", *(label for label, _ in FIGURES), "words/s"]
    table = Table("test set", *cols, title="Syntax (gold tokens; UPOS/UAS/LAS/sentence F/lemma/morph in %)",
                  title_justify="left")
    for name, row in figures["sets"].items():
        table.add_row(name, *("–" if row[c] is None else f"{row[c]:,}" if isinstance(row[c], int)
                              else f"{row[c]:.2f}" for c in cols))
    return table


def main(argv: Sequence[str] | None = None) -> None:
    """Print the figures as a table (`make eval`); `--json PATH` also writes them."""
    from rich.console import Console

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, default=None)
    args, _ = ap.parse_known_args(argv)
    console = Console(width=max(Console().width, 120))
    figures = run()
    if figures["sets"]:
        console.print(_table(figures))
    for note in figures["notes"]:
        console.print(f"[yellow]{note}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        console.print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
