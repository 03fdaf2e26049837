"""The shared UD/UNER data: where it is, and CoNLL-U → spaCy DocBin (used by training and eval)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
SHARED_HINT = "set NEWSPRISM_SHARED to the shared folder holding data/nlp (default <repo>/../shared)"


def nlp_data_dir() -> Path | None:
    """`$NEWSPRISM_SHARED/data/nlp`, else `<repo>/../shared/data/nlp`; None when absent."""
    shared = Path(os.environ.get("NEWSPRISM_SHARED") or ROOT.parent / "shared")
    data = shared / "data" / "nlp"
    return data if (data / "joint").is_dir() else None


def conllu_to_docs(path: Path, n_sents: int = 10) -> list:
    """Gold docs of a CoNLL-U file, `n_sents` sentences each, UD tokens kept as they are.

    Subtokens are not merged (`spacy convert` without -T): spaCy's English tokenizer
    already splits "don't" and "gonna" as UD does.
    """
    from spacy.training.converters import conllu_to_docs as convert

    text = path.read_text(encoding="utf-8")
    return list(convert(text, n_sents=n_sents, merge_subtokens=False, no_print=True))


def conllu_to_docbin(path: Path, target: Path, n_sents: int = 10) -> int:
    """Write `path` as a DocBin at `target`; returns the number of docs."""
    from spacy.tokens import DocBin

    docs = conllu_to_docs(path, n_sents)
    target.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs, store_user_data=False).to_disk(target)
    return len(docs)
