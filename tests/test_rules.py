"""One set of rules from reading to writing: what reads without error is valid everywhere.

Each case is read through `read_articles`, then rendered in RSS, Atom and
JSON Feed; what readers see is shown through feedparser (and json.loads).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import newsfeed
from newsfeed import Feed, FeedSettings
from newsfeed.rules import (
    iri_to_uri,
    is_language,
    normalise_language,
    writable_datetime,
)
from newsfeed.validation import validate

SITE = "https://noticias.example.org/"
SETTINGS = FeedSettings(
    title="Noticias de prueba", link=SITE, language="es", timezone="America/Lima"
)
FORMATS = ("rss", "atom", "json")
CAFFE = "https://news.example.com/it/2026/11/26/caffè-più-caro-a-trieste"
CAFFE_URI = "https://news.example.com/it/2026/11/26/caff%C3%A8-pi%C3%B9-caro-a-trieste"
VESTI = "https://www.vesti-severa.example/общество/2026/11/26/мороз"
VESTI_URI = (
    "https://www.vesti-severa.example/%D0%BE%D0%B1%D1%89%D0%B5%D1%81%D1%82%D0%B2%D0%BE"
    "/2026/11/26/%D0%BC%D0%BE%D1%80%D0%BE%D0%B7"
)


def record(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "r-1",
        "title": "Sube el cobre",
        "published": "2026-11-26T14:30:00-05:00",
    }
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def read(*records: dict[str, Any]) -> newsfeed.Reading:
    return newsfeed.read_articles(list(records), SETTINGS)


def errors(*records: dict[str, Any]) -> list[str]:
    return [str(problem) for problem in read(*records).errors]


def feed_of(*records: dict[str, Any]) -> Feed:
    reading = read(*records)
    assert reading.errors == []
    return Feed(SETTINGS, reading.articles)


def seen(feed: Feed, format: str) -> list[Any]:
    """The entries as readers get them."""
    if format == "json":
        items: list[Any] = json.loads(feed.json())["items"]
        return items
    parsed = feedparser.parse(feed.rss() if format == "rss" else feed.atom())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return list(parsed.entries)


def findings(feed: Feed) -> list[str]:
    return [str(f) for format in ("rss", "atom") for f in feed.render(format).findings]


# -- the rules themselves ------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["es", "pt-BR", "zh-Hant-TW", "es-419", "sl-rozaj", "en-x-abc"])
def test_a_well_formed_language_tag_is_a_language(tag: str) -> None:
    assert is_language(tag)


@pytest.mark.parametrize("tag", ["es-1", "english", "e", "es--ES", "es-ES-", "es_ES!"])
def test_a_malformed_language_tag_is_not(tag: str) -> None:
    assert normalise_language(tag) is None


def test_language_tags_take_their_conventional_case() -> None:
    assert normalise_language("pt_br") == "pt-BR"
    assert normalise_language("ZH-hant-tw") == "zh-Hant-TW"


@pytest.mark.parametrize(
    ("iri", "uri"),
    [
        (CAFFE, CAFFE_URI),
        (
            "https://bücher.example/straße?q=ü#é",
            "https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%BC#%C3%A9",
        ),
        ("https://e.example/a%20b/100%", "https://e.example/a%20b/100%25"),
        ("https://e.example/already/ascii?x=1", "https://e.example/already/ascii?x=1"),
    ],
)
def test_an_iri_maps_to_its_uri(iri: str, uri: str) -> None:
    assert iri_to_uri(iri) == uri


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-11-26T14:30:00+23:59", "2026-11-25T14:31:00+00:00"),
        ("2026-11-26T14:30:00-15:00", "2026-11-27T05:30:00+00:00"),
        ("2026-11-26T14:30:00+05:45", "2026-11-26T08:45:00+00:00"),
        ("2026-11-26T14:30:00+05:30", "2026-11-26T14:30:00+05:30"),
        ("2026-11-26T14:30:00.123456-05:00", "2026-11-26T14:30:00-05:00"),
    ],
)
def test_an_offset_no_format_carries_becomes_utc(written: str, expected: str) -> None:
    result = writable_datetime(datetime.fromisoformat(written))
    assert isinstance(result, datetime)
    assert result.isoformat() == expected


def test_a_year_before_1000_cannot_be_written() -> None:
    assert isinstance(writable_datetime(datetime(999, 12, 31, tzinfo=timezone.utc)), str)


# -- reading: what every format cannot write is refused, naming the field as spelled ---------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"language": "es-1"}, "language: 'es-1' is not a BCP 47 language tag"),
        ({"lang": "es-1"}, "lang: 'es-1' is not a BCP 47 language tag"),
        ({"id": "tag:foo"}, "id: 'tag:foo' is not a valid tag URI"),
        ({"id": "urn:uuid:1234"}, "id: 'urn:uuid:1234' is not a valid UUID URN"),
        ({"id": "urn:uuid:not-a-uuid"}, "id: 'urn:uuid:not-a-uuid' is not a valid UUID URN"),
        ({"guid": "http:foo"}, "guid: 'http:foo' must be an absolute IRI"),
        ({"published": "0999-06-01T00:00:00Z"}, "published: '0999-06-01T00:00:00Z' cannot be"),
        ({"pubDate": "0999-06-01T00:00:00Z"}, "pubDate: '0999-06-01T00:00:00Z' cannot be"),
    ],
)
def test_a_value_no_format_can_write_rejects_its_record(
    fields: dict[str, Any], expected: str
) -> None:
    [message] = errors(record(**fields))
    assert message.startswith(f"<records>:1: error: {expected}"), message


@pytest.mark.parametrize(
    "value",
    ["tag:noticias.example.org,2026-11-26:cobre", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"],
)
def test_a_valid_tag_or_uuid_id_is_the_atom_id(value: str) -> None:
    [entry] = seen(feed_of(record(id=value)), "atom")
    assert entry.id == value


def test_an_id_with_a_scheme_ids_do_not_use_is_opaque_text() -> None:
    [article] = read(record(id="wp:123")).articles
    assert article.id == "wp:123"
    assert article.atom_id == "tag:noticias.example.org,2026-11-26:wp:123"


LIMA_LMT = timezone(-timedelta(hours=5, minutes=8, seconds=12))


@pytest.mark.parametrize(
    "published",
    [
        "2026-11-26T14:30:00+23:59",
        "2026-11-26T14:30:00-15:00",
        "2026-11-26T14:30:00+05:45",
        datetime(1900, 1, 1, 12, 0, tzinfo=LIMA_LMT),
    ],
)
def test_an_offset_atom_and_rss_cannot_carry_publishes_in_utc(published: Any) -> None:
    feed = feed_of(record(published=published))
    assert findings(feed) == []
    instant = published if isinstance(published, datetime) else datetime.fromisoformat(published)
    [rss] = seen(feed, "rss")
    assert rss.published.endswith("+0000")
    [atom] = seen(feed, "atom")
    assert atom.published.endswith("Z") or atom.published.endswith("+00:00")
    [item] = seen(feed, "json")
    written = datetime.fromisoformat(item["date_published"])
    assert written.utcoffset() == timedelta(0)
    assert written == instant


def test_lima_local_mean_time_reads_in_utc() -> None:
    # Before 1908 tzdata gives America/Lima its local mean time, -05:08:36.
    [article] = read(record(published="1900-06-01 12:00")).articles
    assert article.published.utcoffset() == timedelta(0)
    assert article.published == datetime(1900, 6, 1, 17, 8, 36, tzinfo=timezone.utc)


# -- URLs: written as URIs, in every format ---------------------------------------------------


@pytest.mark.parametrize(("iri", "uri"), [(CAFFE, CAFFE_URI), (VESTI, VESTI_URI)])
@pytest.mark.parametrize("format", FORMATS)
def test_an_iri_url_is_written_as_its_uri(iri: str, uri: str, format: str) -> None:
    feed = feed_of(record(id=None, url=iri))
    [entry] = seen(feed, format)
    if format == "json":
        assert (entry["url"], entry["id"]) == (uri, uri)
    else:
        assert (entry.link, entry.id) == (uri, uri)
    assert findings(feed) == []


def test_an_iri_image_and_author_url_are_written_as_uris() -> None:
    feed = feed_of(
        record(
            image="https://e.example/fotos/café.jpg",
            authors=[{"name": "Ana", "url": "https://e.example/autores/añez"}],
        )
    )
    [article] = feed.articles
    assert article.image is not None
    assert article.image.url == "https://e.example/fotos/caf%C3%A9.jpg"
    assert article.authors[0].url == "https://e.example/autores/a%C3%B1ez"
    [item] = json.loads(feed.json())["items"]
    assert item["image"] == article.image.url
    assert findings(feed) == []


# -- Atom ids depend on the instant only -------------------------------------------------------


def test_one_instant_written_with_two_offsets_gives_one_atom_id() -> None:
    [one] = read(record(published="2026-11-09T19:00:00-05:00")).articles
    [other] = read(record(published="2026-11-10T00:00:00+00:00")).articles
    assert one.atom_id == other.atom_id == "tag:noticias.example.org,2026-11-10:r-1"


def test_a_made_id_is_dated_with_the_utc_day() -> None:
    [article] = read(record(id=None, published="2026-11-09T19:00:00-05:00")).articles
    assert article.id == "tag:noticias.example.org,2026-11-10:sube-el-cobre"


def test_a_utc_day_id_is_the_id_it_always_was() -> None:
    [article] = read(record(published="2026-11-09T10:00:00-05:00")).articles
    assert article.atom_id == "tag:noticias.example.org,2026-11-09:r-1"


# -- RSS text is HTML that says what the text says ------------------------------------------


@pytest.mark.parametrize("summary", ["esperas de < 1 hora & entradas", "3 < 5 > 2", "AT&T y R&D"])
@pytest.mark.parametrize("format", FORMATS)
def test_a_plain_summary_reaches_readers_as_its_text(summary: str, format: str) -> None:
    feed = feed_of(record(summary=summary))
    [entry] = seen(feed, format)
    if format == "rss":
        # HTML, which readers render: no markup in it, and its text is the summary.
        assert entry.summary_detail.type == "text/html"
        assert "<" not in entry.summary
        assert html.unescape(entry.summary) == summary
    else:
        assert entry["summary"] == summary
    assert findings(feed) == []


def test_the_rss_description_is_the_summary_html_escaped() -> None:
    feed = feed_of(record(summary="esperas de < 1 hora & entradas"))
    assert b"<description>esperas de &amp;lt; 1 hora &amp;amp; entradas</description>" in (
        feed.rss()
    )


@pytest.mark.parametrize("description", [None, "Vector<T> y C++ & más"])
def test_the_rss_channel_description_reads_as_the_text_given(description: str | None) -> None:
    settings = FeedSettings(
        title="Vector<T> y C++ & más", link="https://example.org/", description=description
    )
    reading = newsfeed.read_articles([record()], settings)
    feed = Feed(settings, reading.articles)
    parsed = feedparser.parse(feed.rss())
    # feedparser gives the HTML, which a reader renders as the text.
    assert parsed.feed.subtitle == "Vector&lt;T&gt; y C++ &amp; más"
    assert html.unescape(parsed.feed.subtitle) == "Vector<T> y C++ & más"
    assert findings(feed) == []


@pytest.mark.parametrize(
    "markup",
    [
        "<svg onload=alert(document.domain)>",
        "<math><mtext>x</mtext></math>",
        "<marquee>x</marquee>",
        '<image src="x" onerror="alert(1)">',
        '<base href="https://evil.example/">',
        "< script>alert(1)< /script>",
        '<x-widget data-a="1" onclick="alert(1)">',
        "&lt;svg onload=alert(1)&gt;",
    ],
)
@pytest.mark.parametrize("field", ["title", "summary"])
def test_no_plain_text_field_reaches_rss_as_a_tag(markup: str, field: str) -> None:
    feed = feed_of(record(**{field: f"Sube {markup} el cobre"}))
    item = etree.fromstring(feed.rss()).find("channel/item")
    assert item is not None
    html_text = item.findtext("title" if field == "title" else "description") or ""
    # The HTML a reader renders: nothing in it that a browser (or a lax
    # sanitiser, for "< script") would take for a tag.
    assert re.search(r"<\s*/?\s*[A-Za-z]", html_text) is None, html_text
    assert findings(feed) == []


def test_an_rss_title_escapes_what_a_browser_would_read_as_a_tag() -> None:
    feed = feed_of(record(title="Vector<T> en C++ & más"))
    assert b"<title>Vector&amp;lt;T&gt; en C++ &amp; m\xc3\xa1s</title>" in feed.rss()
    [atom] = seen(feed, "atom")
    [item] = seen(feed, "json")
    assert atom.title == item["title"] == "Vector<T> en C++ & más"


# -- content:encoded always carries the content -------------------------------------------------


def test_without_summary_the_content_stays_in_content_encoded() -> None:
    feed = feed_of(record(body="Primer párrafo.\n\nSegundo."))
    item = feed.rss().split(b"<item>", 1)[1]
    assert b"<description>" not in item
    [entry] = seen(feed, "rss")
    assert "summary" not in entry or entry.summary == entry.content[0].value
    assert entry.content[0].value == "<p>Primer párrafo.</p>\n<p>Segundo.</p>"
    assert findings(feed) == []


def test_with_a_summary_both_are_written() -> None:
    [entry] = seen(feed_of(record(summary="Resumen", body="Cuerpo.")), "rss")
    assert entry.summary == "Resumen"
    assert entry.content[0].value == "<p>Cuerpo.</p>"


# -- the feed itself ---------------------------------------------------------------------------


def test_the_atom_site_link_comes_before_the_self_link() -> None:
    parsed = feedparser.parse(feed_of(record()).atom())
    assert [link.rel for link in parsed.feed.links][:2] == ["alternate", "self"]
    assert parsed.feed.links[0].href == SITE


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_an_empty_feed_is_dated_1970_on_every_run(format: str) -> None:
    first = Feed(SETTINGS, []).render(format).data
    assert first == Feed(SETTINGS, []).render(format).data
    parsed = feedparser.parse(first)
    assert parsed.feed.updated_parsed[:6] == (1970, 1, 1, 0, 0, 0)
    assert validate(first) == []


# -- a finding of one entry leaves that entry out ---------------------------------------------


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_an_entry_with_a_finding_is_left_out_and_named(format: str) -> None:
    good, bad = read(record(id="good"), record(id="bad")).articles
    # Articles made in code skip reading's rules: this one's url is no URL at all.
    bad = replace(bad, url="https://e.example/a b", id_is_url=False)
    document = Feed(SETTINGS, [good, bad]).render(format)
    assert document.valid
    entries = feedparser.parse(document.data).entries
    assert [e.id for e in entries] == ["good" if format == "rss" else good.atom_id]
    [problem] = [p for p in document.problems if p.level == "error"]
    assert str(problem).startswith("<records>:2: error: url: ")
    assert "left out" in str(problem)


def test_a_finding_of_the_feed_still_stops_the_document() -> None:
    article = read(record()).articles[0]
    feed = Feed(SETTINGS, [article])
    feed._model("rss").docs("not a url")
    assert not feed.render("rss").valid


# -- whatever reads without error renders with no finding -------------------------------------

LANGUAGES = st.sampled_from(
    ["es", "es-1", "pt_br", "english", "zh-Hant", "x-klingon", "sr-Latn-RS"]
)
IDS = st.one_of(
    st.sampled_from(
        [
            "tag:foo",
            "urn:uuid:1234",
            "urn:uuid:not-a-uuid",
            "http:foo",
            "https://e.example/ñ",
            "urn:isbn:978-3-16",
            "wp:1",
            "mailto:a@b.example",
        ]
    ),
    st.text(min_size=1, max_size=20),
)
OFFSETS = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59)
URLS = st.builds(
    lambda host, path: f"https://{host}.example/{path}",
    st.sampled_from(["news", "bücher", "вести", "例え"]),
    st.text(max_size=15),
)


@st.composite
def dates(draw: st.DrawFn) -> str:
    year = draw(st.integers(min_value=1, max_value=9999))
    offset = timedelta(minutes=draw(OFFSETS))
    when = datetime(year, 6, 15, 12, 0, tzinfo=timezone(offset))
    return when.isoformat()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    language=LANGUAGES,
    entry_id=IDS,
    published=dates(),
    url=st.one_of(st.none(), URLS),
    summary=st.one_of(st.none(), st.text(max_size=30)),
    title=st.text(min_size=1, max_size=30),
)
def test_any_record_that_reads_renders_in_every_format_with_no_finding(
    language: str, entry_id: str, published: str, url: str | None, summary: str | None, title: str
) -> None:
    fields = {
        "id": entry_id,
        "title": title,
        "language": language,
        "published": published,
        "url": url,
        "summary": summary,
        "image": None if url is None else url + "/foto.jpg",
    }
    reading = read(record(**fields))
    if not reading.articles:
        return
    feed = Feed(SETTINGS, reading.articles)
    for format in ("rss", "atom"):
        document = feed.render(format)
        assert document.findings == (), [str(f) for f in document.findings]
        assert document.problems == ()
    json.loads(feed.json())


def test_a_short_number_id_gets_its_tag_uri_as_rss_guid() -> None:
    feed = feed_of(record(id=123))
    [rss] = seen(feed, "rss")
    [atom] = seen(feed, "atom")
    [item] = seen(feed, "json")
    assert rss.id == atom.id == "tag:noticias.example.org,2026-11-26:123"
    assert item["id"] == "123"
    assert findings(feed) == []


def test_the_site_link_is_written_as_its_uri() -> None:
    settings = FeedSettings(title="Вести", link="https://вести.example/новости/")
    assert settings.link == (
        "https://xn--b1agj9af.example/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/"
    )
    feed = Feed(settings, read(record()).articles)
    assert findings(feed) == []
