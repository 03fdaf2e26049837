"""The story index to and from the members a store keeps (`newsprism.models.IndexMember`).

Only the members are kept; everything else (story vectors, term sums, document
frequencies, the LSH) is derived by replaying them in order, so it cannot disagree
with them. A stored index is never used when it fails a check: the store's own (row
checksums, sequence, member count), settings or model that changed since it was
built, or a blob whose size or values are wrong. `restore_index` then returns no
index and the reasons, with the vectors of the members that verify, so that a rebuild
reuses them instead of embedding again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from newsprism.models import IndexMember
from newsprism.stories.dedup import NUM_PERM, Sketch
from newsprism.stories.embed import MODEL_SHA256, story_dim
from newsprism.stories.features import Features
from newsprism.stories.index import StoryIndex
from newsprism.stories.params import StoryParams
from newsprism.stories.records import ArticleStatus, Assignment

__all__ = ["LoadedIndex", "expected_meta", "new_members", "restore_index"]


@dataclass(slots=True)
class LoadedIndex:
    index: StoryIndex | None  # None when the stored index failed its checks
    names: dict[str, str]  # index key (content hash) -> article id
    problems: list[str]
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # verified origin vectors, by key
    order: list[int] = field(default_factory=list)  # article pks of the members, in order
    max_pk: int = 0  # highest article pk in the index: articles above it are new


def expected_meta(params: StoryParams) -> dict[str, str]:
    """What an index built with `params` records, and must find again to be reused."""
    return {"fingerprint": params.fingerprint(), "model": MODEL_SHA256}


def _pack_terms(keys: np.ndarray, vals: np.ndarray) -> bytes:
    return keys.astype("<i4").tobytes() + vals.astype("<f4").tobytes()


def _unpack_terms(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    n = len(blob) // 8
    if len(blob) != 8 * n:
        raise ValueError("terms blob has a bad size")
    return (np.frombuffer(blob[: 4 * n], dtype="<i4").astype(np.int32),
            np.frombuffer(blob[4 * n:], dtype="<f4").astype(np.float32))


def restore_index(meta: dict[str, str], members: Sequence[IndexMember], problems: Sequence[str],
                  params: StoryParams) -> LoadedIndex:
    """The index `members` describe, or (`.index` None) why it cannot be used; `problems`
    are the store's findings about its rows."""
    problems = list(problems)
    if not meta and not members:
        return LoadedIndex(StoryIndex(params), {}, problems)
    for k, v in expected_meta(params).items():
        if meta.get(k) != v:
            problems.append(f"index {k} is {meta.get(k)!r}, expected {v!r}")
    index = StoryIndex(params)
    names: dict[str, str] = {}
    vectors: dict[str, np.ndarray] = {}
    order = [m.article_pk for m in members]
    keys: list[str] = []
    hashes: list[np.ndarray] = []
    sizes: list[int] = []
    for i, m in enumerate(members):
        if m.problem:
            continue  # the store has reported it
        try:
            vec = None
            feats = None
            if m.vector is not None:
                if len(m.vector) != 4 * story_dim(params):
                    raise ValueError("vector blob has a bad size")
                vec = np.frombuffer(m.vector, dtype="<f4").astype(np.float32)
                if not np.all(np.isfinite(vec)) or abs(float(np.sqrt(np.sum(vec * vec))) - 1.0) > 1e-3:
                    raise ValueError("vector is not a unit vector")
                tk, tv = _unpack_terms(m.terms or b"")
                feats = Features(status="ok", day=m.day, sketch=Sketch(np.zeros(0, np.uint32), 0), term_keys=tk,
                                 term_vals=tv, lead="")
                vectors[m.key] = vec
            if m.sketch is not None:
                if len(m.sketch) != 4 * NUM_PERM:
                    raise ValueError("sketch blob has a bad size")
                keys.append(m.key)
                hashes.append(np.frombuffer(m.sketch, dtype="<u4"))
                sizes.append(m.sketch_size)
        except ValueError as exc:
            problems.append(f"member {i} (article {m.article_id!r}): {exc}")
            vectors.pop(m.key, None)
            continue
        names[m.key] = m.article_id
        if not problems:
            index.replay(key=m.key, story_id=m.story_id, story_status=cast(ArticleStatus, m.story_status),
                         origin=m.origin, published=m.published, title=m.title, feats=feats, vec=vec)
    if problems:
        return LoadedIndex(None, names, problems, vectors, order)
    if keys:
        index.dedup.bulk_load(keys, np.stack(hashes), np.asarray(sizes, dtype=np.int64))
    return LoadedIndex(index, names, problems, vectors, order, max(order, default=0))


def new_members(index: StoryIndex, pks: Sequence[int], assignments: Sequence[Assignment],
                features: Sequence[Features]) -> list[IndexMember]:
    """The members to store for `assignments` just made in `index` (keys are content
    hashes; `pks` the articles' primary keys, in the same order)."""
    out = []
    for pk, a, feats in zip(pks, assignments, features, strict=True):
        is_rep = a.status == "ok" and a.copy_of is None
        indexed = a.article in index.dedup  # near-verbatim copies are not (see stories.dedup)
        out.append(IndexMember(
            article_pk=pk, key=a.article, story_id=a.story, story_status=index.stories[index.position(a.story)].status,
            origin=a.origin, copy_of=a.copy_of, status=a.status, day=feats.day, sketch_size=feats.sketch.size,
            vector=index.vector(a.article).astype("<f4").tobytes() if is_rep else None,
            sketch=feats.sketch.hashvalues.astype("<u4").tobytes() if indexed else None,
            terms=_pack_terms(feats.term_keys, feats.term_vals) if is_rep else None, score=a.score))
    return out
