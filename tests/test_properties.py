"""Properties over arbitrary records (issue 4): whatever comes in, the build holds.

Records are drawn with every field under a random alias, holding good
values, arbitrary Unicode (lone surrogates, NUL, U+FFFE included), hostile
HTML, or values of the wrong type, plus unknown fields. For every list of
them:

- reading never raises, and each record is either published or rejected by
  exactly one error that names its position and a field;
- every document written is well-formed, `newsfeed.validate` finds nothing
  in it, and feedparser reads it without complaint (bozo 0);
- the command line never shows a traceback and exits 0 or 3.

The default run is sized to stay fast; `HYPOTHESIS_PROFILE=thorough` runs
many more examples.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import feedparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import newsfeed
from newsfeed import Feed, FeedSettings
from newsfeed.cli import main
from newsfeed.fields import NAMES as FIELDS

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
#: Examples per property: (default run, thorough run).
READ_EXAMPLES = 10_000 if THOROUGH else 500
FEED_EXAMPLES = 5_000 if THOROUGH else 300
CLI_EXAMPLES = 1_000 if THOROUGH else 100


def sized(examples: int) -> settings:
    """Settings of a property: `examples` runs and no deadline (some feeds are large)."""
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


SETTINGS = FeedSettings(
    title="Noticias de prueba",
    link="https://noticias.example.org/",
    language="es",
    timezone="America/Lima",
)
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)

# -- what records are made of -------------------------------------------------------------

#: Text that breaks naive writers: XML-forbidden characters, CDATA and
#: entity syntax, markup and bidi controls.
NASTY_PIECES = [
    "\x00", "\x01", "\x0b", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff", "\x7f", "\x85",
    "\u2028", "\u202e", "\ufeff", "]]>", "<![CDATA[", "&", "&amp;", "&e;", "&#0;", "&#xD800;",
    '<!DOCTYPE t [<!ENTITY e "boom">]>', "<!--", "-->", "<", ">", '"', "'", "\r\n", "\t",
]  # fmt: skip
HOSTILE_HTML = [
    "<script>alert(1)</script>", "<style>*{}</style>", '<iframe src="https://e.example/">',
    '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">j</a>',
    '<a href=" JaVaScRiPt:alert(1)">j</a>', '<a href="&#106;avascript:alert(1)">j</a>',
    '<a href="vbscript:x">v</a>', '<img src="data:image/png;base64,AA==" alt="d">',
    '<svg onload="alert(1)"><circle/></svg>', '<p style="color:red" onclick="x()">p</p>',
    '<form action="/x"><input></form>', "<object data=x></object>", "<math><mi>x</mi></math>",
    '<a href="/rel">r</a>', '<img src="../img.png" alt="i">', '<a href="//host/x">h</a>',
    '<a href="?q">q</a>', '<a href="//[bad">b</a>', "<div>" * 50, "</div>" * 7, "<p><b><i>",
    "<table><tr><td>c", "<noscript><img src=x></noscript>", "<![CDATA[x]]>", "<!-- c -->",
    "<template><script>x</script></template>", "<textarea></textarea><script>x</script>",
]  # fmt: skip

unicode_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
nasty_text = st.lists(st.one_of(st.sampled_from(NASTY_PIECES), unicode_text), max_size=6).map(
    "".join
)
hostile_html = st.lists(
    st.one_of(st.sampled_from(HOSTILE_HTML), st.sampled_from(NASTY_PIECES), unicode_text),
    max_size=8,
).map("".join)
any_text = st.one_of(unicode_text, nasty_text, hostile_html)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True)
)
any_value = st.recursive(
    st.one_of(scalars, any_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)

GOOD_DATES = [
    "2026-11-26T14:30:00-05:00", "2026-11-26", "Thu, 26 Nov 2026 14:30:00 -0500",
    "26 de noviembre de 2026, 14:30", "26 novembre 2026", 1795712400, 1795712400.5,
]  # fmt: skip
BAD_DATES = ["31 de febrero de 2026", "pronto", "", "2026-13-45", "9999999999999999999"]
URLS = [
    "https://noticias.example.org/a/b/nota.shtml", "http://noticias.example.org/x?y=1#z",
    "https://例え.jp/ニュース", "javascript:alert(1)", "data:text/html,x", "not a url",
    "/relativo", "https://", "http://[::1", "HTTPS://NOTICIAS.EXAMPLE.ORG/Z",
]  # fmt: skip
IMAGES = ["/img/a.jpg", "https://noticias.example.org/img/b.png", "img/c.webp", "ftp://x/y.gif"]

author_value = st.one_of(
    any_text,
    st.fixed_dictionaries(
        {"name": any_text},
        optional={
            "email": st.one_of(st.just("ana@example.org"), any_text),
            "url": st.one_of(st.sampled_from(URLS), any_text),
            "bio": any_text,
            "extra": any_value,
        },
    ),
)
image_value = st.one_of(
    st.sampled_from(IMAGES),
    st.fixed_dictionaries(
        {"url": st.one_of(st.sampled_from(IMAGES), any_text)},
        optional={
            "type": st.one_of(st.just("image/png"), any_text),
            "length": st.one_of(st.integers(), any_value),
            "width": st.integers(min_value=-5, max_value=5000),
            "height": st.integers(min_value=0, max_value=5000),
            "caption": any_text,
            "credit": any_text,
        },
    ),
)
#: Values of the right type for each field (text may still be hostile).
GOOD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "id": st.one_of(st.sampled_from(["a", "b", "tag:x,2026:1", " c ", 7]), any_text),
    "url": st.sampled_from(URLS[:3]),
    "title": st.one_of(st.just("Sube el cobre"), any_text.map("Sube {}".format)),
    "kicker": any_text,
    "summary": any_text,
    "body": st.one_of(hostile_html, any_text),
    "body_format": st.sampled_from(["text", "html", "markdown", "HTML", " markdown "]),
    "authors": st.one_of(author_value, st.lists(author_value, max_size=3)),
    "published": st.sampled_from(GOOD_DATES),
    "updated": st.sampled_from(GOOD_DATES),
    "language": st.one_of(st.sampled_from(["es", "pt_br", "en-GB", "zh-Hant"]), any_text),
    "categories": st.one_of(any_text, st.lists(any_text, max_size=4)),
    "image": image_value,
}
#: Values that may reject the record: wrong types, unreadable dates, bad URLs.
BAD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    **dict.fromkeys(FIELDS, any_value),
    "url": st.one_of(st.sampled_from(URLS[3:]), any_value),
    "published": st.one_of(st.sampled_from(BAD_DATES), any_value),
    "updated": st.one_of(st.sampled_from(BAD_DATES), any_value),
    "body_format": st.one_of(st.just("rtf"), any_value),
}


@st.composite
def records(draw: st.DrawFn) -> dict[Any, Any]:
    """One record: each field present or not, under a random alias, mostly good.

    A title and a date are there most of the time and each field is good
    nine times in ten, so that about half of the records publish.
    """
    record: dict[Any, Any] = {}
    for name, aliases in FIELDS.items():
        usual = name in ("title", "published")
        if draw(st.integers(0, 9)) < (9 if usual else 4):
            alias = draw(st.sampled_from(aliases))
            good = draw(st.integers(0, 9)) < 9
            record[alias] = draw(GOOD_VALUES[name] if good else BAD_VALUES[name])
    unknown = draw(st.dictionaries(st.text(max_size=8), any_value, max_size=2))
    for key, value in unknown.items():
        record.setdefault(key, value)
    return record


record_lists = st.lists(records(), min_size=1, max_size=5)


# -- properties ---------------------------------------------------------------------------


@sized(READ_EXAMPLES)
@given(record_lists)
def test_every_record_is_published_or_rejected_by_one_error_naming_a_field(
    batch: list[dict[Any, Any]],
) -> None:
    reading = newsfeed.read_articles(batch, SETTINGS)
    published = Counter(article.place.position for article in reading.articles)
    rejected = Counter(problem.position for problem in reading.errors)
    positions = [str(index) for index in range(1, len(batch) + 1)]
    for position in positions:
        assert published[position] + rejected[position] == 1, position
    assert set(published) | set(rejected) <= set(positions)
    for error in reading.errors:
        assert error.source == "<records>"
        assert error.field, str(error)
    for problem in reading.problems:
        assert "\n" not in str(problem)


@sized(FEED_EXAMPLES)
@given(record_lists)
def test_every_document_is_well_formed_error_free_and_read_by_feedparser(
    batch: list[dict[Any, Any]],
) -> None:
    reading = newsfeed.read_articles(batch, SETTINGS)
    feed = Feed(SETTINGS, reading.articles)
    for format in ("rss", "atom"):
        document = feed.render(format)
        etree.fromstring(document.data, SAFE_PARSER)  # raises if not well-formed
        assert [f for f in newsfeed.validate(document.data) if f.level == "error"] == []
        assert document.valid
        parsed = feedparser.parse(document.data)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert len(parsed.entries) == len(reading.articles)
    items = json.loads(feed.render("json").data)["items"]
    assert [item["id"] for item in items] == [article.id for article in feed.articles]


@sized(FEED_EXAMPLES)
@given(record_lists)
def test_every_document_draws_no_validator_warning_either(batch: list[dict[Any, Any]]) -> None:
    reading = newsfeed.read_articles(batch, SETTINGS)
    feed = Feed(SETTINGS, reading.articles)
    for format in ("rss", "atom"):
        assert newsfeed.validate(feed.render(format).data) == []


def _finite(value: Any) -> bool:
    """JSON has no NaN or infinity; such records are not written to a file."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _finite(v) for k, v in value.items())
    return True


@sized(CLI_EXAMPLES)
@given(record_lists.filter(_finite))
def test_the_command_line_never_shows_a_traceback(batch: list[dict[Any, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder, "bad.jsonl")
        source.write_text("".join(json.dumps(r) + "\n" for r in batch), encoding="utf-8")
        out = Path(folder, "out")
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            code = main(
                [
                    *("build", str(source), "--out", str(out), "--title", "N", "--quiet"),
                    *("--link", "https://noticias.example.org/", "--language", "es"),
                ]
            )
        lines = stderr.getvalue().splitlines()
        assert code in (0, 3), lines
        shape = re.compile(
            rf"{re.escape(str(source))}:\d+: (error|warning): |build: warning: id: "
        )
        assert [line for line in lines if not shape.match(line)] == []
        assert (code == 3) == any(": error: " in line for line in lines)
        for name in ("rss.xml", "atom.xml", "feed.json"):
            assert (out / name).is_file()
        for name in ("rss.xml", "atom.xml"):
            assert [f for f in newsfeed.validate(out / name) if f.level == "error"] == []
