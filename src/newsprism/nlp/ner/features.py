"""Wordpieces of a word sequence, with the case shape the uncased vocabulary loses.

The MiniLM vocabulary is lower-cased, so "Turkey" and "turkey" get the same ids; each
wordpiece therefore also carries a shape id computed from its original characters, which
the model embeds and adds to the wordpiece embedding. Training and inference share this
module, so both see exactly the same ids.

    >>> enc = encode_words(tokenizer, ["Hakan", "FIDAN", "said"])
    >>> [SHAPE_NAMES[s] for s in enc.shapes]     # pieces: ha ##kan fi ##dan said
    ['title', 'lower+', 'upper', 'upper+', 'lower']
"""

from __future__ import annotations

from dataclasses import dataclass

from tokenizers import Tokenizer

__all__ = ["Encoded", "N_SHAPES", "SHAPE_NAMES", "Window", "encode_words", "load_tokenizer", "piece_shape",
           "windows"]

# 0 is padding and the special tokens; then six shapes for a word's first piece and the same six
# (suffixed "+") for its continuation pieces.
_BASE = ("lower", "title", "upper", "mixed", "digit", "other")
SHAPE_NAMES: tuple[str, ...] = ("special", *_BASE, *(f"{b}+" for b in _BASE))
N_SHAPES = len(SHAPE_NAMES)


def piece_shape(text: str, continuation: bool) -> int:
    """Shape id of one wordpiece's original text (see SHAPE_NAMES)."""
    letters = [c for c in text if c.isalpha()]
    if any(c.isdigit() for c in text):
        base = 4
    elif not letters:
        base = 5
    elif all(c.islower() for c in letters):
        base = 0
    elif letters[0].isupper() and all(c.islower() for c in letters[1:]):
        base = 1
    elif all(c.isupper() for c in letters):
        base = 2
    else:
        base = 3
    return 1 + base + (len(_BASE) if continuation else 0)


def load_tokenizer(path: str) -> Tokenizer:
    """The wordpiece tokenizer from a `tokenizer.json`, without its own padding or truncation."""
    tok = Tokenizer.from_file(path)
    tok.no_padding()
    tok.no_truncation()
    return tok


@dataclass(frozen=True, slots=True)
class Encoded:
    """Wordpieces of one word sequence, without [CLS]/[SEP]."""

    ids: list[int]
    shapes: list[int]
    words: list[int]  # index of the word each piece belongs to
    first: list[int]  # piece index of each word's first piece; -1 for a word with no piece


def encode_words(tokenizer: Tokenizer, word_lists: list[list[str]]) -> list[Encoded]:
    """Encode pre-split words (a batch); a word the tokenizer drops (e.g. a control character) has no piece."""
    out = []
    for words, enc in zip(word_lists, tokenizer.encode_batch(word_lists, is_pretokenized=True,
                                                             add_special_tokens=False), strict=True):
        shapes, wids = [], []
        first = [-1] * len(words)
        for i, (w, (a, b)) in enumerate(zip(enc.word_ids, enc.offsets, strict=True)):
            cont = first[w] != -1
            if not cont:
                first[w] = i
            shapes.append(piece_shape(words[w][a:b], cont))
            wids.append(w)
        out.append(Encoded(list(enc.ids), shapes, wids, first))
    return out


@dataclass(frozen=True, slots=True)
class Window:
    """A run of whole words [word_start, word_end) whose pieces fit the model; `own` are the words it labels."""

    piece_start: int
    piece_end: int
    own_start: int
    own_end: int


def windows(enc: Encoded, n_words: int, max_pieces: int, overlap: int) -> list[Window]:
    """Cut a long encoding at word boundaries into windows of at most `max_pieces` pieces.

    Consecutive windows share about `overlap` pieces; each word is labelled by the window in which
    it sits farther from an edge (the shared stretch is split at its middle word).
    """
    n = len(enc.ids)
    if n <= max_pieces:
        return [Window(0, n, 0, n_words)]
    # piece index where each word starts (a pieceless word starts where the next one does)
    starts = [0] * (n_words + 1)
    starts[n_words] = n
    for w in range(n_words - 1, -1, -1):
        starts[w] = enc.first[w] if enc.first[w] != -1 else starts[w + 1]
    spans: list[tuple[int, int]] = []  # word ranges
    w0 = 0
    while True:
        w1 = w0
        while w1 < n_words and starts[w1 + 1] - starts[w0] <= max_pieces:
            w1 += 1
        if w1 == w0:  # one word longer than a window: cut inside it
            w1 = w0 + 1
        spans.append((w0, w1))
        if w1 >= n_words:
            break
        nxt = w1
        while nxt > w0 + 1 and starts[w1] - starts[nxt - 1] <= overlap:
            nxt -= 1
        w0 = nxt if nxt < w1 else w1
    out = []
    for k, (a, b) in enumerate(spans):
        own_a = a if k == 0 else (a + spans[k - 1][1]) // 2
        own_b = b if k == len(spans) - 1 else (spans[k + 1][0] + b) // 2
        p0, p1 = starts[a], min(starts[b], starts[a] + max_pieces)
        out.append(Window(p0, p1, own_a, own_b))
    return out
