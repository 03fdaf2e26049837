"""Shared helpers of the web tests."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from newsprism.config import load_settings
from newsprism.web import create_app, load_web_settings

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "examples" / "istanbul-2025" / "raw"
TOKEN = "test-token-5f1c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

BODY = ("Negotiators from both delegations met in the old palace on Friday and agreed to exchange "
        "prisoners within the week, officials said, while the question of a ceasefire stayed open. ")

# An article whose every field is hostile: what the pages show must never run.
HOSTILE = {
    "url": "javascript:alert('url')",
    "title": "<script>alert('title')</script><img src=x onerror=alert('title-img')>",
    "source": "<b onmouseover=alert('source')>Evil Outlet</b>",
    "published": "2025-05-16",
    "text": ("<script>alert('text')</script>\n" + BODY * 3 + "\n"
             "<a href=\"javascript:alert('link')\">click here</a> <img src=x onerror=alert('img')> "
             "<svg onload=alert('svg')></svg> \" onfocus=alert('attr') autofocus x=\"\n" + BODY * 2),
}
HOSTILE_MARKERS = ["<script>alert", "<img src=x", "<svg onload", "<b onmouseover", 'href="javascript:',
                   "href='javascript:", '" onfocus=alert']


def sample_files() -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(RAW.iterdir())]


def hostile_jsonl() -> bytes:
    return (json.dumps(HOSTILE) + "\n").encode()


def client(db_url: str, *, token: str | None = TOKEN, open_: bool = False, base_url: str = "http://localhost",
           raise_server_exceptions: bool = True, **web: object) -> TestClient:
    """A client of a fresh app; requests carry `Host: localhost` (an allowed name) by default."""
    app = create_app(load_settings(db=db_url), token=token, open_=open_, web=load_web_settings(**web))
    return TestClient(app, base_url=base_url, raise_server_exceptions=raise_server_exceptions)
