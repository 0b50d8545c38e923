"""Same records, same bytes (feed-mapping.md, "Rules that hold for every output")."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Any

import pytest
from lxml import etree

from newsfeed import Feed

FORMATS = ["rss", "atom", "json"]
ATOM = "{http://www.w3.org/2005/Atom}"


def output(feed: Feed, format: str) -> bytes:
    data: bytes = getattr(feed, format)()
    return data


def record(id: str, published: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "title": f"Noticia {id}", "published": published, **fields}


def rss_guids(feed: Feed) -> list[str]:
    return [g.text or "" for g in etree.fromstring(feed.rss()).iter("guid")]


@pytest.mark.parametrize("format", FORMATS)
def test_two_builds_are_byte_identical(build, rich, format: str) -> None:
    assert output(build(rich), format) == output(build(rich), format)


@pytest.mark.parametrize("format", FORMATS)
def test_build_of_the_reversed_input_is_byte_identical(build, rich, format: str) -> None:
    assert output(build(rich), format) == output(build(reversed(rich)), format)


@pytest.mark.parametrize("format", FORMATS)
def test_output_does_not_depend_on_the_time_of_day(build, rich, format: str) -> None:
    before = output(build(rich), format)
    time.sleep(1.1)
    assert output(build(rich), format) == before


def test_ids_are_equal_across_builds(build) -> None:
    records = [
        {"title": "Sin id ni url", "published": "2026-11-26T10:00:00-05:00"},
        {
            "url": "https://noticias.example.org/a.shtml",
            "title": "Con url",
            "published": "2026-11-25",
        },
        {"id": "ja-1", "title": "Con id", "published": "2026-11-24T10:00:00Z"},
    ]
    first, second = build(records), build(records)
    assert [a.id for a in first.articles] == [a.id for a in second.articles]
    assert [a.atom_id for a in first.articles] == [a.atom_id for a in second.articles]


def test_entries_are_newest_first(build) -> None:
    feed = build(
        [
            record("b", "2026-11-24T10:00:00-05:00"),
            record("c", "2026-11-26T10:00:00-05:00"),
            record("a", "2026-11-25T10:00:00-05:00"),
        ]
    )
    assert rss_guids(feed) == ["c", "a", "b"]


def test_order_compares_instants_not_local_times(build) -> None:
    feed = build(
        [
            record("lima", "2026-11-26T10:00:00-05:00"),  # 15:00 UTC
            record("bombay", "2026-11-26T19:00:00+05:30"),  # 13:30 UTC
        ]
    )
    assert rss_guids(feed) == ["lima", "bombay"]


@pytest.mark.parametrize("order", [["c", "a", "b"], ["b", "c", "a"], ["a", "b", "c"]])
def test_ties_are_broken_by_id(build, order: list[str]) -> None:
    feed = build(record(id, "2026-11-26T10:00:00-05:00") for id in order)
    assert rss_guids(feed) == ["a", "b", "c"]


def test_every_format_has_the_same_order(build, rich) -> None:
    feed = build(rich)
    atom_ids = [e.text for e in etree.fromstring(feed.atom()).findall(f"{ATOM}entry/{ATOM}id")]
    assert [item["id"] for item in json.loads(feed.json())["items"]] == rss_guids(feed)
    assert atom_ids == [a.atom_id for a in feed.articles]


def test_limit_keeps_the_newest_entries(build) -> None:
    feed = build(
        [record(f"n-{day}", f"2026-11-{day:02d}T10:00:00-05:00") for day in range(1, 8)], limit=3
    )
    assert rss_guids(feed) == ["n-7", "n-6", "n-5"]


@pytest.mark.parametrize("format", FORMATS)
def test_limit_applies_to_every_format(build, rich, format: str) -> None:
    limited = output(build(rich, limit=1), format)
    assert b"Bombay" not in limited
    assert b"La Bolsa de Lima" in limited


def test_rss_last_build_date_is_the_newest_entry_update(build) -> None:
    feed = build(
        [
            record("nueva", "2026-11-26T10:00:00-05:00"),
            record("editada", "2026-11-20T10:00:00-05:00", updated="2026-11-28T09:15:00-05:00"),
        ]
    )
    channel = etree.fromstring(feed.rss()).find("channel")
    assert channel is not None
    assert channel.findtext("lastBuildDate") == "Sat, 28 Nov 2026 09:15:00 -0500"


def test_atom_feed_updated_is_the_newest_entry_update(build) -> None:
    feed = build(
        [
            record("nueva", "2026-11-26T10:00:00-05:00"),
            record("editada", "2026-11-20T10:00:00-05:00", updated="2026-11-28T09:15:00-05:00"),
        ]
    )
    assert etree.fromstring(feed.atom()).findtext(f"{ATOM}updated") == "2026-11-28T09:15:00-05:00"


@pytest.mark.parametrize("format", FORMATS)
def test_no_now_anywhere_when_entries_have_dates(build, format: str) -> None:
    feed = build([record("a", "2001-02-03T04:05:06-05:00", updated="2001-02-04T00:00:00-05:00")])
    data = output(feed, format).decode()
    today = datetime.now(timezone.utc)
    for day in (today, today.astimezone()):
        assert day.strftime("%Y-%m-%d") not in data
        assert day.strftime("%d %b %Y") not in data
    assert str(today.year) not in data


def test_writing_the_same_feed_again_changes_nothing(build, rich, tmp_path) -> None:
    build(rich).write(tmp_path)
    stamps = {path.name: path.stat().st_mtime_ns for path in tmp_path.iterdir()}
    again = build(reversed(rich)).write(tmp_path)
    assert [w.status for w in again] == ["unchanged", "unchanged", "unchanged"]
    assert {path.name: path.stat().st_mtime_ns for path in tmp_path.iterdir()} == stamps
