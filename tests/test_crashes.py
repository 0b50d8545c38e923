"""Crashes and full disks (issue 11): whatever a rebuild went through, the next run's
output is a fresh build's.

A site with archives and fan-outs is built, then its input changes (articles
added, edited, deleted, back-dated; a category no article keeps) and it is
rebuilt, killed with SIGKILL at a seeded random moment: before or after any
file write, rename, removal or fsync, any article stored in the index, or
any index transaction's start or commit. The next run, with that input or
with the old one again, must leave exactly the files of a fresh build. The
same holds when the disk is full at each write, one write at a time.

The default run tries a few moments; `pytest -m long` tries 60 kills and
every write.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import newsfeed.files
import newsfeed.index
from newsfeed.cli import main

SITE = "https://noticias.example.org/"
START = datetime(2026, 10, 1, 8, 0, tzinfo=timezone.utc)
CATEGORIES = ["Economía", "Ciencia", "Política", "Deportes", "Cultura"]
AUTHORS = ["Ana Quispe", "Luis Paz", "María"]
CONFIG = f"""\
sources = ["sources"]
out = "public"
cache = "index"

[site]
title = "Noticias"
link = "{SITE}"
language = "es"
limit = 5

[[feeds]]
archive = true
page_size = 4

[[feeds]]
path = "categoria"
fan_out = "category"
formats = ["rss", "atom"]
archive = true
page_size = 3

[[feeds]]
path = "autor"
fan_out = "author"
formats = ["atom"]
"""

#: A build that counts its moments (argv[1] = the moment to die at; 0: never), then
#: writes how many there were to argv[2].
RUNNER = """
import contextlib, os, signal, sys
import newsfeed.index
from newsfeed.cli import main

kill_at, count_file, *argv = sys.argv[1:]
kill_at, events = int(kill_at), [0]

def moment():
    events[0] += 1
    if events[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

def around(function):
    def wrapped(*args, **kwargs):
        moment()
        result = function(*args, **kwargs)
        moment()
        return result
    return wrapped

for name in ("replace", "unlink", "fsync", "rmdir", "write"):
    setattr(os, name, around(getattr(os, name)))
index = newsfeed.index.SiteIndex
index._insert = around(index._insert)
real_transaction = index.transaction

@contextlib.contextmanager
def transaction(self):
    with real_transaction(self) as db:
        moment()
        yield db
        moment()
    moment()

index.transaction = transaction
code = main(argv)
with open(count_file, "w") as file:
    file.write(str(events[0]))
sys.exit(code)
"""


def record(n: int, hours: int, title: str, categories: list[str]) -> dict[str, Any]:
    return {
        "id": f"n-{n}",
        "title": title,
        "url": f"{SITE}n/{n}.shtml",
        "summary": "Resumen " * 20,
        "published": (START + timedelta(hours=hours)).isoformat(),
        "categories": categories,
        "authors": [AUTHORS[n % 3]],
    }


def old_input() -> list[dict[str, Any]]:
    return [
        record(n, n * 3, f"Noticia {n}", [CATEGORIES[n % 5], CATEGORIES[(n + 2) % 5]])
        for n in range(40)
    ]


def new_input() -> list[dict[str, Any]]:
    """Articles deleted, edited, back-dated, added; no article keeps "Deportes"."""
    records = [r for r in old_input() if r["id"] not in ("n-3", "n-17", "n-38")]
    for r in records:
        r["categories"] = [c for c in r["categories"] if c != "Deportes"] or ["Cultura"]
        if r["id"] in ("n-5", "n-30"):
            r["title"] += " (corregida)"
        if r["id"] == "n-33":
            r["published"] = START.isoformat()
    return records + [record(n, n * 3, f"Nueva {n}", [CATEGORIES[n % 3]]) for n in range(40, 44)]


def write_input(site: Path, records: list[dict[str, Any]]) -> None:
    """The records in two files: the first half's, and the rest's (appended to)."""
    sources = site / "sources"
    sources.mkdir(exist_ok=True)
    half = len(old_input()) // 2
    for name, part in (("a.jsonl", records[:half]), ("b.jsonl", records[half:])):
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part)
        path = sources / name
        if not path.exists() or path.read_text() != data:
            path.write_text(data)


def build(site: Path, *options: str) -> int:
    return main(["build", "--config", str(site / "site.toml"), "--quiet", *options])


def files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".newsfeed.lock"
    }


def fresh(root: Path, records: list[dict[str, Any]]) -> dict[str, bytes]:
    site = root / f"fresh-{len(records)}"
    site.mkdir()
    (site / "site.toml").write_text(CONFIG)
    write_input(site, records)
    assert build(site, "--no-cache", "--jobs", "1") == 0
    return files(site / "public")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The old site built, and what a fresh build of the old and new input holds."""
    root = tmp_path_factory.mktemp("crashes")
    site = root / "built"
    site.mkdir()
    (site / "site.toml").write_text(CONFIG)
    write_input(site, old_input())
    assert build(site, "--jobs", "1") == 0
    expected = {"old": fresh(root, old_input()), "new": fresh(root, new_input())}
    assert set(expected["old"]) != set(expected["new"])  # files come and go
    return {"root": root, "site": site, **expected}


def copy_of(built: dict[str, Any], name: str) -> Path:
    site: Path = built["root"] / name
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(built["site"], site)
    return site


def run_until(site: Path, moment: int) -> tuple[int, int]:
    """A rebuild of the new input killed at `moment`: its exit code, and the moments counted."""
    write_input(site, new_input())
    count = site / "moments"
    count.unlink(missing_ok=True)
    argv = ["build", "--config", str(site / "site.toml"), "--quiet", "--jobs", "1"]
    run = subprocess.run(
        [sys.executable, "-c", RUNNER, str(moment), str(count), *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return run.returncode, int(count.read_text()) if count.exists() else 0


def moments(built: dict[str, Any]) -> int:
    if "moments" not in built:
        code, counted = run_until(copy_of(built, "counting"), 0)
        assert code == 0
        built["moments"] = counted
    count: int = built["moments"]
    return count


def check_kills(built: dict[str, Any], seeds: range) -> None:
    total = moments(built)
    assert total > 200  # writes, renames, fsyncs, articles, transactions
    for seed in seeds:
        chooser = random.Random(seed)
        moment = chooser.randint(1, total)
        site = copy_of(built, "killed")
        code, _ = run_until(site, moment)
        assert code == -signal.SIGKILL, (seed, moment, code)
        # Half the time the next run has the input the killed run read; half the
        # time the old input is back, so that what the killed run alone wanted must go.
        again = "new" if seed % 2 == 0 else "old"
        write_input(site, new_input() if again == "new" else old_input())
        assert build(site, "--jobs", "1") == 0, (seed, moment)
        assert files(site / "public") == built[again], (seed, moment, again)


def test_the_run_after_a_rebuild_killed_at_a_random_moment_equals_a_fresh_build(
    built: dict[str, Any],
) -> None:
    check_kills(built, range(4))


@pytest.mark.long
def test_the_run_after_a_rebuild_killed_at_60_random_moments_equals_a_fresh_build(
    built: dict[str, Any],
) -> None:
    check_kills(built, range(100, 160))


# -- a full disk ------------------------------------------------------------------------


@contextlib.contextmanager
def full_disk_at(write: int) -> Iterator[list[int]]:
    """The disk is full at the `write`-th write (0: never) of a feed file or of the index;
    yields the count of writes so far."""
    count = [0]
    real_fsync = os.fsync
    real_transaction = newsfeed.index.SiteIndex.transaction

    def next_write() -> bool:
        count[0] += 1
        return count[0] == write

    def fsync(descriptor: int) -> None:
        if next_write():
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(descriptor)

    @contextlib.contextmanager
    def transaction(self: newsfeed.index.SiteIndex) -> Iterator[sqlite3.Connection]:
        with real_transaction(self) as db:
            yield db
            if next_write():
                raise sqlite3.OperationalError("database or disk is full")

    patches: list[tuple[Any, str, Callable[..., Any]]] = [
        (newsfeed.files.os, "fsync", fsync),
        (newsfeed.index.SiteIndex, "transaction", transaction),
    ]
    with pytest.MonkeyPatch.context() as patch:
        for owner, name, value in patches:
            patch.setattr(owner, name, value)
        yield count


def check_full_disks(built: dict[str, Any], writes: Callable[[int], list[int]]) -> None:
    site = copy_of(built, "counting-writes")
    write_input(site, new_input())
    with full_disk_at(0) as count:
        assert build(site, "--jobs", "1") == 0
    for write in writes(count[0]):
        site = copy_of(built, "full")
        write_input(site, new_input())
        with full_disk_at(write):
            assert build(site, "--jobs", "1") in (0, 1)
        assert build(site, "--jobs", "1") == 0, write
        assert files(site / "public") == built["new"], write


def test_the_run_after_a_full_disk_equals_a_fresh_build(
    built: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    check_full_disks(built, lambda total: sorted(random.Random(7).sample(range(1, total), 5)))


@pytest.mark.long
def test_the_run_after_a_full_disk_at_every_write_equals_a_fresh_build(
    built: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    check_full_disks(built, lambda total: list(range(1, total + 1)))
