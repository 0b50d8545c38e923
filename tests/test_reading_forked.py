"""A large file read in a second process: the same index, the same problems in the same
order and places, the same place to go on from, as reading it in this one."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import newsfeed.reading
from newsfeed.index import SiteIndex
from newsfeed.model import FeedSettings, Problem
from newsfeed.reading import read_into
from newsfeed.records import RecordReader

SETTINGS = FeedSettings(title="Noticias", link="https://example.org/", language="es")


def record(n: int, **changes: object) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": f"n-{n}",
        "title": f"Noticia {n}",
        "url": f"https://example.org/n/{n}",
        "published": f"2026-11-{1 + n % 28:02d}T10:{n % 60:02d}:00-05:00",
        "categories": [f"Sección {n % 3}", "Política"],
        "authors": [{"name": f"Autora {n % 2}"}],
        "body": f"Cuerpo {n}",
    }
    values.update(changes)
    return values


def troubled_lines() -> list[str]:
    """Good records among warnings, errors, a duplicate id and lines that are not JSON."""
    lines = [json.dumps(record(n)) for n in range(150)]
    lines[3] = json.dumps(record(3, colour="red"))  # an unknown field: a warning, once
    lines[7] = json.dumps(record(7, colour="blue", shade="dark"))
    lines[10] = json.dumps(record(10, title=""))  # an error: no title
    lines[20] = "{not json"
    lines[21] = ""
    lines[33] = json.dumps(record(33, title="Con \x01 control"))  # a removed character
    lines[40] = json.dumps(record(12))  # the id of an earlier record
    lines[64] = json.dumps(record(64, published="ayer por la tarde"))
    lines[128] = json.dumps(record(128, id=None, url=None))  # no id
    lines[149] = json.dumps(record(149, authors=[{"name": "Ana", "email": "no"}]))
    return lines


def write(path: Path, lines: list[str], *, end: str = "\n") -> Path:
    path.write_text("\n".join(lines) + end, encoding="utf-8")
    return path


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every file is large enough to be read in a second process."""
    monkeypatch.setattr(newsfeed.reading, "FORK_FROM", 0)
    yield


def read(index_path: Path, source: Path, jobs: int) -> list[Problem]:
    problems: list[Problem] = []
    with SiteIndex(index_path) as index:
        read_into(index, [str(source)], SETTINGS, problems, jobs=jobs)
    return problems


def contents(index_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the index's sources and articles, but when a file was last looked at."""
    db = sqlite3.connect(index_path)
    try:
        return {
            "sources": db.execute(
                "SELECT key, ordinal, size, inode, digest, resume, next_seq, without_id, "
                "problems, complete FROM sources ORDER BY id"
            ).fetchall(),
            "articles": db.execute("SELECT * FROM articles ORDER BY id").fetchall(),
            "facets": db.execute("SELECT * FROM facets ORDER BY article, slot").fetchall(),
        }
    finally:
        db.close()


def test_a_file_read_in_a_second_process_gives_the_index_and_problems_of_one_read_here(
    tmp_path: Path, forked: None
) -> None:
    source = write(tmp_path / "news.jsonl", troubled_lines())
    here = read(tmp_path / "here.sqlite3", source, jobs=1)
    there = read(tmp_path / "there.sqlite3", source, jobs=2)
    assert there == here
    assert {p.level for p in here} == {"error", "warning"}
    assert contents(tmp_path / "there.sqlite3") == contents(tmp_path / "here.sqlite3")


def test_lines_appended_and_read_in_a_second_process_are_read_as_here(
    tmp_path: Path, forked: None
) -> None:
    lines = troubled_lines()
    # The last line is still being written the first time: it is read again whole.
    source = write(tmp_path / "news.jsonl", lines[:90], end="")
    results = {}
    for jobs in (1, 2):
        index_path = tmp_path / f"{jobs}.sqlite3"
        write(source, lines[:90], end="")
        first = read(index_path, source, jobs)
        write(source, lines)
        results[jobs] = (first, read(index_path, source, jobs), contents(index_path))
    assert results[2] == results[1]


@pytest.mark.skipif(not hasattr(fcntl, "F_GETPIPE_SZ"), reason="Linux's pipe sizes")
def test_the_pipe_from_the_second_process_holds_a_megabyte_so_it_can_read_ahead(
    tmp_path: Path, forked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path / "news.jsonl", troubled_lines())
    pipes: list[tuple[int, int]] = []
    sizes: list[int] = []
    real_pipe, real_fork = os.pipe, os.fork

    def pipe() -> tuple[int, int]:
        pipes.append(real_pipe())
        return pipes[-1]

    def fork() -> int:
        sizes.append(fcntl.fcntl(pipes[-1][1], fcntl.F_GETPIPE_SZ))
        return real_fork()

    monkeypatch.setattr(os, "pipe", pipe)
    monkeypatch.setattr(os, "fork", fork)
    read(tmp_path / "index.sqlite3", source, jobs=2)
    assert sizes == [1 << 20]


def test_a_file_below_the_size_is_read_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path / "news.jsonl", [json.dumps(record(1))])
    monkeypatch.setattr(newsfeed.reading, "FORK_FROM", source.stat().st_size + 1)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked"))
    assert read(tmp_path / "index.sqlite3", source, jobs=2) == []


def test_one_job_reads_a_large_file_in_this_process(tmp_path: Path, forked: None) -> None:
    source = write(tmp_path / "news.jsonl", [json.dumps(record(1))])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fork", lambda: pytest.fail("forked"))
        assert read(tmp_path / "index.sqlite3", source, jobs=1) == []


def test_a_failure_in_the_second_process_is_raised_here_and_nothing_is_stored(
    tmp_path: Path, forked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = RecordReader.article

    def failing(self: RecordReader, raw: Any, problems: list[Problem]) -> Any:
        if raw.place.position == "100":
            raise ValueError("a bug on line 100")
        return real(self, raw, problems)

    monkeypatch.setattr(RecordReader, "article", failing)
    source = write(tmp_path / "news.jsonl", troubled_lines())
    with pytest.raises(ValueError, match="a bug on line 100"):
        read(tmp_path / "index.sqlite3", source, jobs=2)
    assert contents(tmp_path / "index.sqlite3")["articles"] == []
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the second process was waited for


def test_a_second_process_that_dies_is_an_error_and_nothing_is_stored(
    tmp_path: Path, forked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = RecordReader.article

    def dying(self: RecordReader, raw: Any, problems: list[Problem]) -> Any:
        if raw.place.position == "100":
            os._exit(9)
        return real(self, raw, problems)

    monkeypatch.setattr(RecordReader, "article", dying)
    source = write(tmp_path / "news.jsonl", troubled_lines())
    with pytest.raises(RuntimeError, match="ended before its end"):
        read(tmp_path / "index.sqlite3", source, jobs=2)
    assert contents(tmp_path / "index.sqlite3")["articles"] == []


def test_a_failure_here_stops_the_second_process(
    tmp_path: Path, forked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = [0]
    real = SiteIndex._insert

    def full(self: SiteIndex, *args: Any) -> None:
        calls[0] += 1
        if calls[0] == 5:
            raise sqlite3.OperationalError("database or disk is full")
        real(self, *args)

    monkeypatch.setattr(SiteIndex, "_insert", full)
    source = write(tmp_path / "news.jsonl", troubled_lines() * 20)
    with pytest.raises(sqlite3.OperationalError):
        read(tmp_path / "index.sqlite3", source, jobs=2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
