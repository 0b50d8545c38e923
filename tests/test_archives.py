"""RFC 5005 archives: every entry exactly once, full pages never rewritten, few files per run."""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import newsfeed
import newsfeed.documents
from newsfeed.documents import Document, Feed
from newsfeed.feed import Format
from newsfeed.model import Article, FeedSettings
from newsfeed.publishing import ARCHIVE_FOLDER, FeedPlan, Outcome, Site, publish
from newsfeed.validation import Finding, validate, validate_tree

SITE = "https://noticias.example.org/"
SETTINGS = FeedSettings(title="Noticias", link=SITE, language="es", limit=5)
PLAN = FeedPlan(archive=True, page_size=4, formats=("rss", "atom"))
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
ATOM = "{http://www.w3.org/2005/Atom}"
HISTORY = "{http://purl.org/syndication/history/1.0}"
FILES: dict[Format, str] = {"rss": "rss.xml", "atom": "atom.xml"}


def record(n: float) -> dict[str, Any]:
    return {
        "id": f"n-{n}",
        "url": f"{SITE}n/{n}.shtml",
        "title": f"Noticia {n}",
        "summary": "Resumen",
        "published": (START + timedelta(hours=n)).isoformat(),
    }


def articles(numbers: Sequence[float]) -> list[Article]:
    reading = newsfeed.read_articles([record(n) for n in numbers], SETTINGS)
    assert reading.errors == []
    return reading.articles


def build(out: Path, numbers: Sequence[float], **changes: Any) -> Outcome:
    site = Site(replace(SETTINGS, **changes), out, (PLAN,))
    return publish(site, articles(numbers))


def url_to_path(out: Path, url: str) -> Path:
    assert url.startswith(SITE)
    return out / url.removeprefix(SITE)


def parse(path: Path) -> etree._Element:
    return etree.fromstring(path.read_bytes())


def links(root: etree._Element) -> dict[str, str]:
    """The RFC 5005 links (and self) of a document, rel -> href."""
    head = root.find("channel") if root.tag == "rss" else root
    assert head is not None
    found = {
        link.get("rel", ""): link.get("href", "")
        for link in head.iter(f"{ATOM}link")
        if link.getparent() is head
    }
    return {rel: href for rel, href in found.items() if rel not in ("alternate", "hub")}


def is_archive(root: etree._Element) -> bool:
    head = root.find("channel") if root.tag == "rss" else root
    assert head is not None
    return head.find(f"{HISTORY}archive") is not None


def entry_ids(root: etree._Element) -> list[str]:
    if root.tag == "rss":
        return [guid.text or "" for guid in root.iter("guid")]
    return [(entry.findtext(f"{ATOM}id") or "") for entry in root.iter(f"{ATOM}entry")]


def walk(out: Path, format: Format) -> Iterator[Path]:
    """The subscription document, then each archive page by `prev-archive`, as a
    consumer reconstructs the feed (RFC 5005, section 4.2)."""
    path: Path | None = out / FILES[format]
    seen: set[Path] = set()
    while path is not None:
        assert path not in seen, f"{path}: prev-archive loops"
        seen.add(path)
        yield path
        previous = links(parse(path)).get("prev-archive")
        path = url_to_path(out, previous) if previous else None


def page(out: Path, number: int, format: Format) -> Path:
    return out / ARCHIVE_FOLDER / str(number) / FILES[format]


def page_count(out: Path) -> int:
    folder = out / ARCHIVE_FOLDER
    return len(list(folder.iterdir())) if folder.exists() else 0


def back_date_all(out: Path) -> dict[Path, tuple[bytes, int]]:
    """Set every file's modification time in the past; each file's bytes and time."""
    past = 1_000_000_000 * 1_000_000_000
    state = {}
    for path in out.rglob("*.xml"):
        os.utime(path, ns=(past, past))
        state[path] = (path.read_bytes(), past)
    return state


def state_of(paths: Sequence[Path]) -> dict[Path, tuple[bytes, int]]:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths}


def changed_per_format(outcome: Outcome) -> Counter[str]:
    return Counter(w.path.name for w in outcome.changed)


# -- a site grown one article at a time ------------------------------------------------

ARTICLES, LIMIT, PAGE_SIZE = 30, SETTINGS.limit, PLAN.page_size or 0


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Outcome, dict[str, Any]]]:
    """Builds after each of 30 articles: each outcome, with the files' state
    before that build (bytes and a back-dated time) and after it."""
    out = tmp_path_factory.mktemp("grown")
    steps: list[tuple[Outcome, dict[str, Any]]] = []
    for n in range(1, ARTICLES + 1):
        before = back_date_all(out)
        outcome = build(out, range(1, n + 1))
        after = state_of(sorted(out.rglob("*.xml")))
        steps.append((outcome, {"before": before, "after": after, "out": out, "n": n}))
        check_step(out, n)
    return steps


def check_step(out: Path, n: int) -> None:
    """What must hold after the build of the n-th article (checked as the site grows)."""
    older = max(n - LIMIT, 0)
    pages = math.ceil(older / PAGE_SIZE)
    assert page_count(out) == pages, f"after article {n}"
    expected = sorted(entry_ids(parse(out / "rss.xml")))
    for format in ("rss", "atom"):
        documents = list(walk(out, format))
        assert len(documents) == 1 + pages, f"after article {n}"
        ids = [i for path in documents for i in entry_ids(parse(path))]
        assert len(ids) == n == len(set(ids)), f"{format} after article {n}"
        findings = {str(path): validate(path) for path in documents}
        assert findings == {str(path): [] for path in documents}, f"after article {n}"
    assert len(expected) == min(n, LIMIT)


def test_every_entry_is_in_exactly_one_document_after_each_article(
    grown: list[tuple[Outcome, dict[str, Any]]],
) -> None:
    # `check_step` ran after each build; here, the last one once more.
    _, last = grown[-1]
    check_step(last["out"], ARTICLES)
    assert page_count(last["out"]) == 7


def test_full_pages_keep_their_bytes_and_modification_times(
    grown: list[tuple[Outcome, dict[str, Any]]],
) -> None:
    for _, step in grown:
        older = max(step["n"] - 1 - LIMIT, 0)  # archived before this build
        full = [page(step["out"], k, f) for k in range(1, older // PAGE_SIZE + 1) for f in FILES]
        assert {p: step["after"][p] for p in full} == {p: step["before"][p] for p in full}


def test_each_article_changes_the_subscription_feed_and_at_most_the_newest_page(
    grown: list[tuple[Outcome, dict[str, Any]]],
) -> None:
    counts = [changed_per_format(outcome) for outcome, _ in grown]
    assert counts[:LIMIT] == [Counter({"rss.xml": 1, "atom.xml": 1})] * LIMIT
    assert counts[LIMIT:] == [Counter({"rss.xml": 2, "atom.xml": 2})] * (ARTICLES - LIMIT)
    for outcome, step in grown[LIMIT:]:
        newest = math.ceil((step["n"] - LIMIT) / PAGE_SIZE)
        assert {w.path for w in outcome.changed} == {
            step["out"] / "rss.xml",
            step["out"] / "atom.xml",
            page(step["out"], newest, "rss"),
            page(step["out"], newest, "atom"),
        }


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_the_subscription_feed_links_the_newest_page_and_is_not_an_archive(
    grown: list[tuple[Outcome, dict[str, Any]]], format: Format
) -> None:
    out = grown[-1][1]["out"]
    root = parse(out / FILES[format])
    assert links(root) == {
        "self": f"{SITE}{FILES[format]}",
        "prev-archive": f"{SITE}archive/7/{FILES[format]}",
    }
    assert not is_archive(root)


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_each_page_links_current_its_neighbours_and_is_marked_fh_archive(
    grown: list[tuple[Outcome, dict[str, Any]]], format: Format
) -> None:
    out, name = grown[-1][1]["out"], FILES[format]
    for k in range(1, 8):
        root = parse(page(out, k, format))
        expected = {"self": f"{SITE}archive/{k}/{name}", "current": f"{SITE}{name}"}
        if k > 1:
            expected["prev-archive"] = f"{SITE}archive/{k - 1}/{name}"
        if k < 7:  # page 7 holds one entry: not full, no page after it yet
            expected["next-archive"] = f"{SITE}archive/{k + 1}/{name}"
        assert links(root) == expected, f"page {k}"
        assert is_archive(root)


def test_a_full_newest_page_links_ahead_to_the_page_the_next_article_starts(
    tmp_path: Path,
) -> None:
    # Linking ahead is what lets a full page stay untouched when the next page starts.
    build(tmp_path, range(1, LIMIT + 2 * PAGE_SIZE + 1))
    assert links(parse(page(tmp_path, 2, "rss")))["next-archive"] == f"{SITE}archive/3/rss.xml"
    assert not page(tmp_path, 3, "rss").exists()
    before = state_of([page(tmp_path, 2, "rss")])
    build(tmp_path, range(1, LIMIT + 2 * PAGE_SIZE + 2))
    assert page(tmp_path, 3, "rss").exists()
    assert state_of([page(tmp_path, 2, "rss")]) == before


def test_pages_hold_the_oldest_entries_first(tmp_path: Path) -> None:
    build(tmp_path, range(1, 15))
    pages = [sorted(entry_ids(parse(page(tmp_path, k, "rss")))) for k in (1, 2, 3)]
    assert pages == [["n-1", "n-2", "n-3", "n-4"], ["n-5", "n-6", "n-7", "n-8"], ["n-9"]]


# -- back-dated articles, changed settings, failures ------------------------------------


def test_a_back_dated_article_rewrites_the_pages_from_its_place_once(tmp_path: Path) -> None:
    numbers = list(range(1, ARTICLES + 1))
    build(tmp_path, numbers)
    before = back_date_all(tmp_path)
    outcome = build(tmp_path, [*numbers, 6.5])  # between n-6 (page 2) and n-7
    changed = {w.path for w in outcome.changed}
    assert changed == {page(tmp_path, k, f) for k in range(2, 8) for f in ("rss", "atom")}
    assert state_of([page(tmp_path, 1, "rss")]) == {
        page(tmp_path, 1, "rss"): before[page(tmp_path, 1, "rss")]
    }
    assert sorted(entry_ids(parse(page(tmp_path, 2, "rss")))) == ["n-5", "n-6", "n-6.5", "n-7"]
    assert build(tmp_path, [*numbers, 6.5]).changed == []


def test_an_archive_that_shrinks_leaves_no_stale_pages(tmp_path: Path) -> None:
    build(tmp_path, range(1, ARTICLES + 1))
    assert page_count(tmp_path) == 7
    build(tmp_path, range(1, ARTICLES + 1), limit=13)  # 17 archived: 5 pages
    assert page_count(tmp_path) == 5
    for format in ("rss", "atom"):
        ids = [i for path in walk(tmp_path, format) for i in entry_ids(parse(path))]
        assert len(ids) == ARTICLES == len(set(ids))


def test_a_page_that_failed_validation_is_written_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(tmp_path, range(1, 15))  # page 3 holds n-9
    # Feed.render validates the tree feedgen built (validate_tree), not the bytes.
    real_validate = validate_tree

    def refuse_page_3(root: etree._Element, **known: Any) -> list[Finding]:
        links = root.iter("{http://www.w3.org/2005/Atom}link")
        if any(ln.get("rel") == "self" and "/archive/3/" in ln.get("href", "") for ln in links):
            return [Finding("error", "Injected", "refused for the test", 1, "/")]
        return real_validate(root, **known)

    monkeypatch.setattr(newsfeed.documents, "validate_tree", refuse_page_3)
    outcome = build(tmp_path, range(1, 16))
    assert {w.status for w in outcome.files if "archive/3" in str(w.path)} == {"invalid"}
    monkeypatch.setattr(newsfeed.documents, "validate_tree", real_validate)
    build(tmp_path, range(1, 16))
    assert sorted(entry_ids(parse(page(tmp_path, 3, "rss")))) == ["n-10", "n-9"]


def test_entries_the_size_budget_leaves_out_of_the_subscription_feed_go_to_the_archive(
    tmp_path: Path,
) -> None:
    site = Site(SETTINGS, tmp_path, (replace(PLAN, max_bytes=2000),))
    outcome = publish(site, articles(range(1, ARTICLES + 1)))
    kept = len(entry_ids(parse(tmp_path / "rss.xml")))
    assert 0 < kept < LIMIT
    for format in ("rss", "atom"):
        assert len((tmp_path / FILES[format]).read_bytes()) <= 2000
        ids = [i for path in walk(tmp_path, format) for i in entry_ids(parse(path))]
        assert len(ids) == ARTICLES == len(set(ids))
    assert f"moved the {LIMIT - kept} oldest entries to the archive" in str(outcome.problems[0])


# -- a large site ---------------------------------------------------------------------


def test_adding_one_article_to_a_large_site_renders_and_writes_only_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = FeedPlan(archive=True, page_size=50, formats=("rss", "atom", "json"))
    site = Site(replace(SETTINGS, limit=50), tmp_path, (plan,))
    everything = articles(range(1, 2002))
    assert publish(site, everything[:-1]).changed  # 50 + 39 full pages of 50
    rendered: list[tuple[Format, int]] = []
    real_render = Feed.render

    def render(self: Feed, format: Format) -> Document:
        rendered.append((format, len(self.articles)))
        return real_render(self, format)

    monkeypatch.setattr(Feed, "render", render)
    outcome = publish(site, everything)
    assert changed_per_format(outcome) == Counter({"rss.xml": 2, "atom.xml": 2, "feed.json": 1})
    assert sorted(rendered) == sorted(
        [("rss", 50), ("atom", 50), ("json", 50), ("rss", 1), ("atom", 1)]
    )  # the subscription feed, and page 40 that the oldest of its entries starts
    assert page_count(tmp_path) == 40
