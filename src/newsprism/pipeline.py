"""Runs the stages in order: ingest -> clean -> store -> stories, then builds the report.

Stage functions stay pure; this module only wires them, batches writes and reports
progress. Per-article stages are independent, so `workers > 1` cleans in a process
pool (the same functions run on Ray Data beyond one machine).
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from itertools import islice
from typing import TYPE_CHECKING, Any, cast
from weakref import WeakKeyDictionary, WeakSet

import httpx
import numpy as np

from newsprism import __version__
from newsprism.analysis import StoryAnalysis, story_version
from newsprism.clean import clean
from newsprism.config import Settings, load_settings
from newsprism.ingest import ingest
from newsprism.models import Article, RawDocument, Rejection
from newsprism.report import build_report
from newsprism.store import IndexConflict, RunSummary, Store, StoredStory
from newsprism.stories import (
    Assignment,
    Story,
    StoryIndex,
    StoryParams,
    cluster,
    cluster_stories,
    featurize,
    load_encoder,
    load_story_params,
)
from newsprism.stories.embed import MODEL_SHA256, Encoder
from newsprism.stories.index import valid_date
from newsprism.stories.records import ArticleFacts, ArticleStatus
from newsprism.stories.restore import LoadedIndex, expected_meta, new_members, restore_index

if TYPE_CHECKING:
    from newsprism.nlp.stored import StoredParses

__all__ = [
    "Analysed", "IndexUpdate", "RunResult", "StoryReports", "StoryWorkerError", "analyse_stories", "analysis_models",
    "available_cores", "clean_inputs", "clean_safely", "index_stories", "indexed_stories", "load_story_index", "parse_version", "process",
    "report_for_run", "run_index_stories", "run_stories", "story_from_stored",
]

# One transaction per batch: large enough to amortise SQLite's per-commit sync, small
# enough that a crash loses little. Not tuned: the bench shows cleaning, not storing,
# dominates (ingest+clean+store 22 articles/s vs ingest+clean 26 on the same corpus).
BATCH_SIZE = 200
INDEX_BATCH = 200  # articles per story-index transaction when catching up
INDEX_RETRIES = 3  # index updates tried again after a unique violation (a writer without the lock)
# Stories per `story_reports` call in `analyse_stories`: their stored parses (16 kB per
# article on the sample) are read before it and the new ones saved after it, so memory
# stays bounded on a large run and a crash loses at most one chunk's work.
ANALYSIS_CHUNK = 100

log = logging.getLogger("newsprism.pipeline")

Progress = Callable[[int, int], None]  # (done, total): sources read, articles indexed, stories analysed
# computes the report entries of stories from their articles: `story_reports`, or the Ray engine's
# (articles, stories, params, settings, *, parses=StoredParses | None) -> report entries
StoryReports = Callable[..., list[dict[str, Any]]]


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class StoryWorkerError(RuntimeError):
    """Stories whose analysis could not be had: the process analysing them died twice
    (`story_pool.StoryPool`). `done` holds the report entries of the others of the
    `reports` call, by position, which `analyse_stories` saves before raising it again."""

    def __init__(self, story_ids: Sequence[str], *, done: dict[int, dict[str, Any]] | None = None) -> None:
        super().__init__(f"the worker analysing {len(story_ids)} stor{'y' if len(story_ids) == 1 else 'ies'} died "
                         f"twice (killed, out of memory?): {', '.join(story_ids)}; the other stories are saved, "
                         "run again (fewer --workers) to analyse these")
        self.story_ids = list(story_ids)
        self.done = done or {}


@dataclass(slots=True)
class RunResult:
    run: RunSummary
    rejected: list[Rejection]


def clean_safely(doc: RawDocument, settings: Settings) -> Article | Rejection:
    """`clean`, with any unexpected failure turned into a per-item rejection so the batch goes on."""
    try:
        return clean(doc, settings)
    except Exception as exc:  # a bug or a pathological input must not stop the batch
        return Rejection(
            id=doc.id,
            origin=doc.origin,
            stage="clean",
            reason="error",
            detail=f"cleaning failed: {type(exc).__name__}: {exc}",
        )


def _clean_chunk(args: tuple[list[RawDocument], Settings]) -> list[Article | Rejection]:
    docs, settings = args
    return [clean_safely(d, settings) for d in docs]


def _cleaned(
    raw: Iterable[RawDocument | Article | Rejection],
    settings: Settings,
    workers: int,
) -> Iterator[Article | Rejection]:
    if workers <= 1:
        for item in raw:
            yield clean_safely(item, settings) if isinstance(item, RawDocument) else item
        return
    it = iter(raw)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        while chunk := list(islice(it, BATCH_SIZE * workers)):
            docs = [x for x in chunk if isinstance(x, RawDocument)]
            parts = [docs[i::workers] for i in range(workers)]
            cleaned = {
                id(d): r
                for part, res in zip(
                    parts, pool.map(_clean_chunk, [(p, settings) for p in parts]), strict=True
                )
                for d, r in zip(part, res, strict=True)
            }
            for x in chunk:
                yield cleaned[id(x)] if isinstance(x, RawDocument) else x


def clean_inputs(
    inputs: Sequence[str],
    *,
    settings: Settings | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
) -> Iterator[Article | Rejection]:
    """Ingest and clean `inputs`: every input item comes out as an article or a rejection.
    `client` fetches URLs (the web app passes one that refuses private addresses)."""
    settings = settings or load_settings()
    return _cleaned(ingest(inputs, settings=settings, progress=progress, client=client), settings, workers)


def process(
    inputs: Sequence[str],
    *,
    store: Store,
    settings: Settings | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
    documents: Iterable[RawDocument | Article | Rejection] | None = None,
) -> RunResult:
    """Ingest, clean and store `inputs` as one run; every input item ends stored or rejected
    (`rejected` also lists the articles the database refused, reason `store-error`). With
    `documents` (already read, e.g. a feed's new entries), those are cleaned instead and
    `inputs` only names them in the run; articles among them (cleaned elsewhere, e.g. on
    Ray) are stored as they are."""
    settings = settings or load_settings()
    run_id = store.begin_run(inputs)
    rejected: list[Rejection] = []
    batch: list[Article | Rejection] = []
    seq = 0
    items = (clean_inputs(inputs, settings=settings, workers=workers, progress=progress, client=client)
             if documents is None else _cleaned(documents, settings, workers))
    try:
        for item in items:
            batch.append(item)
            if isinstance(item, Rejection):
                rejected.append(item)
            if len(batch) >= BATCH_SIZE:
                rejected += store.save(run_id, batch, first_seq=seq).rejected
                seq += len(batch)
                batch = []
        if batch:
            rejected += store.save(run_id, batch, first_seq=seq).rejected
    except BaseException as exc:
        # stopped (Ctrl-C, exit) is `interrupted`, an error `failed`; a killed process is
        # marked `interrupted` by the next Store that opens the database
        stopped = isinstance(exc, KeyboardInterrupt | SystemExit)
        try:
            store.finish_run(run_id, "interrupted" if stopped else "failed")
        except Exception as again:  # the database went away too: the next start marks the run
            exc.add_note(f"run {run_id} could not be marked ended: {again}")
        raise
    return RunResult(run=store.finish_run(run_id, "done"), rejected=rejected)


@cache
def _encoder(embedder: str, max_tokens: int) -> Encoder:
    return load_encoder(embedder, max_tokens=max_tokens)  # ~2-20 s cold: load once per process


def story_encoder(params: StoryParams) -> Encoder:
    return _encoder(params.embedder, params.max_tokens)


def run_stories(articles: Sequence[Article], params: StoryParams | None = None) -> list[Story]:
    """The stories of one batch of articles, clustered in the order given."""
    params = params or load_story_params()
    if not articles:
        return []
    return cluster_stories(articles, params=params, encoder=story_encoder(params))


@dataclass(slots=True)
class IndexUpdate:
    assignments: list[Assignment]  # the articles assigned by this call, in order
    stories: list[Story]  # the stories those articles are in
    size: int  # articles in the index now
    rebuilt: bool = False
    problems: list[str] = field(default_factory=list)


# The index each Store last loaded (verified) or wrote, with the store's index token at
# that moment: a long-running process (the web app, a worker) reuses it while the token
# is unchanged and adds an article in milliseconds instead of reloading. Rows damaged
# behind its back are found by the next process that loads the index.
_warm: WeakKeyDictionary[Store, tuple[tuple[str, ...], LoadedIndex]] = WeakKeyDictionary()


def load_story_index(store: Store, params: StoryParams | None = None) -> LoadedIndex:
    """The stored story index, verified; `.index` is None when it failed its checks
    (`.problems` says why; `index_stories` then rebuilds it)."""
    params = params or load_story_params()
    stored = store.index_members()
    return restore_index(stored.meta, stored.members, stored.problems, params)


def indexed_stories(store: Store, params: StoryParams | None = None) -> list[Story]:
    """Every story of the stored index (article ids as stored); raises `ValueError` when
    the index fails its checks (`index_stories` rebuilds it)."""
    loaded = load_story_index(store, params)
    if loaded.index is None:
        raise ValueError("story index failed its checks: " + "; ".join(loaded.problems[:3]))
    titles = store.story_titles()
    # the title the live index gave at the last update: a reloaded index lacks the lead
    # sentences some titles are chosen from
    return [replace(st, title=titles.get(st.id, st.title)) for st in loaded.index.all_stories(loaded.names)]


def index_stories(store: Store, params: StoryParams | None = None, *, encoder: Encoder | None = None,
                  rebuild: bool = False, progress: Progress | None = None) -> IndexUpdate:
    """Bring the store's story index up to date: every stored article the index does not
    hold yet is assigned to a story (or opens one), in store order, without recomputing
    the rest. An index that fails its checks (or `rebuild`) is rebuilt from the stored
    articles, reusing the vectors that verify, and says so in `.rebuilt`/`.problems` and
    a warning. One process at a time: the store's index lock is held from loading to
    the last write; a writer that took no lock makes this reload and try again. `progress`
    is called with (articles assigned, articles to assign) after each batch."""
    params = params or load_story_params()
    encoder = encoder if encoder is not None else story_encoder(params)
    for attempt in range(INDEX_RETRIES):
        with store.index_lock():
            try:
                return _update_index(store, params, encoder, rebuild, progress)
            except IndexConflict as exc:
                _warm.pop(store, None)
                if attempt == INDEX_RETRIES - 1:
                    raise
                log.warning("%s; reloading it and trying again", exc)
    raise AssertionError("unreachable")


def _update_index(store: Store, params: StoryParams, encoder: Encoder, rebuild: bool,
                  progress: Progress | None) -> IndexUpdate:
    cached = _warm.get(store)
    token = (params.fingerprint(), *store.index_token())
    warm = cached is not None and cached[0] == token and not rebuild
    loaded = cached[1] if warm and cached is not None else load_story_index(store, params)
    _warm.pop(store, None)  # the index in memory runs ahead of the database until the writes are done
    problems = list(loaded.problems)
    rebuilt = rebuild or loaded.index is None
    newer = store.article_pks(after=loaded.max_pk)
    older = [] if warm else store.article_pks(upto=loaded.max_pk)
    if rebuilt:
        if problems:
            log.warning("story index failed its checks and is rebuilt from the store: %s",
                        "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
        store.clear_index()
        index = StoryIndex(params)
        known = loaded.vectors
        names: dict[str, str] = {}
        first = list(dict.fromkeys(loaded.order))  # the old order first: the rebuilt stories match the old
        placed = set(first)
        todo = first + [pk for pk in older + newer if pk not in placed]
        max_pk = 0
    else:
        assert loaded.index is not None
        index, known, names = loaded.index, {}, dict(loaded.names)
        indexed = set(loaded.order)
        todo = [pk for pk in older if pk not in indexed] + newer
        max_pk = loaded.max_pk
    assignments: list[Assignment] = []
    seq = len(index)
    meta = {**expected_meta(params), "embedder": params.embedder}
    for i in range(0, len(todo), INDEX_BATCH):
        batch = store.articles_by_pk(todo[i:i + INDEX_BATCH])
        arts = [a for _, a in batch]
        result = cluster(arts, params=params, encoder=encoder, index=index, keys=[a.content_hash for a in arts],
                         known=known)
        touched = {a.story for a in result.assignments}
        last = store.add_index_members(
            new_members(index, [pk for pk, _ in batch], result.assignments, result.features), first_seq=seq,
            titles={sid: index.title_of(index.position(sid)) for sid in touched}, meta=meta)
        seq += len(batch)
        max_pk = max(max_pk, *(pk for pk, _ in batch))
        names.update({a.content_hash: a.id for a in arts})
        assignments.extend(result.assignments)
        token = (params.fingerprint(), params.fingerprint(), str(seq), last)
        if progress is not None:
            progress(min(i + INDEX_BATCH, len(todo)), len(todo))
    if todo or not rebuilt:
        _warm[store] = (token, LoadedIndex(index, names, [], {}, [], max_pk))
    store.enqueue_stories({a.story for a in assignments})  # their analyses are out of date (see `newsprism.worker`)
    positions = sorted({index.position(a.story) for a in assignments})
    named = [_renamed(a, names) for a in assignments]
    return IndexUpdate(named, [index.story(p, names) for p in positions], len(index), rebuilt, problems)


def _renamed(a: Assignment, names: dict[str, str]) -> Assignment:
    return replace(a, article=names.get(a.article, a.article), origin=names.get(a.origin, a.origin),
                   copy_of=names.get(a.copy_of, a.copy_of) if a.copy_of else None)


def story_reports(articles: Sequence[Article], stories: Sequence[Story],
                  params: StoryParams | None = None, settings: Settings | None = None, *,
                  parses: StoredParses | None = None) -> list[dict[str, Any]]:
    """The report entries of `stories`, with entities, claims, contradictions, per-source framing
    and the brief for every story that has at least two independent origins (one voice has
    nothing to compare). The brief is rewritten for fluency only when `settings.llm_url` is set.
    With `parses`, an article's parse is read from it where it holds one, and the parses made
    are added to it (`nlp.stored.parse_articles`) for the caller to keep."""
    from newsprism.brief import compose_brief, rewrite_brief
    from newsprism.claims import story_claims
    from newsprism.entities import report_entities, resolve_entities
    from newsprism.framing import frame_story
    from newsprism.nlp.stored import parse_articles

    params = params or load_story_params()
    settings = settings or load_settings()
    entries = [s.to_report() for s in stories]
    by_id = {a.id: a for a in articles}
    for entry, story in zip(entries, stories, strict=True):
        if len(story.origins) < 2:
            continue
        origin_of = {aid: group[0] for group in story.origins for aid in group}
        # one parse per article, read by every stage (framing reads the parse itself); a
        # story's parses are dropped once it is analysed, so memory stays flat on long runs
        story_docs, parsed = map(list, zip(*parse_articles([by_id[a] for a in story.articles], parses), strict=True))
        roster = resolve_entities(story_docs, [by_id[a] for a in story.articles])
        result = story_claims(story_docs, origins=origin_of, encoder=story_encoder(params), roster=roster)
        claims = result.to_report()
        entry["entities"] = report_entities(roster)
        entry["claims"] = claims["claims"]
        # the claims stage folds in the roster's role and name conflicts, so statuses agree with them
        entry["contradictions"] = claims["contradictions"]
        entry["comparison"] = claims["comparison"]
        framing = frame_story(story_docs, roster, result.claims, parsed=parsed)
        entry["sources"] = framing.to_report()
        entry["brief"] = rewrite_brief(compose_brief(story_docs, result, framing), settings).to_report()
    return entries


def analysis_models(params: StoryParams | None = None, settings: Settings | None = None) -> dict[str, str]:
    """The versions of what makes a story's analysis: a stored analysis made by others is
    computed again. Model files are named by the hash of their descriptor (which records
    the weights' own hash), the story encoder by its weights' hash."""
    settings = settings or load_settings()
    return {"newsprism": __version__, "story-encoder": MODEL_SHA256[:16], **_model_descriptors(),
            "brief-rewriter": settings.llm_model if settings.llm_url else ""}


def _model_descriptors() -> dict[str, str]:
    """`_model_files`, the recogniser's also naming the backend it runs on (its entities
    differ in a few sentences in a hundred between the int8 graphs and bf16)."""
    from newsprism.nlp.ner.model import resolve_backend

    files = _model_files()
    return {**files, "ner": f"{files['ner']}+{resolve_backend()}"}


@cache
def _model_files() -> dict[str, str]:
    out = {}
    for name, package, path in (("ner", "newsprism.nlp", "models/ner/ner.json"),
                                ("syntax", "newsprism.nlp", "models/syntax/meta.json"),
                                ("nli", "newsprism.claims.nli", "nli.json")):
        try:
            out[name] = hashlib.sha256(resources.files(package).joinpath(path).read_bytes()).hexdigest()[:16]
        except OSError:
            out[name] = "missing"
    return out


def parse_version() -> str:
    """The version the current NLP models' parses are stored under (`nlp.stored.parse_version`)."""
    from newsprism.nlp.stored import parse_version as version_of

    models = _model_descriptors()
    return version_of(models["syntax"], models["ner"])


# Stores whose parses of other versions this process has deleted (once per store: two
# processes of different versions sharing a database would otherwise delete each other's).
_pruned: WeakSet[Store] = WeakSet()


def _stored_parses(store: Store, articles: Sequence[Article]) -> StoredParses:
    """The stored parses of `articles` made by the current NLP models, for `story_reports`
    to read instead of parsing (it adds the ones it makes, which the caller saves)."""
    from newsprism.nlp.stored import StoredParses, text_key

    version = parse_version()
    if store not in _pruned:
        _pruned.add(store)
        if pruned := store.prune_parses(keep=version):
            log.info("deleted %d stored parses of other NLP model versions", pruned)
    return StoredParses(version, store.parses([text_key(a) for a in articles], version=version))


@dataclass(slots=True)
class Analysed:
    entries: list[dict[str, Any]]  # report story entries, in the order of the stories given
    computed: list[str] = field(default_factory=list)  # ids of the stories analysed now
    reused: list[str] = field(default_factory=list)  # ids of the stories read from the store
    analyses: list[StoryAnalysis] = field(default_factory=list)  # in the order of the stories given


def _with_facts(stories: Sequence[Story], by_id: dict[str, Article], params: StoryParams) -> list[Story]:
    """Stories restored from a stored index keep no per-article facts (language, event
    date): read them again (`featurize`, no embedding) where they are missing."""
    out = []
    for st in stories:
        if len(st.members) != len(st.articles):
            facts = []
            for aid in st.articles:
                f = featurize(by_id[aid], params)
                ev = f.event.to_report()
                facts.append(ArticleFacts(aid, f.language, ev["value"], f.event.source, ev["evidence"], f.status,
                                          f.reason or None))
            st = replace(st, members=facts)
        out.append(st)
    return out


def analyse_stories(store: Store, articles: Sequence[Article], stories: Sequence[Story], *,
                    params: StoryParams | None = None, settings: Settings | None = None,
                    reuse: bool = True, reports: StoryReports | None = None,
                    progress: Progress | None = None) -> Analysed:
    """The report entries of `stories` (`story_reports`), read from the store for every
    story whose version (its articles and their texts) was analysed by the current models,
    computed by `reports` (default `story_reports`) and saved for the others (all of them
    with `reuse=False`). Their articles' parses are read from the store too where the
    current NLP models made them; the others are parsed and kept (by clean-text hash), so
    a story that gained an article parses only that one. `progress` is called with (stories
    computed, stories to compute) before the first chunk and after each."""
    params = params or load_story_params()
    settings = settings or load_settings()
    models = analysis_models(params, settings)
    by_id = {a.id: a for a in articles}
    out = Analysed([])
    entries: dict[int, dict[str, Any]] = {}
    analyses: dict[int, StoryAnalysis] = {}
    todo: list[tuple[int, Story, str]] = []
    for i, st in enumerate(stories):
        version = story_version([(aid, by_id[aid].content_hash) for aid in st.articles])
        found = store.analysis(st.id, version) if reuse else None
        if found is not None and found.analysis.models == models:
            entries[i] = {**st.to_report(), **found.analysis.to_report()}
            analyses[i] = found.analysis
            out.reused.append(st.id)
        else:
            todo.append((i, st, version))
    if progress is not None and todo:
        progress(0, len(todo))
    for at in range(0, len(todo), ANALYSIS_CHUNK):
        chunk = todo[at:at + ANALYSIS_CHUNK]
        started = time.perf_counter()
        stale = _with_facts([st for _, st, _ in chunk], by_id, params)
        parses = _stored_parses(store, [by_id[aid] for st in stale if len(st.origins) >= 2 for aid in st.articles])
        try:
            computed = dict(enumerate((reports or story_reports)(articles, stale, params, settings, parses=parses)))
        except StoryWorkerError as exc:
            computed, failed = exc.done, exc  # the chunk's other stories are saved before it is raised again
        else:
            failed = None
            if len(computed) != len(chunk):
                raise ValueError(f"{len(computed)} report entries for {len(chunk)} stories")
        store.save_parses(parses.made, version=parses.version, replacing=parses.unreadable)
        seconds = (time.perf_counter() - started) / len(chunk)
        for k, (i, st, version) in enumerate(chunk):
            if k not in computed:
                continue
            analyses[i] = StoryAnalysis.from_report(computed[k], version=version, models=models)
            store.save_analysis(analyses[i], seconds=seconds)
            entries[i] = computed[k]
            out.computed.append(st.id)
        if failed is not None:
            raise failed
        if progress is not None:
            progress(at + len(chunk), len(todo))
    out.entries = [entries[i] for i in range(len(stories))]
    out.analyses = [analyses[i] for i in range(len(stories))]
    return out


def run_index_stories(store: Store, articles: Sequence[Article], params: StoryParams | None = None) -> list[Story]:
    """The stories of a run's articles as the story index holds them (so that a run is
    clustered once, by the index update), each limited to the run's articles, under the
    run's article ids. Articles the index does not hold (its update failed) are
    clustered here instead, as one batch."""
    params = params or load_story_params()
    if not articles:
        return []
    cached = _warm.get(store)
    token = (params.fingerprint(), *store.index_token())
    loaded = cached[1] if cached is not None and cached[0] == token else load_story_index(store, params)
    index = loaded.index
    if index is None or any(a.content_hash not in index for a in articles):
        log.warning("the story index does not hold every article of the run; clustering them for the report")
        return run_stories(articles, params)
    ids_of: dict[str, list[str]] = {}
    for a in articles:
        ids_of.setdefault(a.content_hash, []).append(a.id)
    published = {a.id: a.published for a in articles if a.published and valid_date(a.published)}
    titles = store.story_titles()

    def run_ids(keys: Iterable[str]) -> list[str]:
        return [rid for k in keys for rid in ids_of.get(k, [])]

    out = []
    for pos in sorted({index.story_of[k] for k in ids_of}):
        st = index.story(pos)
        facts = {f.article: f for f in st.members}
        ids = run_ids(st.articles)
        members = [replace(facts[k], article=rid) for k in st.articles if k in facts for rid in ids_of.get(k, [])]
        dated = sorted((published[i] for i in ids if i in published), key=lambda d: (d[:10], d))
        out.append(replace(st, title=titles.get(st.id, st.title), articles=ids,
                           origins=[o for o in (run_ids(g) for g in st.origins) if o],
                           members=members if len(members) == len(ids) else [],
                           first_published=dated[0] if dated else None, last_published=dated[-1] if dated else None))
    return out


def report_for_run(store: Store, run_id: int, params: StoryParams | None = None,
                   settings: Settings | None = None, *, reports: StoryReports | None = None,
                   progress: Progress | None = None) -> dict[str, Any]:
    """The report document of a stored run: articles and rejections in input order, and
    the stories of the run's articles from the story index, with their analyses (read
    from the store where current, else computed and saved: `analyse_stories`)."""
    run = store.run(run_id)
    if run is None:
        raise KeyError(f"no run {run_id} in {store.url}")
    items = [x for it in store.run_items(run_id) if (x := it.article or it.rejection) is not None]
    articles = [x for x in items if isinstance(x, Article)]
    stories = run_index_stories(store, articles, params)
    return build_report(
        items,
        stories=analyse_stories(store, articles, stories, params=params, settings=settings, reports=reports,
                                progress=progress).entries,
        run={
            "id": run.id,
            "inputs": run.inputs,
            "ok": run.n_ok,
            "rejected": run.n_rejected,
            "new": run.n_new,
        },
    )


def story_from_stored(stored: StoredStory) -> Story:
    """A `Story` from its stored members in index order, equal to the index's own
    (`StoryIndex.story`): same article order, origin groups, title (the stored one, else
    the titled origin nearest the story's mean lead vector) and publication span."""
    origins: dict[int, list[str]] = {}
    published = []
    reps: list[tuple[np.ndarray, str]] = []
    vec_sum = np.zeros(0)
    for m in stored.members:
        origins.setdefault(m.origin_pk, []).append(m.article_id)
        if m.published and valid_date(m.published):
            published.append(m.published)
        if m.vector is not None:
            vec = np.frombuffer(m.vector, dtype="<f4").astype(np.float32)
            vec_sum = vec.astype(np.float64) if not vec_sum.size else vec_sum + vec
            reps.append((vec, m.title))
    titled = [(v, t) for v, t in reps if t]
    title = stored.title or ""  # stored by the index update; databases from before it derive one
    if not title and len(titled) == 1:
        title = titled[0][1]
    elif not title and titled:
        centre = vec_sum / max(np.linalg.norm(vec_sum), 1e-12)
        title = max(titled, key=lambda vt: float(vt[0] @ centre))[1]
    dated = sorted(published, key=lambda d: (d[:10], d))
    return Story(id=stored.story_id, title=title, articles=[m.article_id for m in stored.members],
                 origins=list(origins.values()), first_published=dated[0] if dated else None,
                 last_published=dated[-1] if dated else None, status=cast(ArticleStatus, stored.status))
