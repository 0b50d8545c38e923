"""Clean the text fields of an article before they reach a feed serializer.

Feeds are XML, read by aggregators that render HTML: every field must hold only
characters XML 1.0 allows, plain-text fields must hold no markup, and HTML
bodies must hold no active content and no relative URLs (a feed reader has no
page to resolve them against).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache
from html import escape, unescape
from html.entities import html5
from urllib.parse import urljoin

import nh3

__all__ = [
    "MAX_HTML_DEPTH",
    "html_safe_text",
    "markdown_to_html",
    "plain_text",
    "remove_forbidden_chars",
    "render_markdown",
    "sanitize_html",
    "slugify",
    "text_to_html",
]

# XML 1.0 `Char` excludes these; lxml refuses to serialize a string holding one.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORBIDDEN_CHARS = (
    *(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)),
    "\ufffe",
    "\uffff",
)
# The regex tests each character in turn (about 3 ns each); "in" finds one
# character at memchr speed, so from this length looking for each of the 31
# and then for surrogates by encoding is faster (a 3 KB body: 4.7 us, not 8).
_SEARCH_EACH_FROM = 1000

# Known element names count as tags, so that prose such as "Vector<T>" or
# "Map<K, V>" keeps its angle brackets (RSS titles escape such a "<" when
# written); so does a tag of any name with an attribute value (`<x onload=...>`).
# The validator flags every HTML name of these in a title (tests keep the
# lists in step); the rest are obsolete, SVG, MathML or template elements
# that browsers still parse and readers must never receive.
_BLOCK_TAGS = (
    "address article aside audio blockquote body br canvas caption center col colgroup dd "
    "details dialog div dl dt embed fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "head header hr html iframe legend li link main meta nav noscript object ol option p "
    "picture pre section select source summary table tbody td textarea tfoot th thead title "
    "tr ul video"
)
_INLINE_TAGS = (
    "a abbr acronym area b bdi bdo big button cite code data del dfn em font i img input ins "
    "kbd label mark q s samp small span strike strong sub sup time tt u var wbr "
    "applet base basefont bgsound blink dir frame frameset image isindex keygen listing map "
    "marquee math menu menuitem meter multicol nobr noembed noframes optgroup output param "
    "plaintext portal progress rb rp rt rtc ruby search slot spacer svg "
    "template track xmp"
)


def _tag_pattern(names: str) -> str:
    # A quoted attribute value may hold ">" but no value may hold "<", so a
    # failed match never scans past the next "<" (linear time overall).
    alternation = "|".join(names.split())
    return rf"</?(?:{alternation})(?=[\s/>])(?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*>"


# Some sanitisers and readers take "< script>" for a tag, as browsers never do.
_SPACED_NAMES = "|".join(("script style " + _BLOCK_TAGS + " " + _INLINE_TAGS).split())


# A comment, CDATA section or script never spans the opener of another one:
# an unclosed opener then costs a scan to the next opener, not to the end of
# the text, which keeps "<!--" repeated a million times linear.
# Compiled when a text first holds a "<" or "&", which most of a build's never do.
@cache
def _markup_pattern() -> re.Pattern[str]:
    return re.compile(
        rf"""
        (?P<comment><!--(?:(?!<!--).)*?-->)
        |(?P<cdata><!\[CDATA\[(?P<cdata_text>(?:(?!<!\[CDATA\[).)*?)\]\]>)
        |(?P<raw><(?P<raw_name>script|style)\b[^<>]*>(?:(?!<(?P=raw_name)\b).)*?</(?P=raw_name)\s*>)
        |(?P<block>{_tag_pattern(_BLOCK_TAGS)})
        |(?P<inline>{_tag_pattern(_INLINE_TAGS)})
        |(?P<spaced><\s+/?\s*(?:{_SPACED_NAMES})\b[^<>]*>)
        |(?P<attributed></?[A-Za-z][^\s/<>]*\s+[^<>=]*=(?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*>)
        |(?P<end></[A-Za-z][^\s/<>]*\s*>)
        |(?P<entity>&(?:\#[0-9]+|\#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)
        """,
        re.IGNORECASE | re.DOTALL | re.VERBOSE,
    )


# ASCII whitespace and the Unicode line breaks; no-break and thin spaces are
# typography (French "Économie :") and are kept.
_WHITESPACE = re.compile("[ \t\n\r\f\v\x85\u2028\u2029]+")

_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "div",
    "strong", "b", "em", "i", "u", "s", "del", "ins", "sub", "sup", "small", "mark", "q",
    "cite", "abbr",
    "time", "code", "kbd", "samp", "span", "a",
    "ul", "ol", "li", "dl", "dt", "dd",
    "img", "figure", "figcaption",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    # No generic attributes: nh3 would otherwise allow `lang` and `title` everywhere.
    "*": set(),
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
# `noscript` is parsed as raw text: kept, it would show readers its markup as
# literal text (lazy-loading sites put an <img> in every one).
_CONTENT_REMOVED_TAGS = {"script", "style", "noscript"}
_URL_SCHEMES = {"http", "https", "mailto"}

# Latin letters that NFKD does not decompose into an ASCII letter and a mark.
_LATIN_LETTERS = str.maketrans(
    {"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def remove_forbidden_chars(s: str) -> tuple[str, int]:
    """Remove the characters XML 1.0 forbids and count them.

    These are NUL and the C0 controls other than tab, newline and carriage
    return, the surrogates U+D800–U+DFFF (always lone in a Python `str`),
    U+FFFE and U+FFFF. A string without any is returned as the same object.
    """
    if len(s) >= _SEARCH_EACH_FROM and type(s) is str and not _holds_forbidden_chars(s):
        return s, 0
    return _FORBIDDEN.subn("", s)


def _holds_forbidden_chars(s: str) -> bool:
    if any(map(s.__contains__, _FORBIDDEN_CHARS)):
        return True
    try:
        s.encode("utf-16-le")  # refuses lone surrogates, and only them
    except UnicodeEncodeError:
        return True
    return False


def plain_text(s: str) -> tuple[str, bool]:
    """Return `s` as one line of plain text, and whether it held markup.

    For titles, kickers, summaries, names and captions: tags of known HTML
    elements, comments and CDATA sections are removed (their text kept; block
    elements and <br> leave a space; script and style lose their content),
    entities written with a ";" are decoded, and whitespace is collapsed. A
    "<" that opens no such tag ("3 < 5", "a <= b", "Vector<T>") is prose and
    stays. Decoding entities alone does not count as markup.
    """
    if "<" not in s and "&" not in s:
        return _collapse_whitespace(s), False
    had_markup = False

    def replace(match: re.Match[str]) -> str:
        nonlocal had_markup
        kind = match.lastgroup
        if kind == "entity":
            return unescape(match.group())
        had_markup = True
        if kind == "cdata":
            # Its text is literal (entities stay as written), but may spell tags
            # a reader would render: those go like the rest.
            return _markup_pattern().sub(_without_tags, match.group("cdata_text"))
        return " " if kind in ("block", "raw") else ""

    text = _markup_pattern().sub(replace, s)
    return _collapse_whitespace(text), had_markup


def _without_tags(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind in ("entity", "cdata"):
        return match.group()
    return " " if kind in ("block", "raw") else ""


def _collapse_whitespace(s: str) -> str:
    # Most fields hold single spaces only; substituting each of them with itself
    # would cost several times these scans, each as fast as memchr.
    if (
        "  " in s
        or "\n" in s
        or "\t" in s
        or "\r" in s
        or "\f" in s
        or "\v" in s
        or "\x85" in s
        or "\u2028" in s
        or "\u2029" in s
    ):
        return _WHITESPACE.sub(" ", s).strip(" ")
    return s.strip(" ")


# What a browser reads as markup in text: "<" before a letter or "/" and a
# letter (a tag), "&" before "#" or an entity's name and ";" (a character
# reference). A "<!" or "<?" may hide text but starts no element, and escaping
# it would show readers that take the title as text an "&lt;".
_HTML_OPENERS = re.compile(r"<(?=/?[A-Za-z])|&(?=#)|&([A-Za-z][A-Za-z0-9]*;)")


def html_safe_text(text: str) -> str:
    """Plain text that reads the same as text and as HTML: only a "<" or "&" that
    HTML would take as markup is escaped ("a < b", "AT&T" stay as they are;
    "Vector<T>" becomes "Vector&lt;T>"). For RSS titles, which some readers
    show as text and others render as HTML."""
    if "<" not in text and "&" not in text:
        return text
    return _HTML_OPENERS.sub(_escape_opener, text)


def _escape_opener(match: re.Match[str]) -> str:
    name = match.group(1)
    if name is None:
        return "&lt;" if match.group() == "<" else "&amp;"
    return f"&amp;{name}" if name in html5 else match.group()


def text_to_html(text: str) -> str:
    """Render a plain-text body as HTML paragraphs.

    Paragraphs are separated by blank lines (a line of whitespace is blank;
    \\r\\n and \\r are line breaks too); each becomes <p>…</p>, its line breaks
    become <br>, and the paragraphs are joined with "\\n". Every character is
    escaped, so a body that talks about <script> shows those words.
    """
    paragraphs: list[str] = []
    lines: list[str] = []
    for line in escape(text, quote=False).splitlines():
        line = line.strip()
        if line:
            lines.append(line)
        elif lines:
            paragraphs.append("<p>" + "<br>".join(lines) + "</p>")
            lines = []
    if lines:
        paragraphs.append("<p>" + "<br>".join(lines) + "</p>")
    return "\n".join(paragraphs)


def sanitize_html(html: str, base_url: str | None) -> str:
    """Sanitise an HTML body with nh3 and make its URLs absolute.

    An allow-list of passive elements and attributes is kept; script, style
    and noscript go with their content; other tags go but keep their text.
    Only http, https and mailto URLs survive. Relative href and src values
    are resolved against `base_url` (an absolute http(s) URL) during the same
    parse; with no `base_url` they are left relative. A relative URL that
    cannot be resolved (such as "//[bad") is removed. Characters XML forbids
    are removed before (nh3 cannot take a lone surrogate) and after (a
    character reference such as "&#1;" decodes to one).
    """
    html = _FORBIDDEN.sub("", html)
    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        clean_content_tags=_CONTENT_REMOVED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        link_rel=None,
        url_schemes=_URL_SCHEMES,
        url_relative=None if base_url is None else _url_resolver(base_url),
    )
    # Only a numeric character reference can decode to a forbidden character:
    # no named one does, and the input no longer holds any.
    return _FORBIDDEN.sub("", cleaned) if "&#" in html else cleaned


def _url_resolver(base_url: str) -> Callable[[str], str | None]:
    # nh3 calls this only for relative URLs, after it has dropped disallowed
    # schemes; an exception would be printed by nh3 as "unraisable" noise.
    def resolve(url: str) -> str | None:
        try:
            return urljoin(base_url, url)
        except ValueError:
            return None

    return resolve


#: GitHub's tables and strikethrough on top of CommonMark.
#: The deepest nesting of elements an HTML or Markdown `body` may have; a
#: deeper body rejects its record. The HTML parser's time grows with the
#: square of the depth (10,000 levels take about 0.3 s, 100,000 about 30 s).
#: Counted from the tags as written: void elements (br, img...) and those
#: whose end tag HTML makes optional (p, li, td...) do not count.
MAX_HTML_DEPTH = 10_000
_UNCOUNTED_ELEMENTS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
        "param", "source", "track", "wbr",
        "p", "li", "dt", "dd", "option", "optgroup", "rt", "rp", "tr", "td", "th", "thead",
        "tbody", "tfoot", "colgroup", "caption", "html", "head", "body",
    }
)  # fmt: skip
_TAG_START = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")


def html_depth(html: str) -> int:
    """How deeply the elements of `html` nest, counted from its tags (see MAX_HTML_DEPTH).

    An end tag closes one open element of its name; a stray one closes
    nothing, so that it cannot hide the depth of what follows.
    """
    open_by_name: dict[str, int] = {}
    depth = deepest = 0
    for match in _TAG_START.finditer(html):
        name = match.group(2).lower()
        if name in _UNCOUNTED_ELEMENTS:
            continue
        if not match.group(1):
            open_by_name[name] = open_by_name.get(name, 0) + 1
            depth += 1
            deepest = max(deepest, depth)
        elif open_by_name.get(name):
            open_by_name[name] -= 1
            depth -= 1
    return deepest


def too_deep(html: str) -> bool:
    """Whether `html` nests deeper than MAX_HTML_DEPTH."""
    # A body can nest no deeper than its count of "<": most need no counting.
    return html.count("<") > MAX_HTML_DEPTH and html_depth(html) > MAX_HTML_DEPTH


_MARKDOWN_EXTENSIONS = ["table", "strikethrough"]


def render_markdown(text: str) -> str:
    """A Markdown body (CommonMark, with tables, strikethrough and footnotes) as
    HTML, not yet sanitised: `markdown_to_html` is what publishes."""
    # Imported here: only a build with Markdown bodies needs the renderer.
    import cmarkgfm
    from cmarkgfm import cmark

    # Raw HTML is kept ("unsafe") because it is sanitised right after, and
    # footnotes are rendered.
    options = cmark.Options.CMARK_OPT_UNSAFE | cmark.Options.CMARK_OPT_FOOTNOTES
    html: str = cmarkgfm.markdown_to_html_with_extensions(
        text, options=options, extensions=_MARKDOWN_EXTENSIONS
    )
    return html.rstrip("\n")  # cmark ends every block with a line break


def markdown_to_html(text: str, base_url: str | None) -> str:
    """Render a Markdown body to sanitised HTML with absolute URLs; raw HTML inside
    the Markdown is sanitised like any HTML body (see `sanitize_html`)."""
    return sanitize_html(render_markdown(text), base_url)


def slugify(s: str, max_length: int = 80) -> str:
    """Return a stable, URL-safe slug of `s`, for file paths and tag URIs.

    Rules, applied in order:
    1. Case-fold and NFKD-normalise ("Straße" -> "strasse", "ﬁ" -> "fi").
    2. Latin letters become ASCII: combining marks after an ASCII letter are
       dropped ("Política" -> "politica", "Économie" -> "economie") and
       æ œ ø ł đ ð þ ı are spelled ae oe o l d d th i.
    3. Letters and digits of other scripts are kept with their marks, in NFC
       ("Политика" -> "политика", "国际" -> "国际"); callers percent-encode.
    4. Every run of other characters becomes one "-"; "-" is stripped from
       both ends, so empty or all-punctuation input gives "".
    5. A slug longer than `max_length` is cut at the last "-" that fits, or
       at `max_length` when its first word alone is longer.
    """
    return _truncate(_fold(s, keep_symbols=False), max_length)


def fold_name(s: str) -> str:
    """`s` folded as `slugify` folds it (steps 1 to 4, without a length limit),
    except that only spaces and the punctuation that joins words (dashes,
    quotes, brackets, & , . / : ; | ·) become "-": every other character is kept.

    Two names with the same fold are one name spelled two ways ("Economía",
    "ECONOMIA"; "Arts & Culture", "arts, culture"); when the fold equals the
    slug, the slug lost nothing else ("C++" folds to "c++" but slugs to "c",
    as "C#" and "C" do).
    """
    return _fold(s, keep_symbols=True)


def _fold(s: str, *, keep_symbols: bool) -> str:
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", s).casefold())
    chars: list[str] = []
    for char in folded.translate(_LATIN_LETTERS):
        if unicodedata.category(char).startswith("M"):
            # A mark on an ASCII letter is an accent to drop; on another
            # script's letter it may be part of the letter (й, Devanagari).
            if chars and not chars[-1].isascii():
                chars.append(char)
        elif char.isalnum() or (keep_symbols and not _joins_words(char)):
            chars.append(char)
        elif chars and chars[-1] != "-":
            chars.append("-")
    return unicodedata.normalize("NFC", "".join(chars)).strip("-")


#: Punctuation that only separates words: dashes, connectors, brackets, quotes.
_WORD_JOINING_CATEGORIES = frozenset({"Pd", "Pc", "Ps", "Pe", "Pi", "Pf"})
_WORD_JOINING = frozenset("&,./:;|'\"\u00b7")


def _joins_words(char: str) -> bool:
    return (
        char.isspace()
        or char in _WORD_JOINING
        or unicodedata.category(char) in _WORD_JOINING_CATEGORIES
    )


def _truncate(slug: str, max_length: int) -> str:
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1]
    boundary = cut.rfind("-")
    return cut[:boundary] if boundary > 0 else slug[:max_length]
