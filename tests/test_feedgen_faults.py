"""The feedgen 1.0 pitfalls of feed-mapping.md do not show in our output, one test each."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from lxml import etree

from newsfeed import Author, Feed

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
MEDIA = "{http://search.yahoo.com/mrss/}"
URL = "https://noticias.example.org/economia/2026/11/25/bolsa-de-lima.shtml"
IMAGE = "https://noticias.example.org/img/2026/11/bvl.jpg"


def rss_channel(feed: Feed) -> etree._Element:
    channel = etree.fromstring(feed.rss()).find("channel")
    assert channel is not None
    return channel


def atom_feed(feed: Feed) -> etree._Element:
    return etree.fromstring(feed.atom())


def atom_entries(feed: Feed) -> list[etree._Element]:
    return atom_feed(feed).findall(f"{ATOM}entry")


def rss_items(feed: Feed) -> list[etree._Element]:
    return rss_channel(feed).findall("item")


def record(**fields: Any) -> dict[str, Any]:
    return {
        "id": "ja-1",
        "title": "Sube el cobre",
        "published": "2026-11-20T10:00:00-05:00",
        **fields,
    }


# -- Atom entry links lose rel, type and length (feedgen #135, #143) ---------------------------


def test_atom_entry_links_keep_rel_type_and_length(build, rich) -> None:
    first = atom_entries(build(rich))[0]
    assert [dict(link.attrib) for link in first.findall(f"{ATOM}link")] == [
        {"rel": "alternate", "type": "text/html", "href": URL},
        {"rel": "enclosure", "type": "image/jpeg", "href": IMAGE, "length": "84213"},
    ]


def test_atom_image_is_an_enclosure_not_a_second_alternate(build, rich) -> None:
    for entry in atom_entries(build(rich)):
        alternates = [
            link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"
        ]
        assert len(alternates) <= 1
        assert all(link.get("href") != IMAGE for link in alternates)


def test_atom_entry_without_url_has_no_alternate_link(build) -> None:
    [entry] = atom_entries(build([record(image={"url": IMAGE})]))
    assert [link.get("rel") for link in entry.findall(f"{ATOM}link")] == ["enclosure"]


# -- the RSS channel <link> is whatever link() was called with last ----------------------------


def test_rss_channel_link_is_the_site_not_the_self_link(build, rich) -> None:
    channel = rss_channel(build(rich, base_url="https://cdn.example.org/feeds/"))
    assert channel.findtext("link") == "https://noticias.example.org/"


def test_rss_self_link_is_the_atom_link_with_rel_self(build, rich) -> None:
    channel = rss_channel(build(rich, base_url="https://cdn.example.org/feeds/"))
    [self_link] = [e for e in channel.findall(f"{ATOM}link") if e.get("rel") == "self"]
    assert self_link.get("href") == "https://cdn.example.org/feeds/rss.xml"


def test_rss_channel_link_is_the_site_with_a_websub_hub(build, rich) -> None:
    channel = rss_channel(build(rich, websub_hub="https://hub.example.org/"))
    assert channel.findtext("link") == "https://noticias.example.org/"


def test_atom_alternate_link_is_the_site(build, rich) -> None:
    links = atom_feed(build(rich, base_url="https://cdn.example.org/feeds/")).findall(
        f"{ATOM}link"
    )
    assert {link.get("rel"): link.get("href") for link in links} == {
        "self": "https://cdn.example.org/feeds/atom.xml",
        "alternate": "https://noticias.example.org/",
    }


# -- Atom content defaults to type="CDATA" -----------------------------------------------------


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_no_cdata_type_anywhere(build, rich, format: str) -> None:
    data = getattr(build(rich), format)()
    assert b'type="CDATA"' not in data
    assert b"CDATA" not in data


def test_atom_content_is_type_html(build, rich) -> None:
    contents = [entry.find(f"{ATOM}content") for entry in atom_entries(build(rich))]
    assert [c.get("type") for c in contents if c is not None] == ["html", "html", "html"]


def test_atom_title_and_summary_are_type_text(build, rich) -> None:
    for entry in atom_entries(build(rich)):
        assert entry.find(f"{ATOM}title").get("type") == "text"  # type: ignore[union-attr]
        assert entry.find(f"{ATOM}summary").get("type") == "text"  # type: ignore[union-attr]


def test_atom_title_with_angle_brackets_is_text_not_markup(build) -> None:
    [entry] = atom_entries(build([record(title="Vector<T> llega a Python")]))
    title = entry.find(f"{ATOM}title")
    assert title is not None
    assert (title.get("type"), title.text) == ("text", "Vector<T> llega a Python")


# -- the RSS channel drops the feed author, items drop authors without email -------------------


def test_rss_channel_has_managing_editor_when_an_email_is_known(build, rich) -> None:
    channel = rss_channel(build(rich, authors=(Author("Redacción", "redaccion@example.org"),)))
    assert channel.findtext("managingEditor") == "redaccion@example.org (Redacción)"


def test_rss_channel_has_dc_creator_when_no_email_is_known(build, rich) -> None:
    channel = rss_channel(build(rich, authors=(Author("Redacción"),)))
    assert channel.findtext(f"{DC}creator") == "Redacción"
    assert channel.find("managingEditor") is None


def test_rss_item_keeps_an_author_without_email(build) -> None:
    [item] = rss_items(build([record(authors="Ana Quispe")]))
    assert item.findtext(f"{DC}creator") == "Ana Quispe"


def test_rss_item_has_one_dc_creator_joining_every_author(build, rich) -> None:
    first = rss_items(build(rich))[0]
    assert [e.text for e in first.findall(f"{DC}creator")] == ["Lucía Ferrer, Marco Díaz"]


def test_rss_item_has_no_author_element(build, rich) -> None:
    for item in rss_items(build(rich)):
        assert item.find("author") is None


def test_atom_entry_keeps_an_author_without_email(build) -> None:
    [entry] = atom_entries(build([record(authors="Ana Quispe")]))
    [author] = entry.findall(f"{ATOM}author")
    assert [child.tag for child in author] == [f"{ATOM}name"]
    assert author.findtext(f"{ATOM}name") == "Ana Quispe"


# -- feed and entry update times default to "now" ----------------------------------------------


def test_atom_entry_updated_is_the_articles_update(build) -> None:
    [entry] = atom_entries(build([record(updated="2026-11-21T08:00:00-05:00")]))
    assert entry.findtext(f"{ATOM}updated") == "2026-11-21T08:00:00-05:00"


def test_atom_entry_updated_is_published_when_never_edited(build) -> None:
    [entry] = atom_entries(build([record()]))
    assert entry.findtext(f"{ATOM}updated") == "2026-11-20T10:00:00-05:00"


def test_atom_feed_updated_is_not_now(build) -> None:
    updated = atom_feed(build([record()])).findtext(f"{ATOM}updated")
    assert updated == "2026-11-20T10:00:00-05:00"


def test_rss_last_build_date_is_not_now(build) -> None:
    assert rss_channel(build([record()])).findtext("lastBuildDate") == (
        "Fri, 20 Nov 2026 10:00:00 -0500"
    )


def test_rss_has_no_pub_date_on_the_channel_from_now(build) -> None:
    pub_date = rss_channel(build([record()])).findtext("pubDate")
    this_year = str(datetime.now(timezone.utc).year)
    assert pub_date is None or this_year not in pub_date


# -- Media RSS inside media:group --------------------------------------------------------------


def test_media_content_is_directly_in_the_item(build, rich) -> None:
    first = rss_items(build(rich))[0]
    assert first.find(f"{MEDIA}group") is None
    [content] = first.findall(f"{MEDIA}content")
    assert content.get("url") == IMAGE


def test_media_content_carries_caption_and_credit(build, rich) -> None:
    content = rss_items(build(rich))[0].find(f"{MEDIA}content")
    assert content is not None
    assert content.findtext(f"{MEDIA}title") == "Operadores en la Bolsa de Valores de Lima"
    assert content.findtext(f"{MEDIA}credit") == "Foto: Archivo PD"


def test_media_thumbnail_is_directly_in_the_item(build, rich) -> None:
    first = rss_items(build(rich))[0]
    assert [e.get("url") for e in first.findall(f"{MEDIA}thumbnail")] == [IMAGE]


# -- Atom needs an author on the feed or on every entry ----------------------------------------


def test_feed_title_is_the_atom_feed_author_when_an_entry_has_none(build) -> None:
    feed = build([record(), record(id="ja-2", authors="Ana Quispe")])
    names = [a.findtext(f"{ATOM}name") for a in atom_feed(feed).findall(f"{ATOM}author")]
    assert names == ["Noticias de prueba"]


def test_feed_authors_of_the_settings_are_the_atom_feed_authors(build) -> None:
    feed = build([record()], authors=(Author("Redacción", "redaccion@example.org"),))
    [author] = atom_feed(feed).findall(f"{ATOM}author")
    assert (author.findtext(f"{ATOM}name"), author.findtext(f"{ATOM}email")) == (
        "Redacción",
        "redaccion@example.org",
    )
