"""Character and whitespace normalisation of article text.

`normalize` runs last in the clean stage, so `Article.text` is exactly its output and
every later offset indexes it. It is idempotent: ``normalize(normalize(x)) == normalize(x)``.

What it changes, and why:

- Line breaks: CRLF, CR, U+2028/U+2029, VT and FF become ``\\n``.
- Spaces: NBSP, narrow NBSP, figure/thin/en/em spaces, ideographic space and tabs become
  one plain space; runs of spaces collapse; lines are stripped; at most one blank line
  separates paragraphs; the text has no leading or trailing blank lines.
- Invisible characters are removed: zero-width space, word joiner, BOM/ZWNBSP, soft
  hyphen, and control characters (C0 but TAB/LF, DEL, C1). ZWNJ and ZWJ are kept: they
  are spelling in Persian, Indic scripts and emoji.
- Typographic quotes and dashes (“ ” ‘ ’ « » – —) are KEPT: they are the author's text,
  and users and gold data quote articles literally. Only look-alikes that break token and
  number matching are folded: Unicode hyphens and the minus sign become ``-``; the
  reversed-9 quotes and the acute/grave accents typed as apostrophes become ’ and ”;
  full-width ASCII becomes ASCII (NFKC-style, ASCII block only).
"""

from __future__ import annotations

import re

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad\u180e"), None)
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_LOOKALIKES = str.maketrans(
    {
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2212": "-",  # minus sign: "−5" must parse as a number
        "\ufe63": "-",  # small hyphen-minus
        "\u201b": "\u2019",  # reversed-9 single quote
        "\u201f": "\u201d",  # reversed-9 double quote
        "\u00b4": "\u2019",  # acute accent typed as an apostrophe ("don´t")
    }
)
# Full-width ASCII (U+FF01..U+FF5E) maps to ASCII by a fixed offset.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_BLANK_RUNS = re.compile(r"\n{3,}")


def normalize(text: str) -> str:
    """Return `text` with unified line breaks, spaces and look-alike characters.

    >>> normalize("  A\\u00a0 b\\t \\r\\n\\n\\n\\nc\\u200b ")
    'A b\\n\\nc'
    """
    text = _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))
    text = text.translate(_INVISIBLE).translate(_LOOKALIKES).translate(_FULLWIDTH)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")
