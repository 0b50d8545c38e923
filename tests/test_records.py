"""Article records (article-records.md): fields, aliases, identity, authors, images, dates."""

from __future__ import annotations

import gc
import json
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from newsfeed import Author, Image
from newsfeed.model import Place
from newsfeed.records import SeenIds

LIMA = ZoneInfo("America/Lima")
URL = "https://noticias.example.org/economia/2026/11/26/cobre.shtml"
BASE: dict[str, Any] = {
    "title": "Sube el precio del cobre",
    "published": "2026-11-26T14:30:00-05:00",
}
ATOM = "{http://www.w3.org/2005/Atom}"


def record(**fields: Any) -> dict[str, Any]:
    return {**BASE, **fields}


def atom_ids(data: bytes) -> list[str]:
    return [e.text or "" for e in etree.fromstring(data).findall(f"{ATOM}entry/{ATOM}id")]


# -- every field under every name -----------------------------------------------------------

WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=timezone(timedelta(hours=-5)))
LATER = datetime(2026, 11, 27, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
FIELD_TABLE: list[tuple[str, str, Any, Any]] = [
    # (name on input, canonical field, value on input, value in the Article)
    *[(a, "id", "ja-2026-0088", "ja-2026-0088") for a in ("id", "guid")],
    *[(a, "url", URL, URL) for a in ("url", "link", "permalink")],
    *[(a, "title", "Baja el oro", "Baja el oro") for a in ("title", "headline")],
    *[(a, "kicker", "Economía", "Economía") for a in ("kicker", "overline")],
    *[
        (a, "summary", "El metal sube un 3 %", "El metal sube un 3 %")
        for a in ("summary", "description", "deck", "standfirst", "subtitle")
    ],
    *[(a, "body", "Uno.\n\nDos.", "<p>Uno.</p>\n<p>Dos.</p>") for a in ("body", "content")],
    *[
        (a, "authors", "Ana Quispe", (Author("Ana Quispe"),))
        for a in ("authors", "author", "byline", "creator")
    ],
    *[
        (a, "published", "2026-11-20T08:00:00-05:00", WHEN)
        for a in ("published", "date", "pubDate", "published_at")
    ],
    *[
        (a, "updated", "2026-11-27T09:00:00-05:00", LATER)
        for a in ("updated", "modified", "updated_at", "date_modified")
    ],
    *[(a, "language", "pt-BR", "pt-BR") for a in ("language", "lang")],
    *[(a, "categories", ["Economía"], ("Economía",)) for a in ("categories", "tags", "category")],
    *[
        (
            a,
            "image",
            "https://noticias.example.org/img/cobre.jpg",
            Image("https://noticias.example.org/img/cobre.jpg", "image/jpeg"),
        )
        for a in ("image", "thumbnail")
    ],
]
ATTRIBUTE = {"body": "body_html"}


@pytest.mark.parametrize(
    ("name", "field", "given", "expected"),
    FIELD_TABLE,
    ids=[f"{name}->{field}" for name, field, _, _ in FIELD_TABLE],
)
def test_field_name_reaches_its_article_field(
    name: str, field: str, given: Any, expected: Any, read_one
) -> None:
    data = {k: v for k, v in BASE.items() if k != field}
    data[name] = given
    article = read_one(data)
    assert getattr(article, ATTRIBUTE.get(field, field)) == expected


@pytest.mark.parametrize(
    ("name", "field", "given"),
    [case[:3] for case in FIELD_TABLE],
    ids=[f"{name}->{field}" for name, field, _, _ in FIELD_TABLE],
)
def test_field_name_is_not_reported_as_unknown(name: str, field: str, given: Any, read) -> None:
    data = {k: v for k, v in BASE.items() if k != field}
    data[name] = given
    reading = read([data])
    assert [p for p in reading.problems if "unknown" in p.message] == []


def test_body_format_html_keeps_the_markup(read_one) -> None:
    article = read_one(record(body="<p>Uno <em>y</em> dos.</p>", body_format="html"))
    assert article.body_html == "<p>Uno <em>y</em> dos.</p>"


def test_body_format_markdown_is_rendered(read_one) -> None:
    article = read_one(record(body="Uno *y* dos.", body_format="markdown"))
    assert article.body_html == "<p>Uno <em>y</em> dos.</p>"


def test_relative_links_of_an_article_without_url_resolve_against_the_site(read_one) -> None:
    article = read_one(record(body='<a href="/mundo/">Mundo</a>', body_format="html"))
    assert article.body_html == '<a href="https://noticias.example.org/mundo/">Mundo</a>'


def test_body_format_text_is_the_default_and_escapes_markup(read_one) -> None:
    article = read_one(record(body="Uno <em>y</em> dos."))
    assert article.body_html == "<p>Uno &lt;em&gt;y&lt;/em&gt; dos.</p>"
    assert article.body_text == "Uno <em>y</em> dos."


def test_unknown_body_format_rejects_the_record(read) -> None:
    reading = read([record(body="x", body_format="rtf")])
    assert [(p.field, p.position) for p in reading.errors] == [("body_format", "1")]
    assert reading.articles == []


def test_missing_title_rejects_the_record(read) -> None:
    reading = read([{"published": BASE["published"]}])
    assert [p.field for p in reading.errors] == ["title"]
    assert reading.articles == []


@pytest.mark.parametrize("title", ["&nbsp;", "&#x3000;&#160;", "<b>&nbsp;</b>"])
def test_a_title_of_entities_that_decode_to_space_rejects_the_record(title: str, read) -> None:
    reading = read([record(title=title)])
    assert [p.field for p in reading.errors] == ["title"]
    assert reading.articles == []


def test_an_author_name_that_decodes_to_space_is_no_author(read_one) -> None:
    assert read_one(record(authors=["&nbsp;", "Ana"])).authors == (Author("Ana"),)


def test_markup_in_the_title_is_removed_with_a_warning(read) -> None:
    reading = read([record(title="Sube el <b>cobre</b>", id="a-1")])
    assert reading.articles[0].title == "Sube el cobre"
    assert [p.field for p in reading.warnings] == ["title"]


# -- identity ---------------------------------------------------------------------------------


def test_id_is_the_entry_id(read_one) -> None:
    article = read_one(record(id="https://noticias.example.org/?p=88", url=URL))
    assert (article.id, article.atom_id, article.id_is_url) == (
        "https://noticias.example.org/?p=88",
        "https://noticias.example.org/?p=88",
        False,
    )


def test_url_is_the_entry_id_when_there_is_no_id(read_one) -> None:
    article = read_one(record(url=URL))
    assert (article.id, article.atom_id, article.id_is_url) == (URL, URL, True)


def test_url_as_id_is_a_permalink_guid_in_rss(build) -> None:
    guid = etree.fromstring(build([record(url=URL)]).rss()).find("channel/item/guid")
    assert guid is not None
    assert (guid.text, guid.get("isPermaLink")) == (URL, "true")


def test_id_that_is_not_the_url_is_not_a_permalink_guid(build) -> None:
    rss = build([record(id="https://noticias.example.org/?p=88", url=URL)]).rss()
    guid = etree.fromstring(rss).find("channel/item/guid")
    assert guid is not None
    assert guid.get("isPermaLink") == "false"


def test_tag_uri_from_domain_date_and_slug_without_id_or_url(read_one) -> None:
    article = read_one(record())
    assert article.id == "tag:noticias.example.org,2026-11-26:sube-el-precio-del-cobre"
    assert article.atom_id == article.id
    assert article.id_is_url is False


def test_tag_uri_is_stable_across_builds(read) -> None:
    first = read([record()]).articles[0].id
    second = read([record(kicker="Economía")]).articles[0].id
    assert first == second


def test_non_iri_id_stays_the_rss_guid(build) -> None:
    rss = build([record(id="ja-2026-0088", url=URL)]).rss()
    guid = etree.fromstring(rss).find("channel/item/guid")
    assert guid is not None
    assert (guid.text, guid.get("isPermaLink")) == ("ja-2026-0088", "false")


def test_non_iri_id_stays_the_json_feed_id(build) -> None:
    feed = json.loads(build([record(id="ja-2026-0088", url=URL)]).json())
    assert feed["items"][0]["id"] == "ja-2026-0088"


def test_non_iri_id_becomes_tag_uri_in_atom_only(build) -> None:
    feed = build([record(id="ja-2026-0088", published="2026-11-25T18:05:00-05:00")])
    assert atom_ids(feed.atom()) == ["tag:noticias.example.org,2026-11-25:ja-2026-0088"]
    assert feed.articles[0].id == "ja-2026-0088"


def test_non_iri_id_tag_uri_takes_the_articles_own_published_date(build) -> None:
    feed = build(
        [
            record(id="ja-2026-0088", published="2026-11-25T18:05:00-05:00"),
            record(id="ja-2026-0070", published="2026-10-02T09:00:00-05:00"),
        ]
    )
    assert atom_ids(feed.atom()) == [
        "tag:noticias.example.org,2026-11-25:ja-2026-0088",
        "tag:noticias.example.org,2026-10-02:ja-2026-0070",
    ]


def test_non_iri_id_tag_uri_does_not_change_when_other_articles_come_and_go(build) -> None:
    old = record(id="ja-2026-0070", published="2026-10-02T09:00:00-05:00")
    alone = atom_ids(build([old]).atom())
    newer = record(id="ja-2026-0099", published="2026-12-01T09:00:00-05:00")
    assert atom_ids(build([newer, old]).atom())[1:] == alone


def test_iri_id_is_the_atom_id_unchanged(build) -> None:
    feed = build([record(id="urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66")])
    assert atom_ids(feed.atom()) == ["urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"]


def test_records_without_id_are_warned_about_once_per_build(read) -> None:
    reading = read(
        [
            record(url=URL),
            record(title="Baja el oro"),
            record(title="Sube la plata", url=URL + "?2"),
        ]
    )
    [warning] = [p for p in reading.warnings if p.field == "id"]
    assert "3 record(s)" in warning.message


def test_the_missing_id_warning_counts_only_records_that_publish(read) -> None:
    reading = read([record(url=URL), record(title="Mal formato", body_format="rtf")])
    [warning] = [p for p in reading.warnings if p.field == "id"]
    assert "1 record(s)" in warning.message


def test_records_with_ids_are_not_warned_about_ids(read) -> None:
    reading = read([record(id="a-1"), record(id="a-2", title="Baja el oro")])
    assert reading.problems == []


def test_duplicate_id_is_an_error_naming_both_positions(read) -> None:
    reading = read(
        [record(id="a-1"), record(id="a-2", title="Otro"), record(id="a-1", title="Repetido")]
    )
    [error] = reading.errors
    assert (error.source, error.position, error.field) == ("<records>", "3", "id")
    assert "<records>:1" in error.message
    assert [a.title for a in reading.articles] == ["Sube el precio del cobre", "Otro"]


def test_two_records_with_the_same_url_and_no_id_are_duplicates(read) -> None:
    reading = read([record(url=URL), record(url=URL, title="Otro")])
    assert [(p.position, p.field) for p in reading.errors] == [("2", "id")]


# -- authors ----------------------------------------------------------------------------------


def test_author_as_a_name(read_one) -> None:
    assert read_one(record(author="Paul Monzón")).authors == (Author("Paul Monzón"),)


def test_author_as_name_with_email(read_one) -> None:
    article = read_one(record(author="Paul Monzón <paul@example.org>"))
    assert article.authors == (Author("Paul Monzón", email="paul@example.org"),)


def test_author_as_a_mapping(read_one) -> None:
    given = {
        "name": "Paul Monzón",
        "email": "paul@example.org",
        "url": "https://noticias.example.org/autores/paul",
        "bio": "Redactor de viajes.",
    }
    assert read_one(record(authors=given)).authors == (Author(**given),)


def test_authors_as_a_list_keep_their_order(read_one) -> None:
    article = read_one(
        record(authors=["Ana Quispe <ana@example.org>", {"name": "Marco Díaz"}, "Paul Monzón"])
    )
    assert article.authors == (
        Author("Ana Quispe", email="ana@example.org"),
        Author("Marco Díaz"),
        Author("Paul Monzón"),
    )


def test_author_email_that_is_not_an_address_is_left_out_with_a_warning(read) -> None:
    reading = read([record(id="a-1", authors={"name": "Ana", "email": "ana at example"})])
    assert reading.articles[0].authors == (Author("Ana"),)
    assert [p.field for p in reading.warnings] == ["authors"]


# -- categories -------------------------------------------------------------------------------


def test_categories_as_a_list(read_one) -> None:
    assert read_one(record(categories=["Economía", "Minería"])).categories == (
        "Economía",
        "Minería",
    )


def test_categories_as_a_comma_separated_string(read_one) -> None:
    assert read_one(record(categories="Economía, Minería")).categories == ("Economía", "Minería")


def test_category_given_twice_is_kept_once(read_one) -> None:
    assert read_one(record(tags=["Economía", "Economía"])).categories == ("Economía",)


# -- image ------------------------------------------------------------------------------------


def test_image_as_a_url_string(read_one) -> None:
    article = read_one(record(image="https://noticias.example.org/img/cobre.jpg"))
    assert article.image == Image("https://noticias.example.org/img/cobre.jpg", "image/jpeg")


def test_image_as_a_mapping_keeps_every_field(read_one) -> None:
    given = {
        "url": "https://noticias.example.org/img/cobre",
        "type": "image/webp",
        "length": 84213,
        "width": 1200,
        "height": 800,
        "caption": "Cátodos de cobre",
        "credit": "Foto: Archivo PD",
    }
    assert read_one(record(image=given)).image == Image(**given)


def test_relative_image_is_resolved_against_the_article_url(read_one) -> None:
    article = read_one(record(url=URL, image="../../img/cobre.png"))
    assert article.image == Image(
        "https://noticias.example.org/economia/2026/img/cobre.png", "image/png"
    )


def test_relative_image_without_url_is_dropped_with_a_warning(read) -> None:
    reading = read([record(id="a-1", image="/img/cobre.jpg")])
    [article] = reading.articles
    assert article.image is None
    [warning] = reading.warnings
    assert (warning.field, warning.position) == ("image", "1")


@pytest.mark.parametrize("image", ["https://[::1/cobre.png", "//[::1/cobre.png"])
def test_an_image_url_with_an_unclosed_ipv6_bracket_rejects_the_record(image: str, read) -> None:
    reading = read([record(url=URL, image=image)])
    assert not reading.articles
    [error] = reading.errors
    assert (error.field, error.position) == ("image", "1")


@pytest.mark.parametrize(
    ("name", "mime_type"),
    [
        ("cobre.jpg", "image/jpeg"),
        ("cobre.jpeg", "image/jpeg"),
        ("COBRE.JPG", "image/jpeg"),
        ("cobre.png", "image/png"),
        ("cobre.gif", "image/gif"),
        ("cobre.webp", "image/webp"),
        ("cobre.avif", "image/avif"),
        ("cobre.svg", "image/svg+xml"),
        ("cobre.png?w=800", "image/png"),
    ],
)
def test_image_type_is_inferred_from_the_extension(name: str, mime_type: str, read_one) -> None:
    image = read_one(record(image=f"https://noticias.example.org/img/{name}")).image
    assert image is not None
    assert image.type == mime_type


def test_image_type_given_wins_over_the_extension(read_one) -> None:
    image = read_one(record(image={"url": "https://e.org/a.jpg", "type": "image/png"})).image
    assert image is not None
    assert image.type == "image/png"


# -- dates ------------------------------------------------------------------------------------


def test_updated_defaults_to_published(read_one) -> None:
    article = read_one(record())
    assert article.updated == article.published


def test_naive_date_is_read_in_the_feed_timezone(read_one) -> None:
    article = read_one(record(published="2026-11-26 14:30"), timezone="America/Lima")
    assert article.published == datetime(2026, 11, 26, 14, 30, tzinfo=LIMA)
    assert article.published.utcoffset() == timedelta(hours=-5)


def test_naive_date_in_a_utc_feed_is_utc(read_one) -> None:
    article = read_one(record(published="2026-11-26 14:30"), timezone="UTC")
    assert article.published == datetime(2026, 11, 26, 14, 30, tzinfo=timezone.utc)


INSTANT = datetime(2026, 11, 26, 19, 30, tzinfo=timezone.utc)  # 14:30 in Lima
MIDNIGHT_IN_LIMA = datetime(2026, 11, 26, tzinfo=LIMA)
DATE_STYLES: list[tuple[str, Any, str | None, datetime]] = [
    ("spanish", "26 de noviembre de 2026, 14:30", "es", INSTANT),
    ("french", "26 novembre 2026", "fr", MIDNIGHT_IN_LIMA),
    ("german", "26. November 2026", "de", MIDNIGHT_IN_LIMA),
    ("rfc822", "Thu, 26 Nov 2026 14:30:00 -0500", "es", INSTANT),
    ("rfc822-gmt", "Thu, 26 Nov 2026 19:30:00 GMT", "es", INSTANT),
    ("rfc3339", "2026-11-26T14:30:00-05:00", "es", INSTANT),
    ("rfc3339-z", "2026-11-26T19:30:00Z", "es", INSTANT),
    ("rfc3339-fraction", "2026-11-26T19:30:00.750Z", "es", INSTANT),
    ("iso-date", "2026-11-26", "es", MIDNIGHT_IN_LIMA),
    ("aware-datetime", datetime(2026, 11, 26, 14, 30, tzinfo=LIMA), "es", INSTANT),
    ("naive-datetime", datetime(2026, 11, 26, 14, 30), "es", INSTANT),
    ("date", date(2026, 11, 26), "es", MIDNIGHT_IN_LIMA),
    ("unix-int", int(INSTANT.timestamp()), "es", INSTANT),
    ("unix-float", INSTANT.timestamp() + 0.5, "es", INSTANT),
]


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [case[1:] for case in DATE_STYLES],
    ids=[case[0] for case in DATE_STYLES],
)
def test_date_style_is_read(value: Any, language: str, expected: datetime, read_one) -> None:
    article = read_one(record(published=value), language=language, timezone="America/Lima")
    assert article.published == expected
    assert article.published.microsecond == 0


def test_date_with_offset_keeps_its_offset(read_one) -> None:
    article = read_one(record(published="2026-11-26T20:00:00+05:30"))
    assert article.published.utcoffset() == timedelta(hours=5, minutes=30)


def test_record_language_names_the_months(read_one) -> None:
    article = read_one(record(published="26 novembre 2026", language="fr"), language="es")
    assert article.published == MIDNIGHT_IN_LIMA


def test_unreadable_date_is_an_error_naming_the_field_and_the_text(read) -> None:
    reading = read([record(published="31 de febrero de 2026")])
    [error] = reading.errors
    assert (error.field, error.position) == ("published", "1")
    assert "31 de febrero de 2026" in error.message
    assert reading.articles == []


def test_unreadable_updated_is_an_error_on_updated(read) -> None:
    reading = read([record(updated="pronto")])
    assert [p.field for p in reading.errors] == ["updated"]


def test_record_without_date_from_python_is_an_error(read) -> None:
    reading = read([{"title": "Sube el precio del cobre"}])
    assert [p.field for p in reading.errors] == ["published"]
    assert reading.articles == []


# -- unknown fields and forbidden characters --------------------------------------------------


def test_unknown_field_is_warned_about_once_per_source(read) -> None:
    reading = read([record(id="a-1", tittle="x"), record(id="a-2", tittle="y")])
    [warning] = reading.warnings
    assert (warning.source, warning.position, warning.field) == ("<records>", "1", "tittle")
    assert "unknown field" in warning.message


def test_unknown_field_is_warned_about_in_each_source(read, tmp_path) -> None:
    for name in ("a.jsonl", "b.jsonl"):
        line = json.dumps(record(id=name, tittle="x"))
        (tmp_path / name).write_text(f"{line}\n{line.replace(name, name + '2')}\n")
    reading = read(tmp_path)
    assert [(p.source, p.field) for p in reading.warnings] == [
        (str(tmp_path / "a.jsonl"), "tittle"),
        (str(tmp_path / "b.jsonl"), "tittle"),
    ]


def test_unknown_field_stays_out_of_the_feed(build) -> None:
    feed = build([record(id="a-1", secret="no-publicar")])
    assert b"no-publicar" not in feed.rss() + feed.atom() + feed.json()


def test_xml_forbidden_characters_are_removed_with_a_warning(read) -> None:
    reading = read([record(id="a-1", title="Sube\x00 el precio\x0b del cobre\ufffe")])
    assert reading.articles[0].title == "Sube el precio del cobre"
    [warning] = reading.warnings
    assert warning.field == "title"


def test_xml_forbidden_characters_are_removed_inside_authors(read) -> None:
    reading = read(
        [record(id="a-1", authors=[{"name": "Ana\x01 Quispe", "bio": "Redactora\x1f."}])]
    )
    assert reading.articles[0].authors == (Author("Ana Quispe", bio="Redactora."),)
    assert [p.field for p in reading.warnings] == ["authors"]


def test_xml_forbidden_characters_never_reach_the_feed(build) -> None:
    feed = build([record(id="a-1", summary="uno\x08dos", body="tres\x0ccuatro\ud800")])
    for data in (feed.rss(), feed.atom()):
        etree.fromstring(data)  # raises on a forbidden character
    assert b"\\u000" not in feed.json()


def test_reading_leaves_no_reference_cycles_for_the_garbage_collector(read) -> None:
    # Garbage that only the cycle collector frees piles up while reading holds
    # the collector off, and costs a full pass over it afterwards.
    nested = {
        "authors": [{"name": "Ana\x01 Quispe", "bio": "Redactora."}, "Paul Monzón"],
        "categories": ["Economía", "Minería"],
        "image": {"url": "/img/cobre.jpg", "caption": "<b>Cobre</b>"},
    }
    records = [record(id=f"a-{n}", url=URL, body="Uno.\n\nDos.", **nested) for n in range(50)]
    gc.collect()
    gc.disable()
    try:
        reading = read(records)
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert len(reading.articles) == 50


positions = st.one_of(
    st.none(),
    st.integers(0, 10**20).map(str),
    st.sampled_from(["0", "007", "", "query row 17", "row 0", "x05", "١٢", "9" * 19]),
    st.text(max_size=8),
)
places = st.builds(Place, st.sampled_from(["a.jsonl", "b.csv", "<records>"]), positions)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=4), places), max_size=3000))
def test_seen_ids_name_the_same_earlier_place_as_a_dict_would(
    reads: list[tuple[str, Place]],
) -> None:
    seen, expected = SeenIds(), dict[str, Place]()
    for entry_id, place in reads:
        earlier = seen.add(entry_id, place)
        assert earlier == expected.get(entry_id)
        assert str(earlier) == str(expected.get(entry_id))
        expected.setdefault(entry_id, place)
    assert len(seen) == len(expected)


def test_duplicate_ids_are_found_among_many(read) -> None:
    records = [record(id=f"a-{n}") for n in range(5000)] + [record(id="a-1234", title="Otro")]
    [error] = read(records).errors
    assert (error.position, error.field) == ("5001", "id")
    assert "already used by the record at <records>:1235;" in error.message


def test_an_author_in_many_records_is_warned_about_at_each_place(read) -> None:
    author = {"name": "<b>Ana</b> Quispe", "email": "no-es-correo", "bio": "Redactora."}
    reading = read([record(id=f"a-{n}", authors=[author, "Ana <b>Quispe</b>"]) for n in range(3)])
    ana = Author("Ana Quispe", bio="Redactora.")
    assert [a.authors for a in reading.articles] == [(ana, Author("Ana Quispe"))] * 3
    expected = [
        "markup removed; this field is plain text",
        "'no-es-correo' is not an email address; left out",
        "markup removed; this field is plain text",
    ]
    assert [(p.position, p.field, p.message) for p in reading.problems] == [
        (str(n), "authors", message) for n in (1, 2, 3) for message in expected
    ]
