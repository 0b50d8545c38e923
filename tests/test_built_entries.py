"""Entries built once: an item or entry feedgen built for one document goes into
the next document of its format that holds the same article (an RSS item itself,
an Atom entry as a copy), and that document has exactly the bytes it would have
had if feedgen built it again."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from lxml import etree

from newsfeed.documents import Feed
from newsfeed.feed import Format
from newsfeed.model import ArchiveLinks, Article
from newsfeed.publishing._order import sharing_order
from newsfeed.publishing._rendering import Recent
from newsfeed.render import BuiltEntries, content


def digests(articles: Sequence[Article]) -> dict[str, bytes]:
    """A digest for each article's values: here, its id is enough."""
    return {article.id: article.id.encode() for article in articles}


@pytest.fixture
def other_settings(make_settings):
    return make_settings(
        title="Otro sitio",
        link="https://otro.example.net/",
        base_url="https://cdn.example.net/feeds/",
        language="en",
        id="tag:otro.example.net,2026:feed",
    )


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_a_document_of_copied_entries_has_the_bytes_of_one_built_alone(
    build, rich, other_settings, format
) -> None:
    articles = build(rich).articles
    built = BuiltEntries(10)
    first = Feed(other_settings, articles[:2], made_of=digests(articles), built=built)
    first.render(format)
    # Two of its entries were built for the first document, one is new.
    archive = ArchiveLinks(current="https://otro.example.net/", next_archive="https://x/2/")
    second = build(rich)
    reused = Feed(second.settings, articles, archive, made_of=digests(articles), built=built)
    alone = Feed(second.settings, articles, archive)
    assert reused.render(format).data == alone.render(format).data


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_an_entry_taken_by_one_document_after_another_has_the_bytes_of_one_built_alone(
    build, rich, other_settings, format
) -> None:
    articles = build(rich).articles
    made_of = digests(articles)
    built = BuiltEntries(10)
    archive = ArchiveLinks(current="https://otro.example.net/", next_archive="https://x/2/")
    feeds = [
        (other_settings, articles[:2], None),
        (build(rich).settings, articles, archive),
        (other_settings, articles[1:], None),
    ]
    for settings, held, links in feeds:
        reused = Feed(settings, held, links, made_of=made_of, built=built)
        assert reused.render(format).data == Feed(settings, held, links).render(format).data


def marked_and_taken(
    feed: Feed, format: Format
) -> tuple[etree._Element, etree._Element | None, bytes]:
    """`feed` rendered once, the entry kept of its first article marked, and rendered
    again: that entry, the one kept for that article afterwards, and the second bytes."""
    built = BuiltEntries(10)
    made_of = digests(feed.articles)
    Feed(feed.settings, feed.articles, made_of=made_of, built=built).render(format)
    kept = built.tree(format, made_of[feed.articles[0].id])
    assert kept is not None
    etree.SubElement(kept, "kept-marker")
    data = Feed(feed.settings, feed.articles, made_of=made_of, built=built).render(format).data
    return kept, built.tree(format, made_of[feed.articles[0].id]), data


def test_the_next_rss_document_takes_the_item_kept_itself(build, rich) -> None:
    kept, kept_after, data = marked_and_taken(build(rich), "rss")
    assert data.count(b"<kept-marker/>") == 1
    # Not a copy: the item kept is the one in the new document's channel.
    assert kept_after is kept
    assert kept.getparent() is not None and kept.getparent().tag == "channel"


def test_the_next_atom_document_holds_a_copy_of_the_entry_kept(build, rich) -> None:
    kept, kept_after, data = marked_and_taken(build(rich), "atom")
    assert data.count(b"<kept-marker/>") == 1
    # Its document put the copy in the Atom namespace; the entry kept is as built.
    assert kept_after is kept and kept.getparent() is None
    assert kept.tag == "entry" and kept[-1].tag == "kept-marker"


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_a_document_of_entries_built_before_composes_no_content(
    build, rich, format, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = build(rich)
    built = BuiltEntries(10)
    made_of = digests(feed.articles)
    Feed(feed.settings, feed.articles, made_of=made_of, built=built).render(format)
    composed: list[str] = []
    real = content.content_html
    monkeypatch.setattr(content, "content_html", lambda a: composed.append(a.id) or real(a))
    Feed(feed.settings, feed.articles, made_of=made_of, built=built).render(format)
    assert composed == []
    Feed(feed.settings, feed.articles, made_of=made_of).render(format)
    assert composed == [article.id for article in feed.articles]


def test_a_feed_without_its_articles_digests_keeps_nothing(build, rich) -> None:
    feed = build(rich)
    built = BuiltEntries(10)
    Feed(feed.settings, feed.articles, built=built).render("rss")
    assert all(built.tree("rss", d) is None for d in digests(feed.articles).values())


def test_the_model_given_to_a_user_is_built_whole(build, rich) -> None:
    feed = build(rich)
    built = BuiltEntries(10)
    made_of = digests(feed.articles)
    Feed(feed.settings, feed.articles, made_of=made_of, built=built).render("rss")
    model = Feed(feed.settings, feed.articles, made_of=made_of, built=built).to_feedgen("rss")
    assert [entry.title() for entry in model.entry()] == [a.title for a in feed.articles]


def test_the_least_recently_used_entry_is_forgotten_first() -> None:
    built = BuiltEntries(2)
    first, second, third = (etree.Element(f"e{n}") for n in range(3))
    built.keep("rss", b"1", first)
    built.keep("rss", b"2", second)
    assert built.tree("rss", b"1") is first
    built.keep("rss", b"3", third)
    assert built.tree("rss", b"2") is None
    assert built.tree("rss", b"1") is first
    assert built.tree("rss", b"3") is third


def test_the_same_values_are_kept_apart_by_format() -> None:
    built = BuiltEntries(4)
    item = etree.Element("item")
    built.keep("rss", b"1", item)
    assert built.tree("atom", b"1") is None


# The order jobs are rendered in: each next job holds as many as it can of the
# articles the process still keeps.


def test_a_job_that_meets_the_articles_kept_comes_next() -> None:
    jobs = [[1, 2], [3, 4], [2, 1]]
    assert sharing_order(jobs, kept=2) == [0, 2, 1]


def test_jobs_that_share_nothing_keep_their_order() -> None:
    assert sharing_order([[1], [2], [3]], kept=10) == [0, 1, 2]


def test_an_article_forgotten_does_not_draw_its_jobs() -> None:
    # With one article kept, after [1, 2] only 2 is: [2, 5] comes before [1, 9].
    jobs = [[1, 2], [1, 9], [2, 5]]
    assert sharing_order(jobs, kept=1) == [0, 2, 1]


def test_every_job_is_in_the_order_once() -> None:
    jobs = [[n % 7, n % 5, n % 3] for n in range(40)]
    assert sorted(sharing_order(jobs, kept=4)) == list(range(40))


class CountingIndex:
    """Stands for the site index: loads rows as (article, digest) and counts them."""

    def __init__(self) -> None:
        self.loaded: list[int] = []

    def load(self, ids: Sequence[int]) -> list[tuple[object, bytes]]:
        self.loaded.extend(ids)
        return [(f"article {row}", str(row).encode()) for row in ids]


def test_a_process_loads_only_the_articles_it_does_not_keep() -> None:
    recent, index = Recent(size=3), CountingIndex()
    recent.load(index, [1, 2, 3])
    found = recent.load(index, [3, 4, 1])
    assert index.loaded == [1, 2, 3, 4]
    assert [digest for _, digest in found] == [b"3", b"4", b"1"]


def test_a_process_keeps_the_articles_it_met_last() -> None:
    recent, index = Recent(size=2), CountingIndex()
    recent.load(index, [1, 2])
    recent.load(index, [3, 1])
    recent.load(index, [1, 2])
    assert index.loaded == [1, 2, 3, 2]
