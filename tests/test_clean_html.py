"""HTML input: extraction, page metadata, and hostile pages."""

from __future__ import annotations

import time

import pytest

from newsprism.clean import clean
from newsprism.clean.html import nesting_depth, sanitize
from newsprism.models import Article, RawDocument, Rejection

PARAS = [
    "Officials in Istanbul said the two delegations met for two hours on Friday and agreed "
    "to exchange a thousand prisoners of war each in the coming weeks.",
    "The talks were the first direct meeting between the two sides in three years, and both "
    "delegations said they were ready to meet again after consulting their capitals.",
    "Diplomats said the next round could take place before the end of the month, although no "
    "date had been set and the question of a ceasefire remained open.",
]
BODY = "".join(f"<p>{p}</p>" for p in PARAS)
# Seconds a hostile page may take; measured 0.1-0.5 s on a shared 2-core machine.
HOSTILE_SECONDS = 5.0


def _page(body: str = BODY, head: str = "") -> str:
    return (
        "<!DOCTYPE html><html><head><title>Talks end with prisoner deal | Example Times</title>"
        '<meta property="og:site_name" content="Example Times">'
        '<meta property="article:published_time" content="2025-05-16T18:00:00Z">'
        f"{head}</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Talks end with prisoner deal</h1>{body}</article>"
        "<footer>© 2025 Example Times. All rights reserved.</footer></body></html>"
    )


def _clean(
    html: str | bytes, url: str | None = "https://www.example-times.com/world/talks"
) -> Article | Rejection:
    return clean(RawDocument(id="p", origin="p.html", kind="html", content=html, url=url))


def test_article_and_metadata_from_html() -> None:
    article = _clean(_page().encode("utf-8"))
    assert isinstance(article, Article), article
    # The <h1> inside <article> is kept as the first line, like a text file's title.
    assert article.text == "\n".join(["Talks end with prisoner deal", *PARAS])
    assert article.title == "Talks end with prisoner deal"
    assert article.source == "Example Times"
    assert article.published == "2025-05-16"
    assert article.language == "en"
    assert article.url == "https://www.example-times.com/world/talks"


def test_outlet_falls_back_to_url_domain() -> None:
    html = f"<html><body><article>{BODY}</article></body></html>"
    article = _clean(html)
    assert isinstance(article, Article)
    assert article.source == "example-times.com"


def test_text_input_that_is_html_is_extracted() -> None:
    result = clean(RawDocument(id="p", origin="p.txt", kind="text", content=_page()))
    assert isinstance(result, Article)
    assert result.text.endswith("\n".join(PARAS))
    assert any("HTML" in p for p in result.problems)


def test_script_style_and_comment_content_never_kept() -> None:
    evil = (
        "<script>var secret = 'EVIL-SCRIPT'; document.write('EVIL-WRITE')</script>"
        "<style>p::after { content: 'EVIL-STYLE' }</style><noscript>EVIL-NOSCRIPT</noscript>"
        "<!-- EVIL-COMMENT --><template>EVIL-TEMPLATE</template>"
    )
    html = _page(body=BODY[:200] + evil + BODY[200:], head=evil)
    article = _clean(html)
    assert isinstance(article, Article)
    assert "EVIL" not in article.text
    assert "EVIL" not in article.title


def _timed(html: str) -> tuple[Article | Rejection, float]:
    start = time.perf_counter()
    result = _clean(html)
    return result, time.perf_counter() - start


def test_five_megabyte_attribute() -> None:
    html = _page(
        body=f'<div data-blob="{"A" * 5_000_000}">{BODY}</div><img src="data:image/png;base64,{"B" * 2_000_000}">'
    )
    result, seconds = _timed(html)
    assert seconds < HOSTILE_SECONDS
    assert isinstance(result, Article)
    assert result.text.endswith("\n".join(PARAS))
    assert "AAAA" not in result.text
    assert any("attribute values longer than" in p for p in result.problems)


def test_billion_laughs_not_expanded() -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
    )
    html = (
        f"<!DOCTYPE html [{entities}]>" + _page(body=BODY + "<p>&lol9;&lol9;</p>")[len("<!DOCTYPE html>") :]
    )
    result, seconds = _timed(html)
    assert seconds < HOSTILE_SECONDS
    assert isinstance(result, Article)
    assert "lol" not in result.text
    assert result.text.endswith("\n".join(PARAS))


def test_deep_nesting_rejected_with_reason() -> None:
    html = "<html><body>" + "<div>" * 100_000 + BODY + "</div>" * 100_000 + "</body></html>"
    result, seconds = _timed(html)
    assert seconds < HOSTILE_SECONDS
    assert isinstance(result, Rejection)
    assert result.reason == "no-content"
    assert "nested" in result.detail


def test_moderate_nesting_is_fine() -> None:
    html = "<html><body>" + "<div>" * 100 + f"<article>{BODY}</article>" + "</div>" * 100 + "</body></html>"
    result = _clean(html)
    assert isinstance(result, Article)
    assert result.text == "\n".join(PARAS)


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><nav>Home</nav></body></html>",
        "<html><head><script>app()</script></head><body><div id='root'></div></body></html>",
        "<<<>>><</>",
    ],
)
def test_pages_without_article_rejected(html: str) -> None:
    result = _clean(html)
    assert isinstance(result, Rejection)
    assert result.reason in ("no-content", "empty")
    assert result.detail


def test_sanitize_and_depth_helpers() -> None:
    problems: list[str] = []
    cleaned = sanitize('<!DOCTYPE x [<!ENTITY a "b">]><p title="' + "x" * 20_000 + '">hi</p>', problems)
    assert cleaned == "<!DOCTYPE html><p >hi</p>"
    assert len(problems) == 2
    assert nesting_depth("<div><p>a<br>b</p><div><span>c</span></div></div>") == 3
