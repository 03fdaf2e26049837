"""The FastAPI application: server-rendered pages and the JSON API over one store.

    app = create_app(load_settings(db="sqlite:///newsprism.db"), token="s3cret")

Pages: `/` (stories, search), `/stories/{id}`, `/articles/{id}`, `/runs/{id}`,
`/ingest`, `/docs` (the API reference, rendered here from `/openapi.json`). API under
`/api/v1/`; a story is served as a `newsprism.report/1` document holding that story
and its articles, so API clients read the same shapes as `analyze --json`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsprism import __version__
from newsprism.alerts.atom import alerts_atom
from newsprism.config import Settings
from newsprism.report import build_report
from newsprism.store import Store
from newsprism.web import queries
from newsprism.web.ingest import Upload, parse_urls, run_ingest
from newsprism.web.security import SecurityHeaders, WriteAccess
from newsprism.web.settings import WebSettings, load_web_settings
from newsprism.web.views import (
    article_spans,
    claim_matrix,
    computed_sections,
    highlighted,
    source_chart,
    timeline,
)

__all__ = ["create_app"]

PACKAGE = resources.files("newsprism.web")
# Multipart framing around the files (boundaries, part headers, the URL field).
FORM_OVERHEAD = 1_000_000

INGEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                          "description": "text, HTML, JSONL, WARC or feed files"},
                "urls": {"type": "string", "description": "http(s) URLs, one per line"}}}},
            "application/json": {"schema": {"type": "object", "properties": {
                "urls": {"type": "array", "items": {"type": "string"}}}}},
        },
    }
}


def _safe_url(url: object) -> str | None:
    """The URL if it is http(s) (never javascript:, data:, ...), else None."""
    if not isinstance(url, str):
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(PACKAGE / "templates"))
    templates.env.autoescape = True  # every template, whatever its extension
    templates.env.filters["safe_url"] = _safe_url
    templates.env.globals["version"] = __version__
    return templates


def _story_doc(store: Store, story: Any, articles: list) -> dict[str, Any]:
    """The story's report document with its stored analysis, if any (`analysis` says its
    state: a GET never computes one; a worker does, see `newsprism work`)."""
    entry = story.to_report()
    state = queries.story_analysis(store, story, articles)
    entry.update(state.sections or {})
    doc = build_report(articles, stories=[entry])
    doc["computed"] = computed_sections(doc["stories"][0])
    doc["analysis"] = state.to_json()
    return doc


def create_app(settings: Settings, *, token: str | None = None, open_: bool = False,
               web: WebSettings | None = None) -> FastAPI:
    """The app over the store at `settings.db`. Writes need `token` unless `open_`
    (see `newsprism.web.security`)."""
    web = web or load_web_settings()
    store = Store(settings.db)
    access = WriteAccess(token, open_)
    templates = _templates()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(title="newsprism", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Stories, articles and ingest over a newsprism store. Shapes follow the report "
                              "contract (`newsprism.report/1`).")
    app.state.store, app.state.settings, app.state.web, app.state.access = store, settings, web, access
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(PACKAGE / "static")), name="static")

    def page(request: Request, name: str, code: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"open": access.open, **context}, status_code=code)

    @app.exception_handler(StarletteHTTPException)
    async def _errors(request: Request, exc: StarletteHTTPException) -> Any:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return page(request, "error.html", exc.status_code, status=exc.status_code, detail=exc.detail)

    # -- API -------------------------------------------------------------------------
    @app.get("/api/v1/stories", tags=["stories"])
    def api_stories(q: str = Query("", max_length=500, description="words that must all occur in an article"),
                    limit: int = Query(web.page_size, ge=1, le=500), offset: int = Query(0, ge=0)) -> dict:
        """Stories, newest first (report `stories[]` entries, with counts)."""
        found = queries.list_stories(store, query=q, limit=limit, offset=offset)
        return {"total": found.total, "limit": limit, "offset": offset,
                "stories": [{**s.to_report(), "n_articles": len(s.articles), "n_origins": len(s.origins)}
                            for s in found.stories]}

    @app.get("/api/v1/stories/{story_id}", tags=["stories"])
    def api_story(story_id: str) -> dict:
        """One story as a `newsprism.report/1` document: `stories[0]` and its `articles`.
        `computed` says which later sections (brief, claims, ...) exist, `analysis` where
        the story's analysis stands (none, queued, computing, failed, done, outdated)."""
        found = queries.story_with_articles(store, story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return _story_doc(store, *found)

    @app.get("/api/v1/articles/{ident:path}", tags=["articles"])
    def api_article(ident: str) -> dict:
        """An article (report `articles[]` entry, with what cleaning removed), by content
        hash or by the id it was stored under; `stories` lists its story."""
        view = queries.find_article(store, ident)
        if view is None:
            raise HTTPException(404, f"no article {ident!r}")
        entry = build_report([view.article])["articles"][0]
        return {**entry, "stories": view.stories, "computed": {"mentions": False, "claims": False}}

    @app.get("/api/v1/entities", tags=["entities"])
    def api_entities(name: str = Query("", max_length=200, description="a name, in any spelling"),
                     limit: int = Query(100, ge=1, le=1000)) -> dict:
        """Canonical entities across the stories' stored analyses, with their spellings and, per
        story, their roles and the claims naming them; `computed: false` until a story is analysed."""
        return queries.entities(store, name=name, limit=limit)

    @app.get("/api/v1/contradictions", tags=["entities"])
    def api_contradictions(kind: str = Query("", max_length=32, description="number, role, name, quote, ..."),
                           since: date | None = None, until: date | None = None,
                           limit: int = Query(200, ge=1, le=1000)) -> dict:
        """Contradictions across the stories' stored analyses, newest first, by kind and date
        (the latest publication day of the articles their statements come from)."""
        return queries.contradictions(store, kind=kind, since=since, until=until, limit=limit)

    @app.get("/alerts.atom", tags=["alerts"], response_class=Response)
    def alerts_feed(request: Request) -> Response:
        """The latest 100 alerts (see `newsprism.alerts`) as an Atom feed, newest first."""
        return Response(alerts_atom(store.alerts(limit=100), base_url=str(request.base_url)),
                        media_type="application/atom+xml")

    @app.get("/api/v1/runs", tags=["runs"])
    def api_runs() -> dict:
        """The runs of the store (CLI and web ingests), oldest first."""
        return {"runs": [{"id": r.id, "status": r.status, "inputs": r.inputs, "ok": r.n_ok, "new": r.n_new,
                          "rejected": r.n_rejected, "started_at": r.started_at.isoformat(),
                          "finished_at": r.finished_at.isoformat() if r.finished_at else None}
                         for r in store.runs()]}

    async def _read_ingest(request: Request) -> tuple[list[Upload], str, str | None]:
        declared = request.headers.get("content-length")
        if declared is None or not declared.isdigit():
            raise HTTPException(411, "a Content-Length is required")
        if int(declared) > web.max_upload_bytes + FORM_OVERHEAD:
            raise HTTPException(413, f"upload of {int(declared):,} bytes is over the {web.max_upload_bytes:,}-byte "
                                     "limit (NEWSPRISM_WEB_MAX_UPLOAD_BYTES)")
        if request.headers.get("content-type", "").startswith("application/json"):
            try:
                body = json.loads(await request.body())
                urls = body.get("urls", [])
                assert isinstance(urls, list) and all(isinstance(u, str) for u in urls)
            except (ValueError, AttributeError, AssertionError) as exc:
                raise HTTPException(422, 'expected {"urls": ["https://...", ...]}') from exc
            return [], "\n".join(urls), None
        uploads, total = [], 0
        try:
            async with request.form(max_files=web.max_files, max_fields=10) as form:
                for f in form.getlist("files"):
                    if not isinstance(f, UploadFile) or not f.filename:
                        continue
                    data = await f.read(web.max_upload_bytes + 1 - total)
                    total += len(data)
                    if total > web.max_upload_bytes:
                        raise HTTPException(413, f"uploads are over the {web.max_upload_bytes:,}-byte limit "
                                                 "(NEWSPRISM_WEB_MAX_UPLOAD_BYTES)")
                    uploads.append(Upload(f.filename, data))
                urls_field, token_field = form.get("urls"), form.get("token")
        except HTTPException:
            raise
        except Exception as exc:  # starlette: too many files/fields, malformed multipart
            raise HTTPException(400, f"cannot read the form: {exc}") from exc
        return (uploads, urls_field if isinstance(urls_field, str) else "",
                token_field if isinstance(token_field, str) else None)

    async def _ingest(request: Request) -> dict[str, Any]:
        early = access.open or request.headers.get("authorization") is not None
        if early:  # refuse before reading a large body when the answer is known
            access.check(request)
        uploads, urls_text, form_token = await _read_ingest(request)
        if not early:
            access.check(request, form_token)
        urls, bad = parse_urls(urls_text)
        if len(urls) > web.max_urls:
            raise HTTPException(413, f"{len(urls)} URLs, over the limit of {web.max_urls} per request")
        if not uploads and not urls and not bad:
            raise HTTPException(422, "nothing to ingest: give files or http(s) URLs")
        result = await run_in_threadpool(run_ingest, store, settings, web, uploads=uploads, urls=urls)
        doc = result.to_json()
        doc["items"] = doc["items"] + bad
        return doc

    @app.post("/api/v1/ingest", tags=["ingest"], openapi_extra=INGEST_BODY)
    async def api_ingest(request: Request) -> dict:
        """Read, clean and store uploaded files and/or URLs (the pipeline of `newsprism ingest`),
        then assign stories. One result per input item, in order: `ok` with its article and
        story, or `rejected` with stage, reason and detail. Needs `Authorization: Bearer`."""
        return await _ingest(request)

    # -- pages -----------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, q: str = Query("", max_length=500), page_no: int = Query(1, ge=1,
                     alias="page")) -> HTMLResponse:
        found = queries.list_stories(store, query=q, limit=web.page_size,
                                     offset=(page_no - 1) * web.page_size)
        runs = store.runs()[-5:][::-1]
        return page(request, "stories.html", found=found, q=q, page_no=page_no, page_size=web.page_size,
                    runs=runs, unassigned=queries.unassigned_count(store))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str) -> HTMLResponse:
        found = queries.story_with_articles(store, story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id!r}")
        doc = _story_doc(store, *found)
        story, articles = doc["stories"][0], doc["articles"]
        by_id = {a["id"]: a for a in articles}
        return page(request, "story.html", story=story, articles=articles, by_id=by_id, computed=doc["computed"],
                    analysis=doc["analysis"],
                    matrix=claim_matrix(story, articles), chart=source_chart(story, articles),
                    timeline=timeline(articles))

    @app.get("/articles/{ident:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, ident: str) -> HTMLResponse:
        view = queries.find_article(store, ident)
        if view is None:
            raise HTTPException(404, f"no article {ident!r}")
        entry = build_report([view.article])["articles"][0]
        analysed = next((found.analysis.to_report() for sid in view.stories
                         if (found := store.analysis(sid)) is not None and entry["id"] in found.analysis.articles),
                        None)
        spans = article_spans(analysed, entry["id"]) if analysed else []
        return page(request, "article.html", a=entry, stories=view.stories, analysed=analysed is not None,
                    paragraphs=highlighted(entry["text"], spans))

    @app.get("/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
    def run_page(request: Request, run_id: int) -> HTMLResponse:
        run = store.run(run_id)
        if run is None:
            raise HTTPException(404, f"no run {run_id}")
        return page(request, "run.html", run=run, items=store.run_items(run_id))

    @app.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_page(request: Request) -> HTMLResponse:
        return page(request, "ingest.html", web=web, result=None)

    @app.post("/ingest", response_class=HTMLResponse, include_in_schema=False)
    async def ingest_form(request: Request) -> HTMLResponse:
        """The form without JavaScript: the same ingest, the results as a page."""
        return page(request, "ingest.html", web=web, result=await _ingest(request))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs_page(request: Request) -> HTMLResponse:
        return page(request, "docs.html", spec=app.openapi())

    return app
