"""Single-article files (.txt, .html, their .gz) and sniffing files of unknown type.

The bytes go to the cleaner as they are (`RawDocument.content`); the cleaner decodes.
"""

from __future__ import annotations

from pathlib import Path

from newsprism.config import Settings
from newsprism.ingest.errors import Unsupported
from newsprism.ingest.guards import SNIFF_BYTES, binary_reason, check_text, open_guarded, sniff_kind
from newsprism.models import DocumentKind, RawDocument


def read_single(path: Path, *, item_id: str, kind: DocumentKind, settings: Settings) -> RawDocument:
    """One article from a whole file; raises `Empty`, `Binary`, `TooLarge`, `BadGzip`."""
    with open_guarded(path, cap=settings.max_bytes) as stream:
        content = stream.read()
    check_text(content, str(path))
    return RawDocument(id=item_id, origin=str(path), kind=kind, content=content)


def sniff_file(path: Path, settings: Settings) -> str:
    """Kind ("warc", "html", "feed") of a file with an unknown extension, from its first bytes."""
    with open_guarded(path, cap=settings.max_bytes) as stream:
        head = stream.read(SNIFF_BYTES)
    kind = sniff_kind(head)
    if kind is None:
        why = binary_reason(head)
        raise Unsupported(
            f"{path}: unknown extension, and the content is not HTML, RSS/Atom or WARC"
            + (f" (it {why})" if why else "")
            + "; rename it .txt, .html, .jsonl, .warc or .xml if that is what it is"
        )
    return kind
