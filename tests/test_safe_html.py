"""Safe HTML, end to end: what a hostile body becomes in every feed a reader fetches.

Each test reads one record with an HTML, Markdown or text body and looks at
the entry's HTML as published: RSS `content:encoded`, Atom `content` and
JSON Feed `content_html`. The sanitiser's own unit tests are in test_text.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree

import newsfeed
from newsfeed import Feed, FeedSettings

URL = "https://noticias.example.org/economia/2026/11/26/cobre.shtml"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
FORMATS = ("rss", "atom", "json")


def record(body: str, body_format: str = "html", **fields: Any) -> dict[str, Any]:
    return {
        "id": "ja-1",
        "url": URL,
        "title": "Sube el cobre",
        "summary": "El metal sube un 3 %",
        "published": "2026-11-26T14:30:00-05:00",
        "body": body,
        "body_format": body_format,
        **fields,
    }


def entry_html(settings: FeedSettings, rec: dict[str, Any]) -> dict[str, str]:
    """The published HTML of the one entry, per format; the record must read without error."""
    reading = newsfeed.read_articles([rec], settings)
    assert reading.errors == []
    feed = Feed(settings, reading.articles)
    rss = etree.fromstring(feed.rss()).find("channel/item")
    atom = etree.fromstring(feed.atom()).find(f"{ATOM}entry")
    assert rss is not None and atom is not None
    item = json.loads(feed.json())["items"][0]
    return {
        "rss": rss.findtext(CONTENT) or "",
        "atom": atom.findtext(f"{ATOM}content") or "",
        "json": item["content_html"],
    }


@pytest.fixture
def published(make_settings: Any) -> Any:
    """`published(body, body_format="html", **fields)`: the entry's HTML in each format."""

    def published(body: str, body_format: str = "html", **fields: Any) -> dict[str, str]:
        return entry_html(make_settings(), record(body, body_format, **fields))

    return published


def same_everywhere(html: dict[str, str]) -> str:
    """The HTML, which every format must carry identically."""
    assert html["rss"] == html["atom"] == html["json"]
    return html["rss"]


# -- active content is removed ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>Hola<script>alert(1)</script></p>", "<p>Hola</p>"),
        ("<p>Hola</p><style>p { display: none }</style>", "<p>Hola</p>"),
        ('<p>Hola</p><iframe src="https://evil.example/"></iframe>', "<p>Hola</p>"),
        ('<p>Hola</p><object data="x.swf"><embed src="x.swf"></object>', "<p>Hola</p>"),
        ('<form action="https://evil.example/"><input name="p"><p>Hola</p></form>', "<p>Hola</p>"),
        ('<svg onload="alert(1)"><circle r="1"/></svg><p>Hola</p>', "<p>Hola</p>"),
        ("<math><mi>x</mi></math><p>Hola</p>", "<p>Hola</p>"),
        (
            '<p>Hola</p><link rel="stylesheet" href="x.css"><meta http-equiv="refresh">',
            "<p>Hola</p>",
        ),
        ('<base href="https://evil.example/"><p>Hola</p>', "<p>Hola</p>"),
    ],
    ids=["script", "style", "iframe", "object", "form", "svg", "math", "link-meta", "base"],
)
def test_active_element_is_removed(body: str, expected: str, published: Any) -> None:
    assert same_everywhere(published(body)) == expected


@pytest.mark.parametrize(
    "attribute",
    ['onclick="alert(1)"', "onmouseover=alert(1)", 'ONLOAD="x()"', 'style="color:red"'],
)
def test_event_handler_and_style_attributes_are_removed(attribute: str, published: Any) -> None:
    assert same_everywhere(published(f"<p {attribute}>Hola</p>")) == "<p>Hola</p>"


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "  javascript:alert(1)",
        "\tjavascript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript&colon;alert(1)",
        "java&#x09;script:alert(1)",
        "java\nscript:alert(1)",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        " DATA:text/html,<script>alert(1)</script>",
    ],
)
def test_dangerous_link_url_is_removed(href: str, published: Any) -> None:
    html = same_everywhere(published(f'<a href="{href}">enlace</a>'))
    assert html == "<a>enlace</a>"


@pytest.mark.parametrize(
    "src",
    ["javascript:alert(1)", "data:image/png;base64,iVBORw0KGgo=", " &#100;ata:image/gif,x"],
)
def test_dangerous_image_source_is_removed_and_alt_kept(src: str, published: Any) -> None:
    html = same_everywhere(published(f'<img src="{src}" alt="gráfico">'))
    assert html == '<img alt="gráfico">'


def test_dangerous_url_in_markdown_link_is_removed(published: Any) -> None:
    html = same_everywhere(published("[enlace](javascript:alert(1))", "markdown"))
    assert html == "<p><a>enlace</a></p>"


def test_raw_script_in_markdown_is_removed(published: Any) -> None:
    html = same_everywhere(published("Hola\n\n<script>alert(1)</script>\n\nAdiós", "markdown"))
    assert html.split() == ["<p>Hola</p>", "<p>Adiós</p>"]


def test_raw_event_handler_in_markdown_is_removed(published: Any) -> None:
    html = same_everywhere(published('Hola <b onclick="alert(1)">fuerte</b>', "markdown"))
    assert html == "<p>Hola <b>fuerte</b></p>"


# -- what readers need stays --------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "<p>Párrafo con <strong>fuerte</strong>, <em>énfasis</em> y <code>código</code>.</p>",
        "<h2>Título</h2><h3>Subtítulo</h3>",
        "<ul><li>uno</li><li>dos</li></ul><ol><li>primero</li></ol>",
        "<blockquote><p>Cita</p></blockquote>",
        '<figure><img src="https://noticias.example.org/img/a.jpg" alt="Mina de cobre">'
        "<figcaption>Mina de cobre</figcaption></figure>",
        "<table><caption>Precios</caption><thead><tr><th>Metal</th></tr></thead>"
        "<tbody><tr><td>Cobre</td></tr></tbody></table>",
        "<pre><code>x = 1\ny = 2</code></pre>",
        '<p><a href="https://noticias.example.org/otra.shtml">otra nota</a></p>',
        '<p><a href="mailto:redaccion@example.org">escríbanos</a></p>',
    ],
    ids=[
        "paragraph",
        "headings",
        "lists",
        "blockquote",
        "figure",
        "table",
        "code",
        "link",
        "mail",
    ],
)
def test_reader_markup_is_kept_as_it_is(html: str, published: Any) -> None:
    assert same_everywhere(published(html)) == html


def test_markdown_renders_what_readers_need(published: Any) -> None:
    body = "## Título\n\n- uno\n- dos\n\n> Cita\n\n![Mina](https://e.example/a.jpg)\n"
    html = same_everywhere(published(body, "markdown"))
    assert html == (
        "<h2>Título</h2>\n<ul>\n<li>uno</li>\n<li>dos</li>\n</ul>\n"
        "<blockquote>\n<p>Cita</p>\n</blockquote>\n"
        '<p><img src="https://e.example/a.jpg" alt="Mina"></p>'
    )


# -- relative URLs become absolute against the article's url ------------------------------

RELATIVE = [
    ("/x", "https://noticias.example.org/x"),
    ("../x", "https://noticias.example.org/economia/2026/11/x"),
    ("x/y", "https://noticias.example.org/economia/2026/11/26/x/y"),
    ("//cdn.example.net/x", "https://cdn.example.net/x"),
    ("?q=1", f"{URL}?q=1"),
    ("#parrafo-2", f"{URL}#parrafo-2"),
]


@pytest.mark.parametrize(("relative", "absolute"), RELATIVE)
def test_relative_href_in_html_is_made_absolute(
    relative: str, absolute: str, published: Any
) -> None:
    html = same_everywhere(published(f'<a href="{relative}">más</a>'))
    assert html == f'<a href="{absolute}">más</a>'


@pytest.mark.parametrize(("relative", "absolute"), RELATIVE)
def test_relative_src_in_html_is_made_absolute(
    relative: str, absolute: str, published: Any
) -> None:
    html = same_everywhere(published(f'<img src="{relative}" alt="foto">'))
    assert html == f'<img src="{absolute}" alt="foto">'


@pytest.mark.parametrize(("relative", "absolute"), RELATIVE)
def test_relative_link_in_markdown_is_made_absolute(
    relative: str, absolute: str, published: Any
) -> None:
    html = same_everywhere(published(f"[más]({relative})", "markdown"))
    assert html == f'<p><a href="{absolute}">más</a></p>'


@pytest.mark.parametrize(("relative", "absolute"), RELATIVE)
def test_relative_image_in_markdown_is_made_absolute(
    relative: str, absolute: str, published: Any
) -> None:
    html = same_everywhere(published(f"![foto]({relative})", "markdown"))
    assert html == f'<p><img src="{absolute}" alt="foto"></p>'


def test_raw_html_link_in_markdown_is_made_absolute(published: Any) -> None:
    html = same_everywhere(published('Ver <a href="../x">más</a>', "markdown"))
    assert html == '<p>Ver <a href="https://noticias.example.org/economia/2026/11/x">más</a></p>'


# -- text bodies --------------------------------------------------------------------------


def test_text_body_that_talks_about_script_shows_the_words(published: Any) -> None:
    html = same_everywhere(published("Nunca escriba <script>alert(1)</script> aquí.", "text"))
    assert html == "<p>Nunca escriba &lt;script&gt;alert(1)&lt;/script&gt; aquí.</p>"


def test_text_body_paragraphs_split_on_blank_lines_and_lines_break_with_br(
    published: Any,
) -> None:
    html = same_everywhere(published("Uno\ny dos.\n\n\nTres & <cuatro>.", "text"))
    assert html == "<p>Uno<br>y dos.</p>\n<p>Tres &amp; &lt;cuatro&gt;.</p>"


def test_text_body_is_also_published_as_json_content_text(make_settings: Any) -> None:
    reading = newsfeed.read_articles([record("<b>Uno</b>", "text")], make_settings())
    item = json.loads(Feed(make_settings(), reading.articles).json())["items"][0]
    assert item["content_text"] == "<b>Uno</b>"


# -- hostile text in the plain fields around the body -------------------------------------


def test_script_in_title_never_reaches_any_format(make_settings: Any) -> None:
    rec = record("<p>Hola</p>", title="Cobre <script>alert(1)</script><img src=x onerror=y>")
    reading = newsfeed.read_articles([rec], make_settings())
    feed = Feed(make_settings(), reading.articles)
    for data in (feed.rss(), feed.atom(), feed.json()):
        assert b"alert" not in data
        assert b"onerror" not in data


def test_hostile_image_caption_is_escaped_in_the_figure(published: Any) -> None:
    image = {"url": "/img/a.jpg", "caption": 'Mina "x" <img src=x onerror=alert(1)>'}
    html = same_everywhere(published("<p>Hola</p>", image=image))
    assert "onerror" not in html
    assert 'alt="Mina &quot;x&quot;"' in html
