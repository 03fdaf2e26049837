"""Near-duplicate detection: MinHash LSH over word 4-grams, verified by estimated containment.

Syndicated copies keep most of the wire text but add bylines, datelines and footers;
trimmed copies keep its first paragraphs; light rewrites swap words. Jaccard
similarity misses trimmed copies (a copy cut to its first fifth has J ~ 0.2 with the
original), so candidates come from an LSH tuned for low Jaccard and are accepted on
*containment*: the share of the shorter text's shingles found in the longer one,
estimated from the MinHash Jaccard and the exact shingle counts,

    C = J (|A| + |B|) / ((1 + J) min(|A|, |B|))

Measured on the development set (`newsprism.evaluation.stories`, 253 articles, 39
synthetic copies): exact containment of 4-gram sets is >= 0.757 for every copy and
its original (wire copy, trimmed copy, ~10 % rewrite) and <= 0.278 for every other
pair, including different outlets' reports of one event; 3- and 5-grams give the same
margin (0.79/0.31 and 0.73/0.26). `CONTAINMENT` sits between the two, with room for
the MinHash estimate's error (standard error ~0.04 at J = 0.2 with 128 permutations).

    >>> nd = NearDuplicates()
    >>> text = " ".join(f"In round {i} the two delegations met for talks on prisoners." for i in range(6))
    >>> nd.add("a", sketch(words(text)))
    >>> nd.match(sketch(words("By Wire staff. " + text + " All rights reserved.")))[0]
    'a'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from newsprism.stories.text import shingles, words

__all__ = ["CONTAINMENT", "NUM_PERM", "SHINGLE", "NearDuplicates", "Sketch", "sketch", "words"]

SHINGLE = 4
NUM_PERM = 128
# LSH threshold on Jaccard: low, so that a trimmed copy (J ~ 0.2) still collides with
# its original in some band (b=51 bands of r=2 rows for 128 permutations).
LSH_THRESHOLD = 0.15
CONTAINMENT = 0.5
# A copy this close to the text it copies (Jaccard of sketches) is not indexed itself:
# later copies find the earlier one, and forty verbatim copies of a wire story do not
# fill the LSH buckets (without this rule clustering the bench corpus of near-identical
# copies cost x31 per article at 100k vs 10k; with it, see scripts/bench_stories.py).
# Trimmed copies and rewrites (Jaccard 0.2-0.7 on the dev set) are indexed.
NOVEL_BELOW = 0.8
# Below this many shingles a text (a headline, a caption) is contained in too many
# others: it matches only as a near-exact copy (Jaccard >= EXACT_JACCARD).
MIN_SHINGLES = 20
EXACT_JACCARD = 0.8


@dataclass(slots=True)
class Sketch:
    """A text's MinHash signature and its number of distinct shingles."""

    hashvalues: np.ndarray  # uint32[NUM_PERM] (datasketch's affine32 scheme)
    size: int


@cache
def _template():  # type: ignore[no-untyped-def]
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1)


def sketch(tokens: Sequence[str]) -> Sketch:
    """MinHash of the word 4-grams of `tokens` (one `update_batch` call: ~8x a per-shingle loop)."""
    from datasketch import MinHash

    sh = set(shingles(list(tokens), SHINGLE))
    m = MinHash(num_perm=NUM_PERM, seed=1, permutations=_template().permutations,
                scheme="affine32")
    if sh:
        m.update_batch(list(sh))
    return Sketch(m.hashvalues.copy(), len(sh))


def jaccard(a: Sketch, b: Sketch) -> float:
    return float(np.count_nonzero(a.hashvalues == b.hashvalues)) / NUM_PERM


def containment(a: Sketch, b: Sketch) -> float:
    """Estimated share of the smaller set's shingles that the larger one holds."""
    j = jaccard(a, b)
    small = min(a.size, b.size)
    if small == 0:
        return 0.0
    return min(1.0, j * (a.size + b.size) / ((1 + j) * small))


def is_copy(a: Sketch, b: Sketch) -> tuple[bool, float]:
    """Whether `a` and `b` are near-duplicates, with the containment (or Jaccard) behind it."""
    if min(a.size, b.size) < MIN_SHINGLES:
        j = jaccard(a, b)
        return j >= EXACT_JACCARD, j
    c = containment(a, b)
    return c >= CONTAINMENT, c


_BANDS, _ROWS = 51, 2  # datasketch's optimum for threshold 0.15 at 128 permutations
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _band_keys(h: np.ndarray) -> np.ndarray:
    """One uint64 per LSH band (the band's two 32-bit values), mixed with the band number
    so that all bands share one sorted array. `h` is (n, NUM_PERM) or (NUM_PERM,)."""
    h2 = np.atleast_2d(h)[:, : _BANDS * _ROWS].astype(np.uint64).reshape(-1, _BANDS, _ROWS)
    keys = (h2[:, :, 0] << np.uint64(32)) | h2[:, :, 1]
    with np.errstate(over="ignore"):
        return (keys ^ (np.arange(1, _BANDS + 1, dtype=np.uint64) * _MIX)) * _MIX


class NearDuplicates:
    """A banded MinHash LSH index of sketches: `match` finds the best earlier copy, `add`
    indexes one, `bulk_load` indexes many at once (a stored index loads in one sort).

    Bands live in one sorted uint64 array plus a dict of recent inserts, merged when the
    dict grows past a quarter of the array. Measured against datasketch's `MinHashLSH`
    (same bands) on 20k random sketches: a bulk build at 155k sketches/s vs 8k inserts/s,
    which is what makes loading a 100k-article index take well under a second.
    """

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.uint64)  # sorted band keys
        self._rows = np.empty(0, dtype=np.int64)  # row of each band key
        self._recent: dict[int, list[int]] = {}
        self._recent_keys: list[np.ndarray] = []
        self._recent_rows: list[int] = []
        self._hashes = np.zeros((0, NUM_PERM), dtype=np.uint32)
        self._sizes = np.zeros(0, dtype=np.int64)
        self.keys: list[str] = []
        self._row_of: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, key: str) -> bool:
        return key in self._row_of

    def _grow(self, extra: int) -> None:
        n = len(self.keys)
        if n + extra <= len(self._hashes):
            return
        cap = max(64, 2 * (n + extra))
        hashes = np.zeros((cap, NUM_PERM), dtype=np.uint32)
        sizes = np.zeros(cap, dtype=np.int64)
        hashes[:n], sizes[:n] = self._hashes[:n], self._sizes[:n]
        self._hashes, self._sizes = hashes, sizes

    def _merge(self) -> None:
        if not self._recent_rows:
            return
        keys = np.concatenate([self._keys, *self._recent_keys])
        rows = np.concatenate([self._rows, np.repeat(np.asarray(self._recent_rows, dtype=np.int64), _BANDS)])
        order = np.argsort(keys, kind="stable")
        self._keys, self._rows = keys[order], rows[order]
        self._recent.clear()
        self._recent_keys.clear()
        self._recent_rows.clear()

    def bulk_load(self, keys: list[str], hashes: np.ndarray, sizes: np.ndarray) -> None:
        """Index many sketches (rows of `hashes`, uint32[n, NUM_PERM]) in one sort."""
        self._merge()
        keep = [i for i, k in enumerate(keys) if sizes[i] > 0 and k not in self._row_of]
        if not keep:
            return
        first = len(self.keys)
        self._grow(len(keep))
        self._hashes[first:first + len(keep)] = hashes[keep]
        self._sizes[first:first + len(keep)] = sizes[keep]
        for j, i in enumerate(keep):
            self._row_of[keys[i]] = first + j
            self.keys.append(keys[i])
        self._recent_keys.append(_band_keys(hashes[keep]).reshape(-1))
        self._recent_rows.extend(range(first, first + len(keep)))
        self._merge()

    def add(self, key: str, s: Sketch) -> None:
        if s.size == 0 or key in self._row_of:
            return
        row = len(self.keys)
        self._grow(1)
        self._hashes[row], self._sizes[row] = s.hashvalues, s.size
        self._row_of[key] = row
        self.keys.append(key)
        bk = _band_keys(s.hashvalues)[0]
        for k in bk.tolist():
            self._recent.setdefault(k, []).append(row)
        self._recent_keys.append(bk)
        self._recent_rows.append(row)
        if len(self._recent_rows) > max(1024, len(self._keys) // (4 * _BANDS)):
            self._merge()

    def _candidates(self, s: Sketch) -> np.ndarray:
        q = _band_keys(s.hashvalues)[0]
        lo = np.searchsorted(self._keys, q, "left")
        hi = np.searchsorted(self._keys, q, "right")
        found = [self._rows[a:b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True) if b > a]
        for k in q.tolist():
            rows = self._recent.get(k)
            if rows:
                found.append(np.asarray(rows, dtype=np.int64))
        if not found:
            return np.empty(0, dtype=np.int64)
        rows = np.concatenate(found)
        return np.unique(rows) if len(rows) > 64 else rows  # repeats are harmless, only slower

    def match(self, s: Sketch) -> tuple[str, float] | None:
        """The indexed key whose text `s` copies most (highest containment, then the
        earliest indexed), if any."""
        if s.size == 0 or not self.keys:
            return None
        rows = self._candidates(s)
        if not rows.size:
            return None
        j = (self._hashes[rows] == s.hashvalues).sum(axis=1) / NUM_PERM
        sizes = self._sizes[rows]
        small = np.minimum(sizes, s.size)
        cont = np.minimum(1.0, j * (sizes + s.size) / ((1 + j) * small))
        short = small < MIN_SHINGLES
        score = np.where(short, j, cont)
        ok = np.where(short, j >= EXACT_JACCARD, cont >= CONTAINMENT)
        if not ok.any():
            return None
        score = np.where(ok, score, -1.0)
        top = float(score.max())
        row = int(rows[score == top].min())  # ties go to the earliest indexed
        return self.keys[row], top

    def worth_indexing(self, s: Sketch, match: tuple[str, float] | None) -> bool:
        """Whether `add` should index a text given its match: not when it is a near-verbatim
        copy (Jaccard >= NOVEL_BELOW) of the indexed text it matched."""
        if s.size == 0:
            return False
        if match is None or match[0] not in self._row_of:
            return True
        return jaccard(s, self.sketch_of(match[0])) < NOVEL_BELOW

    def sketch_of(self, key: str) -> Sketch:
        row = self._row_of[key]
        return Sketch(self._hashes[row].copy(), int(self._sizes[row]))
