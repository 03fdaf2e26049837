"""The JSON API and pages over a store filled through `POST /api/v1/ingest` (SQLite, and
PostgreSQL when NEWSPRISM_TEST_PG is set)."""

from __future__ import annotations

import csv
import io
import os
import re
from html import escape, unescape

import pytest
from fastapi.testclient import TestClient

from newsprism.pipeline import indexed_stories
from newsprism.report import validate_report
from newsprism.store import Store
from tests.conftest import _reset_pg
from tests.web_support import AUTH, RAW, client, sample_files


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def filled_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One store per backend for the module, filled once through the API (ingest is the slow part)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    url = os.environ.get("NEWSPRISM_TEST_PG")
    if not url:
        pytest.skip("set NEWSPRISM_TEST_PG to a PostgreSQL URL to run the PostgreSQL tests")
    _reset_pg(url)
    return url


@pytest.fixture(scope="module")
def filled(filled_url: str) -> tuple[TestClient, dict]:
    c = client(filled_url)
    r = c.post("/api/v1/ingest", files=sample_files(), headers=AUTH)
    assert r.status_code == 200, r.text
    return c, r.json()


@pytest.fixture(scope="module")
def analysed(filled: tuple[TestClient, dict], filled_url: str) -> tuple[TestClient, dict]:
    """The filled store with its story analysed by the worker (a GET never analyses)."""
    from newsprism.worker import work_once

    with Store(filled_url) as store:
        while work_once(store) is not None:
            pass
    return filled


def test_ingest_reports_every_item_and_its_story(filled: tuple[TestClient, dict]) -> None:
    _, doc = filled
    names = sorted(p.stem for p in RAW.iterdir())
    assert [it["id"] for it in doc["items"]] == names
    assert {it["status"] for it in doc["items"]} == {"ok"}
    assert doc["run"] == {"id": 1, "ok": 5, "new": 5, "rejected": 0}
    assert doc["stories_error"] is None
    assert len(doc["stories"]) == 1 and all(it["story"] == doc["stories"][0] for it in doc["items"])


def test_stories_equal_the_story_index(filled: tuple[TestClient, dict], filled_url: str) -> None:
    c, _ = filled
    listed = c.get("/api/v1/stories").json()
    with Store(filled_url) as store:
        indexed = indexed_stories(store)
    assert listed["total"] == len(indexed) == 1
    got = listed["stories"][0]
    want = indexed[0].to_report()
    assert {k: got[k] for k in want} == want
    assert (got["n_articles"], got["n_origins"]) == (5, 5)


def test_story_document_follows_the_report_contract(filled: tuple[TestClient, dict]) -> None:
    c, doc = filled
    story = c.get(f"/api/v1/stories/{doc['stories'][0]}").json()
    validate_report(story)
    assert story["schema"] == "newsprism.report/1"
    assert [a["id"] for a in story["articles"]] == story["stories"][0]["articles"]
    assert all(a["text"] and a["status"] == "ok" for a in story["articles"])
    assert story["computed"] == {k: False for k in ("brief", "claims", "contradictions", "entities", "sources")}
    assert "brief" not in story["stories"][0] and "claims" not in story["stories"][0]  # never faked


def test_article_by_hash_and_by_id(filled: tuple[TestClient, dict]) -> None:
    c, doc = filled
    item = doc["items"][2]
    by_hash = c.get(f"/api/v1/articles/{item['article']}").json()
    by_id = c.get(f"/api/v1/articles/{item['id']}").json()
    assert by_hash == by_id
    assert by_hash["content_hash"] == item["article"] and by_hash["stories"] == [item["story"]]
    assert by_hash["title"] == item["title"] and by_hash["text"].startswith(item["title"][:40])
    assert isinstance(by_hash["removed"], list)
    page = c.get(f"/articles/{item['article']}")
    assert page.status_code == 200 and "Removed by cleaning" in page.text


SEARCHES = [("Istanbul", 1), ("istanbul negotiations", 1), ("ISTANBUL", 1), ("negotiation", 1),  # stemmed
            ("Istanbul zzqxjunk", 0), ('"NEAR(istanbul) OR *', 1), ("!!!", 0)]


def test_search(filled: tuple[TestClient, dict]) -> None:
    c, _ = filled
    for query, hits in SEARCHES:
        r = c.get("/api/v1/stories", params={"q": query})
        assert r.status_code == 200 and r.json()["total"] == hits, query
        page = c.get("/", params={"q": query})
        assert page.status_code == 200 and page.text.count('class="story-link"') == hits, query


def test_story_page_shows_what_exists_and_slots_for_the_rest(filled: tuple[TestClient, dict]) -> None:
    c, doc = filled
    html = c.get(f"/stories/{doc['stories'][0]}").text
    assert '<span id="n-origins">5 independent origins</span>' in html
    for section in ("brief", "matrix", "sources-chart", "contradictions", "entities", "timeline", "articles"):
        assert f'id="{section}"' in html
    assert html.count("Not computed yet") == 5
    for item in doc["items"]:
        assert f'href="/articles/{item["article"]}"' in html


def test_openapi_and_docs_page_need_no_cdn(filled: tuple[TestClient, dict]) -> None:
    c, _ = filled
    spec = c.get("/openapi.json").json()
    assert {"/api/v1/stories", "/api/v1/stories/{story_id}", "/api/v1/articles/{ident}", "/api/v1/entities",
            "/api/v1/ingest"} <= set(spec["paths"])
    docs = c.get("/docs").text
    assert "/api/v1/ingest" in docs and "multipart/form-data" in docs
    assert "cdn" not in docs.lower() and "<script" not in docs


def test_reingest_adds_nothing_and_keeps_the_story(filled: tuple[TestClient, dict]) -> None:
    c, doc = filled
    again = c.post("/api/v1/ingest", files=sample_files(), headers=AUTH).json()
    assert again["run"]["new"] == 0 and again["stories"] == doc["stories"]
    assert c.get("/api/v1/stories").json()["total"] == 1


def test_a_get_never_analyses_and_a_worker_fills_the_story_sections(
        filled: tuple[TestClient, dict], filled_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism import pipeline
    from newsprism.worker import work_once

    c, doc = filled
    sid = doc["stories"][0]

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("a GET started analysis work")

    with monkeypatch.context() as m:
        m.setattr(pipeline, "story_reports", refuse)
        story = c.get(f"/api/v1/stories/{sid}").json()
        html = c.get(f"/stories/{sid}").text
    assert story["analysis"]["state"] == "queued" and story["analysis"]["analysed_at"] is None  # the ingest queued it
    assert story["computed"] == dict.fromkeys(story["computed"], False)
    assert 'data-state="queued"' in html and "?analyze" not in html
    with Store(filled_url) as store:
        done = work_once(store)
        assert done is not None and (done.story, done.outcome, done.articles) == (sid, "analysed", 5)
        assert work_once(store) is None  # one story, taken once
    story = c.get(f"/api/v1/stories/{sid}").json()
    validate_report(story)  # evidence offsets index the articles' clean text
    assert story["analysis"]["state"] == "done" and story["analysis"]["articles"] == 5
    assert story["computed"] == dict.fromkeys(story["computed"], True)
    assert story["stories"][0]["brief"]["sentences"] and story["stories"][0]["sources"]
    claims = story["stories"][0]["claims"]
    assert claims and all(set(cl["sources"]) <= set(story["stories"][0]["articles"]) for cl in claims)
    html = c.get(f"/stories/{sid}", params={"all": "1"}).text  # every claim, not check-worthy only
    assert 'data-state="done"' in html and "with 5 articles" in html
    stated = html.count('class="cell states"') + html.count('class="cell contradicts"')
    assert stated >= max(len(set(cl["sources"])) for cl in claims)  # cells per (claim, citing article): see below
    assert "Not computed yet" not in html  # every section has its stage now
    # the analysed story's articles show what it cites in them
    article = c.get(f"/articles/{doc['items'][0]['article']}").text
    assert '<mark class="evidence' in article and 'class="entity' in article and "Not computed yet" not in article


def test_outlets_are_named_not_file_ids(analysed: tuple[TestClient, dict]) -> None:
    c, doc = analysed
    sid = doc["stories"][0]
    menafn = next(it for it in doc["items"] if it["id"] == "000_74267b2649ed2a86")
    assert menafn["source"] == "MENAFN"  # from the dateline "(MENAFN) Despite attempts..."
    story = c.get(f"/api/v1/stories/{sid}").json()
    assert {a["id"]: a["outlet"] for a in story["articles"]}["000_74267b2649ed2a86"] == "MENAFN"
    html = c.get(f"/stories/{sid}").text
    headers = re.findall(r'<th class="col"[^>]*>(.*?)</th>', html, re.S)
    assert len(headers) == 5 and any("MENAFN" in h for h in headers)
    assert not any("000_74267b2649ed2a86" in h for h in headers)
    assert "[MENAFN]" in html  # the brief cites it by name
    outlets = re.findall(r'<tr id="art-\d+"><td>(.*?)</td>', html)
    assert "MENAFN" in outlets and "000_74267b2649ed2a86" not in outlets
    assert 'id="article-outlet">MENAFN' in c.get(f"/articles/{menafn['article']}").text


def _rows(html: str) -> list[tuple[str, list[str]]]:
    """(status, cells) of each claim row of the matrix."""
    body = html.split('<table class="matrix">', 1)[1].split("</table>", 1)[0]
    return [(re.search(r'<span class="tag (\w+)">', tr).group(1), re.findall(r'<td class="cell (\w+)"', tr))
            for tr in re.findall(r"<tr data-claims=[^>]*><th class=\"claim\".*?</tr>", body, re.S)]


def _row_claims(html: str) -> list[list[str]]:
    """The claim ids of each matrix row (claims with one sentence share a row)."""
    return [ids.split() for ids in re.findall(r'<tr data-claims="([^"]*)">', html)]


def test_claim_labels_and_matrix_cells_agree(analysed: tuple[TestClient, dict]) -> None:
    c, doc = analysed
    sid = doc["stories"][0]
    html = c.get(f"/stories/{sid}", params={"all": "1"}).text
    rows = _rows(html)
    story = c.get(f"/api/v1/stories/{sid}").json()["stories"][0]
    ids = _row_claims(html)
    assert sorted(i for row in ids for i in row) == sorted(cl["id"] for cl in story["claims"])  # every claim once
    assert len(rows) == len(ids) < len(story["claims"])  # same-sentence claims and fragments share a row
    claims = {cl["id"]: cl for cl in story["claims"]}
    for row_ids, (status, cells) in zip(ids, rows, strict=True):
        members = {claims[i]["status"] for i in row_ids}
        assert status == next(s for s in ("disputed", "consensus", "single") if s in members)
        for i in row_ids:  # every article citing one of the row's claims has a mark in its column
            for aid in claims[i]["sources"]:
                assert cells[story["articles"].index(aid)] in ("states", "contradicts"), (i, aid)
    for status, cells in rows:
        assert (status == "disputed") == ("contradicts" in cells), (status, cells)
        if status == "consensus":
            assert cells.count("states") >= 2, cells
    # the example: consensus while its row showed two "contradicts" and no "states"
    assert not any(s == "consensus" and "contradicts" in cells for s, cells in rows)


def test_check_worthy_claims_first_with_a_toggle_and_filters(analysed: tuple[TestClient, dict]) -> None:
    c, doc = analysed
    sid = doc["stories"][0]
    every = c.get(f"/stories/{sid}", params={"all": "1"}).text
    default = c.get(f"/stories/{sid}").text
    n_all, n_default = len(_rows(every)), len(_rows(default))
    assert 0 < n_default < n_all
    kinds = re.findall(r'<span class="tag kind">(\w+)</span>', default)
    assert set(kinds) <= {"figure", "quote", "event"}  # no opinion, no fragment by default
    # a fragment is shown in its sentence, in the row of the claim that sentence holds
    story = c.get(f"/api/v1/stories/{sid}").json()["stories"][0]
    # (a claim whose representative wording is a clause: "but ...", "while ...")
    fragments = [cl for cl in story["claims"] if cl["text"][:1].islower()]
    assert fragments
    for cl in fragments:
        row = re.search(rf'<tr data-claims="[^"]*\b{cl["id"]}\b[^"]*">.*?</span> <span class="tag kind">\w+</span> '
                        r"([^<]*)<", every, re.S)
        clause = escape(cl["text"][:40], quote=False)
        assert row and clause in row.group(1) and not row.group(1).startswith(clause), (cl["text"], row)
        assert f">{clause}" not in every
    assert f"{n_default} of {n_all} claims shown" in default and 'id="toggle-all"' in default
    disputed = _rows(c.get(f"/stories/{sid}", params={"all": "1", "status": "disputed"}).text)
    assert disputed and all(s == "disputed" for s, _ in disputed)
    figures = c.get(f"/stories/{sid}", params={"all": "1", "kind": "figure"}).text
    assert set(re.findall(r'<span class="tag kind">(\w+)</span>', figures)) == {"figure"}
    menafn = c.get(f"/stories/{sid}", params={"all": "1", "source": "000_74267b2649ed2a86"}).text
    assert all(cells[0] in ("states", "contradicts") for _, cells in _rows(menafn))
    by_support = c.get(f"/stories/{sid}", params={"all": "1", "sort": "support"}).text
    support = [int(n) for n in re.findall(r'<span class="muted small">(\d+) origins?</span>', by_support)]
    assert support == sorted(support, reverse=True) and len(support) == n_all
    assert c.get(f"/stories/{sid}", params={"status": "bogus", "sort": "x"}).status_code == 200


def test_matrix_cells_link_to_the_highlighted_evidence(analysed: tuple[TestClient, dict]) -> None:
    c, doc = analysed
    html = c.get(f"/stories/{doc['stories'][0]}").text
    links = re.findall(r'<td class="cell (?:states|contradicts)"><a href="/articles/(\w+)\?hl=(\d+)-(\d+)#hl" '
                       r'title="[^"]*: ([^"]*)">', html)
    assert links and len(links) == html.count('class="cell states"') + html.count('class="cell contradicts"')
    key, start, end, quoted = links[0]
    article = c.get(f"/api/v1/articles/{key}").json()
    assert article["text"][int(start):int(end)] == unescape(quoted)
    page = c.get(f"/articles/{key}", params={"hl": f"{start}-{end}"}).text
    marked = re.search(r'<mark class="[^"]*focus[^"]*"[^>]* id="hl">(.*?)</mark>', page, re.S)
    assert marked and unescape(marked.group(1)) in article["text"][int(start):int(end)]
    assert c.get(f"/articles/{key}", params={"hl": "1-x"}).status_code == 422
    assert c.get(f"/articles/{key}", params={"hl": "5-999999999"}).status_code == 200  # out of range: ignored


def test_contradictions_quote_whole_sentences_with_the_disputed_figure(analysed: tuple[TestClient, dict]) -> None:
    c, doc = analysed
    html = c.get(f"/stories/{doc['stories'][0]}").text
    section = html.split('id="contradictions"', 1)[1].split("</section>", 1)[0]
    quotes = [unescape(re.sub(r"<[^>]+>", "", q)) for q in re.findall(r"<blockquote>(.*?)<cite>", section, re.S)]
    assert quotes and all(q.rstrip().endswith((".", "”", "\"", "!", "?", "…")) for q in quotes), quotes
    assert "I don’t really respe”" not in section and "respe”" not in section
    assert '<mark class="disputed">two-hour</mark>' in section
    assert '<mark class="disputed">less than two hours</mark>' in section
    assert "MENAFN" in section and "000_74267b2649ed2a86" not in section  # explanations name outlets
    assert section.count('href="/articles/') >= 2 * section.count('<div class="sides">') and "undated" in section


def test_csv_and_markdown_exports(analysed: tuple[TestClient, dict]) -> None:
    c, doc = analysed
    sid = doc["stories"][0]
    story = c.get(f"/api/v1/stories/{sid}").json()["stories"][0]
    claims = c.get(f"/api/v1/stories/{sid}/claims.csv")
    assert claims.status_code == 200 and claims.headers["content-type"].startswith("text/csv")
    assert "attachment" in claims.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(claims.text)))
    assert len(table) == len(story["claims"]) and {r["claim_id"] for r in table} == {cl["id"] for cl in story["claims"]}
    assert list(table[0]) == ["claim_id", "status", "kind", "check_worthy", "origins", "claim", "states",
                              "contradicts", "omits", "silent", "evidence"]
    status = {cl["id"]: cl["status"] for cl in story["claims"]}
    assert all(r["status"] == status[r["claim_id"]] for r in table)
    assert all((r["status"] == "disputed") == bool(r["contradicts"]) for r in table)
    assert any("MENAFN" in r["states"] + r["contradicts"] for r in table) and "“" in table[0]["evidence"]
    contra = c.get(f"/api/v1/stories/{sid}/contradictions.csv")
    assert contra.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(contra.text)))
    assert len(rows) == len(story["contradictions"]) and rows[0]["kind"] and "“" in rows[0]["quotes"]
    assert not any("000_74267b2649ed2a86" in r["explanation"] for r in rows)
    md = c.get(f"/api/v1/stories/{sid}/brief.md")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("## ") and "### Brief" in md.text and "MENAFN" in md.text
    page = c.get(f"/stories/{sid}").text
    for name in ("claims.csv", "contradictions.csv", "brief.md"):
        assert f'href="/api/v1/stories/{sid}/{name}"' in page
    assert c.get("/api/v1/stories/st-none/claims.csv").status_code == 404


def test_the_source_chart_shows_every_side_and_agrees_with_the_brief(analysed: tuple[TestClient, dict]) -> None:
    c, doc = analysed
    html = c.get(f"/stories/{doc['stories'][0]}").text
    chart = html.split('id="sources-chart"', 1)[1].split("</section>", 1)[0]
    summary = unescape(re.search(r'<p id="chart-summary">(.*?) \(', chart).group(1))
    brief = html.split('id="brief"', 1)[1].split("</section>", 1)[0]
    assert f"Coverage differs: {summary}." in unescape(brief)  # the same counts as the brief
    assert "toward Russia</text>" in chart and "toward Ukraine</text>" in chart  # legend: every side
    assert chart.count('class="side-0"><title>') == chart.count('class="side-1"><title>') == 5  # bars per side
    assert re.search(r'class="chart-value">[+-]\d\.\d\d</text>', chart)  # values
    assert ">-1.0</text>" in chart and ">+1.0</text>" in chart  # axis
    assert "MENAFN</text>" in chart and "000_74267b2649ed2a86" not in chart


def test_article_marks_say_their_technique(analysed: tuple[TestClient, dict]) -> None:
    c, doc = analysed
    c.get(f"/stories/{doc['stories'][0]}")
    menafn = next(it for it in doc["items"] if it["id"] == "000_74267b2649ed2a86")
    html = c.get(f"/articles/{menafn['article']}").text
    loaded = re.findall(r'<mark class="([^"]*\bloaded\b[^"]*)" title="([^"]*)">', html)
    assert loaded and all(re.search(r"(exaggeration|loaded language|reality appeal|[a-z ]+): ", unescape(t))
                          for _, t in loaded)
    assert any("exaggeration: “undeniably”" in unescape(t) for _, t in loaded)
    # an unattributed assertion is a whole sentence: marked apart, never coloured as a loaded term
    assert re.search(r'<mark class="assertion" title="unattributed assertion', html)
    for classes, title in loaded:
        assert any(not p.startswith("unattributed") for p in unescape(title).split("; ")), (classes, title)
    words = [len(unescape(t).split()) for t in re.findall(r'<mark class="[^"]*\bloaded\b[^"]*"[^>]*>([^<]*)</mark>', html)]
    assert words and max(words) <= 8  # terms, not whole sentences


def test_an_article_that_joined_after_the_analysis_says_so(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from newsprism.worker import work_once

    url = f"sqlite:///{tmp_path / 'late.db'}"
    c = client(url)
    first = c.post("/api/v1/ingest", files=sample_files()[:4], headers=AUTH).json()
    [sid] = first["stories"]
    with Store(url) as store:
        assert work_once(store) is not None
    late = c.post("/api/v1/ingest", files=sample_files()[4:], headers=AUTH).json()["items"][0]
    assert late["story"] == sid
    html = c.get(f"/articles/{late['article']}").text
    assert 'id="stale"' in html and f'href="/stories/{sid}"' in html
    assert 'id="stale"' not in c.get(f"/articles/{first['items'][0]['article']}").text


def test_brief_citations_open_the_backing_sentence(analysed: tuple[TestClient, dict]) -> None:
    c, doc = analysed
    sid = doc["stories"][0]
    story = c.get(f"/api/v1/stories/{sid}").json()
    texts = {a["content_hash"]: a["text"] for a in story["articles"]}
    html = c.get(f"/stories/{sid}").text
    brief = html.split('id="brief"', 1)[1].split("</section>", 1)[0]
    cites = re.findall(r'<a class="cite" href="/articles/(\w+)(?:\?hl=(\d+)-(\d+)#hl)?" title="([^"]*)">', brief)
    assert len(cites) == sum(len(s["citations"]) for s in story["stories"][0]["brief"]["sentences"])
    linked = [(k, int(a), int(b), unescape(t)) for k, a, b, t in cites if a]
    assert len(linked) >= len(cites) * 3 // 4  # most citations open their sentence, not just the article
    assert all(texts[k][a:b] == t for k, a, b, t in linked)
    first = story["stories"][0]["brief"]["sentences"][0]["text"]  # a consensus sentence quoted from a source
    assert any(t == first for *_, t in linked)


def test_every_gold_fact_is_among_the_check_worthy_claims(analysed: tuple[TestClient, dict]) -> None:
    import yaml

    c, doc = analysed
    sid = doc["stories"][0]
    gold = yaml.safe_load((RAW.parent / "gold.yaml").read_text("utf-8"))["consensus_facts"]
    claims = {cl["id"]: cl for cl in c.get(f"/api/v1/stories/{sid}").json()["stories"][0]["claims"]}
    default = c.get(f"/stories/{sid}").text  # check-worthy rows only
    shown = [[e["text"] for i in ids for e in claims[i]["evidence"]] for ids in _row_claims(default)]
    assert 0 < len(shown) < len(_row_claims(c.get(f"/stories/{sid}", params={"all": "1"}).text))
    missed = [f["id"] for f in gold
              if not any(all(re.search(p, t, re.I) for p in f["match"]) for texts in shown for t in texts)]
    assert missed == []


# -- cross-story pages ---------------------------------------------------------------------
def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_entity_page_shows_spellings_roles_and_claims_with_story_links(analysed: tuple[TestClient, dict]) -> None:
    c, doc = analysed
    sid = doc["stories"][0]
    api = c.get("/api/v1/entities", params={"name": "Zelensky"}).json()
    r = c.get("/entities", params={"name": "Zelensky"})
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    html = r.text
    top = api["entities"][0]
    assert top["name"] == "Volodymyr Zelenskyy" and f"<h2>{top['name']} " in html
    # every spelling, each with the outlets writing it: MENAFN's Russian form named by outlet, not file id
    spellings = dict(re.findall(r"<li><strong>(.*?)</strong> — (.*?)</li>", html))
    assert set(spellings) == set(top["spellings"]) and len(spellings) >= 3
    assert _text(spellings["Vladimir Zelensky"]) == "MENAFN"
    assert "000_74267b2649ed2a86" not in html
    # per story: a link to it, its roles, and every claim naming the entity with its status
    assert f'href="/stories/{sid}"' in html and f'href="/stories/{sid}#matrix"' in html
    assert "president of Ukraine" in html
    claims = top["stories"][0]["claims"]
    rows = re.findall(r'<tr><td>(.*?)</td><td><span class="tag (\w+)">', html)
    assert [(unescape(t), s) for t, s in rows] == [(cl["text"], cl["status"]) for cl in claims] and claims
    # any spelling finds the same entity; an unknown name finds none, and says so
    assert f"<h2>{top['name']} " in c.get("/entities", params={"name": "Zelenskyy"}).text
    none = c.get("/entities", params={"name": "Nobody Atall"})
    assert none.status_code == 200 and "No entity of the analysed stories" in none.text
    # without a name: every entity, each a link to its own page
    listing = c.get("/entities").text
    every = c.get("/api/v1/entities", params={"limit": 1000}).json()["entities"]
    links = re.findall(r'<a href="/entities\?name=([^"]+)">', listing)
    assert len(links) == len(every) > 10 and "Volodymyr%20Zelenskyy" in links


def test_contradictions_page_lists_every_one_with_its_story_and_filters(analysed: tuple[TestClient, dict],
                                                                         filled_url: str) -> None:
    c, doc = analysed
    sid = doc["stories"][0]
    api = c.get("/api/v1/contradictions").json()
    html = c.get("/contradictions").text
    cards = html.split('<div class="contradiction')[1:]
    assert len(cards) == api["total"] >= 4
    assert f'id="contradiction-count">{api["total"]} contradictions' in html
    for card, want in zip(cards, api["contradictions"], strict=True):
        assert f'<a class="story-link" href="/stories/{sid}">' in card
        assert f'<span class="tag">{want["kind"]}</span>' in card
        assert card.count("<blockquote>") == len(want["statements"]) >= 2  # each side, as whole sentences
    assert '<mark class="disputed">two-hour</mark>' in html and '<mark class="disputed">less than two hours</mark>' in html
    assert "MENAFN" in html and "000_74267b2649ed2a86" not in html  # explanations name outlets
    # filters: by kind; the sample's articles carry no date, so a date bound leaves them all out
    number = c.get("/contradictions", params={"kind": "number"}).text
    n = sum(x["kind"] == "number" for x in api["contradictions"])
    assert number.count('<div class="contradiction') == n >= 1 and 'value="number" selected' in number
    dated = c.get("/contradictions", params={"since": "2025-01-01", "until": ""}).text
    assert dated.count('<div class="contradiction') == 0 and "None found." in dated
    assert c.get("/contradictions", params={"kind": "no-such-kind"}).text.count('<div class="contradiction') \
        == api["total"]
    bad = c.get("/contradictions", params={"since": "yesterday"})
    assert bad.status_code == 422 and "text/html" in bad.headers["content-type"] and "YYYY-MM-DD" in bad.text
    # pages of two keep the filter in their links
    small = client(filled_url, page_size=2)
    second = small.get("/contradictions", params={"page": 2}).text
    assert second.count('<div class="contradiction') == 2
    assert 'href="/contradictions?kind=&amp;since=&amp;until=&amp;page=3"' in second
    assert 'href="/contradictions?kind=&amp;since=&amp;until=&amp;page=1"' in second


def test_site_navigation_links_the_cross_story_pages(analysed: tuple[TestClient, dict]) -> None:
    c, doc = analysed
    for path in ("/", f"/stories/{doc['stories'][0]}", "/entities", "/contradictions"):
        nav = c.get(path).text.split("<nav>", 1)[1].split("</nav>", 1)[0]
        assert 'href="/entities"' in nav and 'href="/contradictions"' in nav, path
    story = c.get(f"/stories/{doc['stories'][0]}").text
    assert 'href="/entities?name=Volodymyr%20Zelenskyy"' in story  # the story's entities open their page
