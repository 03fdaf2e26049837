"""The committed NLI cross-encoder: loads offline, refuses an altered file, and reads plain news-like
minimal pairs the right way (pairs written for this test, not taken from any NLI data set)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import newsprism.claims.nli as nli
from newsprism.claims.nli import DEFAULT_DIR, LABELS, NliError, contradiction_score, load_nli

ENTAIL, NEUTRAL, CONTRA = range(3)

# Checked on 27 pairs of this kind (README.md); asserted only where the model is clearly right.
# It reads an explicit negation or refusal as a contradiction, not yet a swapped word (open / closed).
CONTRADICTIONS = [
    ("The president attended the summit in Geneva.", "The president did not attend the summit."),
    ("The minister resigned on Tuesday.", "The minister refused to resign."),
    ("He pleaded guilty to fraud.", "He pleaded not guilty to fraud."),
]
ENTAILMENTS = [
    ("The museum reopened on Monday after two years of repairs.", "The museum has reopened."),
    ("Police arrested two men in Berlin on Friday.", "Two men were arrested."),
    ("The company confirmed that it will cut 500 jobs.", "The company will cut jobs."),
    ("Rescuers pulled three survivors from the rubble.", "Survivors were rescued from the rubble."),
]


def test_exported_members() -> None:
    assert nli.__all__ == ["DEFAULT_DIR", "LABELS", "NliError", "NliModel", "contradiction_score", "load_nli"]
    assert LABELS == ("entailment", "neutral", "contradiction")


def test_committed_model_is_small_described_and_checked() -> None:
    meta = json.loads((DEFAULT_DIR / "nli.json").read_text("utf-8"))
    graph = DEFAULT_DIR / meta["model_file"]
    assert graph.stat().st_size < 25e6
    assert hashlib.sha256(graph.read_bytes()).hexdigest() == meta["sha256"]
    assert meta["labels"] == list(LABELS)
    assert (DEFAULT_DIR / "tokenizer.json").is_file() and (DEFAULT_DIR / "README.md").is_file()
    assert load_nli() is load_nli()  # loaded once per process


def test_altered_or_missing_model_is_refused(tmp_path: Path) -> None:
    for name in ("nli.json", "tokenizer.json"):
        shutil.copy(DEFAULT_DIR / name, tmp_path / name)
    data = bytearray((DEFAULT_DIR / "nli.onnx").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "nli.onnx").write_bytes(bytes(data))
    with pytest.raises(NliError, match="sha256"):
        load_nli(tmp_path)
    with pytest.raises(NliError, match="nli.json missing"):
        load_nli(tmp_path / "nowhere")


def test_probabilities_have_the_documented_shape() -> None:
    model = load_nli()
    assert model.predict([]).shape == (0, 3)
    pairs = CONTRADICTIONS + ENTAILMENTS
    probs = model.predict(pairs)
    assert probs.shape == (len(pairs), 3) and probs.dtype == np.float32
    assert np.allclose(probs.sum(1), 1.0, atol=1e-5) and (probs >= 0).all()
    # one pair per call by default: a pair's probabilities do not depend on its batch-mates
    assert np.array_equal(model.predict(pairs[:1])[0], probs[0])
    with pytest.raises(TypeError, match="str"):
        model.predict([("a sentence", None)])  # type: ignore[list-item]


@pytest.mark.parametrize(("premise", "hypothesis"), CONTRADICTIONS)
def test_contradictions(premise: str, hypothesis: str) -> None:
    assert load_nli().predict([(premise, hypothesis)])[0].argmax() == CONTRA


@pytest.mark.parametrize(("premise", "hypothesis"), ENTAILMENTS)
def test_entailments(premise: str, hypothesis: str) -> None:
    assert load_nli().predict([(premise, hypothesis)])[0].argmax() == ENTAIL


def test_contradiction_score_is_symmetric() -> None:
    a, b = CONTRADICTIONS[0]
    assert contradiction_score(a, b) == pytest.approx(contradiction_score(b, a))
    assert contradiction_score(a, b, reduce="max") >= contradiction_score(a, b) > 0.5
    a, b = ENTAILMENTS[0]
    assert contradiction_score(a, b) < 0.5
