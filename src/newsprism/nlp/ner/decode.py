"""From per-word label scores to entity spans: BIO-constrained Viterbi decoding.

An argmax per word can produce `O I-ORG` or `B-PERSON I-LOC`; the Viterbi path never
does (an `I-X` only follows `B-X` or `I-X`), which repairs the span boundaries that the
argmax breaks.

    >>> spans_from_tags(["B-PERSON", "I-PERSON", "O", "B-LOC"])
    [('PERSON', 0, 2), ('LOC', 3, 4)]
"""

from __future__ import annotations

import numpy as np

__all__ = ["allowed_transitions", "bio_labels", "spans_from_tags", "viterbi"]


def bio_labels(types: list[str]) -> list[str]:
    """["PERSON", "ORG"] -> ["O", "B-PERSON", "I-PERSON", "B-ORG", "I-ORG"]"""
    return ["O", *(f"{p}-{t}" for t in types for p in ("B", "I"))]


def allowed_transitions(labels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(start[L], trans[L, L]) masks: True where a label may open a sentence / follow another."""
    n = len(labels)
    start = np.array([not lab.startswith("I-") for lab in labels])
    trans = np.ones((n, n), dtype=bool)
    for j, lab in enumerate(labels):
        if lab.startswith("I-"):
            for i, prev in enumerate(labels):
                trans[i, j] = prev[2:] == lab[2:] and prev != "O"
    return start, trans


def viterbi(scores: np.ndarray, labels: list[str]) -> list[int]:
    """Best label path under the BIO constraints; `scores` are log-probabilities [n_words, n_labels]."""
    n = scores.shape[0]
    if n == 0:
        return []
    start, trans = allowed_transitions(labels)
    neg = np.float32(-1e9)
    t_pen = np.where(trans, np.float32(0), neg)
    best = np.where(start, scores[0], neg)
    back = np.zeros((n, scores.shape[1]), dtype=np.int64)
    for i in range(1, n):
        cand = best[:, None] + t_pen  # [prev, cur]
        back[i] = cand.argmax(0)
        best = cand.max(0) + scores[i]
    path = [int(best.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


def spans_from_tags(tags: list[str]) -> list[tuple[str, int, int]]:
    """Entity spans (type, start, end) of a BIO sequence; a stray `I-X` opens a span, as conlleval does."""
    out: list[tuple[str, int, int]] = []
    cur: tuple[str, int] | None = None
    for i, t in enumerate([*tags, "O"]):
        typ = t[2:]
        if t == "O" or t.startswith("B-") or (cur is not None and cur[0] != typ):
            if cur is not None:
                out.append((cur[0], cur[1], i))
                cur = None
        if t != "O" and cur is None:
            cur = (typ, i)
    return out


# Titles and honorifics are not part of a person's name in the training data (UNER / GUM: "Dr.",
# "President", "General" stand before the PERSON span 308 times in train + dev, inside it 16 times),
# yet the model sometimes takes them in ("Prince Henry"); the news layer reads them as roles.
TITLES = frozenset(
    "mr mrs ms miss dr prof sir dame lord lady pope prince princess king queen tsar czar emperor empress st "
    "saint sheikh rabbi imam president senator sen rep gov governor general gen col capt captain judge "
    "justice mayor chancellor minister premier prime vice".split()
)


def strip_titles(words: list[str], spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """PERSON spans without the title words they start with ("Pope Francis" -> "Francis"); a span
    that is all title words stays as it is."""
    out = []
    for label, a, b in spans:
        if label == "PERSON":
            k = a
            while k < b - 1 and words[k].lower().rstrip(".") in TITLES:
                k += 1
            a = k
        out.append((label, a, b))
    return out
