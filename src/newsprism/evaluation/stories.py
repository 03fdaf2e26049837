"""Story clustering and near-duplicate figures for `make eval`.

The development set (`load_devset`) puts together, in one input order:

- the five sample articles of `examples/istanbul-2025/clean` (one story, the 16 May
  2025 Istanbul talks; no publication dates: the texts give none);
- `corpus/dev-stories` from the shared folder: four events x 6 outlets and 4 hard
  distractors (the June and July Istanbul rounds are hard negatives for the sample),
  with the dates of their `gold.yaml`;
- the 181 ScrapingHub benchmark pages (text and metadata by `trafilatura`), hand-labelled
  below: many are the same week of November 2019 and cover the same events, so they are
  not all singletons; pairs inside `SCRAPINGHUB_RELATED` groups (same topic, unclear
  whether the same event) are left out of the pairwise counts;
- synthetic syndicated copies, trimmed copies and light rewrites of sample and
  dev-stories articles (`synthetic_copies`), which must share their original's origin.

Figures: pairwise precision/recall/F1 and adjusted Rand index of stories and of
origins, plus the checks the issue names (the sample is one story of five origins, no
distractor joins it, every synthetic copy shares its original's origin).

    python -m newsprism.evaluation.stories [--embedder onnx-int8] [--json out/eval_stories.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsprism.models import Article

__all__ = ["DevItem", "DevSet", "load_devset", "main", "pairwise_scores", "run", "shared_dir", "synthetic_copies"]

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "examples" / "istanbul-2025" / "clean"

# ScrapingHub benchmark pages that report the same event (file-name stem prefixes).
# Labelled by reading titles and texts; all pages not listed are their own story.
SCRAPINGHUB_STORIES: dict[str, list[str]] = {
    "plague-china": ["432362af0be4", "8b1945303082", "ba4dfe2d3e81", "ea25dd7edff4"],
    "feather-duvet-lung": ["7bb1ca903543", "bd673bd79881", "a078b3656adc", "9eef8162bbb6"],
    "meth-campaign": ["156770d676ce", "776a1c046798", "3f65af7b6b98", "c13b9c0e04fb"],
    "omar-threat-plea": ["6ebac05f637e", "7a457a4f7173"],
    "stadia-launch": ["680c2848e94a", "8267acacb9e4", "aade2ec8d1e7", "e100c9612ad8"],
    "wework-attorney-general": ["06e5123e4ef7", "1ace8c85aaee"],
    "europa-plumes": ["14cc2a0ca59c", "686bb170effe", "f344ca5fb36e"],
    "doobie-brothers-tour": ["35b158918c67", "ac1bfdd4c510", "9cb8224b660f"],
    "nasa-lunar-landers": ["c50845a7158a", "d1c57d7821e5", "42aad16bde92"],
    "assange-sweden": ["c7e39ac49fa1", "dc7ccccc1f34"],
    "home-depot-results": ["51374560f400", "f8ff621a0b9b"],
    "kidnap-rescue-video": ["2c46804d9db4", "51d066b0602c"],
    "hibernating-astronauts": ["b37be3535e1f", "e1c7023ee214"],
    "prince-andrew-interview": ["87bf60570e6e", "1f765c487806"],
}
# Same topic, not clearly the same event: pairs inside one group are not scored.
SCRAPINGHUB_RELATED: dict[str, list[str]] = {
    "wework": ["06e5123e4ef7", "1ace8c85aaee", "bc13ff87b263", "fde930b01859"],
    "stadia": ["680c2848e94a", "8267acacb9e4", "aade2ec8d1e7", "e100c9612ad8", "042bb7b5feda"],
    "hong-kong": ["624fcd903d56", "5fa3154ec031", "e4c6a3b48240"],
    "impeachment": ["7a664e40d256", "82b6d780c792", "c90731f051d0", "f5c90a6d5253"],
    "us-china-trade": ["39d5c43beb60", "d605bdef2cde", "702d1da63b8e", "b6906ca016bb"],
    "markets": ["57d46c9d751e", "65408257dbe4", "55bb6340e3d7"],
    "la-auto-show": ["05844573ca7e", "3cb22bfabed8", "aadb38e527d5", "3cb5e2f46626", "06ee193de4bd"],
    "apple-products-deals": ["232a43fb15ab", "65bf3048b500", "5fa5679de56c", "ad826691a8a2", "e7d77f186980",
                             "287e4d9f4af3", "cc4aa22b8212", "5fbc7ccb504c"],
    "browns-garrett": ["08f793762792", "7ab16ade3238", "6a72de37e8f9"],
    "davis-cup": ["0d46122928b6", "88c328b68b03"],
    "delhi-air": ["076f4f33bf75", "16c30add7e96"],
    "jang-noksu": ["521118842884", "8cad00dc22de"],
    "taylor-swift-big-machine": ["70cb2d5bca75", "eb62ac8425e5"],
}


def shared_dir() -> Path | None:
    """`$NEWSPRISM_SHARED`, else `<repo>/../shared`; None when absent."""
    path = Path(os.environ.get("NEWSPRISM_SHARED", ROOT.parent / "shared"))
    return path if path.is_dir() else None


@dataclass(slots=True)
class DevItem:
    article: Article
    story: str  # gold story label
    origin: str  # gold origin label (an original and its copies share one)
    part: str  # sample | dev | distractor | scrapinghub | synthetic
    related: str | None = None  # pairs sharing this label are not scored
    corpus: str = "sample"  # sample | dev-stories | dev-conflicts | scrapinghub (synthetic: its original's)
    language: str = "en"  # the gold language (dev-conflicts names it in the file name: `_fr`, `_es`)


@dataclass(slots=True)
class DevSet:
    items: list[DevItem]
    notes: list[str]

    @property
    def articles(self) -> list[Article]:
        return [it.article for it in self.items]


def _article(id_: str, title: str, text: str, *, source: str, published: str | None = None,
             language: str | None = "en") -> Article:
    import hashlib

    return Article(id=id_, origin=id_, source=source, title=title, text=text, published=published,
                   language=language, word_count=len(text.split()),
                   content_hash=hashlib.sha256(text.encode()).hexdigest())


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


def _sample_items() -> list[DevItem]:
    out = []
    for path in sorted(SAMPLE.glob("*.txt")):
        text = path.read_text("utf-8")
        title = _first_line(text)
        if path.stem.startswith("002"):  # gold: "no title line"
            title = ""
        a = _article(f"sample/{path.stem}", title, text, source=f"sample-{path.stem[:3]}")
        out.append(DevItem(a, "istanbul-may2025", a.id, "sample"))
    return out


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# the language suffixes of corpus file names (`_fr`, `_es`); `_ap`, `_ua`, `_by` name outlets
_LANG_SUFFIX = re.compile(r"_(ar|de|es|fr|it|ja|ko|nl|pl|pt|ru|th|tr|zh)$")


def _dev_items(root: Path, prefix: str = "dev") -> list[DevItem]:
    """The articles of a gold corpus folder (`dev-stories`, `dev-conflicts`), dated by their
    gold `date` where it gives a full day. The language is detected from the text as the
    clean stage does; the gold language comes from the file name (`_fr`, `_es`), else English."""
    import yaml

    from newsprism.clean.metadata import language_of

    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        gold = yaml.safe_load((folder / "gold.yaml").read_text("utf-8"))
        for entry in gold["articles"]:
            path = folder / entry["file"]
            text = path.read_text("utf-8")
            m = _DATE.search(str(entry.get("date", "")))
            lang = _LANG_SUFFIX.search(path.stem)
            a = _article(f"{prefix}/{folder.name}/{path.stem}", _first_line(text), text,
                         source=str(entry.get("outlet", path.stem)), published=m.group() if m else None,
                         language=language_of(text))
            gold_lang = lang.group(1) if lang else "en"
            if folder.name == "distractors":
                out.append(DevItem(a, f"{prefix}-distractor/{path.stem}", a.id, "distractor", corpus=root.name,
                                   language=gold_lang))
            else:
                out.append(DevItem(a, folder.name, a.id, "dev", corpus=root.name, language=gold_lang))
    return out


def _scrapinghub_items(html_dir: Path) -> list[DevItem]:
    import trafilatura

    story_of = {p: k for k, prefixes in SCRAPINGHUB_STORIES.items() for p in prefixes}
    related_of = {p: k for k, prefixes in SCRAPINGHUB_RELATED.items() for p in prefixes}
    out = []
    for path in sorted(html_dir.glob("*.html.gz")):
        stem = path.name.removesuffix(".html.gz")
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        doc = trafilatura.bare_extraction(html, with_metadata=True)
        text = (doc.text or "") if doc is not None else ""
        title = (doc.title or "") if doc is not None else ""
        date = (doc.date or None) if doc is not None else None
        key = stem[:12]
        a = _article(f"sh/{key}", title, text, source=(doc.sitename or key) if doc is not None else key,
                     published=date, language=None)
        out.append(DevItem(a, story_of.get(key, f"sh/{key}"), a.id, "scrapinghub", related_of.get(key),
                           corpus="scrapinghub", language="unknown"))
    return out


# -- synthetic copies --------------------------------------------------------------
_SYNONYMS = {
    "said": "stated", "says": "states", "talks": "negotiations", "meeting": "session", "agreed": "consented",
    "big": "large", "large": "sizeable", "began": "started", "started": "began", "ended": "concluded",
    "president": "leader", "officials": "authorities", "people": "individuals", "also": "additionally",
    "however": "but", "about": "around", "after": "following", "before": "prior to", "show": "demonstrate",
    "major": "significant", "significant": "major", "important": "key", "help": "assist", "told": "informed",
    "country": "nation", "government": "administration", "killed": "left dead", "announced": "declared",
    "reported": "said", "new": "fresh", "first": "initial", "while": "whereas", "more": "further",
}


def _rewrite(text: str, rng: random.Random, rate: float) -> str:
    """Swap some words for synonyms, drop one sentence, join two paragraphs: a light rewrite."""
    def swap(m: re.Match[str]) -> str:
        w = m.group()
        rep = _SYNONYMS.get(w.lower())
        if rep is None or rng.random() > rate * 4:  # ~1 word in 4 is in the table
            return w
        return rep.capitalize() if w[0].isupper() else rep

    paras = [p for p in text.split("\n") if p.strip()]
    if len(paras) > 3:
        i = rng.randrange(1, len(paras) - 1)
        sentences = re.split(r"(?<=[.!?])\s+", paras[i])
        if len(sentences) > 1:
            del sentences[rng.randrange(len(sentences))]
        paras[i] = " ".join(sentences)
        j = rng.randrange(1, len(paras) - 1)
        paras[j:j + 2] = [paras[j] + " " + paras[j + 1]]
    return re.sub(r"[A-Za-z]+", swap, "\n".join(paras))


def synthetic_copies(items: Sequence[DevItem], seed: int = 7) -> list[DevItem]:
    """For every sample article and the first two articles of each dev event: a syndicated
    copy (wire byline, dateline and copyright footer added, headline restyled), a trimmed
    copy (the wire story cut to its first 60 % of paragraphs) and a light rewrite (~10 %
    of words swapped for synonyms, one sentence dropped, two paragraphs joined)."""
    rng = random.Random(seed)
    picked = [it for it in items if it.part == "sample"]
    seen: Counter[str] = Counter()
    for it in items:
        if it.part == "dev" and seen[it.story] < 2:
            picked.append(it)
            seen[it.story] += 1
    out = []
    for it in picked:
        a = it.article
        paras = [p for p in a.text.split("\n") if p.strip()]
        variants = {
            "wire": (a.title.upper() if a.title else "",
                     "By Staff Reporters | World Wire Service\n(WWS) — " + a.text.strip()
                     + "\n© 2025 World Wire Service. All rights reserved. This material may not be published, "
                       "broadcast, rewritten or redistributed.\nRead more: Top stories of the day"),
            "trim": (a.title, "\n".join(paras[:max(2, round(len(paras) * 0.6))])),
            "rewrite": (a.title, _rewrite(a.text, rng, 0.1)),
        }
        for kind, (title, text) in variants.items():
            c = _article(f"syn/{kind}/{a.id}", title, text, source=f"{kind}-copy", published=a.published,
                         language=a.language)
            out.append(DevItem(c, it.story, it.origin, "synthetic", corpus=it.corpus, language=it.language))
    return out


def load_devset(shared: Path | None = None, *, scrapinghub: bool = True, synthetic: bool = True,
                conflicts: bool = True) -> DevSet:
    """The development set in its fixed input order: sample, dev-stories, ScrapingHub, synthetic."""
    shared = shared or shared_dir()
    notes: list[str] = []
    items = _sample_items()
    if shared is not None and (shared / "corpus" / "dev-stories").is_dir():
        items += _dev_items(shared / "corpus" / "dev-stories")
    else:
        notes.append("shared corpus/dev-stories not found (set NEWSPRISM_SHARED): sample only")
    if conflicts and shared is not None and (shared / "corpus" / "dev-conflicts").is_dir():
        items += _dev_items(shared / "corpus" / "dev-conflicts", prefix="conf")
    elif conflicts:
        notes.append("shared corpus/dev-conflicts not found: no non-English articles")
    html = shared / "data" / "article-extraction-benchmark" / "html" if shared else None
    if scrapinghub and html is not None and html.is_dir():
        items += _scrapinghub_items(html)
    elif scrapinghub:
        notes.append("ScrapingHub benchmark pages not found: no web-page distractors")
    if synthetic:
        items += synthetic_copies(items)
    return DevSet(items, notes)


# -- scores ------------------------------------------------------------------------
def _pairs(labels: Sequence[str]) -> set[tuple[int, int]]:
    groups: dict[str, list[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(lab, []).append(i)
    return {(a, b) for g in groups.values() for k, a in enumerate(g) for b in g[k + 1:]}


def pairwise_scores(gold: Sequence[str], pred: Sequence[str],
                    ignore: Iterable[tuple[int, int]] = ()) -> dict[str, float]:
    """Pairwise precision, recall, F1 (pairs in `ignore` left out) and the adjusted Rand index."""
    from sklearn.metrics import adjusted_rand_score

    skip = set(ignore)
    g, p = _pairs(gold) - skip, _pairs(pred) - skip
    tp = len(g & p)
    prec = tp / len(p) if p else 1.0
    rec = tp / len(g) if g else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
            "ari": round(float(adjusted_rand_score(list(gold), list(pred))), 4),
            "gold_pairs": len(g), "predicted_pairs": len(p), "true_pairs": tp}


SAMPLE_DATE = "2025-05-16"  # the event date of the sample (its gold.yaml); the texts carry none


def _ignored(items: Sequence[DevItem]) -> list[tuple[int, int]]:
    n = len(items)
    return [(a, b) for a in range(n) for b in range(a + 1, n)
            if items[a].related and items[a].related == items[b].related and items[a].story != items[b].story]


@dataclass(slots=True)
class _Prepared:
    items: list[DevItem]
    features: list[Any]
    vectors: Any  # np.ndarray, one row per item
    seconds: dict[str, float]


def prepare(devset: DevSet, *, embedder: str | None = None, model: str | None = None,
            cache: Path | None = None) -> _Prepared:
    """Features and lead vectors of every dev item (the costly part, done once). With
    `cache`, vectors are kept in that folder keyed by the leads and the model, so that
    tuning runs embed once."""
    import hashlib

    import numpy as np

    from newsprism.stories import featurize, load_story_params
    from newsprism.stories.embed import encode_leads, load_story_encoder

    params = load_story_params(embedder=embedder, model=model)
    t0 = time.perf_counter()
    feats = [featurize(it.article, params) for it in devset.items]
    t1 = time.perf_counter()
    key = hashlib.sha256(json.dumps([params.model, params.use_words, params.lead_words,
                                     [(f.lead, f.language) for f in feats]]).encode()).hexdigest()[:16]
    path = cache / f"eval-stories-{key}.npy" if cache else None
    if path is not None and path.is_file():
        vectors = np.load(path)
        t2 = t3 = time.perf_counter()
    else:
        encoder = load_story_encoder(params)
        t2 = time.perf_counter()
        vectors = encode_leads(encoder, [f.lead for f in feats], [f.language for f in feats])
        t3 = time.perf_counter()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, vectors)
    return _Prepared(devset.items, feats, vectors, {"features": round(t1 - t0, 2), "model_load": round(t2 - t1, 2),
                                                    "embed_all": round(t3 - t2, 2)})


def assign_all(prep: _Prepared, params: Any, *, dated_sample: bool, indices: Sequence[int] | None = None,
               dates: bool = True) -> list[Any]:
    """Run `StoryIndex.assign` over the dev items in order with precomputed vectors. An
    article whose publication date is added or removed gets its event date read anew."""
    from dataclasses import replace

    from newsprism.stories.eventdate import event_date
    from newsprism.stories.index import StoryIndex

    index = StoryIndex(params)
    out = []
    for i in (range(len(prep.items)) if indices is None else indices):
        it, f = prep.items[i], prep.features[i]
        a = it.article
        if dated_sample and it.story == "istanbul-may2025" and not a.published:
            a = replace(a, published=SAMPLE_DATE)
        if not dates:
            a = replace(a, published=None)
        if a.published != it.article.published:
            ev = event_date(a.title, a.text, a.published)
            f = replace(f, event=ev, day=ev.day)
        out.append(index.assign(a, f, lambda _lead, i=i: prep.vectors[i]))
    return out


def language_recall(items: Sequence[DevItem], assignments: Sequence[Any]) -> dict[str, dict[str, float | int]]:
    """Per gold language: of the gold pairs (news articles, copies included) with at least
    one article in that language, the share the clustering puts in one story."""
    out: dict[str, dict[str, float | int]] = {}
    story_of = [x.story for x in assignments]
    for lang in sorted({it.language for it in items if it.part in ("sample", "dev", "synthetic")}):
        tp = tot = 0
        for k, it in enumerate(items):
            if it.language != lang or it.part not in ("sample", "dev", "synthetic"):
                continue
            for m, jt in enumerate(items):
                if m != k and jt.story == it.story and (jt.language != lang or m > k):
                    tot += 1
                    tp += story_of[m] == story_of[k]
        out[lang] = {"recall": round(tp / tot, 4) if tot else 1.0, "pairs": tot,
                     "articles": sum(1 for it in items if it.language == lang and it.part in ("sample", "dev"))}
    return out


def _score(items: Sequence[DevItem], assignments: Sequence[Any]) -> dict[str, Any]:
    gold = [it.story for it in items]
    pred = [x.story for x in assignments]
    sample_stories = Counter(x.story for it, x in zip(items, assignments, strict=True) if it.part == "sample")
    main_story = sample_stories.most_common(1)[0][0] if sample_stories else None
    in_main = [(it, x) for it, x in zip(items, assignments, strict=True) if x.story == main_story]
    intruders = sorted(it.article.id for it, _ in in_main if it.story != "istanbul-may2025")
    synthetic = [(it, x) for it, x in zip(items, assignments, strict=True) if it.part == "synthetic"]
    origin_of_id = {it.article.id: x.origin for it, x in zip(items, assignments, strict=True)}
    grouped = sum(1 for it, x in synthetic if x.origin == origin_of_id.get(it.origin))
    former = [k for k, it in enumerate(items) if it.corpus != "dev-conflicts"]
    return {
        "stories": pairwise_scores(gold, pred, _ignored(items)),
        "stories_former_set": pairwise_scores([gold[k] for k in former], [pred[k] for k in former],
                                              _ignored([items[k] for k in former])),
        "origins": pairwise_scores([it.origin for it in items], [x.origin for x in assignments]),
        "languages": language_recall(items, assignments),
        "may_june_istanbul_apart": _apart(items, assignments, "istanbul-may2025", "istanbul-talks-jun2025"),
        "sample_stories": len(sample_stories),
        "sample_story_origins": len({x.origin for _, x in in_main}),
        "sample_story_articles": len(in_main),
        "joined_sample_story": intruders,
        "synthetic_copies_grouped": f"{grouped}/{len(synthetic)}",
        "statuses": dict(Counter(x.status for x in assignments)),
    }


def _apart(items: Sequence[DevItem], assignments: Sequence[Any], a: str, b: str) -> bool:
    """No story holds an article of gold story `a` and one of `b`."""
    sa = {x.story for it, x in zip(items, assignments, strict=True) if it.story == a}
    sb = {x.story for it, x in zip(items, assignments, strict=True) if it.story == b}
    return not (sa & sb)


def run(*, embedder: str | None = None, shared: Path | None = None, cache: Path | None = None) -> dict[str, Any]:
    """Cluster the development set and score it (see the module docstring)."""
    from newsprism.stories import load_story_params

    devset = load_devset(shared)
    params = load_story_params(embedder=embedder)
    prep = prepare(devset, embedder=embedder, cache=cache)
    t0 = time.perf_counter()
    dated = assign_all(prep, params, dated_sample=True)
    seconds = dict(prep.seconds, assign_all=round(time.perf_counter() - t0, 2))
    undated = assign_all(prep, params, dated_sample=False)
    no_dates = assign_all(prep, params, dated_sample=False, dates=False)
    parts = Counter(it.part for it in devset.items)
    return {
        "articles": len(devset.items), "parts": dict(parts), "notes": devset.notes,
        "params": {"model": params.model, "embedder": params.embedder, "w_tfidf": params.w_tfidf,
                   "threshold": params.threshold, "day_penalty": params.day_penalty, "grace_days": params.grace_days,
                   "undated_penalty": params.undated_penalty, "cross_threshold": params.cross_threshold},
        "sample_dated": _score(devset.items, dated),
        "sample_undated": _score(devset.items, undated),
        "no_dates_at_all": _score(devset.items, no_dates),
        "event_dates": dict(Counter(f.event.source for f in prep.features)),
        "seconds": seconds,
    }


TUNE_W = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5)
TUNE_THRESHOLDS = tuple(round(0.45 + 0.025 * i, 3) for i in range(19))  # 0.45 .. 0.90


def tune(*, embedder: str | None = None, shared: Path | None = None) -> dict[str, Any]:
    """Grid of (w_tfidf, threshold) scored by pairwise F1 on the development set (sample
    dated), on its two halves (2025 news: sample, dev-stories, synthetic; 2019 web pages:
    ScrapingHub), and without any dates. The chosen point maximises the mean F1 over its
    3x3 neighbourhood (interior points only: the centre of the plateau, not a lucky peak)."""
    from dataclasses import replace

    from newsprism.stories import load_story_params

    devset = load_devset(shared)
    base = load_story_params(embedder=embedder)
    prep = prepare(devset, embedder=embedder)
    news = [i for i, it in enumerate(devset.items) if it.part != "scrapinghub"]
    web = [i for i, it in enumerate(devset.items) if it.part == "scrapinghub"]

    def f1(params: Any, idx: Sequence[int] | None, dates: bool = True) -> float:
        items = devset.items if idx is None else [devset.items[i] for i in idx]
        asg = assign_all(prep, params, dated_sample=True, indices=idx, dates=dates)
        return float(pairwise_scores([it.story for it in items], [x.story for x in asg], _ignored(items))["f1"])

    grid: dict[tuple[int, int], dict[str, float]] = {}
    for i, w in enumerate(TUNE_W):
        for j, thr in enumerate(TUNE_THRESHOLDS):
            p = replace(base, w_tfidf=w, threshold=thr)
            grid[i, j] = {"w_tfidf": w, "threshold": thr, "all": f1(p, None), "news": f1(p, news),
                          "web": f1(p, web), "news_no_dates": f1(p, news, dates=False)}

    def smoothed(key: tuple[int, int]) -> float:
        near = [grid[k]["all"] for k in ((key[0] + a, key[1] + b) for a in (-1, 0, 1) for b in (-1, 0, 1))
                if k in grid]
        return sum(near) / len(near)

    interior = [k for k in grid if 0 < k[0] < len(TUNE_W) - 1 and 0 < k[1] < len(TUNE_THRESHOLDS) - 1]
    best = max(interior, key=lambda k: (smoothed(k), grid[k]["all"]))
    return {"grid": list(grid.values()), "chosen": dict(grid[best], smoothed_f1=round(smoothed(best), 4))}


HELDOUT_U = (0.1, 0.2, 0.3, 0.4, 0.5)
HELDOUT_THRESHOLDS = (0.6, 0.65, 0.7, 0.75, 0.8)


def heldout(*, shared: Path | None = None, cache: Path | None = None) -> dict[str, Any]:
    """Held-out figures for the settings tuned on this set: (undated_penalty, threshold)
    chosen on one corpus (sample + dev-stories, or dev-conflicts; the ScrapingHub pages
    are distractors in both) by the mean of its dated and undated F1, then scored on the
    other, next to the figures of the shipped settings on that corpus."""
    from dataclasses import replace

    from newsprism.stories import load_story_params

    devset = load_devset(shared)
    base = load_story_params()
    prep = prepare(devset, cache=cache)
    folds = {"dev-stories": {"sample", "dev-stories", "scrapinghub"}, "dev-conflicts": {"dev-conflicts", "scrapinghub"}}
    idx = {k: [i for i, it in enumerate(devset.items) if it.corpus in v] for k, v in folds.items()}

    def f1s(params: Any, part: list[int]) -> tuple[float, float]:
        items = [devset.items[i] for i in part]
        out = []
        for dates in (True, False):
            asg = assign_all(prep, params, dated_sample=True, indices=part, dates=dates)
            out.append(float(pairwise_scores([it.story for it in items], [x.story for x in asg],
                                             _ignored(items))["f1"]))
        return out[0], out[1]

    result: dict[str, Any] = {}
    for train, test in (("dev-stories", "dev-conflicts"), ("dev-conflicts", "dev-stories")):
        grid = {(u, t): f1s(replace(base, undated_penalty=u, threshold=t), idx[train])
                for u in HELDOUT_U for t in HELDOUT_THRESHOLDS}
        u, t = max(grid, key=lambda k: (sum(grid[k]), -abs(k[0] - base.undated_penalty)))
        held = f1s(replace(base, undated_penalty=u, threshold=t), idx[test])
        shipped = f1s(base, idx[test])
        result[test] = {"tuned_on": train, "chosen": {"undated_penalty": u, "threshold": t},
                        "held_out_f1": {"dated": held[0], "no_dates": held[1]},
                        "shipped_f1": {"dated": shipped[0], "no_dates": shipped[1]}}
    return result


def _table(figures: dict[str, Any]) -> Any:
    from rich.table import Table

    table = Table(title=f"stories: {figures['articles']} articles ({', '.join(f'{v} {k}' for k, v in figures['parts'].items())})",
                  title_justify="left")
    for col in ("condition", "story P", "story R", "story F1", "ARI", "former set F1", "origin F1",
                "May/June apart", "sample: stories/origins", "joined sample", "copies grouped"):
        table.add_column(col)
    for key in ("sample_dated", "sample_undated", "no_dates_at_all"):
        f = figures[key]
        s, o = f["stories"], f["origins"]
        table.add_row(key.replace("_", " "), f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}",
                      f"{s['ari']:.3f}", f"{f['stories_former_set']['f1']:.3f}", f"{o['f1']:.3f}",
                      "yes" if f["may_june_istanbul_apart"] else "no",
                      f"{f['sample_stories']}/{f['sample_story_origins']}",
                      ", ".join(x.rsplit("/", 1)[-1] for x in f["joined_sample_story"][:3])
                      + (" ..." if len(f["joined_sample_story"]) > 3 else "") or "none",
                      f["synthetic_copies_grouped"])
    return table


def _language_table(figures: dict[str, Any]) -> Any:
    from rich.table import Table

    table = Table(title="story recall per language (gold pairs with an article in that language)",
                  title_justify="left")
    for col in ("condition", *figures["sample_dated"]["languages"]):
        table.add_column(col)
    for key in ("sample_dated", "sample_undated", "no_dates_at_all"):
        langs = figures[key]["languages"]
        table.add_row(key.replace("_", " "), *(f"{v['recall']:.3f} ({v['articles']} art.)" for v in langs.values()))
    return table


def main(argv: Sequence[str] | None = None) -> None:
    """Print the figures as a table (`make eval`); `--json PATH` also writes them."""
    from rich.console import Console

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--embedder", default=None)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--tune", action="store_true", help="score the (w_tfidf, threshold) grid instead")
    ap.add_argument("--heldout", action="store_true",
                    help="also tune on one corpus and score on the other (dev-stories / dev-conflicts)")
    ap.add_argument("--cache", type=Path, default=None, help="keep lead vectors in this folder between runs")
    args, _ = ap.parse_known_args(argv)  # `python -m newsprism.evaluation stories` passes its section name
    console = Console()
    if shared_dir() is None:
        console.print("stories: shared data not found (set NEWSPRISM_SHARED); evaluating the sample only")
    t0 = time.perf_counter()
    figures = tune(embedder=args.embedder) if args.tune else run(embedder=args.embedder, cache=args.cache)
    if args.heldout and not args.tune:
        figures["heldout"] = heldout(cache=args.cache)
    figures["seconds_total"] = round(time.perf_counter() - t0, 1)
    if args.tune:
        console.print_json(data=figures["chosen"])
    else:
        console.print(_table(figures))
        console.print(_language_table(figures))
        console.print("event dates: " + ", ".join(f"{k} {v}" for k, v in figures["event_dates"].items()))
        for test, h in figures.get("heldout", {}).items():
            console.print(f"held out {test}: chosen on {h['tuned_on']} {h['chosen']}: F1 dated "
                          f"{h['held_out_f1']['dated']:.3f}, no dates {h['held_out_f1']['no_dates']:.3f} "
                          f"(shipped settings: {h['shipped_f1']['dated']:.3f}, {h['shipped_f1']['no_dates']:.3f})")
        for note in figures["notes"]:
            console.print(f"note: {note}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        console.print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()


