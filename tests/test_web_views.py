"""The story page's later sections, laid out from report-shaped data (claims, brief,
contradictions, source profiles): the store cannot fill them yet, the layout is ready."""

from __future__ import annotations

import re

from newsprism.web.app import _templates
from newsprism.web.views import (
    MatrixFilter,
    claim_matrix,
    computed_sections,
    source_chart,
    story_sections,
    timeline,
)

ARTICLES = [
    {"id": "a", "source": "Outlet A", "content_hash": "h" * 64, "published": "2025-05-16T10:00:00", "removed": [],
     "title": "A", "word_count": 10},
    {"id": "b", "source": "Outlet B", "content_hash": "i" * 64, "published": "2025-05-16", "removed": [],
     "title": "B", "word_count": 10},
    {"id": "c", "source": "<script>alert(1)</script>", "content_hash": "j" * 64, "published": "2025-05-18",
     "removed": [], "title": "C", "word_count": 10},
]
STORY = {
    "id": "st-1", "title": "Talks", "articles": ["a", "b", "c"], "origins": [["a"], ["b"], ["c"]],
    "first_published": "2025-05-16", "last_published": "2025-05-18", "status": "ok",
    "brief": {"sentences": [{"text": "Delegations met <b>in</b> Istanbul.", "citations": ["a", "b"]}]},
    "claims": [
        {"id": "c1", "text": "Delegations met in Istanbul.", "status": "consensus", "sources": ["a", "b"],
         "evidence": [{"article": "a", "text": "met", "start": 0, "end": 3}]},
        {"id": "c2", "text": "1,000 prisoners each.", "status": "disputed", "sources": ["a", "c"],
         "evidence": [{"article": "a", "text": "1,000 prisoners", "start": 0, "end": 15},
                      {"article": "c", "text": "500 prisoners", "start": 0, "end": 13}]},
    ],
    "contradictions": [{"kind": "number", "explanation": "1,000 vs 500",
                        "statements": [{"article": "a", "text": "1,000 prisoners"},
                                       {"article": "c", "text": "500 prisoners"}]}],
    "sources": [{"article": "b", "stance": {"Ukraine": 0.4}, "loaded_terms": ["regime"], "omitted_claims": ["c2"]}],
}


def test_claim_matrix_cells() -> None:
    m = claim_matrix(STORY, ARTICLES)
    assert m is not None
    assert [c["source"] for c in m.columns] == ["Outlet A", "Outlet B", "<script>alert(1)</script>"]
    assert [cells for _, cells in m.rows] == [["states", "states", ""], ["contradicts", "omits", "contradicts"]]
    assert claim_matrix({"articles": ["a"]}, ARTICLES) is None  # not computed: no matrix, not an empty one


def test_sections_timeline_and_chart() -> None:
    assert computed_sections(STORY) == dict.fromkeys(("brief", "claims", "contradictions", "entities", "sources"),
                                                     True) | {"entities": False}
    points = timeline(ARTICLES)
    assert [(p.article, p.x, p.row) for p in points] == [("b", 0.0, 0), ("a", 0.0, 1), ("c", 1.0, 0)]
    assert timeline([{"id": "x", "published": "yesterday"}]) == []
    chart = source_chart(STORY, ARTICLES)
    assert chart is not None and chart.bars[0].stance == [("Ukraine", 0.4)] and chart.bars[0].loaded == 1
    two = {"sources": [{"article": "a", "stance": {"Russia": 0.3, "Ukraine": -0.26}},
                       {"article": "b", "stance": {"Russia": 0.08, "Ukraine": 0.06}},  # within 0.1: no lean
                       {"article": "c", "stance": {"Ukraine": 0.13}}]}  # a side it has no score for counts as 0
    chart2 = source_chart(two, ARTICLES)
    assert chart2 is not None and chart2.sides == ["Russia", "Ukraine"]
    assert [b.stance for b in chart2.bars] == [[("Russia", 0.3), ("Ukraine", -0.26)], [("Russia", 0.08), ("Ukraine", 0.06)],
                                          [("Russia", 0.0), ("Ukraine", 0.13)]]
    assert [b.lean for b in chart2.bars] == ["Russia", None, "Ukraine"]
    assert chart2.summary == "1 of 3 sources lean toward Russia; 1 of 3 sources lean toward Ukraine"


def test_story_page_renders_the_sections_escaped() -> None:
    html = _templates().env.get_template("story.html").render(
        story=STORY, articles=ARTICLES, by_id={a["id"]: a for a in ARTICLES}, computed=computed_sections(STORY),
        open=False, **story_sections(STORY, ARTICLES, MatrixFilter(all=True)))
    assert "Delegations met &lt;b&gt;in&lt;/b&gt; Istanbul." in html
    assert html.count('class="cell contradicts"') == 2 and 'class="cell omits"' in html
    assert "1,000 vs 500" in html and "<script>alert" not in html
    assert html.count("Not computed yet") == 1  # entities only
    assert re.search(r'<rect x="330" y="\d+" width="56\.0" height="10" class="side-0">', html)
    assert ">+0.40</text>" in html and "toward Ukraine</text>" in html  # value and legend


def test_highlighted_segments_cover_the_text_once_with_overlapping_marks() -> None:
    from newsprism.web.views import highlighted

    text = "Medinsky led Moscow's team.\nTalks lasted two hours."
    spans = [(0, 8, "entity"), (0, 27, "evidence"), (41, 50, "loaded")]
    paras = highlighted(text, spans)
    assert ["".join(s.text for s in p) for p in paras] == text.split("\n")
    first = paras[0]
    assert first[0].text == "Medinsky" and first[0].marks == ("entity", "evidence")
    assert first[1].marks == ("evidence",)
    assert [s.marks for s in paras[1] if s.text == "two hours"] == [("loaded",)]


def test_a_low_confidence_contradiction_does_not_turn_a_consensus_cell() -> None:
    # the claims stage disputes a claim only for headline contradictions; the matrix follows it
    story = {**STORY, "claims": [STORY["claims"][0]], "contradictions": [
        {"kind": "negation", "explanation": "a negates b", "confidence": 0.3,
         "statements": [{"article": "a", "text": "met", "start": 0, "end": 3}, {"article": "b", "text": "x"}]}]}
    m = claim_matrix(story, ARTICLES)
    assert m is not None and m.rows[0][1] == ["states", "states", ""]
    headline = {**story, "contradictions": [{**story["contradictions"][0], "confidence": 0.8}]}
    assert claim_matrix(headline, ARTICLES).rows[0][1] == ["contradicts", "states", ""]  # type: ignore[union-attr]


def test_whole_sentences_and_check_worthiness() -> None:
    from newsprism.report.tables import claim_kind, sentence_around

    text = "Talks began. U.S. President Trump met Putin on Friday, but nothing changed. Then more."
    a, b = sentence_around(text, text.index("but"), text.index("changed") + 7)
    assert text[a:b] == "U.S. President Trump met Putin on Friday, but nothing changed."
    assert sentence_around("No end here", 3, 5) == (0, 11)
    quoted = 'He called it “generally satisfactory.” The two sides agreed.'
    assert sentence_around(quoted, 0, quoted.index("The") - 1) == (0, quoted.index("The") - 1)
    assert claim_kind("Both sides agreed to exchange 1,000 prisoners of war each.") == ("figure", True)
    assert claim_kind("“We will not give up,” the minister said on television.") == ("quote", True)
    assert claim_kind("The delegations met at Dolmabahce Palace on Friday.") == ("event", True)
    assert claim_kind("The outcome could signal a troubling shift that may matter.") == ("opinion", False)
    assert claim_kind("but the atmosphere of distrust painted a bleak picture") == ("fragment", False)


def test_claims_of_one_sentence_share_a_row_and_keep_the_rule() -> None:
    articles = [{"id": "a", "text": "Talks began on Friday, but distrust remained high among the delegates. Next."},
                {"id": "b", "text": "Talks began on Friday."}]
    story = {"articles": ["a", "b"], "claims": [
        {"id": "c1", "text": "Talks began on Friday", "status": "consensus", "sources": ["a", "b"],
         "evidence": [{"article": "a", "text": "Talks began on Friday", "start": 0, "end": 21},
                      {"article": "b", "text": "Talks began on Friday.", "start": 0, "end": 22}]},
        {"id": "c2", "text": "but distrust remained high among the delegates.", "status": "disputed", "sources": ["a"],
         "evidence": [{"article": "a", "text": "but distrust remained high among the delegates.", "start": 23,
                       "end": 70}]}],
        "contradictions": [{"kind": "negation", "explanation": "x", "confidence": 0.9,
                            "statements": [{"article": "a", "text": "x", "start": 23, "end": 70},
                                           {"article": "b", "text": "y", "start": 0, "end": 5}]}]}
    m = claim_matrix(story, articles)
    assert m is not None and len(m.details) == 1
    row = m.details[0]
    assert row.ids == ["c2", "c1"] or row.ids == ["c1", "c2"]
    assert row.text == "Talks began on Friday, but distrust remained high among the delegates."
    assert row.status == "disputed" and row.cells == ["contradicts", "contradicts"]
