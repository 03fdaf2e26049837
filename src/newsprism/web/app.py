"""The FastAPI application: server-rendered pages and the JSON API over one store.

    app = create_app(load_settings(db="sqlite:///newsprism.db"), token="s3cret")

Pages: `/` (stories, search), `/stories/{id}`, `/articles/{id}`, `/runs/{id}`,
`/entities` and `/contradictions` (across stories), `/ingest`, `/docs` (the API reference, rendered here from `/openapi.json`). API under
`/api/v1/`; a story is served as a `newsprism.report/1` document holding that story
and its articles, so API clients read the same shapes as `analyze --json`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsprism import __version__
from newsprism.alerts.atom import alerts_atom
from newsprism.brief.markdown import report_markdown
from newsprism.config import Settings
from newsprism.report import build_report
from newsprism.report.tables import claims_csv, contradictions_csv
from newsprism.store import Store
from newsprism.web import queries
from newsprism.web.across import CONTRADICTION_KINDS, StoryRefs, contradiction_cards, entity_cards
from newsprism.web.ingest import Upload, parse_urls, run_ingest
from newsprism.web.security import (
    HEADERS,
    LOOPBACK_HOSTS,
    AllowedHosts,
    SecurityHeaders,
    WriteAccess,
    parse_json_body,
    public_path,
)
from newsprism.web.settings import WebSettings, load_web_settings
from newsprism.web.views import (
    KINDS,
    SORTS,
    STATUSES,
    MatrixFilter,
    article_spans,
    computed_sections,
    highlighted,
    story_sections,
)

__all__ = ["create_app"]

PACKAGE = resources.files("newsprism.web")
# Multipart framing around the files (boundaries, part headers, the URL field).
FORM_OVERHEAD = 1_000_000
# Bounds of integer parameters: a database integer is 32 or 64 bits, Python's is not
# (`offset=2**63` raised OverflowError in the driver, a 500). No store holds a billion rows.
MAX_ROW = 1_000_000_000
MAX_ID = 2**31 - 1
# Entities the entity page lists without a name, and cards it shows for a name (each card
# reads the stories it names).
ENTITY_LIST = 500
ENTITY_CARDS = 50

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


def _text_param(*values: str) -> None:
    """422 for a NUL character in a text parameter (PostgreSQL refuses it in any string)."""
    if any("\x00" in v for v in values):
        raise HTTPException(422, "a parameter holds a NUL character")


def _date_param(value: str, name: str) -> date | None:
    """A date parameter of a page form: empty is none, else YYYY-MM-DD (422 otherwise)."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{name}={value!r} is not a date: give YYYY-MM-DD") from None


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(PACKAGE / "templates"))
    templates.env.autoescape = True  # every template, whatever its extension
    templates.env.filters["safe_url"] = _safe_url
    templates.env.filters["public_path"] = public_path
    templates.env.globals["version"] = __version__
    return templates


def _story_doc(store: Store, story: Any, articles: list) -> dict[str, Any]:
    """The story's report document with its stored analysis, if any (`analysis` says its
    state: a GET never computes one; a worker does, see `newsprism work`)."""
    entry = story.to_report()
    state = queries.story_analysis(store, story, articles)
    entry.update(state.sections or {})
    doc = build_report(articles, stories=[entry])
    for a in doc["articles"]:
        a["origin"] = public_path(a["origin"])
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
    app.add_middleware(AllowedHosts, hosts=LOOPBACK_HOSTS if open_ else web.allowed_hosts)
    app.add_middleware(SecurityHeaders)  # the outermost: host refusals carry the headers too
    app.mount("/static", StaticFiles(directory=str(PACKAGE / "static")), name="static")

    def page(request: Request, name: str, code: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"open": access.open, **context}, status_code=code)

    @app.exception_handler(StarletteHTTPException)
    async def _errors(request: Request, exc: StarletteHTTPException) -> Any:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return page(request, "error.html", exc.status_code, status=exc.status_code, detail=exc.detail)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Any:
        # answered outside the middleware stack (Starlette's ServerErrorMiddleware): the
        # headers are set here; the exception is logged by the server, never shown
        return JSONResponse({"detail": "internal error"}, status_code=500, headers=HEADERS)

    # -- API -------------------------------------------------------------------------
    @app.get("/api/v1/stories", tags=["stories"])
    def api_stories(q: str = Query("", max_length=500, description="words that must all occur in an article"),
                    limit: int = Query(web.page_size, ge=1, le=500),
                    offset: int = Query(0, ge=0, le=MAX_ROW)) -> dict:
        """Stories, newest first (report `stories[]` entries, with counts)."""
        _text_param(q)
        found = queries.list_stories(store, query=q, limit=limit, offset=offset)
        return {"total": found.total, "limit": limit, "offset": offset,
                "stories": [{**s.to_report(), "n_articles": len(s.articles), "n_origins": len(s.origins)}
                            for s in found.stories]}

    @app.get("/api/v1/stories/{story_id}", tags=["stories"])
    def api_story(story_id: str) -> dict:
        """One story as a `newsprism.report/1` document: `stories[0]` and its `articles`.
        `computed` says which later sections (brief, claims, ...) exist, `analysis` where
        the story's analysis stands (none, queued, computing, failed, done, outdated)."""
        _text_param(story_id)
        found = queries.story_with_articles(store, story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return _story_doc(store, *found)

    def _analysed(story_id: str) -> dict[str, Any]:
        """The story's document with its stored analysis; 409 while it has none (a GET never
        computes one: the worker does, see `newsprism work`)."""
        _text_param(story_id)
        found = queries.story_with_articles(store, story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id!r}")
        doc = _story_doc(store, *found)
        if not doc["computed"].get("claims"):
            raise HTTPException(409, f"story {story_id!r} has no analysis yet (state: {doc['analysis'].get('state')})")
        return doc

    def _download(body: str, media_type: str, name: str) -> Response:
        return Response(body, media_type=media_type,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    csv_response = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"}}

    @app.get("/api/v1/stories/{story_id}/claims.csv", tags=["stories"], response_class=Response,
             responses=csv_response)
    def api_claims_csv(story_id: str) -> Response:
        """The story's claims, one row per claim (header row first): status, kind, whether it is
        check-worthy, origins, the outlets that state / contradict / omit it, quoted evidence.
        409 while the story has no stored analysis."""
        doc = _analysed(story_id)
        return _download(claims_csv(doc["stories"][0], doc["articles"]), "text/csv; charset=utf-8",
                         f"{story_id}-claims.csv")

    @app.get("/api/v1/stories/{story_id}/contradictions.csv", tags=["stories"], response_class=Response,
             responses=csv_response)
    def api_contradictions_csv(story_id: str) -> Response:
        """The story's contradictions, one row per contradiction (header row first): kind,
        confidence, explanation, outlets, each side as a whole quoted sentence with its date."""
        doc = _analysed(story_id)
        return _download(contradictions_csv(doc["stories"][0], doc["articles"]), "text/csv; charset=utf-8",
                         f"{story_id}-contradictions.csv")

    @app.get("/api/v1/stories/{story_id}/brief.md", tags=["stories"], response_class=Response,
             responses={200: {"content": {"text/markdown": {"schema": {"type": "string"}}}, "description": "Markdown"}})
    def api_brief_md(story_id: str) -> Response:
        """The story's brief and claims as Markdown (as `analyze --md` writes them)."""
        doc = _analysed(story_id)
        return _download(report_markdown(doc), "text/markdown; charset=utf-8", f"{story_id}-brief.md")

    @app.get("/api/v1/articles/{ident:path}", tags=["articles"])
    def api_article(ident: str) -> dict:
        """An article (report `articles[]` entry, with what cleaning removed), by content
        hash or by the id it was stored under; `stories` lists its story."""
        _text_param(ident)
        view = queries.find_article(store, ident)
        if view is None:
            raise HTTPException(404, f"no article {ident!r}")
        entry = build_report([view.article])["articles"][0]
        entry["origin"] = public_path(entry["origin"])
        return {**entry, "stories": view.stories, "computed": {"mentions": False, "claims": False}}

    @app.get("/api/v1/entities", tags=["entities"])
    def api_entities(name: str = Query("", max_length=200, description="a name, in any spelling"),
                     limit: int = Query(100, ge=1, le=1000)) -> dict:
        """Canonical entities across the stories' stored analyses, with their spellings and, per
        story, their roles and the claims naming them; `computed: false` until a story is analysed."""
        _text_param(name)
        return queries.entities(store, name=name, limit=limit)

    @app.get("/api/v1/contradictions", tags=["entities"])
    def api_contradictions(kind: str = Query("", max_length=32, description="number, role, name, quote, ..."),
                           since: date | None = None, until: date | None = None,
                           limit: int = Query(200, ge=1, le=1000)) -> dict:
        """Contradictions across the stories' stored analyses, newest first, by kind and date
        (the latest publication day of the articles their statements come from)."""
        _text_param(kind)
        return queries.contradictions(store, kind=kind, since=since, until=until, limit=limit)

    @app.get("/alerts.atom", tags=["alerts"], response_class=Response)
    def alerts_feed(request: Request) -> Response:
        """The latest 100 alerts (see `newsprism.alerts`) as an Atom feed, newest first."""
        return Response(alerts_atom(store.alerts(limit=100), base_url=str(request.base_url)),
                        media_type="application/atom+xml")

    @app.get("/api/v1/runs", tags=["runs"])
    def api_runs() -> dict:
        """The runs of the store (CLI and web ingests), oldest first."""
        return {"runs": [{"id": r.id, "status": r.status, "inputs": [public_path(i) for i in r.inputs], "ok": r.n_ok, "new": r.n_new,
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
            if int(declared) > web.max_json_bytes:  # refused before the body is read
                raise HTTPException(413, f"JSON body of {int(declared):,} bytes is over the "
                                         f"{web.max_json_bytes:,}-byte limit")
            body = parse_json_body(await request.body(), max_bytes=web.max_json_bytes,
                                   max_depth=web.max_json_depth)
            urls = body.get("urls", []) if isinstance(body, dict) else None
            if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
                raise HTTPException(422, 'expected {"urls": ["https://...", ...]}')
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
                     le=MAX_ROW // 500, alias="page")) -> HTMLResponse:
        _text_param(q)
        found = queries.list_stories(store, query=q, limit=web.page_size,
                                     offset=(page_no - 1) * web.page_size)
        runs = store.runs()[-5:][::-1]
        return page(request, "stories.html", found=found, q=q, page_no=page_no, page_size=web.page_size,
                    runs=runs, unassigned=queries.unassigned_count(store))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str,
                   all_claims: bool = Query(False, alias="all"), status: str = Query("", max_length=20),
                   kind: str = Query("", max_length=20), source: str = Query("", max_length=500),
                   sort: str = Query("rank", max_length=20)) -> HTMLResponse:
        _text_param(story_id, source)
        filt = MatrixFilter(all=all_claims, status=status if status in STATUSES else "",
                            kind=kind if kind in KINDS else "", source=source,
                            sort=sort if sort in SORTS else "rank")
        found = queries.story_with_articles(store, story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id!r}")
        doc = _story_doc(store, *found)
        story, articles = doc["stories"][0], doc["articles"]
        by_id = {a["id"]: a for a in articles}
        return page(request, "story.html", story=story, articles=articles, by_id=by_id, computed=doc["computed"],
                    analysis=doc["analysis"], **story_sections(story, articles, filt))

    @app.get("/articles/{ident:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, ident: str,
                     hl: str = Query("", max_length=25, pattern=r"^(\d{1,9}-\d{1,9})?$",
                                     description="start-end of a passage to highlight")) -> HTMLResponse:
        _text_param(ident)
        view = queries.find_article(store, ident)
        if view is None:
            raise HTTPException(404, f"no article {ident!r}")
        entry = build_report([view.article])["articles"][0]
        stored = [found.analysis for sid in view.stories if (found := store.analysis(sid)) is not None]
        analysed = next((a.to_report() for a in stored if entry["id"] in a.articles), None)
        stale = analysed is None and bool(stored)  # the article joined its story after the analysis
        spans = article_spans(analysed, entry["id"]) if analysed else []
        if hl:
            start, end = (int(x) for x in hl.split("-"))
            if start < end <= len(entry["text"]):
                spans.append((start, end, "focus"))
        return page(request, "article.html", a=entry, stories=view.stories, analysed=analysed is not None, stale=stale,
                    paragraphs=highlighted(entry["text"], spans))

    @app.get("/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
    def run_page(request: Request, run_id: int = Path(ge=1, le=MAX_ID)) -> HTMLResponse:
        run = store.run(run_id)
        if run is None:
            raise HTTPException(404, f"no run {run_id}")
        return page(request, "run.html", run=run, items=store.run_items(run_id))

    @app.get("/entities", response_class=HTMLResponse, include_in_schema=False)
    def entities_page(request: Request, name: str = Query("", max_length=200)) -> HTMLResponse:
        """Without a name, the entities across stories; with one, each entity it names (any
        spelling) with its spellings, and per story its roles and the claims naming it."""
        _text_param(name)
        name = name.strip()
        found = queries.entities(store, name=name, limit=ENTITY_CARDS if name else ENTITY_LIST)
        cards = entity_cards(found, StoryRefs(store)) if name else []
        return page(request, "entities.html", wanted=name, computed=found["computed"], cards=cards,
                    listed=[] if name else found["entities"], limit=ENTITY_CARDS if name else ENTITY_LIST)

    @app.get("/contradictions", response_class=HTMLResponse, include_in_schema=False)
    def contradictions_page(request: Request, kind: str = Query("", max_length=32),
                            since: str = Query("", max_length=32), until: str = Query("", max_length=32),
                            page_no: int = Query(1, ge=1, le=MAX_ROW // 500, alias="page")) -> HTMLResponse:
        """Contradictions across stories, newest first, filtered by kind and date."""
        _text_param(kind, since, until)
        kind = kind if kind in CONTRADICTION_KINDS else ""
        first, last = _date_param(since, "since"), _date_param(until, "until")
        found = queries.contradictions(store, kind=kind, since=first, until=last, limit=web.page_size,
                                       offset=(page_no - 1) * web.page_size)
        return page(request, "contradictions.html", computed=found["computed"], total=found["total"],
                    cards=contradiction_cards(found, StoryRefs(store)), kinds=CONTRADICTION_KINDS, kind=kind,
                    since=first.isoformat() if first else "", until=last.isoformat() if last else "",
                    page_no=page_no, page_size=web.page_size)

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
