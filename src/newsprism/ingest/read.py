"""Read one `Source` into documents, turning every failure into a `Rejection`.

`read_source` never raises for a bad input: an `IngestError` becomes its Rejection,
an `OSError` while reading becomes `unreadable`, and anything else (a bug) becomes
`internal-error` with the exception named, so one input never stops the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from newsprism.config import Settings, load_settings
from newsprism.ingest.discover import Source
from newsprism.ingest.errors import INTERNAL_ERROR, Empty, IngestError, NotFound, Unreadable, Unsupported
from newsprism.ingest.feeds import read_feed
from newsprism.ingest.fetch import Fetcher, Page
from newsprism.ingest.files import read_single, sniff_file
from newsprism.ingest.guards import check_file, check_text, open_guarded, sniff_kind, streamed_cap
from newsprism.ingest.jsonl import read_jsonl
from newsprism.ingest.warc import read_warc
from newsprism.models import RawDocument, Rejection

Item = RawDocument | Rejection
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
_SNIFF_TYPES = frozenset({"", "text/xml", "application/xml", "application/octet-stream", "text/plain"})


def read_source(
    source: Source,
    settings: Settings | None = None,
    *,
    fetcher: Fetcher | None = None,
    skip: Callable[[str], None] | None = None,
) -> Iterator[Item]:
    """Documents and rejections of one source, lazily; never raises for a bad input.

    Pass one `Fetcher` shared by all sources to keep the per-host interval and the
    robots.txt cache across them; without one, a URL source gets its own, closed after.
    `skip(reason)` counts records that are not articles (WARC requests, images...).
    """
    settings = settings or load_settings()
    skip = skip or _ignore
    item_id = source.default_id
    try:
        if source.is_url and fetcher is None:
            with Fetcher(settings) as own:
                yield from _read_url(source, settings, own)
        elif source.is_url:
            yield from _read_url(source, settings, fetcher)  # type: ignore[arg-type]
        else:
            yield from _read_file(source, settings, skip)
    except IngestError as exc:
        yield exc.rejection(item_id, source.origin)
    except OSError as exc:
        yield Unreadable(f"{source.origin}: {exc.strerror or exc}").rejection(item_id, source.origin)
    except Exception as exc:  # a bug in a reader must not end the batch; name it instead
        yield Rejection(
            id=item_id,
            origin=source.origin,
            stage="ingest",
            reason=INTERNAL_ERROR,
            detail=f"{type(exc).__name__}: {exc} (a newsprism bug; please report it with this input)",
        )


def _ignore(_reason: str) -> None:
    pass


def _read_file(source: Source, settings: Settings, skip: Callable[[str], None]) -> Iterator[Item]:
    if source.kind == "missing":
        raise NotFound(f"{source.note}; check the path")
    if source.kind == "unreadable":
        raise Unreadable(source.note)
    if source.kind == "unsupported":
        raise Unsupported(source.note)
    path = source.path
    size = check_file(path, settings)
    kind = sniff_file(path, settings) if source.kind == "unknown" else source.kind
    if kind in ("text", "html"):
        yield read_single(path, item_id=source.stem, kind=kind, settings=settings)  # type: ignore[arg-type]
    elif kind == "feed":
        with open_guarded(path, cap=settings.max_bytes) as stream:
            data = stream.read()
        yield from read_feed(
            data, label=str(path), item_prefix=source.stem, origin=source.origin, settings=settings
        )
    elif kind in ("jsonl", "warc"):
        with open_guarded(path, cap=streamed_cap(size, settings)) as stream:
            if kind == "jsonl":
                yield from read_jsonl(stream, stem=source.stem, origin=source.origin, settings=settings)
            else:
                yield from read_warc(
                    stream, stem=source.stem, origin=source.origin, settings=settings, skip=skip
                )
    else:
        raise Unsupported(f"{path}: no reader for kind {kind!r}")


def _read_url(source: Source, settings: Settings, fetcher: Fetcher) -> Iterator[Item]:
    url = source.origin
    page = fetcher.get(url)
    if not page.body.strip():
        raise Empty(f"{url}: the server sent an empty body")
    kind = _page_kind(page)
    if kind == "html":
        check_text(page.body, url)
        yield RawDocument(
            id=url, origin=url, kind="html", content=page.body, url=page.url, encoding=page.charset
        )
    elif kind == "feed":
        headers = {"content-type": page.headers.get("content-type", ""), "content-location": page.url}
        yield from read_feed(
            page.body,
            label=url,
            item_prefix=url,
            origin=url,
            settings=settings,
            headers=headers,
            ids_from_links=True,
        )
    else:
        raise Unsupported(
            f"{url}: content type {page.content_type or '(none)'!r} is neither HTML nor RSS/Atom; "
            "download it and pass a file if it is an article"
        )


def _page_kind(page: Page) -> str | None:
    if page.content_type in _HTML_TYPES:
        return "html"
    if page.content_type in _FEED_TYPES:
        return "feed"
    if page.content_type in _SNIFF_TYPES:
        return sniff_kind(page.body[:8192])
    return None
