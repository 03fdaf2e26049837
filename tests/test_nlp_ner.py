"""NER: shapes, windows and BIO decoding on their own; the committed model on the sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import spacy

import newsprism.nlp.ner  # noqa: F401 (registers newsprism_ner)
from newsprism.evaluation.ner import sample_person_recall
from newsprism.nlp.ner.decode import bio_labels, spans_from_tags, strip_titles, viterbi
from newsprism.nlp.ner.features import SHAPE_NAMES, encode_words, piece_shape, windows
from newsprism.nlp.ner.model import DEFAULT_DIR, NerModel

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "istanbul-2025" / "clean"
LABELS = bio_labels(["PERSON", "ORG", "LOC"])


@pytest.fixture(scope="module")
def model() -> NerModel:
    return NerModel.load()


@pytest.fixture(scope="module")
def nlp() -> spacy.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("newsprism_ner")
    return nlp


def test_piece_shapes() -> None:
    names = [SHAPE_NAMES[piece_shape(t, c)] for t, c in
             [("hakan", False), ("Hakan", False), ("NATO", False), ("iPhone", False), ("2025", False),
              ("—", False), ("dan", True), ("A", False)]]
    assert names == ["lower", "title", "upper", "mixed", "digit", "other", "lower+", "title"]


def test_encode_words_keeps_case_the_vocabulary_drops(model: NerModel) -> None:
    upper, lower = encode_words(model.tokenizer, [["Turkey", "talks"], ["turkey", "talks"]])
    assert upper.ids == lower.ids
    assert upper.shapes != lower.shapes
    assert upper.first[0] == 0 and upper.words[upper.first[1]] == 1


def test_windows_cover_every_word_once(model: NerModel) -> None:
    words = (SAMPLE / "003_fda8ccc6063bb8a5.txt").read_text(encoding="utf-8").split()
    enc = encode_words(model.tokenizer, [words])[0]
    wins = windows(enc, len(words), max_pieces=40, overlap=10)
    assert len(wins) > 10
    assert all(w.piece_end - w.piece_start <= 40 for w in wins)
    owned = [i for w in wins for i in range(w.own_start, w.own_end)]
    assert owned == list(range(len(words)))
    for w in wins:  # a word is labelled by a window that holds its first piece
        assert all(w.piece_start <= enc.first[i] < w.piece_end for i in range(w.own_start, w.own_end))
    assert all(a.piece_end > b.piece_start for a, b in zip(wins, wins[1:], strict=False))  # they overlap


def test_viterbi_never_opens_with_inside_tag() -> None:
    scores = np.log(np.full((3, len(LABELS)), 0.01, dtype=np.float32))
    scores[0, LABELS.index("I-ORG")] = 0.0  # argmax would give I-ORG, I-ORG, I-LOC
    scores[1, LABELS.index("I-ORG")] = 0.0
    scores[2, LABELS.index("I-LOC")] = 0.0
    tags = [LABELS[i] for i in viterbi(scores, LABELS)]
    for prev, tag in zip(["O", *tags], tags, strict=False):
        assert not tag.startswith("I-") or prev[2:] == tag[2:], tags
    assert tags[:2] == ["B-ORG", "I-ORG"]  # the cheapest repair of the argmax
    assert spans_from_tags(["I-ORG", "I-ORG", "B-LOC", "O", "B-PERSON", "I-LOC"]) == [
        ("ORG", 0, 2), ("LOC", 2, 3), ("PERSON", 4, 5), ("LOC", 5, 6)]


def test_windows_are_stitched_at_the_right_words(model: NerModel) -> None:
    """A fake network that tags one marker word: every marker of a long sequence comes back in place."""
    marker = model.tokenizer.token_to_id("zebra")

    def forward(ids: np.ndarray, mask: np.ndarray, shapes: np.ndarray) -> np.ndarray:
        logits = np.zeros((*ids.shape, len(LABELS)), dtype=np.float32)
        logits[..., 0] = 1.0
        logits[ids == marker, LABELS.index("B-PERSON")] = 5.0
        return logits

    fake = NerModel(model.tokenizer, LABELS, forward, max_pieces=24, overlap=6, batch_size=3)
    words = [("zebra" if i % 7 == 3 else "antidisestablishment" if i % 5 == 0 else "the") for i in range(300)]
    assert fake.predict([words, [], ["zebra"]]) == [
        [("PERSON", i, i + 1) for i in range(300) if i % 7 == 3], [], [("PERSON", 0, 1)]]


def test_committed_artefact_is_small_and_described() -> None:
    """Two int8 members; with the syntax model the committed models stay under the 60 MB budget."""
    meta = json.loads((DEFAULT_DIR / "ner.json").read_text("utf-8"))
    sizes = sum(p.stat().st_size for p in DEFAULT_DIR.iterdir())
    syntax = sum(p.stat().st_size for p in (DEFAULT_DIR.parent / "syntax").rglob("*") if p.is_file())
    assert len(meta["model_files"]) == len(meta["members"]) == 2
    assert all((DEFAULT_DIR / f).is_file() for f in meta["model_files"])
    assert sizes + syntax < 60e6
    assert NerModel.load().labels == LABELS


def test_titles_stay_outside_person_spans() -> None:
    words = "Pope Francis met Prince Henry , Stephen King and President".split()
    spans = [("PERSON", 0, 2), ("PERSON", 3, 5), ("PERSON", 6, 8), ("PERSON", 9, 10)]
    assert strip_titles(words, spans) == [("PERSON", 1, 2), ("PERSON", 4, 5), ("PERSON", 6, 8), ("PERSON", 9, 10)]
    assert strip_titles(["St.", "Peter"], [("LOC", 0, 2), ("PERSON", 0, 2)]) == [("LOC", 0, 2), ("PERSON", 1, 2)]


def test_ensemble_averages_member_log_probabilities(tmp_path: Path) -> None:
    """An artefact whose two members are the same graph labels exactly like that graph alone."""
    import shutil

    meta = json.loads((DEFAULT_DIR / "ner.json").read_text("utf-8"))
    graph = meta["model_files"][0]
    for name, files in (("alone", [graph]), ("twins", [graph, "twin.onnx"])):
        d = tmp_path / name
        d.mkdir()
        shutil.copyfile(DEFAULT_DIR / "tokenizer.json", d / "tokenizer.json")
        for f in files:
            shutil.copyfile(DEFAULT_DIR / graph, d / f)
        (d / "ner.json").write_text(json.dumps(dict(meta, model_files=files)), "utf-8")
    words = [["Hakan", "Fidan", "met", "officials", "of", "Gazprom", "in", "Istanbul", "."]]
    alone = NerModel.load(tmp_path / "alone").word_scores(words)[0]
    twins = NerModel.load(tmp_path / "twins").word_scores(words)[0]
    assert np.allclose(np.exp(alone), np.exp(twins), atol=1e-4)


def test_people_orgs_and_places_in_sample_sentences(nlp: spacy.Language) -> None:
    text = (SAMPLE / "004_8b8496d1b130a673.txt").read_text(encoding="utf-8")
    ents = {(e.text, e.label_) for e in nlp(text).ents}
    for expected in [("Rustem Umerov", "PERSON"), ("Vladimir Medinsky", "PERSON"), ("Georgiy Tykhy", "PERSON"),
                     ("Hakan Fidan", "PERSON"), ("Istanbul", "LOC"), ("Turkey", "LOC")]:
        assert expected in ents
    assert not any(label == "PERSON" for t, label in ents if t in {"Istanbul", "Kyiv", "Russia", "Ukraine"})


def test_sample_person_variants_recall() -> None:
    figures = sample_person_recall()
    assert figures["recall"] >= 0.95, figures["missed"]


def test_long_document_without_sentences_matches_sentence_by_sentence(nlp: spacy.Language) -> None:
    text = (SAMPLE / "003_fda8ccc6063bb8a5.txt").read_text(encoding="utf-8")
    whole = spacy.blank("en")
    whole.add_pipe("newsprism_ner")
    doc = whole(text)
    assert len(doc) > 500  # far beyond one window of 128 wordpieces
    by_sentence = {(e.start, e.end, e.label_) for e in nlp(text).ents}
    windowed = {(e.start, e.end, e.label_) for e in doc.ents}
    assert max(e.start for e in doc.ents) > len(doc) * 0.8  # the tail of the document is labelled
    assert len(by_sentence & windowed) >= 0.85 * len(by_sentence)


def test_empty_and_blank_docs(nlp: spacy.Language) -> None:
    assert nlp("").ents == ()
    assert nlp("   \n\n ").ents == ()
    docs = list(nlp.pipe(["", "Marco Rubio flew to Istanbul.", ""]))
    assert [len(d.ents) for d in docs][0::2] == [0, 0]
    assert ("Marco Rubio", "PERSON") in {(e.text, e.label_) for e in docs[1].ents}


def _sample_sentences() -> list[list[str]]:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    out = []
    for path in sorted(SAMPLE.glob("*.txt")):
        out += [[t.text for t in s if not t.is_space] for s in nlp(path.read_text(encoding="utf-8")).sents]
    return [s for s in out if s]


def test_torch_backend_batches_without_changing_any_entity() -> None:
    """In torch a sentence's entities do not depend on its batch-mates (the int8 graphs' do,
    hence their one sentence per call): the whole sample labelled in batches of 32 equals it
    labelled one sentence per call, and both agree with the int8 graphs on almost every sentence."""
    from newsprism.nlp.ner.model import _load, resolve_backend

    backend = "torch-bf16" if resolve_backend("torch-bf16") == "torch-bf16" else "torch"
    batched = NerModel.load(backend=backend)
    assert batched.batch_size == 32
    sentences = _sample_sentences()
    assert len(sentences) > 100
    one = NerModel(batched.tokenizer, batched.labels, batched.forward, max_pieces=batched.max_pieces,
                   batch_size=1, cls_id=batched.cls_id, sep_id=batched.sep_id)
    found = batched.predict(sentences)
    assert found == one.predict(sentences)
    int8 = _load(str(DEFAULT_DIR.resolve()), 1, "onnx").predict(sentences)
    assert sum(a == b for a, b in zip(found, int8, strict=True)) >= 0.95 * len(sentences)
    assert sum(len(f) for f in found) > 200


def test_unknown_backend_names_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism.nlp.ner.model import resolve_backend

    monkeypatch.setenv("NEWSPRISM_NER_BACKEND", "gpu")
    with pytest.raises(ValueError, match="torch-bf16"):
        resolve_backend()
    monkeypatch.setenv("NEWSPRISM_NER_BACKEND", "onnx")
    assert resolve_backend() == "onnx"
