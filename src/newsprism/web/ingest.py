"""Ingest from the web: uploaded files and pasted URLs through the CLI's pipeline.

`run_ingest` saves the uploads under a temporary directory (names reduced to safe
characters; the file stem stays the article id, as on the command line), runs
`pipeline.process` on them and on the URLs (fetched through the SSRF-guarded client),
updates the story index (`pipeline.index_stories`), and returns one result per input
item, in input order: the stored article and its story, or the rejection and why.
Anything that is not an http(s) URL in the URL list is rejected here (`bad-url`): a
path typed there must never read the server's files.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsprism.config import Settings
from newsprism.pipeline import index_stories, process
from newsprism.store import Store
from newsprism.stories import EncoderError
from newsprism.web.settings import WebSettings
from newsprism.web.ssrf import BlockedAddress, check_host, guarded_client, system_resolver

__all__ = ["IngestResult", "Upload", "parse_urls", "run_ingest", "safe_name"]

# One ingest at a time: the pipeline is CPU-bound and the story index has one writer.
_lock = threading.Lock()


@dataclass(slots=True)
class Upload:
    filename: str
    data: bytes


@dataclass(slots=True)
class IngestResult:
    run: dict[str, Any] | None
    items: list[dict[str, Any]] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)  # ids of the stories the run's articles are in
    stories_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"run": self.run, "items": self.items, "stories": self.stories, "stories_error": self.stories_error}


def safe_name(filename: str, taken: set[str]) -> str:
    """A file name safe to create: the base name, `[\\w.-]` only, no leading dot, unique in `taken`."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[^\w.\-]+", "_", base).lstrip(".") or "upload"
    base = base[:120]
    stem, dot, ext = base.rpartition(".") if "." in base else (base, "", "")
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{stem}~{n}{dot}{ext}"
    taken.add(name.lower())
    return name


def parse_urls(text: str) -> tuple[list[str], list[dict[str, Any]]]:
    """http(s) URLs from pasted text (one per line or whitespace-separated), and a
    rejection item for anything else."""
    urls: list[str] = []
    bad: list[dict[str, Any]] = []
    for token in (text or "").split():
        parts = urlsplit(token)
        if parts.scheme.lower() in ("http", "https") and parts.hostname:
            urls.append(token)
        else:
            bad.append(_rejected(token, "ingest", "bad-url",
                                 "not an http(s) URL; upload files with the file field instead"))
    return list(dict.fromkeys(urls)), bad


def _rejected(item_id: str, stage: str, reason: str, detail: str) -> dict[str, Any]:
    return {"id": item_id, "status": "rejected", "article": None, "title": "", "source": "", "story": None,
            "rejection": {"stage": stage, "reason": reason, "detail": detail}}


def run_ingest(store: Store, settings: Settings, web: WebSettings, *, uploads: list[Upload], urls: list[str],
               index: bool = True) -> IngestResult:
    """Store `uploads` and `urls` as one run (see the module docstring). URLs whose host
    resolves to a refused address are rejected (`blocked-address`) before the run."""
    urls = list(urls)
    with _lock:
        tmp = Path(tempfile.mkdtemp(prefix="newsprism-upload-"))
        try:
            taken: set[str] = set()
            inputs = []
            for up in uploads:
                path = tmp / safe_name(up.filename, taken)
                path.write_bytes(up.data)
                inputs.append(str(path))
            blocked: list[dict[str, Any]] = []
            if not web.allow_private_urls:  # say why at once (the client refuses them anyway, also redirects)
                for url in list(urls):
                    parts = urlsplit(url)
                    try:
                        check_host(parts.hostname or "", parts.port or 80, system_resolver)
                    except (BlockedAddress, ValueError) as exc:
                        urls.remove(url)
                        blocked.append(_rejected(url, "ingest", "blocked-address", str(exc)))
            inputs += urls
            if not inputs:
                return IngestResult(None, blocked)
            with guarded_client(allow_private=web.allow_private_urls) as client:
                result = process(inputs, store=store, settings=settings, client=client)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        out = IngestResult({"id": result.run.id, "ok": result.run.n_ok, "new": result.run.n_new,
                            "rejected": result.run.n_rejected})
        if index:
            try:
                index_stories(store)
            except EncoderError as exc:
                out.stories_error = f"stories not updated (the articles are stored): {exc}"
        items = store.run_items(result.run.id)
        story_of = store.stories_of([it.article.content_hash for it in items if it.article])
        for it in items:
            if it.article is not None:
                a = it.article
                out.items.append({"id": it.id, "status": "ok", "article": a.content_hash, "title": a.title,
                                  "source": a.source, "story": story_of.get(a.content_hash), "rejection": None})
            elif it.rejection is not None:
                r = it.rejection  # the upload directory is nobody's business
                out.items.append(_rejected(it.id, r.stage, r.reason, r.detail.replace(f"{tmp}/", "")))
        out.items += blocked
        out.stories = list(dict.fromkeys(i["story"] for i in out.items if i["story"]))
        return out
