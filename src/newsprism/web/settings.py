"""Settings of the web application: defaults here, overridden by `NEWSPRISM_WEB_<FIELD>`
environment variables (e.g. `NEWSPRISM_WEB_ALLOW_PRIVATE_URLS=true`), then by arguments."""

from __future__ import annotations

from dataclasses import dataclass, replace

from newsprism.config import env_overrides

__all__ = ["WebSettings", "load_web_settings"]


@dataclass(frozen=True, slots=True)
class WebSettings:
    # One upload request (all files together). News pages are < 1 MB of HTML; 50 MB
    # leaves room for a WARC or JSONL bundle and matches the CLI's per-file cap.
    max_upload_bytes: int = 50_000_000
    max_files: int = 200
    max_urls: int = 100
    # URL ingest refuses hosts that resolve to private, loopback, link-local or other
    # non-global addresses (SSRF). Set only for a deployment that must read an intranet.
    allow_private_urls: bool = False
    # Stories per page of the list (and the API's default `limit`).
    page_size: int = 50
    # Names the server answers to in the `Host` header (any port; `*` for any name): a
    # guard against DNS rebinding. `serve --open` allows the loopback names only; `serve
    # --host NAME` adds NAME. Set the public name(s) for a deployment behind a proxy.
    allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
    # A JSON ingest body is a list of URLs: max_urls of a few kB each fit in 1 MB; deeper
    # nesting than `{"urls": [...]}` needs is refused before parsing (the parser recurses).
    max_json_bytes: int = 1_000_000
    max_json_depth: int = 16


def load_web_settings(**overrides: object) -> WebSettings:
    """Defaults, then `NEWSPRISM_WEB_*` environment variables, then explicit overrides."""
    settings = WebSettings()
    settings = replace(settings, **env_overrides(settings, "NEWSPRISM_WEB_"))  # type: ignore[arg-type]
    return replace(settings, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
