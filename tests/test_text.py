"""Tests for newsfeed.text: forbidden characters, plain text, HTML bodies, slugs."""

from __future__ import annotations

import re
import time
from html import escape, unescape
from html.entities import html5
from itertools import groupby

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsfeed.text import (
    _markup_pattern,
    html_safe_text,
    markdown_to_html,
    plain_text,
    remove_forbidden_chars,
    sanitize_html,
    slugify,
    text_to_html,
)
from newsfeed.validation._values import HTML_TAGS

BASE = "https://example.org/news/2026/story.html"
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ALLOWED_SCHEMES = {"http", "https", "mailto"}

# Fragments that, shuffled together, form the HTML attacks a sanitizer must stop.
HTML_PIECES = st.sampled_from(
    [
        "<script>", "</script>", "<SCRIPT ", "<scr", "ipt>", "<style>", "</style>",
        "<a href=", "<img src=", "<iframe src=", "<svg onload=", "<math>", "<noscript>",
        "<!--", "-->", "<![CDATA[", "]]>", "<p>", "</p>", "<div>", "</div>", "<b", ">", "/>",
        '"', "'", "=", " ", "\t", "\n", "&", "&#106;", "&#x6A;", "&lt;", ";", ":",
        "javascript:", "JaVaScRiPt:", "java\tscript:", "vbscript:", "data:", "alert(1)",
        " onerror=", " style=", "/x", "//host", "?q", "#f", "x", "é", "国",
    ]
)  # fmt: skip
HTML_LIKE = st.lists(HTML_PIECES, max_size=40).map("".join) | st.text()
# Line breaks and spaces of every kind (and markup) in short runs, where the
# fast paths of plain_text and text_to_html and their general paths meet.
SPACING_PIECES = [
    " ", "  ", "\t", "\n", "\r\n", "\r", "\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028",
    "\u2029", "\xa0", "\u202f", "\u3000", "<", "&", "&amp;", "<b>", "<br>", "a", "é", "…", "国",
]  # fmt: skip
SPACING = st.lists(st.sampled_from(SPACING_PIECES) | st.text(max_size=3), max_size=30).map("".join)


def url_attributes(fragment: str) -> list[str]:
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return [
        value
        for element in root.iter()
        for key, value in element.items()
        if key in ("href", "src")
    ]


def scheme(url: str) -> str:
    match = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*):", url)
    return match.group(1).lower() if match else ""


# remove_forbidden_chars


def test_remove_forbidden_chars_removes_nul() -> None:
    assert remove_forbidden_chars("a\x00b") == ("ab", 1)


@pytest.mark.parametrize("char", [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r\x00"])
def test_remove_forbidden_chars_removes_c0_controls(char: str) -> None:
    assert remove_forbidden_chars(f"a{char}b") == ("ab", 1)


def test_remove_forbidden_chars_keeps_tab_newline_and_carriage_return() -> None:
    assert remove_forbidden_chars("a\tb\nc\rd") == ("a\tb\nc\rd", 0)


@pytest.mark.parametrize("char", ["\ud800", "\udbff", "\udc00", "\udfff"])
def test_remove_forbidden_chars_removes_lone_surrogates(char: str) -> None:
    assert remove_forbidden_chars(f"a{char}b") == ("ab", 1)


@pytest.mark.parametrize("char", ["\ufffe", "\uffff"])
def test_remove_forbidden_chars_removes_noncharacters_fffe_and_ffff(char: str) -> None:
    assert remove_forbidden_chars(f"a{char}b") == ("ab", 1)


def test_remove_forbidden_chars_counts_every_removed_char() -> None:
    assert remove_forbidden_chars("\x00a\x01\x02b\uffff") == ("ab", 4)


def test_remove_forbidden_chars_keeps_characters_xml_allows() -> None:
    text = "\x7f\x85\u00a0\ud7ff\ue000\ufffd\U00010000\U0001fffe😀 Perú 国际"
    assert remove_forbidden_chars(text) == (text, 0)


def test_remove_forbidden_chars_returns_clean_string_without_copying() -> None:
    text = "An ordinary headline " * 10
    clean, removed = remove_forbidden_chars(text)
    assert clean is text
    assert removed == 0


@given(st.text(st.characters(exclude_categories=())))
def test_remove_forbidden_chars_output_never_holds_a_forbidden_char(text: str) -> None:
    clean, removed = remove_forbidden_chars(text)
    assert FORBIDDEN.search(clean) is None
    assert len(clean) + removed == len(text)


@given(
    st.sampled_from(["a", "é", "…", "国", "😀"]),
    st.text(st.characters(exclude_categories=()), max_size=20),
    st.integers(0, 1200),
)
def test_remove_forbidden_chars_agrees_with_the_regex_on_long_text(
    padding: str, text: str, at: int
) -> None:
    # Long strings are searched a character at a time before the regex runs.
    long = padding * 1000
    long = long[:at] + text + long[at:]
    assert remove_forbidden_chars(long) == FORBIDDEN.subn("", long)


# plain_text


def test_plain_text_returns_plain_string_unchanged_without_markup() -> None:
    assert plain_text("Estados Unidos reafirma alianza con Perú") == (
        "Estados Unidos reafirma alianza con Perú",
        False,
    )


def test_plain_text_collapses_whitespace_and_newlines_and_strips() -> None:
    assert plain_text("  Impulso \t estratégico\n\n en  las\r\nrelaciones  ") == (
        "Impulso estratégico en las relaciones",
        False,
    )


def test_plain_text_keeps_no_break_spaces() -> None:
    assert plain_text("Économie\u00a0: la\u202fsemaine") == (
        "Économie\u00a0: la\u202fsemaine",
        False,
    )


def test_plain_text_decodes_named_entities_without_reporting_markup() -> None:
    assert plain_text("R&amp;D en Per&uacute; &eacute;") == ("R&D en Perú é", False)


def test_plain_text_decodes_numeric_entities() -> None:
    assert plain_text("It&#8217;s &#x2019;") == ("It’s ’", False)


def test_plain_text_keeps_ampersands_that_are_not_entities() -> None:
    assert plain_text("AT&T &notit & Co &amp") == ("AT&T &notit & Co &amp", False)


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<svg onload=alert(document.domain)>x", "x"),
        ("a <marquee>b</marquee> c", "a b c"),
        ("< script>alert(1)< /script>", "alert(1)"),
        ('<image src="x">y', "y"),
        ('<base href="https://evil.example/">z', "z"),
        ("<math>x</math>", "x"),
        ('<custom-el data-x="1">t</custom-el>', "t"),
    ],
)
def test_plain_text_removes_tags_browsers_parse_whatever_the_name(markup: str, text: str) -> None:
    assert plain_text(markup) == (text, True)


def test_plain_text_strips_tags_spelled_inside_cdata() -> None:
    assert plain_text("Sube <![CDATA[<script>alert(1)</script> <b>x</b>]]>") == ("Sube x", True)


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("3 < 5 & AT&T", "3 < 5 & AT&T"),
        ("Vector<T>", "Vector&lt;T>"),
        ("x <b", "x &lt;b"),
        ("Use <svg onload=alert(1)>", "Use &lt;svg onload=alert(1)>"),
        ("&amp; is how you write &", "&amp;amp; is how you write &"),
        ("I <3 NY", "I <3 NY"),
    ],
)
def test_html_safe_text_escapes_only_what_html_would_read_as_markup(text: str, html: str) -> None:
    assert html_safe_text(text) == html


def test_plain_text_keeps_decoded_angle_brackets_as_text() -> None:
    assert plain_text("Use &lt;b&gt; for bold") == ("Use <b> for bold", False)


@pytest.mark.parametrize(
    "prose", ["3 < 5", "a <= b", "I <3 NY", "Vector<T> and Map<K, V>", "x <b"]
)
def test_plain_text_keeps_prose_less_than_signs_literally(prose: str) -> None:
    assert plain_text(prose) == (prose, False)


def test_plain_text_removes_inline_tags_keeping_their_text() -> None:
    assert plain_text("<b>Hello</b> <em>big</em>World") == ("Hello bigWorld", True)


def test_plain_text_turns_block_tags_into_spaces() -> None:
    assert plain_text("<p>First</p><p>Second</p><div>Third</div>") == (
        "First Second Third",
        True,
    )


@pytest.mark.parametrize("br", ["<br>", "<br/>", "<br />", "<BR>"])
def test_plain_text_turns_line_breaks_into_spaces(br: str) -> None:
    assert plain_text(f"one{br}two") == ("one two", True)


def test_plain_text_removes_uppercase_tags_with_attributes() -> None:
    assert plain_text('<P CLASS="deck">A <A HREF="/x">link</A></P>') == ("A link", True)


def test_plain_text_removes_tags_whose_attributes_hold_greater_than() -> None:
    assert plain_text('<a title="x > y" href="/">Link</a>') == ("Link", True)


def test_plain_text_removes_comments_with_their_content() -> None:
    assert plain_text("Title<!-- generated by CMS -->") == ("Title", True)


def test_plain_text_keeps_cdata_content_literally() -> None:
    assert plain_text("<![CDATA[Fish &amp; chips]]>") == ("Fish &amp; chips", True)


def test_plain_text_removes_script_and_style_with_their_content() -> None:
    assert plain_text("<style>p{}</style>Title<SCRIPT>alert(1)</script>") == ("Title", True)


def test_plain_text_decodes_entities_inside_markup() -> None:
    assert plain_text("<b>R&amp;D</b>") == ("R&D", True)


def test_plain_text_survives_ten_thousand_nested_tags() -> None:
    deep = "<b><i>" * 10_000 + "deep" + "</i></b>" * 10_000
    assert plain_text(deep) == ("deep", True)


@pytest.mark.parametrize("opener", ["<!--", "<![CDATA[", "<script>", "<style ", '<p title="'])
def test_plain_text_stays_fast_on_many_unclosed_openers(opener: str) -> None:
    started = time.perf_counter()
    assert plain_text(opener * (200_000 // len(opener)))[0]
    assert time.perf_counter() - started < 2


@given(HTML_LIKE)
def test_plain_text_never_raises_and_returns_one_stripped_line(text: str) -> None:
    result, _ = plain_text(text)
    assert "\n" not in result
    assert result == result.strip(" ")


def reference_plain_text(s: str) -> tuple[str, bool]:
    """plain_text as it was before its fast paths: every string through the full passes."""
    kinds = [match.lastgroup for match in _markup_pattern().finditer(s)]

    def replace(match: re.Match[str]) -> str:
        kind = match.lastgroup
        if kind == "entity":
            return unescape(match.group())
        if kind == "cdata":
            return match.group("cdata_text")
        return " " if kind in ("block", "raw") else ""

    removed = _markup_pattern().sub(replace, s)
    text = re.sub("[ \t\n\r\f\v\x85\u2028\u2029]+", " ", removed).strip(" ")
    return text, any(kind != "entity" for kind in kinds)


@given(SPACING)
def test_plain_text_fast_paths_agree_with_the_full_passes(text: str) -> None:
    assert plain_text(text) == reference_plain_text(text)


# text_to_html


def test_text_to_html_wraps_a_paragraph() -> None:
    assert text_to_html("One paragraph.") == "<p>One paragraph.</p>"


def test_text_to_html_splits_paragraphs_on_blank_lines() -> None:
    assert text_to_html("First.\n\nSecond.") == "<p>First.</p>\n<p>Second.</p>"


def test_text_to_html_treats_whitespace_only_lines_as_blank() -> None:
    assert text_to_html("First.\n \t \nSecond.") == "<p>First.</p>\n<p>Second.</p>"


def test_text_to_html_merges_runs_of_blank_lines() -> None:
    assert text_to_html("\n\nFirst.\n\n\n\nSecond.\n\n") == "<p>First.</p>\n<p>Second.</p>"


def test_text_to_html_normalises_crlf_and_cr() -> None:
    assert text_to_html("A\r\nB\r\n\r\nC\rD\r\rE") == "<p>A<br>B</p>\n<p>C<br>D</p>\n<p>E</p>"


def test_text_to_html_turns_single_newlines_into_br() -> None:
    assert text_to_html("Line one\nLine two") == "<p>Line one<br>Line two</p>"


def test_text_to_html_escapes_markup_so_it_shows_as_words() -> None:
    assert text_to_html("Never use <script> & co") == "<p>Never use &lt;script&gt; &amp; co</p>"


def test_text_to_html_gives_empty_string_for_empty_body() -> None:
    assert text_to_html(" \n\n ") == ""


@given(SPACING)
def test_text_to_html_agrees_with_grouping_lines_into_paragraphs(text: str) -> None:
    lines = (line.strip() for line in escape(text, quote=False).splitlines())
    paragraphs = ("<br>".join(group) for nonblank, group in groupby(lines, key=bool) if nonblank)
    assert text_to_html(text) == "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


@given(HTML_LIKE)
def test_text_to_html_output_never_contains_script_tag(text: str) -> None:
    assert "<script" not in text_to_html(text).lower()


# sanitize_html: what goes


def test_sanitize_removes_script_with_its_content() -> None:
    assert sanitize_html("<p>a<script>alert(1)</script>b</p>", None) == "<p>ab</p>"


def test_sanitize_removes_style_with_its_content() -> None:
    assert sanitize_html("<style>p{color:red}</style><p>a</p>", None) == "<p>a</p>"


def test_sanitize_removes_noscript_with_its_content() -> None:
    assert sanitize_html('<noscript><img src="/a.png"></noscript><p>a</p>', None) == "<p>a</p>"


def test_sanitize_removes_iframe() -> None:
    assert sanitize_html('<iframe src="https://evil.example/"></iframe><p>a</p>', None) == (
        "<p>a</p>"
    )


def test_sanitize_removes_object_and_embed() -> None:
    html = '<object data="x.swf"><param name="a"></object><embed src="x.swf"><p>a</p>'
    assert sanitize_html(html, None) == "<p>a</p>"


def test_sanitize_removes_form_controls() -> None:
    html = '<form action="/steal"><input name="pw"><button>Go</button></form>'
    assert sanitize_html(html, None) == "Go"


def test_sanitize_removes_svg_with_onload() -> None:
    assert sanitize_html('<svg onload="alert(1)"><circle r="1"/></svg><p>a</p>', None) == (
        "<p>a</p>"
    )


def test_sanitize_removes_math() -> None:
    html = '<math><mi xlink:href="javascript:alert(1)">x</mi></math><p>a</p>'
    assert sanitize_html(html, None) == "<p>a</p>"


def test_sanitize_removes_onerror_attribute() -> None:
    assert sanitize_html('<img src="https://x.example/a.png" onerror="alert(1)">', None) == (
        '<img src="https://x.example/a.png">'
    )


def test_sanitize_removes_event_handler_attributes() -> None:
    assert sanitize_html('<p onclick="x()" onmouseover="y()">a</p>', None) == "<p>a</p>"


def test_sanitize_removes_style_attribute() -> None:
    assert sanitize_html('<p style="position:fixed">a</p>', None) == "<p>a</p>"


def test_sanitize_removes_class_id_and_lang_attributes() -> None:
    assert sanitize_html('<p class="c" id="i" lang="es" title="t">a</p>', None) == "<p>a</p>"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;&#x61;vascript:alert(1)",
        "   javascript:alert(1)",
        "java\tscript:alert(1)",
        "java&#x09;script:alert(1)",
    ],
    ids=[
        "plain",
        "mixed-case",
        "decimal-entity",
        "hex-entity",
        "leading-spaces",
        "tab",
        "tab-entity",
    ],
)
def test_sanitize_removes_javascript_url(url: str) -> None:
    assert sanitize_html(f'<a href="{url}">x</a>', BASE) == "<a>x</a>"


def test_sanitize_removes_javascript_url_in_img_src() -> None:
    assert sanitize_html('<img src="javascript:alert(1)" alt="a">', BASE) == '<img alt="a">'


def test_sanitize_removes_vbscript_url() -> None:
    assert sanitize_html('<a href="VBScript:msgbox(1)">x</a>', BASE) == "<a>x</a>"


def test_sanitize_removes_data_url() -> None:
    html = '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="a">'
    assert sanitize_html(html, BASE) == '<img alt="a">'


def test_sanitize_removes_comments() -> None:
    assert sanitize_html("<p>a<!-- <script>x</script> --></p>", None) == "<p>a</p>"


@pytest.mark.parametrize("reference", ["&#1;", "&#x1F;", "&#xB;", "&#xFFFE;", "&#xFFFF;"])
def test_sanitize_removes_forbidden_chars_written_as_character_references(reference: str) -> None:
    html = f'<p>a{reference}b<img alt="c{reference}d"></p>'
    assert sanitize_html(html, None) == '<p>ab<img alt="cd"></p>'


def test_sanitize_removes_a_character_reference_formed_by_removing_forbidden_chars() -> None:
    assert sanitize_html("<p>a&\x01#1;b</p>", None) == "<p>ab</p>"


def test_no_named_character_reference_decodes_to_a_forbidden_char() -> None:
    # sanitize_html looks for forbidden characters in its output only when the
    # input holds a numeric reference ("&#"): no named one can produce them.
    named = "".join(f"<p>&{name}{'' if name.endswith(';') else ';'}</p>" for name in html5)
    assert FORBIDDEN.search(unescape(named)) is None
    assert FORBIDDEN.search(sanitize_html(named, None)) is None


def test_sanitize_removes_lone_surrogates_instead_of_failing() -> None:
    assert sanitize_html("<p>a\ud800b</p>", None) == "<p>ab</p>"


def test_sanitize_adds_no_rel_to_links() -> None:
    html = '<a href="https://x.example/" rel="opener" target="_blank">x</a>'
    assert sanitize_html(html, None) == '<a href="https://x.example/">x</a>'


# sanitize_html: what stays


def test_sanitize_keeps_paragraphs_and_inline_formatting() -> None:
    html = "<p><strong>a</strong> <em>b</em> <b>c</b> <i>d</i> <u>e</u> <s>f</s> x<sub>2</sub></p>"
    assert sanitize_html(html, None) == html


def test_sanitize_keeps_headings() -> None:
    html = "".join(f"<h{level}>Heading</h{level}>" for level in range(1, 7))
    assert sanitize_html(html, None) == html


def test_sanitize_keeps_lists() -> None:
    html = "<ul><li>a</li></ul><ol><li>b</li></ol><dl><dt>c</dt><dd>d</dd></dl>"
    assert sanitize_html(html, None) == html


def test_sanitize_keeps_link_with_href_title_and_hreflang() -> None:
    html = '<a href="https://x.example/a" title="T" hreflang="es">x</a>'
    assert sanitize_html(html, BASE) == html


def test_sanitize_keeps_mailto_link() -> None:
    html = '<a href="mailto:paul@example.org">Paul</a>'
    assert sanitize_html(html, BASE) == html


def test_sanitize_keeps_img_with_alt_title_and_size() -> None:
    html = '<img src="https://x.example/a.jpg" alt="Jerí" title="T" width="640" height="360">'
    assert sanitize_html(html, BASE) == html


def test_sanitize_keeps_figure_and_figcaption() -> None:
    html = '<figure><img src="https://x.example/a.jpg" alt="a"><figcaption>L</figcaption></figure>'
    assert sanitize_html(html, BASE) == html


def test_sanitize_keeps_blockquote() -> None:
    html = "<blockquote><p>Quoted.</p></blockquote>"
    assert sanitize_html(html, None) == html


def test_sanitize_keeps_tables_with_spans_and_scope() -> None:
    html = (
        '<table><caption>C</caption><thead><tr><th scope="col" colspan="2">h</th></tr></thead>'
        '<tbody><tr><td rowspan="2">a</td><td>b</td></tr></tbody></table>'
    )
    assert sanitize_html(html, None) == html


def test_sanitize_keeps_code_and_pre() -> None:
    html = "<pre><code>if a &lt; b:</code></pre><p><code>x</code> <kbd>K</kbd></p>"
    assert sanitize_html(html, None) == html


# sanitize_html: URLs


@pytest.mark.parametrize(
    ("relative", "absolute"),
    [
        ("/x", "https://example.org/x"),
        ("../x", "https://example.org/news/x"),
        ("x/y", "https://example.org/news/2026/x/y"),
        ("//host.example/x", "https://host.example/x"),
        ("?q=1", "https://example.org/news/2026/story.html?q=1"),
        ("#frag", "https://example.org/news/2026/story.html#frag"),
    ],
)
def test_sanitize_resolves_relative_href_against_base_url(relative: str, absolute: str) -> None:
    assert sanitize_html(f'<a href="{relative}">x</a>', BASE) == f'<a href="{absolute}">x</a>'


def test_sanitize_resolves_relative_img_src_against_base_url() -> None:
    assert sanitize_html('<img src="img/a.jpg" alt="a">', BASE) == (
        '<img src="https://example.org/news/2026/img/a.jpg" alt="a">'
    )


def test_sanitize_leaves_absolute_urls_unchanged() -> None:
    html = '<a href="http://other.example/p?a=1&amp;b=2">x</a>'
    assert sanitize_html(html, BASE) == html


def test_sanitize_leaves_relative_urls_without_base_url() -> None:
    html = '<a href="../x">x</a><img src="/a.png">'
    assert sanitize_html(html, None) == html


@pytest.mark.filterwarnings("error")
def test_sanitize_removes_relative_url_that_cannot_be_resolved() -> None:
    assert sanitize_html('<a href="//[bad">x</a>', BASE) == "<a>x</a>"


# sanitize_html: hostile input


def test_sanitize_survives_five_thousand_nested_divs() -> None:
    deep = "<div>" * 5_000 + "deep" + "</div>" * 5_000
    out = sanitize_html(deep, BASE)
    assert "deep" in out
    assert lxml.html.fromstring(out) is not None


def test_sanitize_finishes_a_five_megabyte_body() -> None:
    paragraph = (
        '<p>Text <a href="/n/1">link</a> <img src="i.png" onerror="x()"><script>x()</script>\n'
    )
    html = paragraph * (5_000_000 // len(paragraph))
    started = time.perf_counter()
    out = sanitize_html(html, BASE)
    elapsed = time.perf_counter() - started
    assert out.count('<a href="https://example.org/n/1">') == html.count("<a ")
    assert "<script" not in out
    assert elapsed < 60


@given(HTML_LIKE, st.sampled_from([None, BASE]))
def test_sanitize_output_never_contains_script_tag(html: str, base_url: str | None) -> None:
    assert "<script" not in sanitize_html(html, base_url).lower()


@given(HTML_LIKE | st.text(st.characters(exclude_categories=())))
def test_sanitize_output_never_holds_a_forbidden_char(html: str) -> None:
    assert FORBIDDEN.search(sanitize_html(html, BASE)) is None


@given(HTML_LIKE, st.sampled_from([None, BASE]))
def test_sanitize_output_urls_only_use_allowed_schemes(html: str, base_url: str | None) -> None:
    out = sanitize_html(html, base_url)
    for url in url_attributes(out) if out.strip() else []:
        assert scheme(url) in ALLOWED_SCHEMES | {""}


# markdown_to_html


def test_markdown_renders_headings_paragraphs_and_emphasis() -> None:
    assert markdown_to_html("# Title\n\nSome *emphasis* and **strong**.", None) == (
        "<h1>Title</h1>\n<p>Some <em>emphasis</em> and <strong>strong</strong>.</p>"
    )


def test_markdown_renders_tables() -> None:
    out = markdown_to_html("| a | b |\n|---|---|\n| 1 | 2 |", None)
    assert "<table>" in out
    assert "<td>1</td>" in out


def test_markdown_renders_fenced_code_escaped() -> None:
    out = markdown_to_html("```\nif a < b:\n```", None)
    assert out == "<pre><code>if a &lt; b:\n</code></pre>"


def test_markdown_keeps_a_bullet_list_after_a_numbered_list_separate() -> None:
    assert markdown_to_html("1. one\n2. two\n\n* a\n* b", None) == (
        "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    )


def test_markdown_removes_raw_script() -> None:
    out = markdown_to_html("Hello <script>alert(1)</script>\n\n<script>alert(2)</script>", None)
    assert "script" not in out
    assert "alert" not in out


def test_markdown_sanitises_raw_html_attributes() -> None:
    assert markdown_to_html('<div onclick="x()">raw</div>', None) == "<div>raw</div>"


def test_markdown_resolves_relative_link_against_base_url() -> None:
    assert markdown_to_html("[more](../other.html)", BASE) == (
        '<p><a href="https://example.org/news/other.html">more</a></p>'
    )


def test_markdown_removes_javascript_link() -> None:
    assert markdown_to_html("[x](javascript:alert(1))", BASE) == "<p><a>x</a></p>"


def test_markdown_is_commonmark() -> None:
    # Python-Markdown needed a blank line before a list and four-space nesting.
    assert markdown_to_html("Items:\n- a\n  - b", None) == (
        "<p>Items:</p>\n<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>"
    )


def test_markdown_strikethrough_is_kept() -> None:
    assert markdown_to_html("~~old~~ new", None) == "<p><del>old</del> new</p>"


# slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Política", "politica"),
        ("Économie", "economie"),
        ("Straße", "strasse"),
        ("Łódź Ærø", "lodz-aero"),
        ("İstanbul", "istanbul"),
    ],
)
def test_slugify_turns_latin_letters_into_ascii(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Политика", "политика"),
        ("Китай и Россия", "китай-и-россия"),
        ("国际", "国际"),
        ("한국 정치", "한국-정치"),
        ("ガイド ｶﾞｲﾄﾞ", "ガイド-ガイド"),
        ("السياسة الدولية", "السياسة-الدولية"),
        ("हिन्दी समाचार", "हिन्दी-समाचार"),
    ],
)
def test_slugify_keeps_letters_of_scripts_without_ascii_form(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_slugify_unfolds_compatibility_characters() -> None:
    assert slugify("ﬁnanzas ＡＢＣ ②") == "finanzas-abc-2"


def test_slugify_joins_runs_of_punctuation_with_one_hyphen() -> None:
    assert slugify("  Perú -- EE.UU.: «alianza»!  ") == "peru-ee-uu-alianza"


@pytest.mark.parametrize("name", ["", "   ", "¡¿...!?", "—•—"])
def test_slugify_gives_empty_slug_without_letters_or_digits(name: str) -> None:
    assert slugify(name) == ""


def test_slugify_truncates_on_a_hyphen_boundary() -> None:
    assert slugify("alpha beta gamma", max_length=12) == "alpha-beta"


def test_slugify_cuts_a_single_long_word_at_max_length() -> None:
    assert slugify("Donaudampfschifffahrt", max_length=5) == "donau"


def test_slugify_limits_slugs_to_eighty_characters_by_default() -> None:
    assert len(slugify("palabra " * 40)) <= 80


@given(st.text(), st.integers(min_value=1, max_value=100))
def test_slugify_gives_trimmed_slug_within_max_length(name: str, max_length: int) -> None:
    slug = slugify(name, max_length)
    assert len(slug) <= max_length
    assert not slug.startswith("-")
    assert not slug.endswith("-")
    assert "--" not in slug
    assert re.search(r"[A-Z\s/?#%&]", slug) is None


@given(st.text())
def test_slugify_is_idempotent(name: str) -> None:
    assert slugify(slugify(name)) == slugify(name)


def test_plain_text_strips_every_tag_the_validator_flags_in_a_title() -> None:
    missed = [
        name
        for name in sorted(HTML_TAGS - {"script", "style"})
        if plain_text(f"a <{name}>b</{name}> c") != ("a b c", True)
    ]
    assert missed == []
