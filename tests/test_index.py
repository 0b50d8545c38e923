"""The site index: articles in feed order, read back equal, digests that ignore places."""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
import tempfile
from array import array
from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsfeed.feed import newest_first
from newsfeed.index import (
    AUTHOR,
    CATEGORY,
    SCHEMA_VERSION,
    TEMPORARY_PREFIX,
    Entries,
    SiteIndex,
    article_digest,
    remove_abandoned_temporaries,
)
from newsfeed.index import _sources as index_sources
from newsfeed.model import Article, Author, FeedSettings, Image, Place
from newsfeed.publishing import FeedPlan, Selection, Site, publish
from newsfeed.reading import read_into

LIMA = timezone(timedelta(hours=-5))
WHEN = datetime(2026, 11, 26, 14, 30, tzinfo=LIMA)
SETTINGS = FeedSettings(title="Noticias", link="https://example.org/", language="es")


def article(id: str = "a-1", published: datetime = WHEN, **changes: object) -> Article:
    values: dict[str, object] = {
        "id": id,
        "atom_id": f"tag:example.org,2026-11-26:{id}",
        "title": f"Título {id}",
        "published": published,
        "updated": published,
        "place": Place("articles.jsonl", "1"),
    }
    values.update(changes)
    return Article(**values)  # type: ignore[arg-type]


def every_field_set() -> Article:
    return Article(
        id="https://noticias.example.org/a/1",
        atom_id="tag:noticias.example.org,2026-11-25:a/1",
        title="Un título",
        published=WHEN - timedelta(days=1),
        updated=WHEN + timedelta(minutes=5, microseconds=7),
        place=Place("más.jsonl", "17"),
        id_is_url=True,
        url="https://noticias.example.org/a/1.shtml",
        kicker="Antetítulo",
        summary="Bajada ]]> & <",
        body_html="<p>Cuerpo</p>",
        body_text="Cuerpo",
        authors=(
            Author("Paul Monzón", "paul@example.org", "https://example.org/paul", "Periodista."),
            Author("Ana Quispe"),
        ),
        language="es-PE",
        categories=("Política", "国际"),
        image=Image("https://example.org/i.jpg", "image/jpeg", 1234, 800, 600, "Pie", "Foto"),
    )


@pytest.fixture
def index() -> Iterator[SiteIndex]:
    with SiteIndex.temporary() as opened:
        yield opened


def add(index: SiteIndex, *articles: Article) -> None:
    problems: list[object] = []
    read_into(index, list(articles), SETTINGS, problems)  # type: ignore[arg-type]
    assert problems == []


def in_order(index: SiteIndex, selection: Selection | None = None) -> list[Article]:
    selection = selection or Selection()
    entries = selection.entries(index, SETTINGS.language)
    return [article for article, _ in index.load([row for row, _ in entries])]


def test_an_article_with_every_field_set_loads_back_equal(index: SiteIndex) -> None:
    original = every_field_set()
    add(index, original)
    [loaded] = in_order(index)
    assert loaded == original
    for name in ("published", "updated"):
        assert getattr(loaded, name).utcoffset() == getattr(original, name).utcoffset()


def test_an_article_loads_with_the_digest_of_its_values(index: SiteIndex) -> None:
    original = every_field_set()
    add(index, original)
    [(row, digest)] = Selection().entries(index, SETTINGS.language)
    assert index.load([row]) == [(original, article_digest(original))]
    assert digest == article_digest(original)


def test_the_round_trip_test_sets_every_field_of_article_away_from_its_default() -> None:
    # A field added to Article but not to the index's tuples would not round-trip;
    # this keeps the test above covering every field.
    original = every_field_set()
    for field in fields(Article):
        assert getattr(original, field.name) != field.default, field.name


def test_entries_come_in_the_order_newest_first_gives(index: SiteIndex) -> None:
    chooser = random.Random(5)
    days = [WHEN - timedelta(days=chooser.randrange(3)) for _ in range(60)]
    days.append(datetime(1905, 3, 1, tzinfo=timezone.utc))
    ids = ["a", "ab", "b", "á", "Z", "国", "a-10", "a-9", "a\U0001f600"]
    articles = [
        article(f"{chooser.choice(ids)}-{n}" if n % 3 else chooser.choice(ids) + str(n), day)
        for n, day in enumerate(days)
    ]
    unique = list({a.id: a for a in reversed(articles)}.values())
    add(index, *unique)
    assert [a.id for a in in_order(index)] == [a.id for a in newest_first(unique)]


def test_ties_in_published_are_broken_by_id_a_prefix_first(index: SiteIndex) -> None:
    add(index, article("ab"), article("a"), article("a\u00e9"), article("b"))
    assert [a.id for a in in_order(index)] == ["a", "ab", "a\u00e9", "b"]


def test_entries_are_selected_by_facet_in_any_case(index: SiteIndex) -> None:
    add(
        index,
        article("1", categories=("Ciencia",)),
        article("2", categories=("Política",)),
        article("3", categories=("ciencia", "Política")),
    )
    wanted = Selection(categories=frozenset({"CIENCIA"}))
    assert [a.id for a in in_order(index, wanted)] == ["1", "3"]


def test_an_article_without_a_language_has_the_sites(index: SiteIndex) -> None:
    add(index, article("1"), article("2", language="en"), article("3", language="es"))
    assert [a.id for a in in_order(index, Selection(languages=frozenset({"es"})))] == ["1", "3"]
    assert [a.id for a in in_order(index, Selection(languages=frozenset({"en"})))] == ["2"]


def test_facet_values_are_listed_once_each_in_the_order_first_met(index: SiteIndex) -> None:
    add(
        index,
        article("1", categories=("B",), authors=(Author("Ana"),)),
        article("2", categories=("A",)),
        article("3", categories=("B",), authors=(Author("Ana"),)),
    )
    assert index.spellings(CATEGORY) == ["B", "A"]
    assert index.spellings(AUTHOR) == ["Ana"]


def test_facet_values_are_in_the_order_of_the_sources_as_given_this_run(
    index: SiteIndex, tmp_path: Path
) -> None:
    def source(name: str, *categories: str) -> Path:
        records = [
            {
                "id": f"{name}-{n}",
                "title": "T",
                "published": "2026-11-26T14:30:00-05:00",
                "categories": [category],
            }
            for n, category in enumerate(categories)
        ]
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        return path

    a, b = source("a", "Y", "X"), source("b", "Z", "X", "W")
    for sources, expected in (([a, b], ["Y", "X", "Z", "W"]), ([b, a], ["Z", "X", "W", "Y"])):
        problems: list[object] = []
        read_into(index, sources, SETTINGS, problems)  # type: ignore[arg-type]
        assert problems == []
        assert index.spellings(CATEGORY) == expected


def rows_left(index: SiteIndex) -> tuple[int, int]:
    articles, facets = index._db.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM facets)"
    ).fetchone()
    return articles, facets


def test_a_source_read_again_loses_all_its_old_articles_deleted_a_few_at_a_time(
    index: SiteIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_sources, "_CHANGED_AT_ONCE", 2)
    add(index, *(article(f"old-{n}", categories=("Ciencia", f"C{n}")) for n in range(7)))
    add(index, article("new-1", categories=("Ciencia",)), article("new-2"))
    wanted = Selection(categories=frozenset({"ciencia"}))
    assert [a.id for a in in_order(index, wanted)] == ["new-1"]
    assert [a.id for a in in_order(index)] == ["new-1", "new-2"]
    assert rows_left(index) == (2, 3)  # a language facet each, and one category


def test_other_settings_forget_every_article_deleted_a_few_at_a_time(
    index: SiteIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_sources, "_CHANGED_AT_ONCE", 2)
    add(index, *(article(f"a-{n}", categories=(f"C{n}",)) for n in range(5)))
    index.adopt_salt(b"read with other settings")
    assert rows_left(index) == (0, 0)
    assert in_order(index) == []


def test_entries_slice_and_iterate_as_the_list_of_their_rows_and_digests() -> None:
    pairs = [(row * 7, bytes([row]) * 16) for row in range(11)]
    entries = Entries(array("q", [row for row, _ in pairs]), b"".join(d for _, d in pairs))
    assert list(entries) == pairs
    assert len(entries) == 11
    assert entries[3] == pairs[3]
    assert entries[-1] == pairs[-1]
    with pytest.raises(IndexError):
        entries[11]
    for cut in (
        slice(None, 4),
        slice(5, None),
        slice(9, 3),
        slice(None, None, -1),
        slice(8, 1, -3),
        slice(-4, None),
        slice(20, 30),
    ):
        part = entries[cut]
        assert list(part) == pairs[cut]
        assert list(part.rows) == [row for row, _ in pairs[cut]]
        assert part.digests == b"".join(d for _, d in pairs[cut])


def test_the_digest_ignores_where_the_record_was_read() -> None:
    moved = article("1", place=Place("other.jsonl", "99"))
    assert article_digest(moved) == article_digest(article("1"))


@pytest.mark.parametrize(
    "change",
    [f.name for f in fields(Article) if f.name != "place"],
)
def test_the_digest_changes_with_every_field_but_the_place(change: str) -> None:
    original = every_field_set()
    other = replace(article(), id_is_url=False, place=Place("x"))
    changed = replace(original, **{change: getattr(other, change)})
    assert article_digest(original) != article_digest(changed)


def test_the_stored_form_of_an_article_is_that_of_its_schema_version() -> None:
    # An index of the same schema version is trusted as it is: a change of the stored
    # values (and so of this digest) must come with a new SCHEMA_VERSION.
    assert SCHEMA_VERSION == 5
    assert article_digest(every_field_set()).hex() == "14c95cb5536a482bca61be317f9e8c1f"


def test_the_digest_does_not_depend_on_which_values_share_one_object() -> None:
    # pickle would write a shared string once and refer back to it: the bytes,
    # and a digest of them, would differ between two runs with equal values.
    parts = ["Mismo ", "texto"]
    text = "".join(parts)
    shared = article("1", title=text, summary=text, kicker=text)
    separate = article("1", title="".join(parts), summary="".join(parts), kicker="".join(parts))
    assert shared.title is shared.summary
    assert separate.title is not separate.summary
    assert article_digest(shared) == article_digest(separate)


def test_a_temporary_index_leaves_nothing_behind() -> None:
    with SiteIndex.temporary() as index:
        folder = index.path.parent
        add(index, article())
    assert not folder.exists()


def page_size(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        size: int = db.execute("PRAGMA page_size").fetchone()[0]
    return size


def test_a_new_index_has_pages_of_16_kib(index: SiteIndex) -> None:
    add(index, article())
    assert page_size(index.path) == 16384


def test_an_index_made_with_pages_of_4_kib_keeps_them_and_its_articles(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA page_size = 4096")
        db.execute("VACUUM")
    with SiteIndex(path) as older:
        add(older, article())
    with SiteIndex(path) as index:
        assert page_size(path) == 4096
        assert [a.id for a in in_order(index)] == ["a-1"]


def test_publishing_a_stream_loads_no_more_articles_at_once_than_one_document_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[int] = []
    original_load = SiteIndex.load

    def counting_load(self: SiteIndex, ids: list[int]) -> list[Article]:
        loaded.append(len(ids))
        return original_load(self, ids)

    monkeypatch.setattr(SiteIndex, "load", counting_load)

    def stream() -> Iterator[Article]:
        for n in range(1000):
            yield article(f"n-{n}", WHEN - timedelta(hours=n), url=f"https://example.org/{n}")

    settings = FeedSettings(title="Noticias", link="https://example.org/", limit=10)
    plan = FeedPlan(archive=True, page_size=30, formats=("rss", "atom"))
    outcome = publish(Site(settings, tmp_path, (plan,)), stream(), jobs=1)
    assert not outcome.failed
    assert max(loaded) == 30
    assert sum(loaded) == 1000
    assert len(outcome.files) == 2 + 2 * 33


def test_a_link_named_like_a_temporary_index_is_not_followed(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "file").write_text("mine", encoding="utf-8")
    link = Path(tempfile.gettempdir(), f"{TEMPORARY_PREFIX}link")
    link.symlink_to(kept, target_is_directory=True)
    remove_abandoned_temporaries()
    assert (kept / "file").read_text(encoding="utf-8") == "mine"
    assert link.is_symlink()


def test_a_temporary_index_is_removed_when_closed() -> None:
    with SiteIndex.temporary() as index:
        folder = index.path.parent
        assert folder.name.startswith(TEMPORARY_PREFIX)
    assert not folder.exists()


def test_a_temporary_folder_taken_for_a_leftover_before_it_was_locked_is_made_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[str] = []
    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp_then_another_run_cleans_up(**kwargs: str) -> str:
        made.append(real_mkdtemp(**kwargs))
        if len(made) == 1:
            remove_abandoned_temporaries()  # not locked yet: taken for a killed run's
        return made[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp_then_another_run_cleans_up)
    with SiteIndex.temporary() as index:
        assert len(made) == 2
        assert index.path.parent == Path(made[1])
        assert index.records_without_id() == 0


# -- the entries validation found clean ---------------------------------------------

MADE_BY, OTHER_CODE = b"a" * 32, b"b" * 32
TABLE = bytes(range(256)) * 256  # 64 KiB: eight rows


def test_the_entries_found_clean_are_given_back_to_the_code_that_found_them(
    index: SiteIndex,
) -> None:
    assert index.clean_entries(MADE_BY) is None
    index.record_clean_entries(MADE_BY, TABLE, None)
    assert index.clean_entries(MADE_BY) == TABLE
    assert index.clean_entries(OTHER_CODE) is None


def test_a_table_found_clean_again_rewrites_only_the_rows_that_changed(
    index: SiteIndex,
) -> None:
    index.record_clean_entries(MADE_BY, TABLE, None)
    changed = bytearray(TABLE)
    changed[20_000] ^= 1  # in the third row
    before = index._db.total_changes
    index.record_clean_entries(MADE_BY, bytes(changed), TABLE)
    assert index._db.total_changes - before == 2  # that row, and who made the table
    assert index.clean_entries(MADE_BY) == bytes(changed)


def test_a_table_of_other_code_is_replaced_whole(index: SiteIndex) -> None:
    index.record_clean_entries(OTHER_CODE, TABLE * 2, None)
    index.record_clean_entries(MADE_BY, TABLE, None)
    assert index.clean_entries(MADE_BY) == TABLE


# -- the log of changes -------------------------------------------------------------


def test_an_index_no_run_published_keeps_no_log_of_changes(index: SiteIndex) -> None:
    add(index, article("a-1", categories=("Ciencia",)))
    assert index.changes() == {}
    assert index.oldest_change() is None


def test_once_a_run_published_every_change_is_logged(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    with SiteIndex(path) as index:
        add(index, article("a-1"))
        index.end_publishing(b"site", b"fan-outs")
        add(index, article("a-1"), article("a-2", categories=("Ciencia",)))
        assert index.changes()[CATEGORY] == frozenset({"ciencia"})
    with SiteIndex(path) as reopened:  # a later run's connection logs too
        add(reopened, article("a-3", categories=("Deportes",)))
        assert "deportes" in reopened.changes()[CATEGORY]


def test_a_run_that_began_writing_and_did_not_end_leaves_an_index_that_logs_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "index.sqlite3"
    with SiteIndex(path) as index:
        add(index, article("a-1"))
        index.end_publishing(b"site", b"fan-outs")
        index.begin_publishing()
    with SiteIndex(path) as reopened:
        assert reopened.published() is None  # its next run checks every feed
        add(reopened, article("a-2", categories=("Ciencia",)))
        assert CATEGORY not in reopened.changes()
