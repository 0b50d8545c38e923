"""WebSub: after a build that changed feeds, the hub hears of each one; a failed ping changes
nothing on disk. The hub is a real HTTP server on 127.0.0.1 that records what it receives."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsfeed.cli import main
from newsfeed.model import InputWarning
from newsfeed.publishing import notify_hub

SITE = "https://noticias.example.org/"


class Hub:
    """A hub that answers with the given statuses in turn (then 204), recording each POST."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.received: list[dict[str, list[str]]] = []
        self.content_types: list[str] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode()
                hub.received.append(urllib.parse.parse_qs(body))
                hub.content_types.append(self.headers.get("Content-Type", ""))
                status = hub.statuses.pop(0) if hub.statuses else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def pings(self) -> list[tuple[str, str]]:
        return [(r["hub.mode"][0], r["hub.url"][0]) for r in self.received]


@pytest.fixture
def hub() -> Iterator[Hub]:
    server = Hub([])
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
    server.thread.join(timeout=10)


@pytest.fixture
def no_pause(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retries' pauses, recorded instead of slept."""
    pauses: list[float] = []
    monkeypatch.setattr(time, "sleep", pauses.append)
    return pauses


def closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


# -- notify_hub -----------------------------------------------------------------------


def test_each_feed_url_is_pinged_with_hub_mode_publish(hub: Hub) -> None:
    urls = [f"{SITE}rss.xml", f"{SITE}category/%E5%9B%BD%E9%99%85/atom.xml"]
    assert notify_hub(hub.url, urls, timeout=5) == []
    assert hub.pings() == [("publish", urls[0]), ("publish", urls[1])]
    assert hub.content_types == ["application/x-www-form-urlencoded"] * 2


def test_a_hub_answering_500_is_asked_again_with_growing_pauses(
    hub: Hub, no_pause: list[float]
) -> None:
    hub.statuses[:] = [500, 500]
    assert notify_hub(hub.url, [f"{SITE}rss.xml"], timeout=5, attempts=3, backoff=0.5) == []
    assert hub.pings() == [("publish", f"{SITE}rss.xml")] * 3
    assert no_pause == [0.5, 1.0]


def test_a_hub_that_keeps_failing_is_reported_after_the_last_attempt(
    hub: Hub, no_pause: list[float]
) -> None:
    hub.statuses[:] = [500, 502, 503]
    problems = notify_hub(hub.url, [f"{SITE}rss.xml"], timeout=5, attempts=3)
    assert len(hub.received) == 3
    assert problems == [
        InputWarning(hub.url, None, None, f"WebSub ping for {SITE}rss.xml failed: HTTP 503")
    ]


def test_a_hub_refusing_the_request_is_not_asked_again(hub: Hub, no_pause: list[float]) -> None:
    hub.statuses[:] = [400]
    problems = notify_hub(hub.url, [f"{SITE}rss.xml"], timeout=5, attempts=3)
    assert len(hub.received) == 1
    assert [p.message for p in problems] == [f"WebSub ping for {SITE}rss.xml failed: HTTP 400"]


def test_a_hub_that_is_down_is_reported(no_pause: list[float]) -> None:
    down = closed_port()
    problems = notify_hub(down, [f"{SITE}rss.xml"], timeout=5, attempts=2)
    assert len(problems) == 1
    assert problems[0].message.startswith(f"WebSub ping for {SITE}rss.xml failed: ")
    assert "refused" in problems[0].message.lower()


# -- after a build --------------------------------------------------------------------------


def write_site(folder: Path, hub_url: str) -> Path:
    records = [
        {
            "id": f"n-{n}",
            "url": f"{SITE}n/{n}.shtml",
            "title": f"Noticia {n}",
            "published": f"2026-11-{n:02d}T10:00:00-05:00",
            "categories": ["Economía"],
        }
        for n in range(1, 4)
    ]
    (folder / "records.json").write_text(json.dumps(records), encoding="utf-8")
    config = folder / "site.toml"
    config.write_text(
        f"""\
sources = ["records.json"]
out = "public"

[site]
title = "Noticias"
link = "{SITE}"
limit = 2
websub_hub = "{hub_url}"

[[feeds]]
formats = ["rss", "atom"]
archive = true
page_size = 5

[[feeds]]
path = "category"
fan_out = "category"
formats = ["atom"]
""",
        encoding="utf-8",
    )
    return config


def test_a_build_that_changed_feeds_pings_the_hub_for_each_subscription_feed(
    tmp_path: Path, hub: Hub, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_site(tmp_path, hub.url)
    assert main(["build", "--config", str(config), "--quiet"]) == 0
    assert sorted(hub.pings()) == [
        ("publish", f"{SITE}atom.xml"),
        ("publish", f"{SITE}category/economia/atom.xml"),
        ("publish", f"{SITE}rss.xml"),
    ]  # the archive page that changed too is not pinged
    assert (tmp_path / "public" / "archive" / "1" / "rss.xml").exists()
    assert capsys.readouterr() == ("", "")


def test_the_feeds_carry_the_hub_link(tmp_path: Path, hub: Hub) -> None:
    main(["build", "--config", str(write_site(tmp_path, hub.url)), "--quiet"])
    assert f'<atom:link href="{hub.url}" rel="hub"/>' in (
        tmp_path / "public" / "rss.xml"
    ).read_text(encoding="utf-8")
    assert f'<link href="{hub.url}" rel="hub"/>' in (tmp_path / "public" / "atom.xml").read_text(
        encoding="utf-8"
    )


def test_an_unchanged_build_sends_nothing(tmp_path: Path, hub: Hub) -> None:
    config = write_site(tmp_path, hub.url)
    main(["build", "--config", str(config), "--quiet"])
    hub.received.clear()
    assert main(["build", "--config", str(config), "--quiet"]) == 0
    assert hub.received == []


def test_a_hub_that_is_down_gives_a_warning_and_the_feeds_are_written(
    tmp_path: Path, no_pause: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    down = closed_port()
    config = write_site(tmp_path, down)
    assert main(["build", "--config", str(config), "--quiet"]) == 0
    printed = capsys.readouterr()
    assert printed.out == ""
    warnings = printed.err.splitlines()
    assert len(warnings) == 3
    assert all(w.startswith(f"{down}: warning: WebSub ping for {SITE}") for w in warnings)
    assert (tmp_path / "public" / "rss.xml").read_bytes().startswith(b"<?xml")


def test_feeds_whose_ping_failed_are_pinged_on_the_next_run_even_if_unchanged(
    tmp_path: Path, hub: Hub, no_pause: list[float]
) -> None:
    config = write_site(tmp_path, hub.url)
    hub.statuses[:] = [503] * 9  # three attempts for each of the three feeds
    main(["build", "--config", str(config), "--quiet"])
    hub.received.clear()

    assert main(["build", "--config", str(config), "--quiet"]) == 0
    assert len(hub.pings()) == 3
    assert not (tmp_path / "public" / ".newsfeed-websub-pending.json").exists()


def test_a_third_run_after_the_hub_heard_everything_sends_nothing(
    tmp_path: Path, hub: Hub, no_pause: list[float]
) -> None:
    config = write_site(tmp_path, hub.url)
    hub.statuses[:] = [503] * 9
    main(["build", "--config", str(config), "--quiet"])
    main(["build", "--config", str(config), "--quiet"])
    hub.received.clear()

    main(["build", "--config", str(config), "--quiet"])
    assert hub.received == []


def queue_pings_that_fail(config: Path, hub: Hub) -> None:
    """A first run whose three pings all fail: its feeds are written and stay queued."""
    hub.statuses[:] = [503] * 9
    main(["build", "--config", str(config), "--quiet"])
    hub.received.clear()


def test_a_run_stopped_by_an_unreadable_source_still_pings_what_an_earlier_run_queued(
    tmp_path: Path, hub: Hub, no_pause: list[float]
) -> None:
    config = write_site(tmp_path, hub.url)
    queue_pings_that_fail(config, hub)
    written = (tmp_path / "public" / "rss.xml").read_bytes()
    (tmp_path / "records.json").write_text("[{", encoding="utf-8")

    assert main(["build", "--config", str(config), "--quiet"]) == 1
    assert sorted(hub.pings()) == [
        ("publish", f"{SITE}atom.xml"),
        ("publish", f"{SITE}category/economia/atom.xml"),
        ("publish", f"{SITE}rss.xml"),
    ]
    assert not (tmp_path / "public" / ".newsfeed-websub-pending.json").exists()
    assert (tmp_path / "public" / "rss.xml").read_bytes() == written


def test_a_run_stopped_by_strict_still_pings_what_an_earlier_run_queued(
    tmp_path: Path, hub: Hub, no_pause: list[float]
) -> None:
    config = write_site(tmp_path, hub.url)
    queue_pings_that_fail(config, hub)
    records = json.loads((tmp_path / "records.json").read_text(encoding="utf-8"))
    records.append({"id": "bad", "title": "Sin fecha", "published": "31 de febrero"})
    (tmp_path / "records.json").write_text(json.dumps(records), encoding="utf-8")

    assert main(["build", "--config", str(config), "--quiet", "--strict"]) == 1
    assert len(hub.pings()) == 3
    assert not (tmp_path / "public" / ".newsfeed-websub-pending.json").exists()


def test_a_stopped_run_whose_pings_fail_again_keeps_them_queued_and_ends_with_why_it_stopped(
    tmp_path: Path, hub: Hub, no_pause: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_site(tmp_path, hub.url)
    queue_pings_that_fail(config, hub)
    (tmp_path / "records.json").write_text("[{", encoding="utf-8")
    hub.statuses[:] = [503] * 9
    capsys.readouterr()

    assert main(["build", "--config", str(config), "--quiet"]) == 1
    stderr = capsys.readouterr().err.splitlines()
    assert sum("WebSub ping for" in line for line in stderr) == 3
    assert stderr[-1].startswith("newsfeed: 1 source(s) could not be read: nothing written")
    queued = json.loads(
        (tmp_path / "public" / ".newsfeed-websub-pending.json").read_text(encoding="utf-8")
    )
    assert sorted(queued) == [
        f"{SITE}atom.xml",
        f"{SITE}category/economia/atom.xml",
        f"{SITE}rss.xml",
    ]
