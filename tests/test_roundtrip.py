"""What we write is what readers read: the rich records survive feedparser and json.loads."""

from __future__ import annotations

import calendar
import json
from datetime import datetime
from typing import Any

import feedparser
import pytest

from newsfeed import Feed

BOLSA = "https://noticias.example.org/economia/2026/11/25/bolsa-de-lima.shtml"
BOMBAY = "https://noticias.example.org/asia/2026/11/24/bombay-celebra-diwali.shtml"
BVL_JPG = "https://noticias.example.org/img/2026/11/bvl.jpg"
DIWALI_PNG = "https://noticias.example.org/img/2026/11/diwali.png"
FORMATS = ["rss", "atom", "json"]
XML_FORMATS = ["rss", "atom"]


@pytest.fixture
def feed(build, rich) -> Feed:
    return build(rich)


def parsed(feed: Feed, format: str) -> Any:
    return feedparser.parse(feed.rss() if format == "rss" else feed.atom())


def entries(feed: Feed, format: str) -> list[Any]:
    """The entries as a reader gets them: feedparser's for XML, the items for JSON Feed."""
    if format == "json":
        items: list[Any] = json.loads(feed.json())["items"]
        return items
    return list(parsed(feed, format).entries)


def instant(value: Any) -> float:
    """Seconds since the epoch of a feedparser struct_time (UTC) or an RFC 3339 string."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).timestamp()
    return float(calendar.timegm(value))


@pytest.mark.parametrize("format", XML_FORMATS)
def test_feedparser_reads_the_feed_without_complaint(feed: Feed, format: str) -> None:
    result = parsed(feed, format)
    assert result.bozo == 0, result.get("bozo_exception")
    assert len(result.entries) == 3


def test_json_feed_is_version_1_1(feed: Feed) -> None:
    assert json.loads(feed.json())["version"] == "https://jsonfeed.org/version/1.1"


@pytest.mark.parametrize("format", FORMATS)
def test_titles_survive(feed: Feed, format: str) -> None:
    assert [e["title"] for e in entries(feed, format)] == [
        "La Bolsa de Lima cierra al alza impulsada por la minería",
        "Bombay celebra el festival de las luces",
        "Un eclipse lunar total será visible desde toda Sudamérica",
    ]


@pytest.mark.parametrize("format", XML_FORMATS)
def test_titles_are_plain_text_for_feedparser(feed: Feed, format: str) -> None:
    assert {e.title_detail.type for e in entries(feed, format)} == {"text/plain"}


@pytest.mark.parametrize("format", FORMATS)
def test_links_survive(feed: Feed, format: str) -> None:
    key = "url" if format == "json" else "link"
    assert [e.get(key) for e in entries(feed, format)][:2] == [BOLSA, BOMBAY]


@pytest.mark.parametrize("format", ["rss", "json"])
def test_ids_survive_as_given(feed: Feed, format: str) -> None:
    assert [e["id"] for e in entries(feed, format)] == ["ja-2026-0088", BOMBAY, "ja-2026-0071"]


def test_atom_ids_are_iris(feed: Feed) -> None:
    assert [e.id for e in entries(feed, "atom")] == [
        "tag:noticias.example.org,2026-11-25:ja-2026-0088",
        BOMBAY,
        # Published 2026-11-23T22:00:00-05:00: the tag's date is the UTC day.
        "tag:noticias.example.org,2026-11-24:ja-2026-0071",
    ]


@pytest.mark.parametrize("format", FORMATS)
def test_summaries_survive(feed: Feed, format: str) -> None:
    assert [e["summary"] for e in entries(feed, format)] == [
        "El índice general sube un 1,4 % gracias al cobre y al oro",
        "Millones de lámparas iluminan la ciudad durante cinco noches",
        "El fenómeno durará 82 minutos",
    ]


def content_of(entry: Any, format: str) -> str:
    return str(entry["content_html"] if format == "json" else entry.content[0].value)


@pytest.mark.parametrize("format", FORMATS)
def test_content_starts_with_the_kicker(feed: Feed, format: str) -> None:
    first = content_of(entries(feed, format)[0], format)
    assert first.startswith("<p><strong>Mercados</strong></p>")


@pytest.mark.parametrize("format", FORMATS)
def test_content_ends_with_every_bio(feed: Feed, format: str) -> None:
    first = content_of(entries(feed, format)[0], format)
    assert first.endswith(
        "<p><strong>Lucía Ferrer</strong>: Periodista económica desde 2009.</p>\n"
        "<p><strong>Marco Díaz</strong>: Editor de la sección Mercados.</p>"
    )


@pytest.mark.parametrize("format", FORMATS)
def test_content_has_the_body_with_its_relative_link_made_absolute(
    feed: Feed, format: str
) -> None:
    first = content_of(entries(feed, format)[0], format)
    assert "<strong>Bolsa de Valores de Lima</strong> cerró con ganancias." in first
    assert 'href="https://noticias.example.org/economia/cobre.shtml"' in first


@pytest.mark.parametrize("format", FORMATS)
def test_content_shows_the_image_with_caption_and_credit(feed: Feed, format: str) -> None:
    first = content_of(entries(feed, format)[0], format)
    assert f'src="{BVL_JPG}"' in first
    assert (
        "<figcaption>Operadores en la Bolsa de Valores de Lima — Foto: Archivo PD</figcaption>"
        in first
    )


@pytest.mark.parametrize("format", XML_FORMATS)
def test_content_is_html_for_feedparser(feed: Feed, format: str) -> None:
    assert {e.content[0].type for e in entries(feed, format)} == {"text/html"}


def test_json_text_body_keeps_its_text(feed: Feed) -> None:
    assert entries(feed, "json")[1]["content_text"] == (
        "Las calles se llenaron de luz.\n\nEl festival terminó al amanecer."
    )


def test_rss_names_every_author_in_one_creator(feed: Feed) -> None:
    assert [e.author for e in entries(feed, "rss")] == [
        "Lucía Ferrer, Marco Díaz",
        "Priya Shah",
        "Ana Quispe",
    ]


def test_atom_keeps_every_author_with_email_and_uri(feed: Feed) -> None:
    assert [
        [(a.get("name"), a.get("email"), a.get("href")) for a in e.authors]
        for e in entries(feed, "atom")
    ] == [
        [
            (
                "Lucía Ferrer",
                "lucia.ferrer@example.org",
                "https://noticias.example.org/autores/lucia-ferrer",
            ),
            ("Marco Díaz", "marco.diaz@example.org", None),
        ],
        [("Priya Shah", "priya.shah@example.org", None)],
        [("Ana Quispe", None, None)],
    ]


def test_json_keeps_every_author_with_url(feed: Feed) -> None:
    assert [e["authors"] for e in entries(feed, "json")] == [
        [
            {"name": "Lucía Ferrer", "url": "https://noticias.example.org/autores/lucia-ferrer"},
            {"name": "Marco Díaz"},
        ],
        [{"name": "Priya Shah"}],
        [{"name": "Ana Quispe"}],
    ]


PUBLISHED = [
    datetime.fromisoformat("2026-11-25T18:05:00-05:00").timestamp(),
    datetime.fromisoformat("2026-11-24T09:30:00+05:30").timestamp(),
    datetime.fromisoformat("2026-11-23T22:00:00-05:00").timestamp(),
]


@pytest.mark.parametrize("format", XML_FORMATS)
def test_published_instants_survive(feed: Feed, format: str) -> None:
    assert [instant(e.published_parsed) for e in entries(feed, format)] == PUBLISHED


def test_json_published_instants_survive(feed: Feed) -> None:
    assert [instant(e["date_published"]) for e in entries(feed, "json")] == PUBLISHED


def test_rss_pub_dates_keep_their_offsets(feed: Feed) -> None:
    assert [e.published for e in entries(feed, "rss")] == [
        "Wed, 25 Nov 2026 18:05:00 -0500",
        "Tue, 24 Nov 2026 09:30:00 +0530",
        "Mon, 23 Nov 2026 22:00:00 -0500",
    ]


def test_atom_published_keeps_its_offsets(feed: Feed) -> None:
    assert [e.published for e in entries(feed, "atom")] == [
        "2026-11-25T18:05:00-05:00",
        "2026-11-24T09:30:00+05:30",
        "2026-11-23T22:00:00-05:00",
    ]


def test_json_date_published_keeps_its_offsets(feed: Feed) -> None:
    assert [e["date_published"] for e in entries(feed, "json")] == [
        "2026-11-25T18:05:00-05:00",
        "2026-11-24T09:30:00+05:30",
        "2026-11-23T22:00:00-05:00",
    ]


def test_atom_updated_is_the_edit_or_else_published(feed: Feed) -> None:
    assert [e.updated for e in entries(feed, "atom")] == [
        "2026-11-25T20:00:00-05:00",
        "2026-11-24T09:30:00+05:30",
        "2026-11-23T22:00:00-05:00",
    ]


def test_json_date_modified_is_the_edit_or_else_published(feed: Feed) -> None:
    assert [e["date_modified"] for e in entries(feed, "json")] == [
        "2026-11-25T20:00:00-05:00",
        "2026-11-24T09:30:00+05:30",
        "2026-11-23T22:00:00-05:00",
    ]


CATEGORIES = [["Economía", "Mercados"], ["Asia", "Cultura"], ["Ciencia"]]


@pytest.mark.parametrize("format", XML_FORMATS)
def test_categories_survive(feed: Feed, format: str) -> None:
    assert [[t.term for t in e.tags] for e in entries(feed, format)] == CATEGORIES


def test_json_tags_are_the_categories(feed: Feed) -> None:
    assert [e["tags"] for e in entries(feed, "json")] == CATEGORIES


def test_rss_image_is_an_enclosure(feed: Feed) -> None:
    first, second, third = entries(feed, "rss")
    assert [dict(e) for e in first.enclosures] == [
        {"href": BVL_JPG, "length": "84213", "type": "image/jpeg"}
    ]
    assert [(e.href, e.type) for e in second.enclosures] == [(DIWALI_PNG, "image/png")]
    assert third.get("enclosures", []) == []


def test_rss_image_is_media_content_with_size(feed: Feed) -> None:
    first = entries(feed, "rss")[0]
    assert first.media_content == [
        {
            "url": BVL_JPG,
            "medium": "image",
            "type": "image/jpeg",
            "filesize": "84213",
            "width": "1200",
            "height": "800",
        }
    ]


def test_rss_image_credit_is_media_credit(feed: Feed) -> None:
    assert entries(feed, "rss")[0].media_credit == [{"content": "Foto: Archivo PD"}]


@pytest.mark.parametrize("format", XML_FORMATS)
def test_image_is_a_media_thumbnail(feed: Feed, format: str) -> None:
    first, second, _ = entries(feed, format)
    assert first.media_thumbnail == [{"url": BVL_JPG, "width": "1200", "height": "800"}]
    assert second.media_thumbnail == [{"url": DIWALI_PNG}]


def test_atom_image_is_an_enclosure_link_with_type_and_length(feed: Feed) -> None:
    first, second, _ = entries(feed, "atom")
    assert first.links == [
        {"href": BOLSA, "rel": "alternate", "type": "text/html"},
        {"href": BVL_JPG, "rel": "enclosure", "type": "image/jpeg", "length": "84213"},
    ]
    assert second.links == [
        {"href": BOMBAY, "rel": "alternate", "type": "text/html"},
        {"href": DIWALI_PNG, "rel": "enclosure", "type": "image/png"},
    ]


def test_json_image_and_attachment(feed: Feed) -> None:
    first, second, third = entries(feed, "json")
    assert first["image"] == BVL_JPG
    assert first["attachments"] == [
        {
            "url": BVL_JPG,
            "mime_type": "image/jpeg",
            "title": "Operadores en la Bolsa de Valores de Lima",
            "size_in_bytes": 84213,
        }
    ]
    assert second["attachments"] == [{"url": DIWALI_PNG, "mime_type": "image/png"}]
    assert "image" not in third and "attachments" not in third


def test_atom_entry_in_another_language_says_so(feed: Feed) -> None:
    assert [e.title_detail.language for e in entries(feed, "atom")] == ["es", "es", "es-PE"]


def test_json_item_in_another_language_says_so(feed: Feed) -> None:
    assert [e.get("language") for e in entries(feed, "json")] == [None, None, "es-PE"]


@pytest.mark.parametrize("format", XML_FORMATS)
def test_feed_title_link_and_language_survive(feed: Feed, format: str) -> None:
    channel = parsed(feed, format).feed
    assert (channel.title, channel.link, channel.language) == (
        "Noticias de prueba",
        "https://noticias.example.org/",
        "es",
    )


def test_json_feed_title_link_and_language_survive(feed: Feed) -> None:
    data = json.loads(feed.json())
    assert (data["title"], data["home_page_url"], data["language"]) == (
        "Noticias de prueba",
        "https://noticias.example.org/",
        "es",
    )


FEED_SETTINGS = {
    "description": "Lo último de Lima",
    "rights": "© 2026 Noticias",
    "ttl": 30,
    "image": "https://noticias.example.org/logo.png",
    "icon": "https://noticias.example.org/favicon.ico",
    "websub_hub": "https://hub.example.org/",
}


@pytest.fixture
def configured(build, rich) -> Feed:
    return build(rich, **FEED_SETTINGS)


def test_rss_channel_carries_the_feed_settings(configured: Feed) -> None:
    channel = parsed(configured, "rss").feed
    assert (channel.subtitle, channel.rights, channel.ttl, channel.image.href) == (
        "Lo último de Lima",
        "© 2026 Noticias",
        "30",
        "https://noticias.example.org/logo.png",
    )
    assert [link.href for link in channel.links if link.rel == "hub"] == [
        "https://hub.example.org/"
    ]


def test_atom_feed_carries_the_feed_settings(configured: Feed) -> None:
    head = parsed(configured, "atom").feed
    assert (head.subtitle, head.rights, head.logo, head.icon) == (
        "Lo último de Lima",
        "© 2026 Noticias",
        "https://noticias.example.org/logo.png",
        "https://noticias.example.org/favicon.ico",
    )
    assert [link.href for link in head.links if link.rel == "hub"] == ["https://hub.example.org/"]


def test_json_feed_carries_the_feed_settings(configured: Feed) -> None:
    data = json.loads(configured.json())
    assert (data["description"], data["icon"], data["favicon"], data["hubs"]) == (
        "Lo último de Lima",
        "https://noticias.example.org/logo.png",
        "https://noticias.example.org/favicon.ico",
        [{"type": "WebSub", "url": "https://hub.example.org/"}],
    )


def test_rss_description_defaults_to_the_title(feed: Feed) -> None:
    assert parsed(feed, "rss").feed.subtitle == "Noticias de prueba"


def test_atom_has_no_subtitle_without_a_description(feed: Feed) -> None:
    assert "subtitle" not in parsed(feed, "atom").feed


def test_atom_feed_id_is_the_atom_file_url(feed: Feed) -> None:
    assert parsed(feed, "atom").feed.id == "https://noticias.example.org/atom.xml"


def test_atom_feed_id_setting_wins_over_the_file_url(build, rich) -> None:
    feed = build(rich, id="urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6")
    assert parsed(feed, "atom").feed.id == "urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6"


@pytest.mark.parametrize("format", XML_FORMATS)
def test_feed_with_every_setting_reads_without_complaint(configured: Feed, format: str) -> None:
    assert parsed(configured, format).bozo == 0
