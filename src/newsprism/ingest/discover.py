"""Expand the user's inputs into `Source`s, classified by name, without reading them.

`discover` is cheap (one `stat` per path, a directory listing per directory) so the
CLI can show a total before any content is read.

    >>> [(s.origin, s.kind) for s in discover(["https://example.com/a", "ftp://x/y", "nowhere.txt"])]
    [('https://example.com/a', 'url'), ('ftp://x/y', 'unsupported'), ('nowhere.txt', 'missing')]
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from newsprism.config import Settings

SourceKind = Literal[
    "text",  # .txt: one article of plain text
    "html",  # .html/.htm/.xhtml: one article page
    "jsonl",  # .jsonl/.ndjson: one article per line
    "warc",  # .warc: web archive, HTML responses become articles
    "feed",  # .xml/.rss/.atom: RSS or Atom, entries become articles
    "url",  # http(s) URL: fetched; HTML page or feed by content type
    "unknown",  # other extension: the reader sniffs the first bytes
    "missing",  # path does not exist
    "unreadable",  # directory that could not be listed
    "unsupported",  # URL scheme other than http(s)
]

_BY_SUFFIX: dict[str, SourceKind] = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


@dataclass(frozen=True, slots=True)
class Source:
    """One input to read: a file path or an http(s) URL, and how to read it.

    `origin` is the path or URL as given (or as found under a given directory);
    `gzip` says the name ends in `.gz` (readers also decompress by magic bytes);
    `note` says why discovery could not classify it (kinds missing/unreadable/unsupported).
    """

    origin: str
    kind: SourceKind
    gzip: bool = False
    note: str = ""

    @property
    def is_url(self) -> bool:
        return self.kind == "url"

    @property
    def path(self) -> Path:
        return Path(self.origin)

    @property
    def default_id(self) -> str:
        """Id of the whole input: the URL (any scheme) for URLs, else the file stem."""
        return self.origin if _SCHEME.match(self.origin) else self.stem

    @property
    def stem(self) -> str:
        """The article id of a single-article file: its name without known extensions."""
        name = self.path.name
        if name.lower().endswith(".gz"):
            name = name[:-3]
        stem, dot, suffix = name.rpartition(".")
        return stem if dot and stem else name


def classify(name: str) -> tuple[SourceKind, bool]:
    """Kind and gzip flag of a file from its name alone."""
    lower = name.lower()
    gz = lower.endswith(".gz")
    if gz:
        lower = lower[:-3]
    return _BY_SUFFIX.get(os.path.splitext(lower)[1], "unknown"), gz


def discover(
    inputs: Iterable[str],
    settings: Settings | None = None,
    *,
    on_skip: Callable[[str, str], None] | None = None,
) -> list[Source]:
    """Expand directories (recursively, in sorted order) and classify every input.

    Hidden files and directories (name starting with ".") found *inside* a directory
    are skipped and reported to `on_skip(path, "hidden")`; a hidden path given
    explicitly is read. Symlinked directories inside a tree are not followed
    (no loops) and become `Source`s that read as `unsupported`.
    `settings` is accepted for symmetry with `ingest`; discovery needs none today.
    """
    if isinstance(inputs, str | bytes):
        raise TypeError("inputs must be an iterable of paths or URLs, not a single string")
    sources: list[Source] = []
    for item in inputs:
        item = os.fspath(item)
        scheme = _SCHEME.match(item)
        if scheme and scheme.group(1).lower() in ("http", "https"):
            sources.append(Source(item, "url"))
        elif scheme:
            note = f"URL scheme {scheme.group(1)!r} is not supported; use http(s) or a local path"
            sources.append(Source(item, "unsupported", note=note))
        elif os.path.isdir(item):
            sources.extend(_walk(Path(item), on_skip))
        elif os.path.lexists(item):
            kind, gz = classify(os.path.basename(item))
            sources.append(Source(item, kind, gz))
        else:
            sources.append(Source(item, "missing", note=f"no such file or directory: {item}"))
    return sources


def _walk(root: Path, on_skip: Callable[[str, str], None] | None) -> list[Source]:
    found: list[Source] = []
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        for name in [d for d in dirnames if d.startswith(".")]:
            dirnames.remove(name)
            if on_skip:
                on_skip(os.path.join(dirpath, name), "hidden")
        for name in dirnames:
            if os.path.islink(os.path.join(dirpath, name)):  # os.walk lists but does not enter it
                filenames.append(name)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if name.startswith("."):
                if on_skip:
                    on_skip(path, "hidden")
                continue
            kind, gz = classify(name)
            found.append(Source(path, kind, gz))
    for error in errors:
        path = os.fspath(error.filename) if error.filename else os.fspath(root)
        found.append(Source(path, "unreadable", note=f"cannot list directory: {error.strerror or error}"))
    found.sort(key=lambda s: Path(s.origin).relative_to(root).parts)
    return found
