"""A site's feeds: selections, fan-outs, size budgets, summaries, and runs that change nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import feedparser  # type: ignore[import-untyped]
import pytest

import newsfeed
from newsfeed.cli import main
from newsfeed.model import Article, FeedSettings
from newsfeed.publishing import FeedPlan, Outcome, Selection, Site, publish

SITE = "https://noticias.example.org/"
SETTINGS = FeedSettings(title="Noticias", link=SITE, language="es", timezone="America/Lima")


def record(n: int, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": f"n-{n}",
        "url": f"{SITE}n/{n}.shtml",
        "title": f"Noticia {n}",
        "summary": "Resumen",
        "published": f"2026-11-{n:02d}T10:00:00-05:00",
    }
    values.update(fields)
    return values


def articles(records: Sequence[dict[str, Any]]) -> list[Article]:
    reading = newsfeed.read_articles(list(records), SETTINGS)
    assert reading.errors == []
    return reading.articles


def build(tmp_path: Path, records: Sequence[dict[str, Any]], *plans: FeedPlan) -> Outcome:
    site = Site(SETTINGS, tmp_path, plans or (FeedPlan(),))
    return publish(site, articles(records))


def ids_in(path: Path) -> list[str]:
    """The entry ids of a feed document (RSS guids are the record ids)."""
    return [entry.id for entry in feedparser.parse(path.read_bytes()).entries]


def feeds_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.name[0] != ".")


# -- selections -----------------------------------------------------------------------


def test_a_feed_selected_by_category_takes_articles_of_that_category_in_any_case(
    tmp_path: Path,
) -> None:
    records = [record(1, categories=["Ciencia"]), record(2, categories=["ciencia"]), record(3)]
    plan = FeedPlan(path="ciencia", selection=Selection(categories=frozenset({"ciencia"})))
    build(tmp_path, records, plan)
    assert ids_in(tmp_path / "ciencia" / "rss.xml") == ["n-2", "n-1"]


def test_a_feed_selected_by_author_takes_articles_with_that_author_among_others(
    tmp_path: Path,
) -> None:
    records = [record(1, authors=["Ana Quispe", "Marco Díaz"]), record(2, authors="Marco Díaz")]
    plan = FeedPlan(path="ana", selection=Selection(authors=frozenset({"ana quispe"})))
    build(tmp_path, records, plan)
    assert ids_in(tmp_path / "ana" / "rss.xml") == ["n-1"]


def test_a_feed_selected_by_language_counts_articles_without_one_as_the_sites(
    tmp_path: Path,
) -> None:
    records = [record(1, language="en"), record(2), record(3, language="es")]
    plan = FeedPlan(path="es", selection=Selection(languages=frozenset({"es"})))
    build(tmp_path, records, plan)
    assert ids_in(tmp_path / "es" / "rss.xml") == ["n-3", "n-2"]


def test_all_criteria_given_must_match(tmp_path: Path) -> None:
    records = [
        record(1, categories=["Ciencia"], authors="Ana Quispe"),
        record(2, categories=["Ciencia"], authors="Marco Díaz"),
    ]
    selection = Selection(categories=frozenset({"ciencia"}), authors=frozenset({"ana quispe"}))
    build(tmp_path, records, FeedPlan(path="x", selection=selection))
    assert ids_in(tmp_path / "x" / "rss.xml") == ["n-1"]


# -- fan-outs -------------------------------------------------------------------------

UNICODE_CATEGORIES = {
    "Economía": "economia",
    "Política Internacional": "politica-internacional",
    "国际": "国际",
    "Политика": "политика",
}


def test_a_category_fan_out_makes_one_feed_per_category_in_its_slug_folder(
    tmp_path: Path,
) -> None:
    records = [record(n, categories=[name]) for n, name in enumerate(UNICODE_CATEGORIES, 1)]
    build(tmp_path, records, FeedPlan(path="category", fan_out="category", formats=("rss",)))
    slugs = list(UNICODE_CATEGORIES.values())
    assert feeds_in(tmp_path / "category") == sorted(slugs + [f"{s}/rss.xml" for s in slugs])
    for n, slug in enumerate(UNICODE_CATEGORIES.values(), 1):
        assert ids_in(tmp_path / "category" / slug / "rss.xml") == [f"n-{n}"]


def test_a_fan_out_feed_is_titled_and_linked_by_its_value(tmp_path: Path) -> None:
    build(
        tmp_path, [record(1, categories=["国际"])], FeedPlan(path="category", fan_out="category")
    )
    feed = feedparser.parse((tmp_path / "category" / "国际" / "atom.xml").read_bytes()).feed
    assert feed.title == "Noticias: 国际"
    self_links = [link.href for link in feed.links if link.rel == "self"]
    assert self_links == [f"{SITE}category/%E5%9B%BD%E9%99%85/atom.xml"]


def test_names_with_the_same_slug_share_one_fan_out_feed(tmp_path: Path) -> None:
    records = [record(1, categories=["Economía"]), record(2, categories=["economia"])]
    build(tmp_path, records, FeedPlan(path="category", fan_out="category", formats=("rss",)))
    assert feeds_in(tmp_path / "category") == ["economia", "economia/rss.xml"]
    assert ids_in(tmp_path / "category" / "economia" / "rss.xml") == ["n-2", "n-1"]


def test_an_author_fan_out_makes_one_feed_per_author(tmp_path: Path) -> None:
    records = [record(1, authors=["Ana Quispe", "Marco Díaz"]), record(2, authors="Marco Díaz")]
    build(tmp_path, records, FeedPlan(path="author", fan_out="author", formats=("rss",)))
    assert ids_in(tmp_path / "author" / "ana-quispe" / "rss.xml") == ["n-1"]
    assert ids_in(tmp_path / "author" / "marco-diaz" / "rss.xml") == ["n-2", "n-1"]


# -- size budgets ------------------------------------------------------------------------


def long_records(count: int) -> list[dict[str, Any]]:
    return [record(n, body="Texto largo. " * 200) for n in range(1, count + 1)]


def test_a_feed_over_its_budget_leaves_out_the_oldest_entries_with_a_warning(
    tmp_path: Path,
) -> None:
    outcome = build(tmp_path, long_records(20), FeedPlan(formats=("rss",), max_bytes=20_000))
    rss = tmp_path / "rss.xml"
    kept = ids_in(rss)
    assert len(rss.read_bytes()) <= 20_000
    assert kept == [f"n-{n}" for n in range(20, 20 - len(kept), -1)]
    assert [str(p) for p in outcome.problems] == [
        f"{rss}: warning: left out the {20 - len(kept)} oldest entries to stay under 20000 bytes"
    ]
    assert outcome.entries[rss] == len(kept)


def test_the_budget_keeps_as_many_entries_as_fit(tmp_path: Path) -> None:
    build(tmp_path, long_records(20), FeedPlan(formats=("rss",), max_bytes=20_000))
    kept = len(ids_in(tmp_path / "rss.xml"))
    one_more = newsfeed.Feed(SETTINGS, articles(long_records(20))[-(kept + 1) :]).rss()
    assert len(one_more) > 20_000


def test_a_budget_of_0_means_no_budget(tmp_path: Path) -> None:
    outcome = build(tmp_path, long_records(20), FeedPlan(formats=("rss",), max_bytes=0))
    assert len(ids_in(tmp_path / "rss.xml")) == 20
    assert outcome.problems == []


def test_max_bytes_on_the_command_line_sets_every_feeds_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "records.json"
    source.write_text(json.dumps(long_records(20)), encoding="utf-8")
    out = tmp_path / "public"
    args = ["build", str(source), "--out", str(out), "--title", "Noticias", "--link", SITE]
    assert main([*args, "--formats", "rss", "--max-bytes", "20000"]) == 0
    assert "oldest entries to stay under 20000 bytes" in capsys.readouterr().err
    assert main([*args, "--formats", "rss", "--max-bytes", "0"]) == 0
    assert capsys.readouterr().err == ""
    assert len(ids_in(out / "rss.xml")) == 20


# -- the command line's summary ----------------------------------------------------------


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "records.json"
    path.write_text(json.dumps([record(n) for n in range(1, 4)]), encoding="utf-8")
    return path


def build_args(source: Path, *more: str) -> list[str]:
    out = source.parent / "public"
    return ["build", str(source), "--out", str(out), "--title", "Noticias", "--link", SITE, *more]


def test_each_feed_file_gets_a_summary_line_and_the_run_a_total(
    source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(build_args(source)) == 0
    out = source.parent / "public"
    assert capsys.readouterr().out.splitlines() == [
        f"{out / 'rss.xml'}: written (3 entries)",
        f"{out / 'atom.xml'}: written (3 entries)",
        f"{out / 'feed.json'}: written (3 entries)",
        "newsfeed: 3 written, 0 unchanged, skipped 0 records",
    ]


def test_a_second_run_writes_nothing_and_says_unchanged(
    source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(build_args(source))
    out = source.parent / "public"
    before = {p: (p.read_bytes(), back_date(p)) for p in out.iterdir() if p.name[0] != "."}
    capsys.readouterr()
    assert main(build_args(source)) == 0
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in before}
    assert after == before
    assert capsys.readouterr().out.splitlines()[-1] == (
        "newsfeed: 0 written, 3 unchanged, skipped 0 records"
    )


def test_skipped_records_are_counted_and_exit_with_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps([record(1), {"id": "x"}, {"id": "y"}], indent=1), encoding="utf-8")
    assert main(build_args(path)) == 3
    assert capsys.readouterr().out.splitlines()[-1] == (
        "newsfeed: 3 written, 0 unchanged, skipped 2 records"
    )


def test_bad_records_on_one_line_are_each_counted_as_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps([record(1), {"id": "x"}, {"id": "y"}]), encoding="utf-8")
    assert main(build_args(path)) == 3
    assert capsys.readouterr().out.splitlines()[-1] == (
        "newsfeed: 3 written, 0 unchanged, skipped 2 records"
    )


def test_quiet_prints_nothing_on_a_clean_run(
    source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(build_args(source, "--quiet")) == 0
    assert capsys.readouterr() == ("", "")


def test_quiet_still_prints_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps([record(1), {"id": "x"}]), encoding="utf-8")
    assert main(build_args(path, "--quiet")) == 3
    printed = capsys.readouterr()
    assert printed.out == ""
    assert f"{path}:1: error: title: missing" in printed.err


def back_date(path: Path) -> int:
    past = 1_000_000_000 * 1_000_000_000
    os.utime(path, ns=(past, past))
    return past


# -- runs that change nothing -----------------------------------------------------------


def test_publishing_the_same_site_twice_writes_nothing_the_second_time(tmp_path: Path) -> None:
    records = [record(n, categories=["Economía", "国际"]) for n in range(1, 6)]
    plans = (
        FeedPlan(archive=True, page_size=2),
        FeedPlan(path="category", fan_out="category"),
    )
    site = Site(replace(SETTINGS, limit=2), tmp_path, plans)
    first = publish(site, articles(records))
    before = {p: (p.read_bytes(), back_date(p)) for p in tmp_path.rglob("*") if p.is_file()}
    second = publish(site, articles(records))
    assert {w.status for w in first.files} == {"written"}
    assert {w.status for w in second.files} == {"unchanged"}
    assert [w.path for w in second.files] == [w.path for w in first.files]
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in before} == before
