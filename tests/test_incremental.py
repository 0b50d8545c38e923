"""Incremental builds (issue 11): after any change, the output is a fresh build's, byte for byte.

A small site (a main feed with RFC 5005 archives, category and author
fan-outs, one with archives too) is built from a folder of JSON Lines and CSV
files. Random steps change it: an article added (appended), edited, deleted
or back-dated; a source file added, renamed, cut short (anywhere, even inside
a line) or deleted; a setting changed. After every step the site, rebuilt
with its index, must hold exactly the files, bytes and problems of a build
without an index into an empty folder.

The default run is short; `pytest -m long` runs many more sequences.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfeed.documents import Document, Feed
from newsfeed.feed import Format
from newsfeed.model import FeedSettings
from newsfeed.publishing import FeedPlan, Outcome, Site, _rendering, publish

SITE = "https://noticias.example.org/"
START = datetime(2026, 11, 1, 8, 0, tzinfo=timezone(timedelta(hours=-5)))
IDS = [f"n-{n}" for n in range(14)]
CATEGORIES = ["Economía", "economia", "Ciencia", "Política", "Deportes"]
AUTHORS = ["Ana Quispe", "Luis Paz", "María"]
FILES = ["a.jsonl", "b.jsonl", "c.csv", "d.jsonl"]
PLANS = (
    FeedPlan(archive=True, page_size=2),
    FeedPlan(path="categoria", fan_out="category", formats=("rss", "atom"), archive=True),
    FeedPlan(path="autor", fan_out="author", formats=("atom",)),
)


def site(out: Path, limit: int, title: str, page_size: int) -> Site:
    settings = FeedSettings(title=title, link=SITE, language="es", limit=limit)
    plans = (replace(PLANS[0], page_size=page_size), *PLANS[1:])
    return Site(settings, out, plans)


@dataclass
class Input:
    """The site's sources as records per file, and its settings."""

    files: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Files whose bytes were cut: written as they are, not from records.
    raw: dict[str, bytes] = field(default_factory=dict)
    limit: int = 3
    title: str = "Noticias"
    page_size: int = 2

    def write(self, folder: Path) -> None:
        for path in folder.iterdir():
            if path.name not in self.files and path.name not in self.raw:
                path.unlink()
        for name, records in self.files.items():
            data = self.raw.get(name, encode(name, records))
            path = folder / name
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)


def encode(name: str, records: list[dict[str, Any]]) -> bytes:
    if name.endswith(".jsonl"):
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    lines = ["id,title,published,categories,authors"]
    for r in records:
        lines.append(
            f"{r['id']},{r['title']},{r['published']},"
            f"{';'.join(r['categories'])},{';'.join(r['authors'])}"
        )
    return ("\n".join(lines) + "\n").encode()


def record(id: str, hours: int, categories: list[str], authors: list[str], title: str) -> dict:
    return {
        "id": id,
        "title": title,
        "url": f"{SITE}n/{id}.shtml",
        "published": (START + timedelta(hours=hours)).isoformat(),
        "categories": categories,
        "authors": authors,
    }


records = st.builds(
    record,
    st.sampled_from(IDS),
    st.integers(0, 60),
    st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True),
    st.lists(st.sampled_from(AUTHORS), max_size=2, unique=True),
    st.sampled_from(["Sube el cobre", "Baja el oro", "Llueve"]),
)
steps = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(FILES), records),
    st.tuples(st.just("edit"), st.integers(0, 40), st.sampled_from(["title", "categories"])),
    st.tuples(st.just("delete"), st.integers(0, 40)),
    st.tuples(st.just("back-date"), st.integers(0, 40), st.integers(1, 100)),
    st.tuples(st.just("add-file"), st.sampled_from(FILES), st.lists(records, max_size=4)),
    st.tuples(st.just("rename"), st.integers(0, 3), st.sampled_from(FILES)),
    st.tuples(st.just("truncate"), st.integers(0, 3), st.floats(0, 1)),
    st.tuples(st.just("delete-file"), st.integers(0, 3)),
    st.tuples(
        st.just("setting"),
        st.sampled_from(["limit", "title", "page_size"]),
        st.integers(2, 4),
    ),
)


def apply(state: Input, step: tuple[Any, ...]) -> None:
    kind = step[0]
    everything = [(name, i) for name, rs in state.files.items() for i in range(len(rs))]
    names = sorted(state.files)
    if kind == "add":
        _, name, new = step
        state.raw.pop(name, None)
        state.files.setdefault(name, []).append(new)  # appended: read from where it ended
    elif kind in ("edit", "delete", "back-date") and everything:
        name, i = everything[step[1] % len(everything)]
        state.raw.pop(name, None)
        chosen = state.files[name][i]
        if kind == "delete":
            del state.files[name][i]
        elif kind == "back-date":
            published = datetime.fromisoformat(chosen["published"]) - timedelta(hours=step[2])
            chosen["published"] = published.isoformat()
        elif step[2] == "title":
            chosen["title"] = chosen["title"] + " (corregido)"
        else:
            chosen["categories"] = chosen["categories"][1:] or ["Ciencia"]
    elif kind == "add-file":
        _, name, new = step
        state.raw.pop(name, None)
        state.files[name] = list(new)
    elif kind == "rename" and names:
        old, new = names[step[1] % len(names)], step[2]
        if new.rsplit(".", 1)[1] == old.rsplit(".", 1)[1] and new != old:
            state.files[new] = state.files.pop(old)
            if old in state.raw:
                state.raw[new] = state.raw.pop(old)
    elif kind == "truncate" and names:
        name = names[step[1] % len(names)]
        data = state.raw.get(name, encode(name, state.files[name]))
        state.raw[name] = data[: int(len(data) * step[2])]
    elif kind == "delete-file" and names:
        name = names[step[1] % len(names)]
        del state.files[name]
        state.raw.pop(name, None)
    elif kind == "setting":
        _, setting, value = step
        if setting == "title":
            state.title = "Noticias" if state.title != "Noticias" else "Titulares"
        else:
            setattr(state, setting, value)


def files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".newsfeed.lock"
    }


def build(state: Input, sources: Path, out: Path, cache: Path | bool) -> Outcome:
    return publish(
        site(out, state.limit, state.title, state.page_size), [sources], cache=cache, jobs=1
    )


def check_sequence(sequence: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        sources, out, cache = root / "sources", root / "out", root / "index"
        sources.mkdir()
        state = Input({"a.jsonl": [record("n-0", 1, ["Ciencia"], ["Ana Quispe"], "Uno")]})
        for number, step in enumerate([("start",), *sequence]):
            apply(state, step)
            state.write(sources)
            before = files(out)
            incremental = build(state, sources, out, cache)
            fresh_out = root / f"fresh-{number}"
            fresh = build(state, sources, fresh_out, False)
            assert incremental.stopped == fresh.stopped, step
            # A run stopped by a source it cannot read writes nothing: the feeds stay
            # as the last run left them, and a fresh build's folder stays empty.
            assert files(out) == (before if fresh.stopped else files(fresh_out)), step
            assert [str(p) for p in incremental.problems] == [
                str(p).replace(str(fresh_out), str(out)) for p in fresh.problems
            ], step


def sized(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@sized(6)
@given(st.lists(steps, min_size=1, max_size=6))
def test_every_incremental_build_equals_a_fresh_one(sequence: list[tuple[Any, ...]]) -> None:
    check_sequence(sequence)


@pytest.mark.long
@sized(150)
@given(st.lists(steps, min_size=1, max_size=25))
def test_every_incremental_build_equals_a_fresh_one_long(sequence: list[tuple[Any, ...]]) -> None:
    check_sequence(sequence)


# -- what subscribers get ---------------------------------------------------------------


def test_a_fan_out_value_no_article_carries_any_more_has_its_feed_removed(
    tmp_path: Path,
) -> None:
    # A fresh build would not make the feed: a reader asking for it gets 404 Not Found,
    # which aggregators take as the feed being gone, rather than a feed frozen with
    # articles that no longer exist or one that is empty for ever.
    state = Input(
        {
            "a.jsonl": [
                record("n-1", 1, ["Ciencia"], ["Ana Quispe"], "Uno"),
                record("n-2", 2, ["Deportes"], ["Ana Quispe"], "Dos"),
            ]
        }
    )
    sources, out = tmp_path / "sources", tmp_path / "out"
    sources.mkdir()
    state.write(sources)
    build(state, sources, out, tmp_path / "index")
    assert (out / "categoria" / "deportes" / "rss.xml").exists()
    state.files["a.jsonl"][1]["categories"] = ["Ciencia"]
    state.write(sources)
    outcome = build(state, sources, out, tmp_path / "index")
    assert not (out / "categoria" / "deportes").exists()
    assert out / "categoria" / "deportes" / "rss.xml" in outcome.removed
    assert b"Dos" in (out / "categoria" / "ciencia" / "rss.xml").read_bytes()


def test_a_deleted_article_leaves_every_document_and_an_edited_one_changes_each(
    tmp_path: Path,
) -> None:
    state = Input(
        {"a.jsonl": [record(f"n-{n}", n, ["Ciencia"], ["Ana Quispe"], "Uno") for n in range(9)]}
    )
    sources, out = tmp_path / "sources", tmp_path / "out"
    sources.mkdir()
    state.write(sources)
    build(state, sources, out, tmp_path / "index")
    del state.files["a.jsonl"][0]  # the oldest: on archive page 1 of two feeds
    state.files["a.jsonl"][0]["title"] = "Editado"
    state.write(sources)
    build(state, sources, out, tmp_path / "index")
    written = files(out)
    assert not [name for name, data in written.items() if b"n-0.shtml" in data]
    holding = [name for name, data in written.items() if b"n-1.shtml" in data]
    # Page 1 of the main archive and of the category's (RSS, Atom); the author feed keeps
    # only its newest 3.
    assert len(holding) == 4
    assert all(b"Editado" in written[name] for name in holding)


def test_documents_whose_entries_did_not_change_are_not_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = Input(
        {
            "a.jsonl": [
                record(f"n-{n}", n, [CATEGORIES[2 + n % 3]], [AUTHORS[n % 3]], "Uno")
                for n in range(12)
            ]
        }
    )
    sources, out = tmp_path / "sources", tmp_path / "out"
    sources.mkdir()
    state.write(sources)
    build(state, sources, out, tmp_path / "index")
    state.files["a.jsonl"].append(record("n-99", 99, ["Ciencia"], ["María"], "Nueva"))
    state.write(sources)
    rendered: list[str] = []
    real_render = Feed.render

    def render(self: Feed, format: Format) -> Document:
        rendered.append(format)
        return real_render(self, format)

    monkeypatch.setattr(Feed, "render", render)
    outcome = build(state, sources, out, tmp_path / "index")
    assert len(rendered) == len(outcome.changed)
    changed = sorted(str(w.path.relative_to(out)) for w in outcome.changed)
    # The newest page of the main archive fills up; the category's archive takes
    # its oldest entry; the author feed of the new article.
    assert changed == [
        "archive/5/atom.xml",
        "archive/5/rss.xml",
        "atom.xml",
        "autor/maria/atom.xml",
        "categoria/ciencia/archive/1/atom.xml",
        "categoria/ciencia/archive/1/rss.xml",
        "categoria/ciencia/atom.xml",
        "categoria/ciencia/rss.xml",
        "feed.json",
        "rss.xml",
    ]


# -- all cores ------------------------------------------------------------------------


def topical_sources(folder: Path, count: int, topics: int) -> Path:
    """A folder of one file of `count` articles, each in one of `topics` topics, one
    of the five categories and one of the three authors."""
    state = Input(
        {
            "a.jsonl": [
                record(
                    f"n-{n}", n, [f"Tema {n % topics}", CATEGORIES[n % 5]], [AUTHORS[n % 3]], "T"
                )
                for n in range(count)
            ]
        }
    )
    sources = folder / "sources"
    sources.mkdir()
    state.write(sources)
    return sources


def test_documents_of_entries_built_once_have_the_bytes_of_entries_built_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each article is in its categories' feeds and its author's: most entries are
    # copies of one built for another feed.
    sources = topical_sources(tmp_path, 30, topics=4)
    once = publish(site(tmp_path / "once", 10, "N", 4), [sources], cache=False, jobs=1)
    # A process that keeps nothing builds every entry of every document.
    keeping = _rendering.Recent
    monkeypatch.setattr(_rendering, "Recent", lambda: keeping(size=0))
    anew = publish(site(tmp_path / "anew", 10, "N", 4), [sources], cache=False, jobs=1)
    assert len(once.files) == len(anew.files) > 16
    assert files(tmp_path / "once") == files(tmp_path / "anew")


def test_documents_rendered_in_parallel_have_the_bytes_of_one_job(tmp_path: Path) -> None:
    sources = topical_sources(tmp_path, 40, topics=9)
    one = publish(site(tmp_path / "one", 3, "N", 2), [sources], cache=False, jobs=1)
    many = publish(site(tmp_path / "many", 3, "N", 2), [sources], cache=False, jobs=3)
    assert len(one.files) == len(many.files) > 16  # enough to start workers
    assert files(tmp_path / "one") == files(tmp_path / "many")
    assert [w.path.relative_to(tmp_path / "one") for w in one.files] == [
        w.path.relative_to(tmp_path / "many") for w in many.files
    ]
