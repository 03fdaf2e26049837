"""Article metadata: title, outlet, date, language, word count, content hash."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime
from pathlib import PurePosixPath
from urllib.parse import urlsplit

# A first line longer than this is a paragraph, not a headline (the sample's titles have
# 8-14 words; dev-stories' headlines 7-19).
MAX_TITLE_WORDS = 25
# Titles made from a first sentence are cut at a word boundary near this length.
MAX_TITLE_CHARS = 120
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-ZÀ-ÖØ-Þ0-9])")
# Words after which a full stop does not end a sentence ("U.S. District Judge", "Sept. 3").
_ABBREVIATION = re.compile(
    r"(?:\b[A-Za-z]|\b(?:[A-Z]\.)+[A-Z]|Mr|Mrs|Ms|Dr|Prof|St|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Jr|Sr|"
    r"No|vs|etc|Inc|Corp|Ltd|Co|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$"
)
# How much of the first line `title_for` searches for the end of the first sentence.
_TITLE_SCAN = 20 * MAX_TITLE_CHARS
# A "first sentence" shorter than this is a fragment (a date, a dateline), not a title.
MIN_SENTENCE_WORDS = 4
# Scripts written without spaces between words: each character counts as a word.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_WORD = re.compile(r"\w")


def word_count(text: str) -> int:
    """Whitespace-separated tokens holding a letter or digit, plus one per CJK/Thai character."""
    count = 0
    for token in text.split():
        unspaced = len(_UNSPACED.findall(token))
        count += unspaced if unspaced else bool(_WORD.search(token))
    return count


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def looks_like_headline(line: str) -> bool:
    line = line.strip()
    words = line.split()
    return 0 < len(words) <= MAX_TITLE_WORDS and not line.rstrip("\"'”’)").endswith((".", ";", ","))


def shorten(sentence: str, limit: int = MAX_TITLE_CHARS) -> str:
    sentence = sentence.strip()
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return cut + "…"


def title_for(given: str | None, html_title: str | None, text: str) -> str:
    """Given title, else HTML title, else a headline-like first line, else the first sentence."""
    for candidate in (given, html_title):
        if candidate and candidate.strip():
            return " ".join(candidate.split())
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return ""
    if len(lines) > 1 and looks_like_headline(lines[0]):
        return lines[0].strip()
    # The title keeps MAX_TITLE_CHARS of the sentence: looking further for its end changes
    # nothing, and `first_sentence` costs a copy of the text before each candidate end.
    return shorten(first_sentence(lines[0].strip()[:_TITLE_SCAN]))


def is_abbreviation(word: str) -> bool:
    """Whether a full stop after `word` ends no sentence: ``is_abbreviation("U.S.")`` -> True."""
    return bool(_ABBREVIATION.search(word))


def first_sentence(paragraph: str) -> str:
    """The paragraph up to the first sentence end that follows MIN_SENTENCE_WORDS words
    and no abbreviation: ``"Sept. 3, 2025 U.S. judge rules. More."`` → up to "rules."."""
    for m in _SENTENCE_END.finditer(paragraph):
        head = paragraph[: m.start()].rstrip()
        last_word = head.rsplit(None, 1)[-1] if head else ""
        if _ABBREVIATION.search(last_word) or len(head.split()) < MIN_SENTENCE_WORDS:
            continue
        return head
    return paragraph


def domain(url: str | None) -> str | None:
    """``https://www.Example.com/a`` → ``example.com``."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


# A wire or outlet credited in a dateline: "(MENAFN) Despite…", "KYIV (Reuters) - Russia…",
# "ISTANBUL, May 16 (AP) — …": at the start of one of the first paragraphs, optionally after
# an upper-case place and a date; the name starts upper-case, has at most 4 words.
_DATELINE = re.compile(
    r"^(?:[A-ZÀ-Þ][A-ZÀ-Þ .,'’-]{1,40}(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s+)?"
    r"\((?P<name>[A-Z][\w&.'’-]*(?:\s[\w&.'’-]+){0,3})\)\s*(?:[-–—:|]\s*)?(?=[\"“‘'A-ZÀ-Þ0-9])"
)
# Paragraph openers in parentheses that credit no outlet.
_NOT_OUTLETS = frozenset({"update", "updated", "updates", "video", "videos", "photo", "photos", "audio", "opinion",
                          "analysis", "editorial", "live", "watch", "file", "reuters photo", "ap photo", "correction",
                          "sponsored", "advertisement", "ad", "breaking", "exclusive", "listen", "read more"})
# How many paragraphs a dateline may come after (a headline, a standfirst, a byline).
DATELINE_PARAGRAPHS = 4


def dateline_outlet(text: str) -> str | None:
    """The outlet a dateline credits, or None: ``dateline_outlet("(MENAFN) Despite…")`` →
    ``"MENAFN"``; ``dateline_outlet("KYIV (Reuters) - Russia said…")`` → ``"Reuters"``."""
    for line in [ln.strip() for ln in text.split("\n") if ln.strip()][:DATELINE_PARAGRAPHS]:
        m = _DATELINE.match(line)
        if m and m.group("name").lower() not in _NOT_OUTLETS:
            return m.group("name")
    return None


def file_stem(origin: str) -> str:
    """``/data/feeds/world.jsonl#3`` → ``world``."""
    path = origin.split("#", 1)[0] if origin else ""
    return PurePosixPath(path.replace("\\", "/")).stem if path else ""


def outlet_for(source: str | None, sitename: str | None, url: str | None, origin: str, doc_id: str,
               text: str = "") -> str:
    """Given source (a feed's title, a JSONL record's field), else the page's site name, else
    the URL's domain, else the outlet a dateline in `text` credits, else the file stem."""
    for candidate in (source, sitename, domain(url), dateline_outlet(text)):
        if candidate and candidate.strip():
            return candidate.strip()
    return file_stem(origin) or doc_id


def iso_date(value: str | None) -> str | None:
    """An ISO 8601 date or datetime string, or None when `value` is not one."""
    if not value:
        return None
    value = value.strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


# Below this many letters py3langid's guesses are noise.
MIN_LANGUAGE_LETTERS = 40


def language_of(text: str) -> str | None:
    """ISO 639-1 code from py3langid (offline model shipped with the package), or None."""
    sample = text[:5000]
    letters = sum(1 for c in sample if unicodedata.category(c).startswith("L"))
    if letters < MIN_LANGUAGE_LETTERS:
        return None
    import py3langid  # loads its model (0.5 s) on first use

    lang, _ = py3langid.classify(sample)
    return lang
