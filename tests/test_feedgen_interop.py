"""`Feed.to_feedgen()`: the feedgen model our renderer serialises, open to feedgen extensions."""

from __future__ import annotations

import pytest
from feedgen.feed import FeedGenerator
from lxml import etree

import newsfeed

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
DC = "{http://purl.org/dc/elements/1.1/}"
MEDIA = "{http://search.yahoo.com/mrss/}"


def serialised(fg: FeedGenerator, format: str) -> bytes:
    method = fg.rss_str if format == "rss" else fg.atom_str
    data: bytes = method(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_to_feedgen_serialises_to_the_bytes_of_the_feed(build, rich, format) -> None:
    feed = build(rich)
    assert serialised(feed.to_feedgen(format), format) == feed.render(format).data


def podcast(feed: newsfeed.Feed) -> bytes:
    fg = feed.to_feedgen("rss")
    fg.load_extension("podcast")
    fg.podcast.itunes_author("Redacción")
    fg.podcast.itunes_category("News")
    fg.podcast.itunes_image("https://noticias.example.org/podcast.jpg")
    fg.podcast.itunes_owner(name="Redacción", email="redaccion@example.org")
    for entry in fg.entry():
        entry.podcast.itunes_duration("00:12:30")
    return serialised(fg, "rss")


def test_the_podcast_extension_adds_its_elements(build, rich) -> None:
    channel = etree.fromstring(podcast(build(rich))).find("channel")
    assert channel is not None
    assert channel.find(f"{ITUNES}category").get("text") == "News"
    assert [i.findtext(f"{ITUNES}duration") for i in channel.iter("item")] == ["00:12:30"] * 3


def test_with_the_podcast_extension_our_ids_dates_and_corrections_stay(build, rich) -> None:
    feed = build(rich)
    plain = etree.fromstring(feed.rss()).find("channel")
    extended = etree.fromstring(podcast(feed)).find("channel")
    assert plain is not None and extended is not None

    def ours(channel: etree._Element) -> list[tuple[str | None, ...]]:
        return [
            (
                item.findtext("guid"),
                item.findtext("pubDate"),
                item.findtext(f"{DC}creator"),
                item.find(f"{MEDIA}content") is not None,
                item.find("author") is not None,
            )
            for item in channel.iter("item")
        ]

    assert ours(extended) == ours(plain)
    assert extended.findtext("lastBuildDate") == plain.findtext("lastBuildDate")


def test_a_podcast_feed_still_validates(build, rich) -> None:
    findings = newsfeed.validate(podcast(build(rich)))
    assert [str(f) for f in findings if f.level == "error"] == []
    # feedgen cannot write itunes:explicit as Apple now wants it (true/false),
    # and an episode's enclosure here is the article's image, not audio.
    assert {(f.level, f.code) for f in findings} == {
        ("warning", "MissingItunesElement"),
        ("warning", "UnsupportedItunesFormat"),
    }


def test_feedgens_yes_no_explicit_is_reported_as_the_w3c_validator_does(build, rich) -> None:
    fg = build(rich).to_feedgen("rss")
    fg.load_extension("podcast")
    fg.podcast.itunes_explicit("no")
    findings = newsfeed.validate(serialised(fg, "rss"))
    assert ("error", "InvalidTrueFalse") in {(f.level, f.code) for f in findings}
