"""The story index in the database: read its members, add members, clear it. The
stories stage decides the assignments (`newsprism.pipeline.index_stories` drives it);
this module only keeps them.

The index lives in three tables (`stories`, `story_members`, `story_index_meta`). Each
member row holds one article's assignment and the features that shaped it (lead vector
for origins, MinHash sketch, hashed term frequencies) under a sha256 checksum, which
`index_members` verifies: a member whose checksum does not match, a gap in the member
sequence, a member pointing to a missing article, or a member count that disagrees with
the recorded one is reported in `StoredIndex.problems` (and the member's `problem`), so
that the stage rebuilds the index instead of using it.

Several processes may update one index: an update holds `Store.index_lock()` from
loading to the last write, so a second process waits and then assigns only what the
first left; a unique violation (a writer that took no lock) raises `IndexConflict`, and
the caller reloads and tries again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from newsprism.models import Article, IndexMember
from newsprism.store.db import StoreError, index_lock, writer
from newsprism.store.tables import ArticleRow, StoryIndexMetaRow, StoryMemberRow, StoryRow

__all__ = ["IndexConflict", "StoredIndex", "StoryIndexMixin"]

FORMAT = "1"


class IndexConflict(StoreError):
    """Another writer added the same members meanwhile: reload the index and try again."""


@dataclass(slots=True)
class StoredIndex:
    meta: dict[str, str]  # what the last update recorded (settings fingerprint, model, ...)
    members: list[IndexMember]  # in assignment order
    problems: list[str] = field(default_factory=list)  # the rows' own faults (see the module docstring)


def _checksum(content_hash: str, seq: int, story_id: str, origin_hash: str, status: str,
              copy_hash: str | None, day: int | None, size: int, *blobs: bytes | None) -> str:
    h = hashlib.sha256(f"{FORMAT}|{content_hash}|{seq}|{story_id}|{origin_hash}|{status}|{copy_hash}|{day}|{size}"
                       .encode())
    for b in blobs:
        h.update(b"|" + (b if b is not None else b"-"))
    return h.hexdigest()


def _meta(s: Session) -> dict[str, str]:
    return {r.key: r.value for r in s.scalars(select(StoryIndexMetaRow))}


def _set_meta(s: Session, values: dict[str, str]) -> None:
    for k, v in values.items():
        row = s.get(StoryIndexMetaRow, k)
        if row is None:
            s.add(StoryIndexMetaRow(key=k, value=v))
        else:
            row.value = v


def _read(engine: Engine) -> StoredIndex:
    origin = aliased(ArticleRow)
    copy = aliased(ArticleRow)
    m = StoryMemberRow
    q = (select(m.seq, m.article_pk, m.status, m.day, m.vector, m.sketch, m.sketch_size, m.terms, m.score,
                m.checksum, ArticleRow.content_hash, ArticleRow.article_id, ArticleRow.title,
                ArticleRow.published, StoryRow.story_id, StoryRow.status, origin.content_hash, copy.content_hash)
         .join(ArticleRow, m.article_pk == ArticleRow.pk)
         .join(StoryRow, m.story_pk == StoryRow.pk)
         .outerjoin(origin, m.origin_pk == origin.pk)
         .outerjoin(copy, m.copy_of_pk == copy.pk)
         .order_by(m.seq))
    with Session(engine) as s:
        meta = _meta(s)
        rows = s.execute(q).all()
        n_rows = s.scalar(select(func.count()).select_from(StoryMemberRow)) or 0
    stored = StoredIndex(meta, [])
    if not meta and not n_rows:
        return stored
    if meta.get("format") != FORMAT:
        stored.problems.append(f"index format is {meta.get('format')!r}, expected {FORMAT!r}")
    if meta.get("members") != str(n_rows):
        stored.problems.append(f"index records {meta.get('members')} members, the table holds {n_rows}")
    if len(rows) != n_rows:
        stored.problems.append(f"{n_rows - len(rows)} members point to a missing article or story")
    for i, row in enumerate(rows):
        (seq, article_pk, status, day, vblob, sblob, ssize, tblob, score, checksum, chash, article_id, title,
         published, story_id, story_status, origin_hash, copy_hash) = row
        problem = None
        if seq != i:
            problem = f"sequence gap at {i} (found {seq})"
        elif origin_hash is None:
            problem = "origin article missing"
        elif checksum != _checksum(chash, seq, story_id, origin_hash, status, copy_hash, day, ssize, vblob, sblob,
                                   tblob):
            problem = "checksum mismatch"
        if problem:
            stored.problems.append(f"member {i} (article {article_id!r}): {problem}")
        stored.members.append(IndexMember(
            article_pk=article_pk, key=chash, story_id=story_id, story_status=story_status, origin=origin_hash or "",
            copy_of=copy_hash, status=status, day=day, sketch_size=ssize, vector=vblob, sketch=sblob, terms=tblob,
            score=score, seq=seq, article_id=article_id, title=title, published=published, problem=problem))
    return stored


class StoryIndexMixin:
    """Story-index methods of `Store` (they need only `self.engine`)."""

    engine: Engine

    @contextmanager
    def index_lock(self) -> Iterator[None]:
        """Hold this database's story-index lock (see `newsprism.store.db.index_lock`)."""
        with index_lock(self.engine):
            yield

    def index_token(self) -> tuple[str, str, str]:
        """(settings fingerprint, member count, checksum of the last member) as recorded:
        an index loaded earlier is current while this is unchanged."""
        with Session(self.engine) as s:
            meta = _meta(s)
        return meta.get("fingerprint", ""), meta.get("members", ""), meta.get("last", "")

    def index_members(self) -> StoredIndex:
        """Every member of the stored index, in order, checked (see the module docstring)."""
        return _read(self.engine)

    def article_pks(self, *, after: int = 0, upto: int | None = None) -> list[int]:
        """Primary keys of the stored articles in (`after`, `upto`], in store order."""
        q = select(ArticleRow.pk).where(ArticleRow.pk > after).order_by(ArticleRow.pk)
        if upto is not None:
            q = q.where(ArticleRow.pk <= upto)
        with Session(self.engine) as s:
            return list(s.scalars(q))

    def articles_by_pk(self, pks: Sequence[int]) -> list[tuple[int, Article]]:
        """The articles of `pks` (those that exist), in the order given."""
        from newsprism.store import _row_to_article

        out: list[tuple[int, Article]] = []
        with Session(self.engine) as s:
            for i in range(0, len(pks), 500):
                chunk = list(pks[i:i + 500])
                rows = {r.pk: r for r in s.scalars(select(ArticleRow).where(ArticleRow.pk.in_(chunk)))}
                out.extend((pk, _row_to_article(rows[pk])) for pk in chunk if pk in rows)
        return out

    def add_index_members(self, members: Sequence[IndexMember], *, first_seq: int, titles: dict[str, str],
                          meta: dict[str, str]) -> str:
        """Append `members` (numbered from `first_seq`), create their new stories, set the
        `titles` of the stories given and record `meta`, in one transaction; returns the
        checksum of the last member (see `index_token`). Raises `IndexConflict` when
        another writer added members meanwhile."""
        now = datetime.now(UTC)
        last = ""
        try:
            with Session(writer(self.engine)) as s, s.begin():
                hashes = {h for m in members for h in (m.key, m.origin, m.copy_of) if h}
                pk_of = dict(s.execute(select(ArticleRow.content_hash, ArticleRow.pk)
                                       .where(ArticleRow.content_hash.in_(hashes))).all())
                story_pk = dict(s.execute(select(StoryRow.story_id, StoryRow.pk).where(
                    StoryRow.story_id.in_({m.story_id for m in members}))).all())
                for seq, m in enumerate(members, start=first_seq):
                    if m.story_id not in story_pk:
                        row = StoryRow(story_id=m.story_id, status=m.story_status, created_at=now)
                        s.add(row)
                        s.flush()
                        story_pk[m.story_id] = row.pk
                    last = _checksum(m.key, seq, m.story_id, m.origin, m.status, m.copy_of, m.day, m.sketch_size,
                                     m.vector, m.sketch, m.terms)
                    s.add(StoryMemberRow(
                        seq=seq, article_pk=m.article_pk, story_pk=story_pk[m.story_id], origin_pk=pk_of[m.origin],
                        status=m.status, copy_of_pk=pk_of[m.copy_of] if m.copy_of else None, score=m.score,
                        day=m.day, vector=m.vector, sketch=m.sketch, sketch_size=m.sketch_size, terms=m.terms,
                        checksum=last))
                for sid, title in titles.items():
                    s.execute(update(StoryRow).where(StoryRow.story_id == sid).values(title=title))
                _set_meta(s, {**meta, "format": FORMAT, "members": str(first_seq + len(members)), "last": last,
                              "updated": now.isoformat(timespec="seconds")})
        except IntegrityError as exc:
            first = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
            raise IndexConflict(f"the story index changed under this update ({first})") from exc
        return last

    def clear_index(self) -> None:
        """Remove every story and member (before a rebuild)."""
        with Session(writer(self.engine)) as s, s.begin():
            s.execute(delete(StoryMemberRow))
            s.execute(delete(StoryRow))
            s.execute(delete(StoryIndexMetaRow))

    def story_titles(self) -> dict[str, str]:
        """The title each story got at its last update, by story id."""
        with Session(self.engine) as s:
            return {sid: t for sid, t in s.execute(select(StoryRow.story_id, StoryRow.title)) if t}
