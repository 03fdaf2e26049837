"""The story index in the database: load it, check it, bring it up to date, rebuild it.

The index lives in three tables (`stories`, `story_members`, `story_index_meta`). Each
member row holds one article's assignment and the features that shaped it (lead vector
for origins, MinHash sketch, hashed term frequencies) under a sha256 checksum;
everything else (story vectors, term sums, document frequencies, the LSH) is derived
from the members by replaying them in order, so it cannot disagree with them.

`update_story_index` is what `newsprism add` runs after storing a new article: it loads
the index, checks it, assigns every stored article the index does not hold yet (in
store order) and writes the new members, one transaction per batch.

A corrupted index is never used: a member whose checksum, blob sizes or vector values
do not verify, a gap in the member sequence, a member count that disagrees with the
recorded one, or settings/model that changed since it was built make the load fail
with the reasons, and `update_story_index` then rebuilds it from the stored articles
(reusing the vectors of members that verify, in their old order) and says so in
`IndexUpdate.rebuilt` / `.problems` and in a warning on the `newsprism.store` logger.

Several processes may update one index: `update_story_index` holds the database's
index lock (`newsprism.store.db.index_lock`) from loading to the last write, so a
second process waits and then assigns only what the first left; a unique violation
(a writer that took no lock) reloads the index and tries again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from newsprism.store.db import index_lock, writer
from newsprism.store.tables import ArticleRow, StoryIndexMetaRow, StoryMemberRow, StoryRow

if TYPE_CHECKING:
    from newsprism.models import Article
    from newsprism.stories import Assignment, Story, StoryIndex, StoryParams
    from newsprism.stories.embed import Encoder

__all__ = ["IndexUpdate", "LoadedIndex", "StoryIndexMixin"]

log = logging.getLogger("newsprism.store")

FORMAT = "1"
BATCH = 200  # articles per transaction when catching up
RETRIES = 3  # index updates tried again after a unique violation (a concurrent writer)


@dataclass(slots=True)
class LoadedIndex:
    index: StoryIndex | None  # None when the stored index failed its checks
    names: dict[str, str]  # index key (content hash) -> article id
    problems: list[str]
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # verified origin vectors, by key
    order: list[int] = field(default_factory=list)  # article pks of the members, in order
    max_pk: int = 0  # highest article pk in the index: articles above it are new


@dataclass(slots=True)
class IndexUpdate:
    assignments: list[Assignment]  # the articles assigned by this call, in order
    stories: list[Story]  # the stories those articles are in
    size: int  # articles in the index now
    rebuilt: bool = False
    problems: list[str] = field(default_factory=list)


def _checksum(content_hash: str, seq: int, story_id: str, origin_hash: str, status: str,
              copy_hash: str | None, day: int | None, size: int, *blobs: bytes | None) -> str:
    h = hashlib.sha256(f"{FORMAT}|{content_hash}|{seq}|{story_id}|{origin_hash}|{status}|{copy_hash}|{day}|{size}"
                       .encode())
    for b in blobs:
        h.update(b"|" + (b if b is not None else b"-"))
    return h.hexdigest()


def _pack_terms(keys: np.ndarray, vals: np.ndarray) -> bytes:
    return keys.astype("<i4").tobytes() + vals.astype("<f4").tobytes()


def _unpack_terms(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    n = len(blob) // 8
    if len(blob) != 8 * n:
        raise ValueError("terms blob has a bad size")
    return (np.frombuffer(blob[: 4 * n], dtype="<i4").astype(np.int32),
            np.frombuffer(blob[4 * n:], dtype="<f4").astype(np.float32))


def _meta(s: Session) -> dict[str, str]:
    return {r.key: r.value for r in s.scalars(select(StoryIndexMetaRow))}


def _set_meta(s: Session, values: dict[str, str]) -> None:
    for k, v in values.items():
        row = s.get(StoryIndexMetaRow, k)
        if row is None:
            s.add(StoryIndexMetaRow(key=k, value=v))
        else:
            row.value = v


def _expected_meta(params: StoryParams) -> dict[str, str]:
    from newsprism.stories.embed import MODEL_SHA256

    return {"format": FORMAT, "fingerprint": params.fingerprint(), "model": MODEL_SHA256}


def load_index(engine: Engine, params: StoryParams) -> LoadedIndex:
    """Read and verify the stored index; `.index` is None (with `.problems`) if it fails."""
    from newsprism.stories import StoryIndex
    from newsprism.stories.dedup import NUM_PERM, Sketch
    from newsprism.stories.embed import story_dim
    from newsprism.stories.features import Features

    origin = aliased(ArticleRow)
    copy = aliased(ArticleRow)
    m = StoryMemberRow
    q = (select(m.seq, m.article_pk, m.status, m.day, m.vector, m.sketch, m.sketch_size, m.terms, m.checksum,
                ArticleRow.content_hash, ArticleRow.article_id, ArticleRow.title, ArticleRow.published,
                StoryRow.story_id, StoryRow.status, origin.content_hash, copy.content_hash)
         .join(ArticleRow, m.article_pk == ArticleRow.pk)
         .join(StoryRow, m.story_pk == StoryRow.pk)
         .outerjoin(origin, m.origin_pk == origin.pk)
         .outerjoin(copy, m.copy_of_pk == copy.pk)
         .order_by(m.seq))
    with Session(engine) as s:
        meta = _meta(s)
        rows = s.execute(q).all()
        n_rows = s.scalar(select(func.count()).select_from(StoryMemberRow)) or 0
    problems: list[str] = []
    names: dict[str, str] = {}
    vectors: dict[str, np.ndarray] = {}
    order: list[int] = []
    if not meta and not n_rows:
        return LoadedIndex(StoryIndex(params), names, problems)
    for k, v in _expected_meta(params).items():
        if meta.get(k) != v:
            problems.append(f"index {k} is {meta.get(k)!r}, expected {v!r}")
    if meta.get("members") != str(n_rows):
        problems.append(f"index records {meta.get('members')} members, the table holds {n_rows}")
    if len(rows) != n_rows:
        problems.append(f"{n_rows - len(rows)} members point to a missing article or story")
    index = StoryIndex(params)
    keys: list[str] = []
    hashes: list[np.ndarray] = []
    sizes: list[int] = []
    for i, row in enumerate(rows):
        (seq, article_pk, status, day, vblob, sblob, ssize, tblob, checksum, chash, article_id, title, published,
         story_id, story_status, origin_hash, copy_hash) = row
        order.append(article_pk)
        try:
            if seq != i:
                raise ValueError(f"sequence gap at {i} (found {seq})")
            if origin_hash is None:
                raise ValueError("origin article missing")
            if checksum != _checksum(chash, seq, story_id, origin_hash, status, copy_hash, day, ssize, vblob, sblob,
                                     tblob):
                raise ValueError("checksum mismatch")
            vec = None
            feats = None
            if vblob is not None:
                if len(vblob) != 4 * story_dim(params):
                    raise ValueError("vector blob has a bad size")
                vec = np.frombuffer(vblob, dtype="<f4").astype(np.float32)
                if not np.all(np.isfinite(vec)) or abs(float(np.sqrt(np.sum(vec * vec))) - 1.0) > 1e-3:
                    raise ValueError("vector is not a unit vector")
                tk, tv = _unpack_terms(tblob or b"")
                feats = Features(status="ok", day=day, sketch=Sketch(np.zeros(0, np.uint32), 0), term_keys=tk,
                                 term_vals=tv, lead="")
                vectors[chash] = vec
            if sblob is not None:
                if len(sblob) != 4 * NUM_PERM:
                    raise ValueError("sketch blob has a bad size")
                keys.append(chash)
                hashes.append(np.frombuffer(sblob, dtype="<u4"))
                sizes.append(ssize)
        except ValueError as exc:
            problems.append(f"member {i} (article {article_id!r}): {exc}")
            vectors.pop(chash, None)
            continue
        names[chash] = article_id
        if not problems:
            index.replay(key=chash, story_id=story_id, story_status=story_status, origin=origin_hash,
                         published=published, title=title, feats=feats, vec=vec)
    if problems:
        return LoadedIndex(None, names, problems, vectors, order)
    if keys:
        index.dedup.bulk_load(keys, np.stack(hashes), np.asarray(sizes, dtype=np.int64))
    return LoadedIndex(index, names, problems, vectors, order, max(order, default=0))


def _write(engine: Engine, index: StoryIndex, params: StoryParams, new: Sequence[tuple[int, Assignment, Any]],
           pk_of: dict[str, int], first_seq: int) -> str:
    """Persist the members (and new stories) of one batch of assignments, in one
    transaction; returns the checksum of the last member written."""
    now = datetime.now(UTC)
    last = ""
    with Session(writer(engine)) as s, s.begin():
        story_pk = dict(s.execute(select(StoryRow.story_id, StoryRow.pk).where(
            StoryRow.story_id.in_({a.story for _, a, _ in new}))).all())
        for seq, (article_pk, a, feats) in enumerate(new, start=first_seq):
            if a.story not in story_pk:
                row = StoryRow(story_id=a.story, status=index.stories[index.position(a.story)].status, created_at=now)
                s.add(row)
                s.flush()
                story_pk[a.story] = row.pk
            is_rep = a.status == "ok" and a.copy_of is None
            vec = index.vector(a.article).astype("<f4").tobytes() if is_rep else None
            terms = _pack_terms(feats.term_keys, feats.term_vals) if is_rep else None
            indexed = a.article in index.dedup  # near-verbatim copies are not (see stories.dedup)
            sketch = feats.sketch.hashvalues.astype("<u4").tobytes() if indexed else None
            last = _checksum(a.article, seq, a.story, a.origin, a.status, a.copy_of, feats.day,
                             feats.sketch.size, vec, sketch, terms)
            s.add(StoryMemberRow(
                seq=seq, article_pk=article_pk, story_pk=story_pk[a.story], origin_pk=pk_of[a.origin],
                status=a.status, copy_of_pk=pk_of[a.copy_of] if a.copy_of else None, score=a.score,
                day=feats.day, vector=vec, sketch=sketch, sketch_size=feats.sketch.size, terms=terms,
                checksum=last))
        for sid, pk in story_pk.items():  # the touched stories' titles, as the index now gives them
            s.execute(update(StoryRow).where(StoryRow.pk == pk).values(
                title=index.title_of(index.position(sid))))
        _set_meta(s, {**_expected_meta(params), "members": str(first_seq + len(new)), "last": last,
                      "embedder": params.embedder, "updated": now.isoformat(timespec="seconds")})
    return last


def _clear(engine: Engine) -> None:
    with Session(writer(engine)) as s, s.begin():
        s.execute(delete(StoryMemberRow))
        s.execute(delete(StoryRow))
        s.execute(delete(StoryIndexMetaRow))


def _articles_by_pk(engine: Engine, pks: Sequence[int]) -> list[tuple[int, Article]]:
    from newsprism.store import _row_to_article

    out: list[tuple[int, Article]] = []
    with Session(engine) as s:
        for i in range(0, len(pks), 500):
            chunk = list(pks[i:i + 500])
            rows = {r.pk: r for r in s.scalars(select(ArticleRow).where(ArticleRow.pk.in_(chunk)))}
            out.extend((pk, _row_to_article(rows[pk])) for pk in chunk if pk in rows)
    return out


class StoryIndexMixin:
    """Story-index methods of `Store` (they need only `self.engine`).

    The Store keeps the index it last loaded (verified) or wrote in memory; the next call
    reuses it when the database's index has not changed meanwhile (same settings
    fingerprint, member count and checksum of the last member), so that a long-running
    process (the web app, a feed watcher) adds an article in milliseconds instead of
    reloading. Rows damaged behind its back are found by the next process that loads
    the index; this one keeps working from its verified copy.
    """

    engine: Engine
    _story_cache: tuple[tuple[str, ...], LoadedIndex] | None = None

    def _story_token(self, params: StoryParams) -> tuple[str, ...]:
        with Session(self.engine) as s:
            meta = _meta(s)
        return (params.fingerprint(), meta.get("fingerprint", ""), meta.get("members", ""), meta.get("last", ""))

    def load_story_index(self, params: StoryParams | None = None) -> LoadedIndex:
        """The stored story index, verified (see the module docstring); `.index` is None
        when it failed its checks (`.problems` says why)."""
        from newsprism.stories import load_story_params

        return load_index(self.engine, params or load_story_params())

    def update_story_index(self, params: StoryParams | None = None, *, encoder: Encoder | None = None,
                           rebuild: bool = False) -> IndexUpdate:
        """Assign every stored article that the story index does not hold yet, in store
        order, and persist the assignments; rebuild the index first when it fails its
        checks (or when `rebuild` is set). One process at a time (see the module docstring)."""
        from newsprism.stories import load_story_params

        params = params or load_story_params()
        for attempt in range(RETRIES):
            with index_lock(self.engine):
                try:
                    return self._update_story_index(params, encoder, rebuild)
                except IntegrityError as exc:
                    self._story_cache = None
                    if attempt == RETRIES - 1:
                        raise
                    log.warning("story index changed under this update (%s); reloading it and trying again",
                                str(exc.orig).splitlines()[0] if exc.orig else exc)
        raise AssertionError("unreachable")

    def _update_story_index(self, params: StoryParams, encoder: Encoder | None, rebuild: bool) -> IndexUpdate:
        from newsprism.stories import StoryIndex, cluster

        cached = self._story_cache
        token = self._story_token(params)
        warm = cached is not None and cached[0] == token and not rebuild
        if warm:
            assert cached is not None
            loaded = cached[1]
        else:
            self._story_cache = None
            loaded = load_index(self.engine, params)
        problems = list(loaded.problems)
        rebuilt = rebuild or loaded.index is None
        with Session(self.engine) as s:
            newer = list(s.scalars(select(ArticleRow.pk).where(ArticleRow.pk > loaded.max_pk)
                                   .order_by(ArticleRow.pk)))
            older = [] if warm else list(s.scalars(select(ArticleRow.pk).where(ArticleRow.pk <= loaded.max_pk)
                                                   .order_by(ArticleRow.pk)))
        if rebuilt:
            if problems:
                log.warning("story index failed its checks and is rebuilt from the store: %s",
                            "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
            _clear(self.engine)
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
            todo = [pk for pk in older if pk not in indexed] + newer  # warm: articles above the watermark
            max_pk = loaded.max_pk
        assignments: list[Assignment] = []
        seq = len(index)
        for i in range(0, len(todo), BATCH):
            batch = _articles_by_pk(self.engine, todo[i:i + BATCH])
            arts = [a for _, a in batch]
            keys = [a.content_hash for a in arts]
            self._story_cache = None  # the index in memory runs ahead of the database until the write is done
            result = cluster(arts, params=params, encoder=encoder, index=index, keys=keys, known=known)
            pk_of = {a.content_hash: pk for pk, a in batch}
            needed = {a.origin for a in result.assignments} | {a.copy_of for a in result.assignments if a.copy_of}
            missing = [k for k in needed if k not in pk_of]
            if missing:
                with Session(self.engine) as s:
                    pk_of.update(dict(s.execute(select(ArticleRow.content_hash, ArticleRow.pk).where(
                        ArticleRow.content_hash.in_(missing))).all()))
            last = _write(self.engine, index, params, list(zip([pk for pk, _ in batch], result.assignments,
                                                               result.features, strict=True)), pk_of, seq)
            seq += len(batch)
            max_pk = max(max_pk, *(pk for pk, _ in batch))
            fp = params.fingerprint()
            self._story_cache = ((fp, fp, str(seq), last), LoadedIndex(index, names, [], {}, [], max_pk))
            names.update({a.content_hash: a.id for a in arts})
            assignments.extend(result.assignments)
        if not todo and not rebuilt:
            self._story_cache = (token, LoadedIndex(index, names, [], {}, [], max_pk))
        touched = sorted({index.position(a.story) for a in assignments})
        named = [_renamed(a, names) for a in assignments]
        return IndexUpdate(named, [index.story(p, names) for p in touched], len(index), rebuilt, problems)

    def indexed_stories(self, params: StoryParams | None = None) -> list[Story]:
        """Every story of the stored index (article ids as stored); raises `ValueError`
        when the index fails its checks (run `update_story_index` to rebuild it)."""
        loaded = self.load_story_index(params)
        if loaded.index is None:
            raise ValueError("story index failed its checks: " + "; ".join(loaded.problems[:3]))
        stories = loaded.index.all_stories(loaded.names)
        with Session(self.engine) as s:
            titles = {sid: t for sid, t in s.execute(select(StoryRow.story_id, StoryRow.title)) if t}
        # the title the live index gave at the last update: a reloaded index lacks the lead
        # sentences some titles are chosen from
        return [replace(st, title=titles.get(st.id, st.title)) for st in stories]


def _renamed(a: Assignment, names: dict[str, str]) -> Assignment:
    from dataclasses import replace

    return replace(a, article=names.get(a.article, a.article), origin=names.get(a.origin, a.origin),
                   copy_of=names.get(a.copy_of, a.copy_of) if a.copy_of else None)
