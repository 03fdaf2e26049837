"""End to end in headless Chromium (the system's `chromium`, driven by Playwright): ingest
the sample through the ingest page, open the story page, check what it shows, and save
screenshots at 1280x800 under artifacts/. A hostile article never runs a script."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from newsprism.config import load_settings
from newsprism.store import Store
from newsprism.web import create_app
from newsprism.worker import work
from tests.web_support import HOSTILE, RAW, ROOT, TOKEN, hostile_jsonl

ARTIFACTS = ROOT / "artifacts"
# The server's background worker (as `newsprism serve` runs one) starts when a test sets
# this, so that a page is seen before and after its story is analysed.
START_WORKER = threading.Event()
CHROMIUM = os.environ.get("NEWSPRISM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="end-to-end tests need Debian's chromium (make install "
                                                         "installs it, or set NEWSPRISM_CHROMIUM to a Chromium binary)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("e2e") / "web.db"
    app = create_app(load_settings(db=f"sqlite:///{db}"), token=TOKEN)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    stop = threading.Event()

    def drain() -> None:
        START_WORKER.wait()
        with Store(f"sqlite:///{db}") as store:
            work(store, stop=stop, idle_s=0.2)

    threading.Thread(target=drain, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    stop.set()
    START_WORKER.set()
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.dialogs, pg.console_errors = [], []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    yield pg
    context.close()


def _ingest(page, server: str, files: list[Path]) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/ingest")
    page.set_input_files("#files", [str(f) for f in files])
    page.fill("#token", TOKEN)
    page.click("#submit")
    page.wait_for_selector("#result-rows tr", timeout=120_000)


def test_ingest_the_sample_and_read_the_story(page, server: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    files = sorted(RAW.iterdir())
    _ingest(page, server, files)
    rows = page.locator("#result-rows tr")
    assert rows.count() == len(files)
    assert page.locator("#result-rows td.ok").count() == len(files)
    assert "5 articles (5 new), 0 rejected" in page.inner_text("#run-summary")
    page.screenshot(path=str(ARTIFACTS / "ingest.png"))

    page.locator("#result-rows a[href^='/stories/']").first.click()
    page.wait_for_selector("#story-title")
    assert page.inner_text("#n-articles") == "5 articles"
    assert page.inner_text("#n-origins") == "5 independent origins"
    assert "Istanbul" in page.inner_text("#story-title")
    for section in ("#brief", "#matrix", "#sources-chart"):  # honest empty states until those stages exist
        assert "Not computed yet" in page.inner_text(section)
    assert page.locator("#source-list tbody tr").count() == 5
    assert page.locator("#articles tbody tr").count() == 5
    page.screenshot(path=str(ARTIFACTS / "story.png"))

    assert page.get_attribute("#analysis-state", "data-state") == "queued"  # the ingest queued it; a GET computes nothing
    START_WORKER.set()  # entities, claims, framing and the brief, computed by the server's worker
    deadline = time.monotonic() + 180
    while page.get_attribute("#analysis-state", "data-state") != "done" and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    assert "with 5 articles" in page.inner_text("#analysis-state")
    page.wait_for_selector("#matrix td.cell.states", timeout=5_000)
    for section in ("#brief", "#matrix", "#sources-chart"):
        assert "Not computed yet" not in page.inner_text(section)
    assert "[" in page.inner_text("#brief")  # every brief sentence cites its sources
    page.screenshot(path=str(ARTIFACTS / "story-analysed.png"), full_page=True)  # 1280 wide: brief, chart, matrix

    page.locator("#articles tbody a").first.click()
    page.wait_for_selector("#article-title")
    assert len(page.inner_text("#text")) > 1000
    page.screenshot(path=str(ARTIFACTS / "article.png"))

    page.goto(f"{server}/?q=prisoner+exchange")
    assert page.locator("a.story-link").count() == 1
    page.screenshot(path=str(ARTIFACTS / "stories.png"))
    assert page.dialogs == [] and page.console_errors == []


def _story_id(server: str) -> str:
    with urllib.request.urlopen(f"{server}/api/v1/stories") as r:  # noqa: S310 (the local test server)
        return json.load(r)["stories"][0]["id"]


def test_the_analysed_story_as_an_analyst_reads_it(page, server: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    sid = _story_id(server)  # the sample, ingested by the test above
    page.goto(f"{server}/stories/{sid}")
    page.wait_for_selector("#matrix td.cell.states", timeout=120_000)
    # outlet names, horizontal and readable, in the matrix header; the header row sticks
    headers = page.locator("#matrix th.col")
    names = [headers.nth(i).inner_text() for i in range(headers.count())]
    assert "MENAFN" in names and not any(n.startswith("000_") for n in names)
    assert page.eval_on_selector("#matrix th.col", "e => getComputedStyle(e).writingMode") == "horizontal-tb"
    assert page.eval_on_selector("#matrix thead th", "e => getComputedStyle(e).position") == "sticky"
    # check-worthy claims first, the toggle shows everything
    shown = page.locator("#matrix tbody tr").count()
    assert set(page.locator("#matrix .tag.kind").all_inner_texts()) <= {"figure", "quote", "event"}
    page.screenshot(path=str(ARTIFACTS / "story-matrix.png"), full_page=True)
    page.click("#toggle-all")
    page.wait_for_selector("#f-all:checked")
    assert page.locator("#matrix tbody tr").count() > shown
    # filters: disputed claims only; every row then has a "contradicts" cell
    page.select_option("#f-status", "disputed")
    page.click("#f-apply")
    page.wait_for_url("**status=disputed**")
    rows = page.locator("#matrix tbody tr")
    assert rows.count() > 0
    for i in range(rows.count()):
        assert rows.nth(i).locator(".tag.disputed").count() == 1 and rows.nth(i).locator("td.cell.contradicts").count()
    # the source chart: every side, legend, values; the same counts as the brief
    summary = page.inner_text("#chart-summary").split(" (")[0]
    assert f"Coverage differs: {summary}." in page.inner_text("#brief")
    assert page.locator("#sources-chart .legend text").count() == 2
    # contradictions: whole sentences, the disputed figure marked, links to both passages
    assert "two-hour" in page.locator("#contradictions mark.disputed").all_inner_texts()
    # a matrix cell opens the article with its evidence sentence highlighted and in view
    cell = page.locator("#matrix td.cell.contradicts a").first
    quoted = cell.get_attribute("title").split(": ", 1)[1]
    cell.click()
    page.wait_for_selector("mark#hl")
    assert page.inner_text("mark#hl") in quoted and page.locator("mark#hl").is_visible()
    assert page.evaluate("() => { const r = document.getElementById('hl').getBoundingClientRect(); "
                         "return r.bottom > 0 && r.top < innerHeight; }")
    page.screenshot(path=str(ARTIFACTS / "article-evidence.png"))
    # every mark says what it is: a loaded term its technique, an entity its type
    techniques = page.eval_on_selector_all("#text mark.loaded", "els => els.map(e => e.title)")
    assert techniques and all(": " in t for t in techniques)
    types = page.eval_on_selector_all("#text mark.entity", "els => els.map(e => e.title)")
    assert any(t.endswith("(PERSON)") for t in types) and not any("Zelenskyy (LOC)" in t for t in types)
    # exports
    page.goto(f"{server}/stories/{sid}")
    with page.expect_download() as dl:
        page.click("#claims-csv")
    lines = Path(dl.value.path()).read_text("utf-8").splitlines()
    assert lines[0].startswith("claim_id,status,kind") and len(lines) > 10
    with page.expect_download() as dl:
        page.click("#contradictions-csv")
    assert Path(dl.value.path()).read_text("utf-8").startswith("n,kind,confidence")
    with page.expect_download() as dl:
        page.click("#brief-md")
    assert "### Brief" in Path(dl.value.path()).read_text("utf-8")
    assert page.dialogs == [] and page.console_errors == []


def test_the_cross_story_pages(page, server: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    sid = _story_id(server)  # the sample, analysed by the server's worker (see the first test)
    page.goto(f"{server}/stories/{sid}")
    page.wait_for_selector("#matrix td.cell.states", timeout=120_000)
    # the entity page of a name: every spelling, roles, claims, a story link
    page.goto(f"{server}/entities?name=Zelensky")
    assert page.locator("section.entity h2").first.inner_text().startswith("Volodymyr Zelenskyy")
    spellings = page.locator("ul.spellings strong").all_inner_texts()
    assert {"Zelensky", "Zelenskyy", "Vladimir Zelensky"} <= set(spellings)
    assert "president of Ukraine" in page.inner_text("ul.roles")
    assert page.locator("table.claims tbody tr").count() >= 3
    page.screenshot(path=str(ARTIFACTS / "entity.png"), full_page=True)
    page.locator("section.entity a.story-link").first.click()
    page.wait_for_selector("#story-title")
    assert page.url.endswith(f"/stories/{sid}")
    # contradictions across stories, from the navigation; then filtered by kind through the form
    page.click("header nav a[href='/contradictions']")
    page.wait_for_selector("#contradiction-count")
    cards = page.locator("#contradictions .contradiction")
    total = cards.count()
    assert total >= 4 and "two-hour" in page.locator("#contradictions mark.disputed").all_inner_texts()
    assert page.locator("#contradictions .contradiction a.story-link").count() == total
    page.screenshot(path=str(ARTIFACTS / "contradictions.png"), full_page=True)
    page.select_option("#f-kind", "number")
    page.click("#f-apply")
    page.wait_for_url("**kind=number**")
    assert 0 < cards.count() < total
    assert set(page.locator("#contradictions .contradiction > p > span.tag").all_inner_texts()) == {"number"}
    assert page.dialogs == [] and page.console_errors == []


def test_the_story_page_at_390_px(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = context.new_page()
    pg.goto(f"{server}/stories/{_story_id(server)}")
    pg.wait_for_selector("#matrix td.cell", timeout=120_000)
    # the page itself does not scroll sideways; the matrix scrolls inside its box, claims column pinned
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
    box = pg.eval_on_selector(".matrix-wrap", "e => [e.scrollWidth, e.clientWidth]")
    assert box[0] > box[1]
    assert pg.eval_on_selector("#matrix th.claim", "e => getComputedStyle(e).position") == "sticky"
    assert pg.locator("#f-apply").is_visible()
    pg.screenshot(path=str(ARTIFACTS / "story-390.png"), full_page=True)
    context.close()


def test_dns_rebinding_gets_no_page(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    # a rebinding attack: evil.example resolves to this server's address
    port = server.rsplit(":", 1)[1]
    b = browser.browser_type.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--host-resolver-rules=MAP evil.example 127.0.0.1"])
    try:
        pg = b.new_page()
        r = pg.goto(f"http://evil.example:{port}/")
        assert r is not None and r.status == 400 and "not allowed" in pg.inner_text("body")
        status = pg.evaluate("""async () => (await fetch('/api/v1/ingest', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify({urls: ['https://x.example/']})})).status""")
        assert status == 400
        assert pg.goto(f"http://localhost:{port}/").status == 200  # the loopback name is served
    finally:
        b.close()


def test_a_hostile_article_runs_nothing(page, server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    evil = tmp_path / "evil.jsonl"
    evil.write_bytes(hostile_jsonl())
    _ingest(page, server, [evil])
    assert HOSTILE["title"] in page.inner_text("#result-rows")  # shown as text
    page.locator("#result-rows a[href^='/articles/']").first.click()
    page.wait_for_selector("#article-title")
    assert page.inner_text("#article-title") == HOSTILE["title"]
    page.hover("#text")
    for href in page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))"):
        assert not (href or "").lower().startswith("javascript:")
    assert page.locator("#text img, #text script, #text svg, #article-title script").count() == 0
    story = page.locator(".crumbs a[href^='/stories/']").first.get_attribute("href")
    page.goto(server + story)
    page.goto(server + "/")
    assert page.dialogs == []
