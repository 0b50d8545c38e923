"""The registry of readers: a new kind of file is a suffix, a reader and, where the
suffix is ambiguous, a check of the content; a source that reads itself is a
RecordSource, as SqlSource is."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import newsfeed
from newsfeed import Place, Problem, RawRecord, RecordSource, SqlSource
from newsfeed.sources.readers import readers_of, registered

DATE = "2026-11-26T10:00:00-05:00"
EXPORT = """<?xml version="1.0"?>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>Sube el cobre</title><wp:post_id>88</wp:post_id></item>
</channel></rss>
"""
SITEMAP = """<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://example.org/</loc></url></urlset>
"""


def read_export(
    path: Path, name: str, encoding: str, problems: list[Problem]
) -> Iterator[RawRecord]:
    """A toy WordPress export reader: each item's title and post id."""
    text = path.read_text(encoding=encoding)
    for number, (title, post_id) in enumerate(
        re.findall(r"<title>(.*?)</title><wp:post_id>(\d+)</wp:post_id>", text), start=1
    ):
        yield RawRecord(
            {"id": f"wp-{post_id}", "title": title, "published": DATE}, Place(name, str(number))
        )


def is_export(start: bytes) -> bool:
    return b"http://wordpress.org/export/" in start


@pytest.fixture
def xml_export() -> Iterator[newsfeed.FileReader]:
    reader = newsfeed.register_reader(".xml", read_export, accepts=is_export)
    yield reader
    newsfeed.unregister_reader(reader)


def messages(reading: newsfeed.Reading) -> list[str]:
    return [str(p) for p in reading.problems]


def test_a_registered_reader_reads_the_files_of_its_suffix(read, tmp_path, xml_export) -> None:
    (tmp_path / "export.xml").write_text(EXPORT, encoding="utf-8")
    reading = read(tmp_path)
    assert [(a.id, a.title, str(a.place)) for a in reading.articles] == [
        ("wp-88", "Sube el cobre", f"{tmp_path / 'export.xml'}:1")
    ]
    assert reading.problems == []


def test_a_file_its_suffix_readers_do_not_take_is_passed_over_with_a_warning(
    read, tmp_path, xml_export
) -> None:
    (tmp_path / "export.xml").write_text(EXPORT, encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text(SITEMAP, encoding="utf-8")
    reading = read(tmp_path)
    assert [a.id for a in reading.articles] == ["wp-88"]
    assert reading.unreadable == [] and reading.errors == []
    assert messages(reading) == [
        f"{tmp_path / 'sitemap.xml'}: warning: not read: no reader of .xml files takes its content"
    ]


def test_a_named_file_no_reader_takes_is_a_source_error(read, tmp_path, xml_export) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_text(SITEMAP, encoding="utf-8")
    reading = read(path)
    assert [str(p) for p in reading.unreadable] == [
        f"{path}: error: not read: no reader of .xml files takes its content"
    ]


def test_a_pipe_is_handed_to_its_reader_without_being_opened_to_check_it(
    read, tmp_path, xml_export
) -> None:
    # Opened to be checked, the pipe would give its bytes to the check and leave
    # the reader waiting for a writer that has gone.
    pipe = tmp_path / "export.xml"
    os.mkfifo(pipe)
    found: list[newsfeed.Reading] = []
    reader = threading.Thread(target=lambda: found.append(read(pipe)), daemon=True)
    reader.start()
    with pipe.open("w", encoding="utf-8") as writer:
        writer.write(EXPORT)
    reader.join(30)
    waiting = reader.is_alive()
    if waiting:  # let it go: a writer that opens and closes ends its wait
        with pipe.open("w"):
            pass
    assert not waiting
    [reading] = found
    assert [a.id for a in reading.articles] == ["wp-88"]


def test_readers_of_one_suffix_are_tried_in_turn(read, tmp_path, xml_export) -> None:
    def read_sitemap(path, name, encoding, problems):
        yield RawRecord(
            {"title": "Mapa", "url": "https://example.org/", "published": DATE}, Place(name)
        )

    sitemaps = newsfeed.register_reader(".xml", read_sitemap, accepts=lambda b: b"<urlset" in b)
    try:
        (tmp_path / "export.xml").write_text(EXPORT, encoding="utf-8")
        (tmp_path / "sitemap.xml").write_text(SITEMAP, encoding="utf-8")
        reading = read(tmp_path)
    finally:
        newsfeed.unregister_reader(sitemaps)
    assert sorted(a.title for a in reading.articles) == ["Mapa", "Sube el cobre"]


def test_without_its_reader_a_suffix_is_unknown_again(read, tmp_path) -> None:
    reader = newsfeed.register_reader(".xml", read_export, accepts=is_export)
    newsfeed.unregister_reader(reader)
    assert readers_of(Path("a.xml")) == ()
    path = tmp_path / "export.xml"
    path.write_text(EXPORT, encoding="utf-8")
    [problem] = read(path).unreadable
    assert "unknown kind of file" in problem.message


def test_what_articles_depend_on_names_every_registered_reader(xml_export) -> None:
    assert (".xml", f"{__name__}.read_export") in registered()


def test_a_suffix_is_written_with_its_dot() -> None:
    with pytest.raises(ValueError, match="starts with a dot"):
        newsfeed.register_reader("xml", read_export)


class Feedless(RecordSource):
    """A source of the user's own: two records made in code."""

    __slots__ = ()

    @property
    def name(self) -> str:
        return "feedless"

    @property
    def key(self) -> str:
        return "feedless"

    def records(self, problems: list[Problem], encoding: str) -> Iterator[RawRecord]:
        for number in (1, 2):
            data = {"id": f"f-{number}", "title": f"T{number}", "published": DATE}
            yield RawRecord(data, Place(self.name, str(number)))


def test_a_record_source_of_ones_own_is_read_as_a_database_is(read) -> None:
    # A mapping among the sources is named by its place in them.
    reading = read([Feedless(), {"id": "p-1", "title": "P", "published": DATE}])
    assert [str(a.place) for a in reading.articles] == ["feedless:1", "feedless:2", "<records>:2"]


def test_a_database_query_is_a_record_source() -> None:
    assert isinstance(SqlSource("sqlite:///site.db", "SELECT 1"), RecordSource)


def test_every_kind_of_source_still_reads(read, tmp_path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    record = {"title": "T", "published": DATE}
    (folder / "a.json").write_text(json.dumps([{**record, "id": "json"}]), encoding="utf-8")
    (folder / "b.jsonl").write_text(json.dumps({**record, "id": "jsonl"}) + "\n")
    (folder / "c.ndjson").write_text(json.dumps({**record, "id": "ndjson"}) + "\n")
    (folder / "d.csv").write_text(f"id,title,published\ncsv,T,{DATE}\n", encoding="utf-8")
    (folder / "e.txt").write_text(f"---\nid: txt\npublished: {DATE}\n---\nT\n", encoding="utf-8")
    database = tmp_path / "site.db"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE a (id, title, published)")
        connection.execute("INSERT INTO a VALUES ('sql', 'T', ?)", (DATE,))
    connection.close()
    sql = SqlSource(f"sqlite:///{database}", "SELECT * FROM a")
    reading = read([folder, sql, {**record, "id": "python"}])
    assert reading.problems == []
    assert [a.id for a in reading.articles] == [
        "json", "jsonl", "ndjson", "csv", "txt", "sql", "python"
    ]  # fmt: skip
