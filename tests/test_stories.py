"""Stories: near-duplicate origins, story clustering, statuses, the embedding model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from newsprism.evaluation.stories import SAMPLE_DATE, load_devset, shared_dir, synthetic_copies
from newsprism.models import Article
from newsprism.stories import StoryParams, cluster, cluster_stories, featurize
from newsprism.stories import embed as embed_mod
from newsprism.stories.dedup import NearDuplicates, is_copy, sketch
from newsprism.stories.text import words

from . import stories_support as support
from .stories_support import ROOT, make

needs_shared = pytest.mark.skipif(shared_dir() is None, reason="shared data not found: set NEWSPRISM_SHARED")


@pytest.fixture(scope="session")
def encoder() -> embed_mod.Encoder:
    return support.encoder("auto")


@pytest.fixture(scope="session")
def fp32() -> embed_mod.Encoder:
    return support.encoder("torch")


@pytest.fixture(scope="session")
def sample() -> list[Article]:
    return support.sample_articles()


# -- the embedding model -------------------------------------------------------------
# sentence-transformers 6.2 `SentenceTransformer(get_model_path()).encode(..., normalize_embeddings=True)`
# on this sentence, first six dimensions:
REFERENCE = ("Russia and Ukraine meet in Istanbul for talks.",
             [0.01706665, -0.03145014, -0.0463163, 0.06385966, -0.09247905, -0.0580643])


def test_encoder_matches_sentence_transformers_reference(fp32: embed_mod.Encoder) -> None:
    vec = fp32.encode([REFERENCE[0]])[0]
    assert np.allclose(vec[:6], REFERENCE[1], atol=2e-5)
    assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-5


def test_bf16_and_batching_keep_vectors(encoder: embed_mod.Encoder, fp32: embed_mod.Encoder) -> None:
    texts = [REFERENCE[0], "A much longer text about a flood in Texas and the camps along the river. " * 6, "x"]
    alone = np.stack([encoder.encode([t])[0] for t in texts])
    batched = encoder.encode(texts)
    assert np.min(np.sum(alone * batched, axis=1)) > 0.9999  # padding in a batch changes nothing
    assert np.min(np.sum(fp32.encode(texts) * batched, axis=1)) > 0.999


def test_altered_weights_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the weights")
    monkeypatch.setattr(embed_mod, "model_dir", lambda: tmp_path)
    embed_mod._checked_weights.cache_clear()
    try:
        with pytest.raises(embed_mod.EncoderError, match="sha256"):
            embed_mod._checked_weights()
    finally:
        embed_mod._checked_weights.cache_clear()


def test_unknown_embedder_names_the_choices() -> None:
    with pytest.raises(embed_mod.EncoderError, match="onnx-int8"):
        embed_mod.resolve_embedder("gpu")


# -- near-duplicates -----------------------------------------------------------------
def test_sample_is_one_story_of_five_origins(sample: list[Article], encoder: embed_mod.Encoder) -> None:
    stories = cluster_stories(sample, encoder=encoder)
    assert len(stories) == 1
    assert stories[0].articles == [a.id for a in sample]
    assert len(stories[0].origins) == 5
    assert stories[0].first_published == stories[0].last_published == SAMPLE_DATE
    titles = {a.title for a in sample}
    assert stories[0].title in titles or any(stories[0].title in a.text for a in sample)  # a headline or a first sentence


def test_syndicated_trimmed_and_rewritten_copies_share_their_origin(sample: list[Article],
                                                                    encoder: embed_mod.Encoder) -> None:
    from newsprism.evaluation.stories import DevItem

    items = [DevItem(a, "s", a.id, "sample") for a in sample]
    copies = synthetic_copies(items, seed=11)
    assert {c.article.id.split("/")[1] for c in copies} == {"wire", "trim", "rewrite"}
    result = cluster(sample + [c.article for c in copies], encoder=encoder)
    origin = {x.article: x.origin for x in result.assignments}
    for c in copies:
        assert origin[c.article.id] == c.origin, c.article.id
    assert len({origin[a.id] for a in sample}) == 5  # five independent reports stay five voices
    assert len(result.stories) == 1 and len(result.stories[0].origins) == 5


def test_containment_separates_copies_from_other_reports(sample: list[Article]) -> None:
    sk = [sketch(words(a.text)) for a in sample]
    for i in range(len(sk)):
        for j in range(i + 1, len(sk)):
            assert not is_copy(sk[i], sk[j])[0]  # same event, different outlets: not copies
    text = sample[3].text
    half = text[: len(text) // 2]
    assert is_copy(sketch(words(half)), sk[3])[0]  # the first half of a wire story is a copy


def test_headline_only_matches_only_exact_copies() -> None:
    nd = NearDuplicates()
    nd.add("long", sketch(words("Russia and Ukraine hold first direct talks in Istanbul since 2022. " * 5
                                + "The delegations met at Dolmabahce Palace on Friday for two hours.")))
    assert nd.match(sketch(words("Russia and Ukraine hold first direct talks in Istanbul"))) is None
    nd.add("head", sketch(words("Russia and Ukraine hold first direct talks in Istanbul")))
    assert nd.match(sketch(words("Russia and Ukraine hold first direct talks in Istanbul")))[0] == "head"


# -- statuses ------------------------------------------------------------------------
def test_short_empty_and_foreign_articles_get_a_status_and_stay_apart(sample: list[Article],
                                                                      encoder: embed_mod.Encoder) -> None:
    short = make("headline", "Russia and Ukraine hold peace talks in Istanbul", title="Talks in Istanbul")
    short_copy = make("headline-2", "Russia and Ukraine hold peace talks in Istanbul")
    empty = make("empty", "   \n ")
    german = make("de", "Russland und die Ukraine haben in Istanbul zum ersten Mal seit drei Jahren direkt "
                        "miteinander verhandelt. Die Delegationen trafen sich im Dolmabahce-Palast, doch ein "
                        "Waffenstillstand wurde nicht vereinbart. Vereinbart wurde ein Austausch von je tausend "
                        "Gefangenen, teilte der ukrainische Verteidigungsminister Rustem Umerov mit.",
                  language=None, published=SAMPLE_DATE)
    # Hungarian: a language the story model does not read
    hungarian = make("hu", "Oroszország és Ukrajna három év után először tárgyalt közvetlenül Isztambulban. A "
                           "küldöttségek a Dolmabahce-palotában találkoztak, de tűzszünetben nem állapodtak meg. "
                           "Ezer-ezer fogoly cseréjéről döntöttek, közölte Rusztem Umerov ukrán védelmi miniszter, "
                           "aki szerint a következő fordulóról még nem született döntés.", language=None)
    result = cluster([*sample, short, short_copy, empty, german, hungarian], encoder=encoder)
    status = {x.article: x.status for x in result.assignments}
    assert (status["headline"], status["empty"], status["hu"], status["de"]) == (
        "too-short", "empty", "other-language", "ok")
    story_of = {x.article: x.story for x in result.assignments}
    main = story_of[sample[0].id]
    assert all(story_of[a] != main for a in ("headline", "empty", "hu"))
    assert story_of["headline-2"] == story_of["headline"]  # an exact copy still joins its origin
    by_id = {s.id: s for s in result.stories}
    assert by_id[story_of["hu"]].status == "other-language"
    assert by_id[main].articles == [*(a.id for a in sample), "de"]  # German is read by the multilingual model


def test_params_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism.stories import load_story_params

    monkeypatch.setenv("NEWSPRISM_STORY_THRESHOLD", "0.8")
    monkeypatch.setenv("NEWSPRISM_STORY_LANGUAGES", "en, de")
    p = load_story_params()
    assert (p.threshold, p.languages) == (0.8, ("en", "de"))
    assert p.fingerprint() != StoryParams().fingerprint()
    monkeypatch.setenv("NEWSPRISM_STORY_MIN_WORDS", "many")
    with pytest.raises(ValueError, match="NEWSPRISM_STORY_MIN_WORDS"):
        load_story_params()


def test_duplicate_ids_are_refused(sample: list[Article]) -> None:
    with pytest.raises(ValueError, match="occurs twice"):
        cluster([sample[0], sample[0]])


# -- the development set (shared data) -----------------------------------------------
# Without the 181 ScrapingHub pages (`make eval` scores those too): the sample, the four
# dev-stories events with their hard distractors, the six dev-conflicts events (one French,
# one Spanish report) with theirs, and synthetic copies; 153 articles.
@pytest.fixture(scope="session")
def devset_prepared():  # type: ignore[no-untyped-def]
    from newsprism.evaluation.stories import prepare

    return prepare(load_devset(scrapinghub=False))


def _former(prep) -> list[int]:  # type: ignore[no-untyped-def]
    """The items of the set before dev-conflicts joined it (sample, dev-stories, their copies)."""
    return [i for i, it in enumerate(prep.items) if it.corpus != "dev-conflicts"]


@needs_shared
def test_istanbul_rounds_and_hard_distractors_stay_apart(devset_prepared) -> None:  # type: ignore[no-untyped-def]
    from newsprism.evaluation.stories import assign_all

    prep = devset_prepared
    keep = [i for i in _former(prep) if prep.items[i].part in ("sample", "dev", "distractor")]
    asg = assign_all(prep, StoryParams(), dated_sample=True, indices=keep)
    by_gold: dict[str, set[str]] = {}
    for i, x in zip(keep, asg, strict=True):
        by_gold.setdefault(prep.items[i].story, set()).add(x.story)
    assert all(len(v) == 1 for v in by_gold.values()), by_gold  # each event one story
    stories = [next(iter(v)) for v in by_gold.values()]
    assert len(set(stories)) == len(stories)  # and every event, distractor included, its own


@needs_shared
def test_quality_floor_on_the_development_set(devset_prepared) -> None:  # type: ignore[no-untyped-def]
    """The eval gate: figures of `make eval` that must not drop silently."""
    from newsprism.evaluation.stories import _score, assign_all

    prep = devset_prepared
    keep = _former(prep)
    figures = _score([prep.items[i] for i in keep], assign_all(prep, StoryParams(), dated_sample=True, indices=keep))
    assert figures["stories"]["f1"] >= 0.99
    assert figures["stories"]["ari"] >= 0.99
    assert figures["origins"]["f1"] == 1.0
    assert (figures["sample_stories"], figures["sample_story_origins"]) == (1, 5)
    assert figures["joined_sample_story"] == []
    n_syn = sum(1 for i in keep if prep.items[i].part == "synthetic")
    assert figures["synthetic_copies_grouped"] == f"{n_syn}/{n_syn}"


@needs_shared
def test_without_any_dates_the_istanbul_rounds_stay_apart(devset_prepared) -> None:  # type: ignore[no-untyped-def]
    """No publication date anywhere: event dates read from the texts keep the 2 June round
    out of the (undated) 16 May story."""
    from newsprism.evaluation.stories import _score, assign_all

    prep = devset_prepared
    keep = _former(prep)
    figures = _score([prep.items[i] for i in keep],
                     assign_all(prep, StoryParams(), dated_sample=False, dates=False, indices=keep))
    assert figures["may_june_istanbul_apart"]
    assert figures["stories"]["f1"] >= 0.9


@needs_shared
def test_non_english_dev_conflicts_reports_join_their_stories(devset_prepared) -> None:  # type: ignore[no-untyped-def]
    from newsprism.evaluation.stories import assign_all, language_recall

    prep = devset_prepared
    for dates in (True, False):
        asg = assign_all(prep, StoryParams(), dated_sample=True, dates=dates)
        langs = language_recall(prep.items, asg)
        assert langs["fr"]["recall"] == langs["es"]["recall"] == 1.0, (dates, langs)
        events = {}
        for it, x in zip(prep.items, asg, strict=True):
            if it.corpus == "dev-conflicts" and it.part in ("dev", "synthetic"):
                events.setdefault(it.story, set()).add(x.story)
        assert all(len(v) == 1 for v in events.values()), events


def test_undated_articles_are_clustered_by_content(sample: list[Article], encoder: embed_mod.Encoder) -> None:
    undated = [replace(a, published=None) for a in sample]
    stories = cluster_stories(undated, encoder=encoder)
    assert len(stories) == 1 and stories[0].first_published is None


def test_features_are_deterministic(sample: list[Article]) -> None:
    a, b = featurize(sample[0], StoryParams()), featurize(sample[0], StoryParams())
    assert np.array_equal(a.term_keys, b.term_keys) and np.array_equal(a.term_vals, b.term_vals)
    assert np.array_equal(a.sketch.hashvalues, b.sketch.hashvalues) and a.sketch.size == b.sketch.size


def test_onnx_int8_stays_close_and_its_cache_is_checked(tmp_path: Path, fp32: embed_mod.Encoder) -> None:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    from newsprism.stories.onnx import OnnxEncoder, export

    texts = [REFERENCE[0], "Flash floods swept through Kerr County in Texas on Friday, killing dozens.",
             "Judge Amit Mehta ruled that Google need not sell its Chrome browser."]
    enc = OnnxEncoder("onnx-int8", cache_dir=tmp_path)
    cos = np.sum(enc.encode(texts) * fp32.encode(texts), axis=1)
    assert cos.min() > 0.97  # per-channel int8: mean 0.994 on the dev leads (see stories.onnx)
    digest = (tmp_path / (enc.path.name + ".sha256")).read_text()
    enc.path.write_bytes(b"tampered")  # an altered cached graph is exported again, never loaded
    assert export("onnx-int8", tmp_path) == enc.path
    assert (tmp_path / (enc.path.name + ".sha256")).read_text() == digest


def test_public_api() -> None:
    import newsprism.stories as stories

    assert sorted(stories.__all__) == [
        "ArticleStatus", "Assignment", "ClusterResult", "EncoderError", "Story", "StoryIndex", "StoryParams",
        "assign", "cluster", "cluster_stories", "featurize", "load_encoder", "load_story_params",
    ]
    assert all(hasattr(stories, name) for name in stories.__all__)


def test_raw_sample_through_ingest_and_clean_is_one_story(encoder: embed_mod.Encoder) -> None:
    from newsprism.pipeline import clean_inputs

    items = list(clean_inputs([str(ROOT / "examples" / "istanbul-2025" / "raw")]))
    articles = [x for x in items if isinstance(x, Article)]
    assert len(articles) == 5
    (story,) = cluster_stories(articles, encoder=encoder)
    assert len(story.articles) == 5 and len(story.origins) == 5
    from newsprism.report import build_report, validate_report

    entry = story.to_report()
    assert set(entry) >= {"id", "title", "articles", "origins", "first_published", "last_published"}
    validate_report(build_report(articles, stories=[entry]))  # the report contract holds


def test_the_stop_word_copy_is_scikit_learns_list_and_importing_it_loads_no_scikit_learn() -> None:
    import subprocess
    import sys

    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    from newsprism.stories.stopwords import ENGLISH_STOP_WORDS

    assert ENGLISH_STOP_WORDS == sklearn_text.ENGLISH_STOP_WORDS
    code = ("import sys; from newsprism.stories.features import stop_words; stop_words(); "
            "print('sklearn' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
