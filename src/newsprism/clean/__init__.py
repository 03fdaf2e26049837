"""The clean stage: one `RawDocument` in, one `Article` or `Rejection` out.

Steps: size guard → decode bytes (`decode`) → HTML extraction (`html`) when the input
is HTML → mojibake repair → `normalize` → boilerplate removal (`text`) → `normalize`
again → metadata (`metadata`). The stored `Article.text` is the final normalised
string; every later offset indexes it.

Rejection reasons: ``too-large`` (bytes or lines), ``empty``, ``binary``, ``no-content`` (below
`Settings.min_words` words after cleaning, or an error page only), ``timeout`` (cleaning
took over `Settings.clean_timeout` seconds; see `deadline`). Every `Article` and
`Rejection` it returns can be stored: `fields` removes NULs and lone surrogates and cuts
sized fields to their columns.
"""

from __future__ import annotations

import re

from newsprism.clean import fields
from newsprism.clean.deadline import CleanTimeout, Deadline, deadline
from newsprism.clean.decode import BinaryContent, fix_mojibake, to_text
from newsprism.clean.html import extract
from newsprism.clean.metadata import (
    content_hash,
    iso_date,
    language_of,
    outlet_for,
    title_for,
    word_count,
)
from newsprism.clean.normalize import normalize
from newsprism.clean.text import clean_text
from newsprism.config import Settings, load_settings
from newsprism.models import Article, RawDocument, Rejection

__all__ = ["clean"]

# The first tag of an HTML page, after leading whitespace and comments (see `_looks_like_html`).
_HTML_TAG = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I)
_SPACES = re.compile(r"\s*")


# More lines than this is a dump, not an article (the longest of the 181 benchmark
# articles has 479); the line rules cost ~30 µs a line, so this bounds one document to
# well under a second. Candidate for a Settings field.
MAX_LINES = 20_000
# Whitespace plus the invisible characters `normalize` deletes (BOM, zero-width space...).
_BLANK = " \t\n\r\x0b\x0c\u00a0\u200b\u2060\ufeff\u00ad\u3000"


def _looks_like_html(text: str) -> bool:
    """Whether `text` starts (after whitespace and comments) with an HTML page's first tag.

    A loop over the comments, not one pattern: ``(?:<!--.*?-->\\s*)*`` let a comment's
    ``.*?`` run over the next ones, and 28 ``<!-- c -->`` took 86 s to fail; this is linear.
    """
    pos = 0
    while True:
        pos = _SPACES.match(text, pos).end()  # type: ignore[union-attr]  # \s* always matches
        if not text.startswith("<!--", pos):
            return bool(_HTML_TAG.match(text, pos))
        close = text.find("-->", pos + 4)
        if close < 0:
            return False
        pos = close + 3


def _size(content: str | bytes, limit: int) -> int:
    if isinstance(content, bytes) or len(content) * 4 <= limit:
        return len(content)
    return len(content.encode("utf-8", "surrogatepass"))


def clean(doc: RawDocument, settings: Settings | None = None) -> Article | Rejection:
    """Turn one raw document into a clean article, or say why it cannot be one.

    Raises TypeError for a wrong argument type; every problem of the content itself
    becomes a `Rejection` or a note in `Article.problems`.
    """
    if not isinstance(doc, RawDocument):
        raise TypeError(f"clean() takes a RawDocument, not {type(doc).__name__}")
    settings = settings or load_settings()
    budget = settings.clean_timeout
    try:
        with deadline(budget) as d:
            return _clean(doc, settings, d)
    except CleanTimeout:
        return fields.rejection(
            Rejection(
                id=doc.id,
                origin=doc.origin,
                stage="clean",
                reason="timeout",
                detail=f"cleaning took over {budget:g} s (NEWSPRISM_CLEAN_TIMEOUT); the input is probably "
                "hostile or broken markup (e.g. hundreds of thousands of empty elements)",
            )
        )


def _clean(doc: RawDocument, settings: Settings, d: Deadline) -> Article | Rejection:
    def reject(reason: str, detail: str) -> Rejection:
        return fields.rejection(
            Rejection(id=doc.id, origin=doc.origin, stage="clean", reason=reason, detail=detail)
        )

    size = _size(doc.content, settings.max_record_bytes)
    if size > settings.max_record_bytes:
        return reject(
            "too-large",
            f"{size:,} bytes is over the {settings.max_record_bytes:,}-byte limit per document; "
            "raise NEWSPRISM_MAX_RECORD_BYTES if this is really one article",
        )
    problems: list[str] = []
    try:
        text = to_text(doc.content, doc.encoding, problems)
    except BinaryContent as exc:
        return reject("binary", f"not text: {exc}")
    if not text.strip(_BLANK):
        return reject("empty", "the document has no text")

    d.check()
    kind = doc.kind
    if kind == "text" and _looks_like_html(text):
        kind = "html"
        problems.append("text input is an HTML page; extracted it as HTML")
    html_title = sitename = html_date = None
    url = doc.url
    if kind == "html":
        page = extract(text, doc.url)
        problems.extend(page.problems)
        if not page.text.strip():
            hint = "; ".join(page.problems) or "the page may be a script-only app, an index or a paywall"
            return reject("no-content", f"no article text found in the HTML ({hint})")
        text, html_title, sitename, html_date = page.text, page.title, page.sitename, page.date
        url = url or page.url

    d.check()
    text = normalize(fix_mojibake(text, problems))
    d.check()
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        return reject(
            "too-large",
            f"{lines:,} lines of text; one article has at most {MAX_LINES:,}. Split the input into articles",
        )
    result = clean_text(text, flat=kind == "text", check=d.check)
    text = normalize(result.text)
    d.check()
    words = word_count(text)
    if words < settings.min_words:
        what = "an error page" if result.error_page else "too little text"
        return reject(
            "no-content",
            f"{what}: {words} words after cleaning, fewer than min_words={settings.min_words}",
        )
    if result.error_page:
        problems.append("removed error-page text around the article")
    return fields.article(
        Article(
            id=doc.id,
            origin=doc.origin,
            source=outlet_for(doc.source, sitename, url, doc.origin, doc.id, text),
            title=title_for(doc.title, html_title, text),
            text=text,
            url=url,
            published=doc.published or iso_date(html_date) or iso_date(result.published),
            language=language_of(text),
            word_count=words,
            content_hash=content_hash(text),
            removed=result.removed,
            problems=problems,
        )
    )
