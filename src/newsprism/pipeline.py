"""Runs the stages in order: ingest -> clean -> store -> stories, then builds the report.

Stage functions stay pure; this module only wires them, batches writes and reports
progress. Per-article stages are independent, so `workers > 1` cleans in a process
pool (the same functions run on Ray Data beyond one machine).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import islice
from typing import Any
from weakref import WeakKeyDictionary

import httpx

from newsprism.clean import clean
from newsprism.config import Settings, load_settings
from newsprism.ingest import ingest
from newsprism.models import Article, RawDocument, Rejection
from newsprism.report import build_report
from newsprism.store import IndexConflict, RunSummary, Store
from newsprism.stories import (
    Assignment,
    Story,
    StoryIndex,
    StoryParams,
    cluster,
    cluster_stories,
    load_encoder,
    load_story_params,
)
from newsprism.stories.embed import Encoder
from newsprism.stories.restore import LoadedIndex, expected_meta, new_members, restore_index

__all__ = [
    "IndexUpdate", "RunResult", "clean_inputs", "clean_safely", "index_stories", "indexed_stories",
    "load_story_index", "process", "report_for_run", "run_stories",
]

# One transaction per batch: large enough to amortise SQLite's per-commit sync, small
# enough that a crash loses little. Not tuned: the bench shows cleaning, not storing,
# dominates (ingest+clean+store 22 articles/s vs ingest+clean 26 on the same corpus).
BATCH_SIZE = 200
INDEX_BATCH = 200  # articles per story-index transaction when catching up
INDEX_RETRIES = 3  # index updates tried again after a unique violation (a writer without the lock)

log = logging.getLogger("newsprism.pipeline")

Progress = Callable[[int, int], None]  # (sources done, sources total)


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
    raw: Iterable[RawDocument | Rejection],
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
) -> RunResult:
    """Ingest, clean and store `inputs` as one run; every input item ends stored or rejected
    (`rejected` also lists the articles the database refused, reason `store-error`)."""
    settings = settings or load_settings()
    run_id = store.begin_run(inputs)
    rejected: list[Rejection] = []
    batch: list[Article | Rejection] = []
    seq = 0
    try:
        for item in clean_inputs(inputs, settings=settings, workers=workers, progress=progress, client=client):
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
                  rebuild: bool = False) -> IndexUpdate:
    """Bring the store's story index up to date: every stored article the index does not
    hold yet is assigned to a story (or opens one), in store order, without recomputing
    the rest. An index that fails its checks (or `rebuild`) is rebuilt from the stored
    articles, reusing the vectors that verify, and says so in `.rebuilt`/`.problems` and
    a warning. One process at a time: the store's index lock is held from loading to
    the last write; a writer that took no lock makes this reload and try again."""
    params = params or load_story_params()
    encoder = encoder if encoder is not None else story_encoder(params)
    for attempt in range(INDEX_RETRIES):
        with store.index_lock():
            try:
                return _update_index(store, params, encoder, rebuild)
            except IndexConflict as exc:
                _warm.pop(store, None)
                if attempt == INDEX_RETRIES - 1:
                    raise
                log.warning("%s; reloading it and trying again", exc)
    raise AssertionError("unreachable")


def _update_index(store: Store, params: StoryParams, encoder: Encoder, rebuild: bool) -> IndexUpdate:
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
    if todo or not rebuilt:
        _warm[store] = (token, LoadedIndex(index, names, [], {}, [], max_pk))
    positions = sorted({index.position(a.story) for a in assignments})
    named = [_renamed(a, names) for a in assignments]
    return IndexUpdate(named, [index.story(p, names) for p in positions], len(index), rebuilt, problems)


def _renamed(a: Assignment, names: dict[str, str]) -> Assignment:
    return replace(a, article=names.get(a.article, a.article), origin=names.get(a.origin, a.origin),
                   copy_of=names.get(a.copy_of, a.copy_of) if a.copy_of else None)


def story_reports(articles: Sequence[Article], stories: Sequence[Story],
                  params: StoryParams | None = None, settings: Settings | None = None) -> list[dict[str, Any]]:
    """The report entries of `stories`, with entities, claims, contradictions, per-source framing
    and the brief for every story that has at least two independent origins (one voice has
    nothing to compare). The brief is rewritten for fluency only when `settings.llm_url` is set."""
    from newsprism.brief import compose_brief, rewrite_brief
    from newsprism.claims import story_claims
    from newsprism.entities import report_entities, resolve_entities
    from newsprism.framing import frame_story
    from newsprism.nlp import annotate_many

    params = params or load_story_params()
    settings = settings or load_settings()
    entries = [s.to_report() for s in stories]
    compared = [s for s in stories if len(s.origins) >= 2]
    if not compared:
        return entries
    by_id = {a.id: a for a in articles}
    wanted = list(dict.fromkeys(aid for s in compared for aid in s.articles))
    docs = {d.id: d for d in annotate_many([by_id[a] for a in wanted])}
    for entry, story in zip(entries, stories, strict=True):
        if len(story.origins) < 2:
            continue
        origin_of = {aid: group[0] for group in story.origins for aid in group}
        story_docs = [docs[a] for a in story.articles]
        roster = resolve_entities(story_docs, [by_id[a] for a in story.articles])
        result = story_claims(story_docs, origins=origin_of, encoder=story_encoder(params), roster=roster)
        claims = result.to_report()
        entry["entities"] = report_entities(roster)
        entry["claims"] = claims["claims"]
        # the claims stage folds in the roster's role and name conflicts, so statuses agree with them
        entry["contradictions"] = claims["contradictions"]
        entry["comparison"] = claims["comparison"]
        framing = frame_story(story_docs, roster, result.claims)
        entry["sources"] = framing.to_report()
        entry["brief"] = rewrite_brief(compose_brief(story_docs, result, framing), settings).to_report()
    return entries


def report_for_run(store: Store, run_id: int, params: StoryParams | None = None) -> dict[str, Any]:
    """The report document of a stored run: articles and rejections in input order, and
    the stories of the run's articles (clustered in input order)."""
    run = store.run(run_id)
    if run is None:
        raise KeyError(f"no run {run_id} in {store.url}")
    items = [x for it in store.run_items(run_id) if (x := it.article or it.rejection) is not None]
    articles = [x for x in items if isinstance(x, Article)]
    stories = run_stories(articles, params)
    return build_report(
        items,
        stories=story_reports(articles, stories, params),
        run={
            "id": run.id,
            "inputs": run.inputs,
            "ok": run.n_ok,
            "rejected": run.n_rejected,
            "new": run.n_new,
        },
    )
