"""A rebuild looks again only at the feeds a change can reach (issue 11), and still
writes what a fresh build would.

The index logs which facets the articles added, removed or edited carry, old and
new; a feed none of them can reach keeps its documents when their files are as
recorded. These tests name the cases where that shortcut could be wrong: a file
changed behind our back, a feed of a value spelled a new way, a run killed after
it began writing, a setting changed, and the fan-out folders worked out again.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import dateutil
import feedgen.version
import nh3
import pytest
from lxml import etree

from newsfeed import reading
from newsfeed.documents import Document, Feed
from newsfeed.feed import Format
from newsfeed.index import DocumentState, SiteIndex
from newsfeed.model import FeedSettings
from newsfeed.publishing import (
    FeedPlan,
    Outcome,
    Selection,
    Site,
    _publisher,
    _rendering,
    publish,
)
from newsfeed.publishing._jobs import Done, Job, bytes_digest
from newsfeed.publishing.lock import LOCK_NAME, begin_writing_documents
from newsfeed.publishing.site import fan_outs, fan_outs_after
from newsfeed.reading import read_into
from newsfeed.validation import _memo
from newsfeed.validation._memo import CleanEntries
from newsfeed.validation.atom import AtomWalk
from newsfeed.validation.rss import RssWalk

SITE = "https://noticias.example.org/"
PLANS = (
    FeedPlan(archive=True, page_size=2),
    FeedPlan(path="categoria", fan_out="category", formats=("rss", "atom"), archive=True),
    FeedPlan(path="autor", fan_out="author", formats=("atom",)),
    FeedPlan(path="ciencia-en", selection=Selection(categories=frozenset({"Ciencia"}))),
)


def record(n: int, categories: list[str], author: str = "Ana Quispe", **more: Any) -> dict:
    return {
        "id": f"n-{n}",
        "title": f"Noticia {n}",
        "url": f"{SITE}n/{n}.shtml",
        "published": f"2026-11-{n + 1:02d}T10:00:00-05:00",
        "categories": categories,
        "authors": [author],
        **more,
    }


class Newsroom:
    """A site of one JSON Lines file, rebuilt with its index, and built fresh to compare."""

    def __init__(self, root: Path, records: list[dict[str, Any]], title: str = "Noticias"):
        self.root, self.records, self.title = root, records, title
        self.source = root / "news.jsonl"
        self.out = root / "public"

    def site(self, out: Path) -> Site:
        settings = FeedSettings(title=self.title, link=SITE, language="es", limit=3)
        return Site(settings, out, PLANS)

    def build(self) -> Outcome:
        self.source.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.records)
        )
        return publish(self.site(self.out), [self.source], cache=self.root / "index", jobs=1)

    def fresh(self) -> dict[str, bytes]:
        out = self.root / "fresh"
        publish(self.site(out), [self.source], cache=False, jobs=1)
        return files(out)


def files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def changed(outcome: Outcome, out: Path) -> list[str]:
    return sorted(str(w.path.relative_to(out)) for w in outcome.changed)


@pytest.fixture
def newsroom(tmp_path: Path) -> Newsroom:
    categories = [["Ciencia"], ["Deportes"], ["Política", "Ciencia"], ["Cultura"]]
    authors = ["Ana Quispe", "Luis Paz", "María"]
    site = Newsroom(tmp_path, [record(n, categories[n % 4], authors[n % 3]) for n in range(10)])
    site.build()
    return site


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str | None, Format]]:
    """Each document rendered from now on: the URL of its folder, and its format."""
    formats: list[tuple[str | None, Format]] = []
    real_render = Feed.render

    def render(self: Feed, format: Format) -> Document:
        formats.append((self.settings.base_url, format))
        return real_render(self, format)

    monkeypatch.setattr(Feed, "render", render)
    return formats


def test_feeds_without_archives_are_rendered_with_the_archive_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # First the feeds with archives, whose budgets decide the pages; then, given to
    # the same processes at once, the other feeds and every archive page.
    batches: list[list[str]] = []
    real = _publisher.rendered

    def rendering(index: SiteIndex, jobs: list[Job], workers: int) -> Any:
        batches.append(sorted({_kind(job) for job in jobs}))
        return real(index, jobs, workers)

    monkeypatch.setattr(_publisher, "rendered", rendering)
    Newsroom(tmp_path, [record(n, ["Ciencia"]) for n in range(8)]).build()
    assert batches == [["feed with archive"], ["archive page", "feed"]]


def _kind(job: Job) -> str:
    if job.plan is None:
        return "archive page"
    return "feed with archive" if job.plan.archive else "feed"


# -- what is looked at again ---------------------------------------------------------


@pytest.fixture
def checked_alone(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The items and entries given their own checks from now on, in a process that
    has found none clean yet (as each run of the command line is)."""
    monkeypatch.setattr(_memo, "IN_PROCESS", CleanEntries())
    entries: list[bytes] = []
    for walk in (AtomWalk, RssWalk):

        def entry(
            self: Any, element: Any, place: Any, known_clean: bool = False, real: Any = walk.entry
        ) -> bool:
            if not known_clean:
                entries.append(etree.tostring(element))
            return bool(real(self, element, place, known_clean))

        monkeypatch.setattr(walk, "entry", entry)
    return entries


def test_a_rebuild_checks_alone_only_the_entries_no_run_checked_before(
    newsroom: Newsroom, checked_alone: list[bytes]
) -> None:
    newsroom.records.append(record(20, ["Deportes"], "Luis Paz"))
    newsroom.build()
    # One RSS item and one Atom entry: each format checks the article once, in one context.
    assert len(checked_alone) == 2
    assert all(b"n/20.shtml" in entry for entry in checked_alone)
    assert files(newsroom.out) == newsroom.fresh()


def test_entries_found_clean_under_other_settings_are_checked_again(
    newsroom: Newsroom, checked_alone: list[bytes]
) -> None:
    newsroom.title = "Otras noticias"
    newsroom.build()
    assert any(b"n/3.shtml" in entry for entry in checked_alone)


@pytest.mark.parametrize(
    ("module", "attribute"),
    [
        (feedgen.version, "version_full"),
        (etree, "LXML_VERSION"),
        (etree, "LIBXML_VERSION"),
        (nh3, "__version__"),
        (dateutil, "__version__"),
    ],
)
def test_an_upgrade_of_a_library_that_shapes_the_output_changes_the_code_digest(
    module: Any, attribute: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = reading._code_digest()
    monkeypatch.setattr(module, attribute, "another version")
    assert reading._code_digest() != before


def test_a_run_after_no_change_renders_nothing(
    newsroom: Newsroom, rendered: list[tuple[str | None, Format]]
) -> None:
    outcome = newsroom.build()
    assert rendered == []
    assert outcome.changed == []
    assert len(outcome.files) == len(files(newsroom.out))


def test_a_run_after_no_change_reads_no_table_of_entries_found_clean(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bytes] = []
    real = SiteIndex.clean_entries

    def clean_entries(self: SiteIndex, made_by: bytes) -> bytes | None:
        asked.append(made_by)
        return real(self, made_by)

    monkeypatch.setattr(SiteIndex, "clean_entries", clean_entries)
    newsroom.build()
    assert asked == []


def test_a_new_article_renders_only_the_feeds_that_take_it_and_the_newest_pages(
    newsroom: Newsroom, rendered: list[tuple[str | None, Format]]
) -> None:
    newsroom.records.append(record(20, ["Deportes"], "Luis Paz"))
    outcome = newsroom.build()
    assert len(rendered) == len(outcome.changed)
    assert changed(outcome, newsroom.out) == [
        "archive/4/atom.xml",
        "archive/4/rss.xml",
        "atom.xml",
        "autor/luis-paz/atom.xml",
        "categoria/deportes/archive/1/atom.xml",
        "categoria/deportes/archive/1/rss.xml",
        "categoria/deportes/atom.xml",
        "categoria/deportes/rss.xml",
        "feed.json",
        "rss.xml",
    ]
    assert files(newsroom.out) == newsroom.fresh()


def test_an_article_edited_out_of_a_category_changes_the_feeds_of_its_old_and_new_values(
    newsroom: Newsroom,
) -> None:
    newsroom.records[8]["categories"] = ["Deportes"]  # was Ciencia
    outcome = newsroom.build()
    touched = changed(outcome, newsroom.out)
    assert "categoria/ciencia/rss.xml" in touched
    assert "categoria/deportes/rss.xml" in touched
    assert "ciencia-en/feed.json" in touched  # a selection, not a fan-out
    assert files(newsroom.out) == newsroom.fresh()


def test_a_new_spelling_of_a_value_joins_its_feed_and_the_first_spelling_keeps_the_title(
    newsroom: Newsroom,
) -> None:
    newsroom.records.append(record(20, ["ciencia"]))
    newsroom.build()
    written = files(newsroom.out)
    assert written == newsroom.fresh()
    assert b"Noticias: Ciencia<" in written["categoria/ciencia/rss.xml"]
    assert b"n/20.shtml" in written["categoria/ciencia/rss.xml"]


def test_a_spelling_whose_last_article_goes_takes_that_article_and_its_name_from_the_feed(
    tmp_path: Path,
) -> None:
    # The change logged is of a value the feed no longer has: only the last run's has it.
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps(record(1, ["Economía"])) + "\n")
    second.write_text(json.dumps(record(2, ["economia"])) + "\n")
    newsroom = Newsroom(tmp_path, [])
    site = newsroom.site(newsroom.out)
    publish(site, [first, second], cache=tmp_path / "index")
    first.write_text("")
    publish(site, [first, second], cache=tmp_path / "index")
    publish(newsroom.site(tmp_path / "fresh"), [first, second], cache=False)
    written = files(newsroom.out)
    assert written == files(tmp_path / "fresh")
    assert b"Noticias: economia<" in written["categoria/economia/rss.xml"]
    assert b"n/1.shtml" not in written["categoria/economia/rss.xml"]


def test_the_fan_outs_worked_out_again_from_the_changes_are_those_of_all_the_values(
    newsroom: Newsroom,
) -> None:
    site = newsroom.site(newsroom.out)
    with SiteIndex(newsroom.root / "index" / "site-index.sqlite3") as index:
        before = fan_outs(site, index)
    # A new spelling of a value, a new value and another spelling of it, a value gone.
    newsroom.records[0]["categories"] = ["CIENCIA", "Economía"]
    newsroom.records.append(record(30, ["economia"], "Nadia"))
    newsroom.records = [r for r in newsroom.records if r["categories"] != ["Cultura"]]
    newsroom.source.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in newsroom.records)
    )
    with SiteIndex(newsroom.root / "index" / "site-index.sqlite3") as index:
        read_into(index, [newsroom.source], site.settings, [])
        assert fan_outs_after(site, index, before, index.changes()) == fan_outs(site, index)


def test_a_fan_out_value_whose_last_article_goes_has_its_feed_removed(
    newsroom: Newsroom,
) -> None:
    newsroom.records = [r for r in newsroom.records if r["categories"] != ["Cultura"]]
    outcome = newsroom.build()
    assert newsroom.out / "categoria" / "cultura" / "rss.xml" in outcome.removed
    assert files(newsroom.out) == newsroom.fresh()


def test_sources_read_in_another_order_name_a_fan_out_feed_by_the_new_first_spelling(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps(record(1, ["economia"])) + "\n")
    second.write_text(json.dumps(record(2, ["Economía"])) + "\n")
    site = Newsroom(tmp_path, []).site(tmp_path / "public")
    publish(site, [first, second], cache=tmp_path / "index")
    feed = tmp_path / "public" / "categoria" / "economia" / "rss.xml"
    assert b"Noticias: economia<" in feed.read_bytes()
    publish(site, [second, first], cache=tmp_path / "index")
    assert "Noticias: Economía<".encode() in feed.read_bytes()


def test_a_back_dated_article_renders_the_archive_pages_from_its_place_on(
    newsroom: Newsroom, rendered: list[tuple[str | None, Format]]
) -> None:
    # Pages hold 2 entries, oldest first: n-0 and n-1 stay on page 1, which is not
    # even rendered; the article between n-1 and n-2 shifts every page after it.
    newsroom.records.append(record(50, ["Cultura"], published="2026-11-02T22:00:00-05:00"))
    outcome = newsroom.build()
    written = changed(outcome, newsroom.out)
    assert [name for name in written if name.startswith("archive/")] == [
        f"archive/{page}/{name}" for page in (2, 3, 4) for name in ("atom.xml", "rss.xml")
    ]
    assert f"{SITE}archive/1/" not in {url for url, _ in rendered}
    assert files(newsroom.out) == newsroom.fresh()


# -- what is not taken on trust --------------------------------------------------------


def test_a_deleted_file_of_a_feed_no_change_reached_is_written_again(newsroom: Newsroom) -> None:
    (newsroom.out / "categoria" / "ciencia" / "archive" / "1" / "atom.xml").unlink()
    (newsroom.out / "autor" / "maria" / "atom.xml").unlink()
    outcome = newsroom.build()
    assert changed(outcome, newsroom.out) == [
        "autor/maria/atom.xml",
        "categoria/ciencia/archive/1/atom.xml",
    ]
    assert files(newsroom.out) == newsroom.fresh()


def test_a_deleted_old_archive_page_of_a_feed_a_change_reached_is_written_again(
    newsroom: Newsroom,
) -> None:
    (newsroom.out / "archive" / "1" / "rss.xml").unlink()
    newsroom.records.append(record(20, ["Deportes"]))
    outcome = newsroom.build()
    assert "archive/1/rss.xml" in changed(outcome, newsroom.out)
    assert files(newsroom.out) == newsroom.fresh()


def test_a_file_edited_behind_our_back_with_its_size_and_time_kept_is_repaired(
    newsroom: Newsroom,
) -> None:
    # The change time gives it away: no program can set it back, as touch does the
    # modification time.
    path = newsroom.out / "autor" / "maria" / "atom.xml"
    data = path.read_bytes()
    status = path.stat()
    with path.open("r+b") as file:
        file.seek(data.index(b"Noticia"))
        file.write(b"NOTICIA")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert path.stat().st_size == status.st_size
    outcome = newsroom.build()
    assert changed(outcome, newsroom.out) == ["autor/maria/atom.xml"]
    assert path.read_bytes() == data


def test_a_file_put_in_place_of_ours_with_its_size_and_time_is_repaired(
    newsroom: Newsroom,
) -> None:
    path = newsroom.out / "categoria" / "cultura" / "rss.xml"
    data = path.read_bytes()
    status = path.stat()
    other = path.with_name("other")
    other.write_bytes(data.upper()[: len(data)])
    os.utime(other, ns=(status.st_atime_ns, status.st_mtime_ns))
    other.replace(path)
    outcome = newsroom.build()
    assert changed(outcome, newsroom.out) == ["categoria/cultura/rss.xml"]
    assert path.read_bytes() == data


def test_a_file_copied_with_its_bytes_is_not_written_again(newsroom: Newsroom) -> None:
    path = newsroom.out / "categoria" / "cultura" / "rss.xml"
    copy = path.with_name("copy")
    copy.write_bytes(path.read_bytes())
    copy.replace(path)
    outcome = newsroom.build()
    assert outcome.changed == []


def test_a_setting_changed_checks_every_feed(newsroom: Newsroom) -> None:
    newsroom.title = "Titulares"
    outcome = newsroom.build()
    assert len(outcome.changed) == len(files(newsroom.out))
    assert files(newsroom.out) == newsroom.fresh()


def test_after_a_run_that_began_writing_and_did_not_end_every_feed_is_checked(
    newsroom: Newsroom,
) -> None:
    # A killed run may have left any document written from other input than the
    # index's log says: the index forgets the last run's state before the first write.
    with SiteIndex(newsroom.root / "index" / "site-index.sqlite3") as index:
        index.begin_publishing()
    path = newsroom.out / "autor" / "maria" / "atom.xml"
    good = path.read_bytes()
    path.write_bytes(good.replace(b"Noticia", b"Vieja"))  # as another input made it
    with SiteIndex(newsroom.root / "index" / "site-index.sqlite3") as index:
        index.record([replace_status(index.documents()["autor/maria/atom.xml"], path)])
    outcome = newsroom.build()
    assert changed(outcome, newsroom.out) == ["autor/maria/atom.xml"]
    assert path.read_bytes() == good


def replace_status(state: DocumentState, path: Path) -> DocumentState:
    """`state` with the status of the file at `path` now, as if we had written it."""
    status = path.stat()
    return replace(
        state,
        digest=b"\0" * 32,
        size=status.st_size,
        mtime_ns=status.st_mtime_ns,
        ctime_ns=status.st_ctime_ns,
        inode=status.st_ino,
    )


# -- temporary files ---------------------------------------------------------------------


def test_a_temporary_file_deep_in_the_site_is_removed_after_a_run_that_did_not_end(
    newsroom: Newsroom,
) -> None:
    left = newsroom.out / "categoria" / "ciencia" / "archive" / "1" / ".rss.xml.x.newsfeed-tmp"
    left.write_bytes(b"half")
    begin_writing_documents(newsroom.out)
    newsroom.build()
    assert not left.exists()
    assert (newsroom.out / LOCK_NAME).stat().st_size == 0


def test_the_lock_file_is_empty_after_a_run_that_wrote(newsroom: Newsroom) -> None:
    newsroom.records.append(record(20, ["Deportes"]))
    assert newsroom.build().changed
    assert (newsroom.out / LOCK_NAME).stat().st_size == 0


# -- written while the next is rendered -------------------------------------------------


def test_a_document_is_recorded_only_once_its_file_holds_its_bytes(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A slow disk: each job's files are written well after the next job is rendered.
    real_write = _rendering._write_job

    def slow_write(documents: list[_rendering.Rendered]) -> list[Done]:
        time.sleep(0.02)
        return real_write(documents)

    not_in_place: list[str] = []
    real_record = SiteIndex.record

    def record(self: SiteIndex, states: Iterable[DocumentState]) -> None:
        states = list(states)
        for state in states:
            path = newsroom.out / state.path
            if state.bytes_digest is not None and (
                not path.exists() or bytes_digest(path.read_bytes()) != state.bytes_digest
            ):
                not_in_place.append(state.path)
        real_record(self, states)

    monkeypatch.setattr(_rendering, "_write_job", slow_write)
    monkeypatch.setattr(SiteIndex, "record", record)
    newsroom.records[3] = {**newsroom.records[3], "title": "Noticia 3, corregida"}
    outcome = newsroom.build()

    assert outcome.changed
    assert not_in_place == []
    assert files(newsroom.out) == newsroom.fresh()
