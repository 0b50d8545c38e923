"""The ArticleStore: feed order in memory, articles on disk, digests that ignore places."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsfeed.feed import newest_first
from newsfeed.model import Article, Author, FeedSettings, Image, Place
from newsfeed.publish import FeedPlan, Selection, Site, publish
from newsfeed.store import ArticleStore, DamagedStore, Facets, digest

LIMA = timezone(timedelta(hours=-5))
WHEN = datetime(2026, 11, 26, 14, 30, tzinfo=LIMA)


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
def store() -> Iterator[ArticleStore]:
    with ArticleStore() as opened:
        yield opened


def test_an_article_with_every_field_set_loads_back_equal(store: ArticleStore) -> None:
    original = every_field_set()
    store.add(original)
    [loaded] = store.load(store.entries())
    assert loaded == original
    for name in ("published", "updated"):
        assert getattr(loaded, name).utcoffset() == getattr(original, name).utcoffset()


def test_the_round_trip_test_sets_every_field_of_article_away_from_its_default() -> None:
    # A field added to Article but not to the store's tuples would not round-trip;
    # this keeps the test above covering every field.
    original = every_field_set()
    for field in fields(Article):
        assert getattr(original, field.name) != field.default, field.name


def test_entries_come_in_the_order_newest_first_gives(store: ArticleStore) -> None:
    chooser = random.Random(5)
    days = [WHEN - timedelta(days=chooser.randrange(3)) for _ in range(60)]
    days.append(datetime(1905, 3, 1, tzinfo=timezone.utc))
    ids = ["a", "ab", "b", "á", "Z", "国", "a-10", "a-9", "a\U0001f600"]
    articles = [
        article(f"{chooser.choice(ids)}-{n}" if n % 3 else chooser.choice(ids) + str(n), day)
        for n, day in enumerate(days)
    ]
    store.extend(articles)
    loaded = store.load(store.entries())
    assert [a.id for a in loaded] == [a.id for a in newest_first(articles)]


def test_ties_in_published_are_broken_by_id_a_prefix_first(store: ArticleStore) -> None:
    store.extend([article("ab"), article("a"), article("a\u00e9"), article("b")])
    assert [a.id for a in store.load(store.entries())] == ["a", "ab", "a\u00e9", "b"]


def test_entries_are_filtered_by_the_facets_wanted(store: ArticleStore) -> None:
    store.add(article("1", categories=("Ciencia",)))
    store.add(article("2", categories=("Política",)))
    store.add(article("3", categories=("Ciencia", "Política")))
    wanted = store.entries(lambda facets: "Ciencia" in facets.categories)
    assert [a.id for a in store.load(wanted)] == ["1", "3"]


def test_facets_are_listed_once_each_in_the_order_first_met(store: ArticleStore) -> None:
    store.add(article("1", categories=("B",), authors=(Author("Ana"),)))
    store.add(article("2", categories=("A",)))
    store.add(article("3", categories=("B",), authors=(Author("Ana"),)))
    assert store.facets == [Facets(("B",), ("Ana",), None), Facets(("A",), (), None)]


def test_the_digest_ignores_where_the_record_was_read(store: ArticleStore) -> None:
    store.add(article("1"))
    store.add(article("2"))
    with ArticleStore() as moved:
        moved.add(article("1", place=Place("other.jsonl", "99")))
        moved.add(article("2", place=Place("other.jsonl", "3")))
        assert [digest(e) for e in moved.entries()] == [digest(e) for e in store.entries()]


@pytest.mark.parametrize(
    "change",
    [f.name for f in fields(Article) if f.name != "place"],
)
def test_the_digest_changes_with_every_field_but_the_place(change: str) -> None:
    original = every_field_set()
    other = replace(article(), id_is_url=False, place=Place("x"))
    changed = replace(original, **{change: getattr(other, change)})
    with ArticleStore() as first, ArticleStore() as second:
        first.add(original)
        second.add(changed)
        assert digest(first.entries()[0]) != digest(second.entries()[0])


def test_the_digest_does_not_depend_on_which_values_share_one_object() -> None:
    # pickle would write a shared string once and refer back to it: the bytes,
    # and a digest of them, would differ between two runs with equal values.
    parts = ["Mismo ", "texto"]
    text = "".join(parts)
    shared = article("1", title=text, summary=text, kicker=text)
    separate = article("1", title="".join(parts), summary="".join(parts), kicker="".join(parts))
    assert shared.title is shared.summary
    assert separate.title is not separate.summary
    with ArticleStore() as first, ArticleStore() as second:
        first.add(shared)
        second.add(separate)
        assert digest(first.entries()[0]) == digest(second.entries()[0])


def test_the_temporary_file_goes_where_it_is_told_and_leaves_no_name(tmp_path: Path) -> None:
    with ArticleStore(str(tmp_path)) as store:
        store.add(article())
        assert list(tmp_path.iterdir()) == []
        assert len(store) == 1


def test_publishing_a_stream_loads_no_more_articles_at_once_than_one_document_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[int] = []
    original_load = ArticleStore.load

    def counting_load(self: ArticleStore, entries: list[bytes]) -> list[Article]:
        loaded.append(len(entries))
        return original_load(self, entries)

    monkeypatch.setattr(ArticleStore, "load", counting_load)

    def stream() -> Iterator[Article]:
        for n in range(1000):
            yield article(f"n-{n}", WHEN - timedelta(hours=n), url=f"https://example.org/{n}")

    settings = FeedSettings(title="Noticias", link="https://example.org/", limit=10)
    plan = FeedPlan(archive=True, page_size=30, formats=("rss", "atom"))
    outcome = publish(Site(settings, tmp_path, (plan,)), stream())
    assert not outcome.failed
    assert max(loaded) == 30
    assert sum(loaded) == 1000
    assert len(outcome.files) == 2 + 2 * 33


def test_a_selection_reads_facets_as_it_read_articles() -> None:
    selection = Selection(categories=frozenset({"ciencia"}), languages=frozenset({"es"}))
    assert selection.matches(Facets(("Ciencia",), (), None), "es")
    assert not selection.matches(Facets(("Ciencia",), (), "en"), "es")


def save(
    path: Path, *articles: Article, before: Article | None = None, extra: object = None
) -> None:
    with ArticleStore() as store, path.open("w+b") as file:
        if before is not None:
            store.add(before)
        store.begin_segment()
        store.extend(articles)
        store.save_segment(file, extra)
        store.add(article("after"))


def test_a_saved_segment_is_adopted_by_another_store_with_its_order_facets_and_extra(
    tmp_path: Path,
) -> None:
    path = tmp_path / "segment"
    first = article("s-1", WHEN - timedelta(hours=1), categories=("Política",))
    extra = ([("warning", "a.jsonl", "2", "tittle", "unknown")], 1)
    save(
        path,
        first,
        every_field_set(),
        before=article("before", categories=("Ciencia",)),
        extra=extra,
    )
    with ArticleStore() as store:
        store.add(article("own", categories=("Ciencia",)))
        with path.open("rb") as file:
            saved = store.open_saved(file)
            assert saved is not None
            assert saved.extra == extra
            assert list(saved.ids()) == [("s-1", "1"), (every_field_set().id, "17")]
            store.adopt(saved)
        loaded = store.load(store.entries())
        assert [a.id for a in loaded] == ["own", "s-1", every_field_set().id]
        assert loaded[1] == first
        assert loaded[2] == every_field_set()
        assert store.facets == [
            Facets(("Ciencia",), (), None),
            Facets(("Política",), (), None),
            Facets(every_field_set().categories, ("Paul Monzón", "Ana Quispe"), "es-PE"),
        ]
        politics = store.entries(lambda facets: facets.categories == ("Política",))
        assert [a.id for a in store.load(politics)] == ["s-1"]


def test_an_adopted_article_has_the_digest_it_had_when_saved(tmp_path: Path) -> None:
    path = tmp_path / "segment"
    save(path, article("s-1"))
    with ArticleStore() as store:
        store.add(article("s-1"))
        [original] = store.entries()
    with ArticleStore() as store, path.open("rb") as file:
        saved = store.open_saved(file)
        assert saved is not None
        store.adopt(saved)
        [adopted] = store.entries()
    assert digest(adopted) == digest(original)


def test_a_file_that_does_not_end_like_a_saved_segment_is_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "segment"
    path.write_bytes(b"not a segment at all, just some bytes of something else" * 3)
    assert ArticleStore.open_saved(path.open("rb")) is None
    path.write_bytes(b"")
    assert ArticleStore.open_saved(path.open("rb")) is None


@pytest.mark.parametrize("where", ["index", "end"])
def test_a_saved_segment_with_any_byte_of_its_index_changed_is_not_opened(
    tmp_path: Path, where: str
) -> None:
    path = tmp_path / "segment"
    save(path, article("s-1", title="Título original"), article("s-2"))
    data = bytearray(path.read_bytes())
    at = {
        "index": data.index(b"s-2\0"),
        "end": len(data) - 50,
    }[where]
    data[at] ^= 1
    path.write_bytes(bytes(data))
    with path.open("rb") as file:
        assert ArticleStore.open_saved(file) is None


def test_an_adopted_article_whose_values_changed_on_disk_is_refused_when_loaded(
    tmp_path: Path,
) -> None:
    path = tmp_path / "segment"
    save(path, article("s-1", title="Título original"))
    path.write_bytes(path.read_bytes().replace(b"original", b"cambiado"))
    with ArticleStore() as store, path.open("rb") as file:
        saved = store.open_saved(file)
        assert saved is not None
        store.adopt(saved)
        with pytest.raises(DamagedStore, match="digest"):
            store.load(store.entries())
