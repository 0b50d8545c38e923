"""A run killed (SIGKILL, a real process) while a temporary file of any kind
existed: the next run removes it, and its output is what a fresh build gives;
a run killed before it pinged the WebSub hub leaves the pings to the next."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from newsfeed import FeedSettings, read_articles
from newsfeed.cli import main
from newsfeed.index import TEMPORARY_PREFIX, remove_abandoned_temporaries

SITE = "https://noticias.example.org/"
PATIENCE = 60.0

#: What KILLED takes for MARK to pause at its first WebSub ping instead.
PING = "ping"

#: `newsfeed build ARGS` that pauses (to be killed) just before it renames a
#: temporary file whose name holds MARK into place (or, for PING, as it sends its
#: first ping). A hub that cannot be reached answers at once, so that the WebSub
#: queue is written quickly.
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

def unreachable(request, *args, **kwargs):
    if mark == "PING":
        with open(log, "a") as handle:
            handle.write(f"paused {request.full_url}\\n")
        real_sleep(PATIENCE)
    raise urllib.error.URLError("connection refused")

os.replace = replace
time.sleep = lambda seconds: None
urllib.request.urlopen = unreachable
sys.exit(main(argv))
""".replace("PATIENCE", repr(PATIENCE)).replace("PING", PING)

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


def kill_when_paused(
    mark: str, args: list[str], log: Path, processes: list[subprocess.Popen[str]]
) -> str:
    """Run a build, SIGKILL it where `mark` makes it pause; what it paused at."""
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
    return log.read_text().split(" ", 1)[1].strip()


def kill_while_writing(
    mark: str, args: list[str], log: Path, processes: list[subprocess.Popen[str]]
) -> Path:
    """Run a build, SIGKILL it just before it renames a temporary file marked
    `mark`; that temporary file, which the kill left."""
    left = Path(kill_when_paused(mark, args, log, processes))
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
    # The queue too: the feeds are queued for their ping before they are written.
    assert ".newsfeed-websub-pending.json" in fresh(site, tmp_path)
    assert tree(tmp_path / "public") == fresh(site, tmp_path)


# -- the temporary index of a build without cache (and of read_articles) ------------


def temporary_indexes() -> list[Path]:
    return sorted(Path(tempfile.gettempdir()).glob(f"{TEMPORARY_PREFIX}*"))


def next_build_without_cache(config: Path, tmp_path: Path) -> None:
    assert main(["build", "--config", str(config), "--no-cache", "--quiet"]) == 0


def next_build_with_cache(config: Path, tmp_path: Path) -> None:
    args = ["build", "--config", str(config), "--cache", str(tmp_path / "cache"), "--quiet"]
    assert main(args) == 0


def next_reading(config: Path, tmp_path: Path) -> None:
    settings = FeedSettings(title="Noticias", link=SITE)
    assert len(read_articles(tmp_path / "news.jsonl", settings).articles) == 10


@pytest.mark.parametrize(
    "next_run",
    [next_build_without_cache, next_build_with_cache, next_reading],
    ids=["build without cache", "build with cache", "read_articles"],
)
def test_the_next_run_removes_the_temporary_index_a_killed_run_without_cache_left(
    next_run: Any, site: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    args = ["build", "--config", str(site), "--no-cache", "--quiet"]
    kill_while_writing(".rss.xml.", args, tmp_path / "log", processes)
    [left] = temporary_indexes()  # the killed run's $TMPDIR is this test's own
    assert (left / "site-index.sqlite3").stat().st_size > 0
    next_run(site, tmp_path)
    assert temporary_indexes() == []


def test_the_temporary_index_of_a_run_still_going_is_not_removed(
    site: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    args = ["build", "--config", str(site), "--no-cache", "--quiet"]
    live = subprocess.Popen(
        [sys.executable, "-c", KILLED, ".rss.xml.", str(tmp_path / "log"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    processes.append(live)
    deadline = time.monotonic() + PATIENCE
    while not (tmp_path / "log").exists():
        assert live.poll() is None, live.communicate()
        assert time.monotonic() < deadline, "the run never reached the rename"
        time.sleep(0.01)
    [in_use] = temporary_indexes()
    remove_abandoned_temporaries()
    other = tmp_path / "other.toml"  # another site's run, without cache too
    other.write_text(CONFIG.replace('out = "public"', 'out = "other"'), encoding="utf-8")
    next_build_without_cache(other, tmp_path)
    assert temporary_indexes() == [in_use]
    assert (in_use / "site-index.sqlite3").exists()
    os.kill(live.pid, signal.SIGKILL)
    live.communicate(timeout=PATIENCE)
    remove_abandoned_temporaries()
    assert temporary_indexes() == []


# -- WebSub pings a killed run did not send -------------------------------------------


class Hub:
    """urlopen in this process: each ping's feed URL, answered with `status`."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.heard: list[str] = []

    def __call__(self, request: urllib.request.Request, **kwargs: object) -> Any:
        assert isinstance(request.data, bytes)
        self.heard.append(urllib.parse.parse_qs(request.data.decode())["hub.url"][0])
        if self.status >= 400:
            raise urllib.error.HTTPError(request.full_url, self.status, "", Message(), None)
        return Answer(self.status)


class Answer:
    def __init__(self, status: int) -> None:
        self.status = status

    def __enter__(self) -> Answer:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


FEEDS = [f"{SITE}rss.xml", f"{SITE}atom.xml"]
QUEUE = ".newsfeed-websub-pending.json"


def test_feeds_a_run_killed_before_pinging_wrote_are_pinged_by_the_next_run(
    site: Path, tmp_path: Path, processes: list[subprocess.Popen[str]], monkeypatch: Any
) -> None:
    args = ["build", "--config", str(site), "--cache", str(tmp_path / "cache"), "--quiet"]
    assert kill_when_paused(PING, args, tmp_path / "log", processes) == "http://127.0.0.1:9/"
    assert (tmp_path / "public" / "rss.xml").exists()  # written, then killed
    hub = Hub(204)
    monkeypatch.setattr(urllib.request, "urlopen", hub)
    assert main(args) == 0  # a run that changes no feed
    assert hub.heard == FEEDS
    assert not (tmp_path / "public" / QUEUE).exists()
    hub.heard.clear()
    assert main(args) == 0
    assert hub.heard == []


def test_pings_a_killed_run_left_stay_queued_while_the_hub_fails(
    site: Path,
    tmp_path: Path,
    processes: list[subprocess.Popen[str]],
    monkeypatch: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["build", "--config", str(site), "--cache", str(tmp_path / "cache"), "--quiet"]
    kill_when_paused(PING, args, tmp_path / "log", processes)
    failing = Hub(503)
    monkeypatch.setattr(urllib.request, "urlopen", failing)
    assert main(args) == 0  # a failed ping is a warning
    assert failing.heard == [url for url in FEEDS for _ in range(3)]  # three attempts each
    assert capsys.readouterr().err.count("warning: WebSub ping for") == 2
    assert json.loads((tmp_path / "public" / QUEUE).read_text()) == FEEDS
    hub = Hub(204)
    monkeypatch.setattr(urllib.request, "urlopen", hub)
    assert main(args) == 0
    assert hub.heard == FEEDS
    assert not (tmp_path / "public" / QUEUE).exists()
