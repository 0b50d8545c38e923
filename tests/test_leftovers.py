"""A run killed (SIGKILL, a real process) while a temporary file of any kind
existed: the next run removes it, and its output is what a fresh build gives."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from newsfeed.cli import main

SITE = "https://noticias.example.org/"
PATIENCE = 60.0

#: `newsfeed build ARGS` that pauses (to be killed) just before it renames a
#: temporary file whose name holds MARK into place. A hub that cannot be
#: reached answers at once, so that the WebSub queue is written quickly.
KILLED = """
import os, sys, time, urllib.error, urllib.request
from newsfeed.cli import main

mark, log, *argv = sys.argv[1:]
real_replace, real_sleep = os.replace, time.sleep

def replace(source, target):
    if mark in os.path.basename(source):
        with open(log, "a") as handle:
            handle.write(f"paused {source}\\n")
        real_sleep(PATIENCE)
    real_replace(source, target)

def unreachable(*args, **kwargs):
    raise urllib.error.URLError("connection refused")

os.replace = replace
time.sleep = lambda seconds: None
urllib.request.urlopen = unreachable
sys.exit(main(argv))
""".replace("PATIENCE", repr(PATIENCE))

CONFIG = """\
sources = ["news.jsonl"]
out = "public"

[site]
title = "Noticias"
link = "https://noticias.example.org/"
limit = 3
websub_hub = "http://127.0.0.1:9/"

[[feeds]]
path = ""
archive = true
page_size = 2
formats = ["rss", "atom"]
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with archives and a hub that is down; its config file."""
    lines = [
        json.dumps(
            {
                "id": f"n-{n}",
                "url": f"{SITE}n/{n}.shtml",
                "title": f"Noticia {n}",
                "published": f"2026-11-{n:02d}T10:00:00-05:00",
            }
        )
        for n in range(1, 11)
    ]
    (tmp_path / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = tmp_path / "site.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return config


@pytest.fixture(autouse=True)
def hub_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process too, the hub cannot be reached and retries do not wait."""

    def unreachable(*args: object, **kwargs: object) -> None:
        raise urllib.error.URLError("connection refused")

    monkeypatch.setattr(urllib.request, "urlopen", unreachable)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)


def kill_while_writing(
    mark: str, args: list[str], log: Path, processes: list[subprocess.Popen[str]]
) -> Path:
    """Run a build, SIGKILL it just before it renames a temporary file marked
    `mark`; that temporary file, which the kill left."""
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED, mark, str(log), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    processes.append(process)
    deadline = time.monotonic() + PATIENCE
    while not (log.exists() and log.read_text().startswith("paused ")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never reached the rename"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=PATIENCE)
    left = Path(log.read_text().split(" ", 1)[1].strip())
    assert left.exists()
    return left


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def fresh(config: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "fresh"
    main(["build", "--config", str(config), "--out", str(out), "--no-cache", "--quiet"])
    return tree(out)


@pytest.mark.parametrize("mark", [".rss.xml."], ids=["feed"])
def test_the_next_run_removes_a_temporary_file_of_the_output_folder_a_kill_left(
    mark: str, site: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    args = ["build", "--config", str(site), "--no-cache", "--quiet"]
    left = kill_while_writing(mark, args, tmp_path / "log", processes)
    assert main(args) == 0
    assert not left.exists()
    assert tree(tmp_path / "public") == fresh(site, tmp_path)


def test_the_next_run_removes_a_temporary_file_of_the_websub_queue_a_kill_left(
    site: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    args = ["build", "--config", str(site), "--no-cache", "--quiet"]
    left = kill_while_writing(".newsfeed-websub-pending.json.", args, tmp_path / "log", processes)
    assert main(args) == 0
    assert not left.exists()
    # All but the queue itself: the killed run wrote the feeds but never queued
    # their pings, so the next run, which changes no feed, has none to queue.
    queue = ".newsfeed-websub-pending.json"
    assert queue in fresh(site, tmp_path)
    assert tree(tmp_path / "public") == {
        name: data for name, data in fresh(site, tmp_path).items() if name != queue
    }
