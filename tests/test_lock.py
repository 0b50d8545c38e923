"""Two runs writing the same output folder, in two real processes, never interleave."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser  # type: ignore[import-untyped]
import pytest

import newsfeed
from newsfeed.cli import main
from newsfeed.model import SettingError
from newsfeed.publishing import LOCK_NAME, LockTimeout, Site, locked, publish

SITE = "https://noticias.example.org/"
#: A bound on every wait for the other process; reaching it fails the test.
PATIENCE = 60.0

#: A run of `newsfeed build` whose steps are written to a log as they happen.
#: Run A pauses after its first file until run B says it is waiting for the
#: lock (B only sleeps in the lock's loop) or B is done, or, with "kill", pauses just
#: before its first rename until it is killed.
RUNNER = """
import os, sys, time
from pathlib import Path
import newsfeed.documents, newsfeed.files, newsfeed.publishing
from newsfeed.cli import main

role, log, mode, *argv = sys.argv[1:]

def note(event):
    with open(log, "a") as handle:
        handle.write(f"{role} {event}\\n")

def logged():
    return Path(log).read_text().splitlines()

real_write, real_sleep, real_replace = newsfeed.documents.write_if_changed, time.sleep, os.replace

def write(path, data):
    note(f"write {Path(path).name}")
    result = real_write(path, data)
    if role == "A" and mode == "pause" and "A paused" not in logged():
        note("paused")
        deadline = time.monotonic() + PATIENCE
        while not {"B waiting", "B exit 0"} & set(logged()):
            if time.monotonic() > deadline:
                note("gave up waiting for B")
                break
            real_sleep(0.01)
    return result

def sleep(seconds):
    if "B waiting" not in logged():
        note("waiting")
    real_sleep(seconds)

def replace(source, target):
    if mode == "kill":
        note("paused")
        real_sleep(PATIENCE)
    real_replace(source, target)

newsfeed.documents.write_if_changed = write
os.replace = replace
if role == "B":
    time.sleep = sleep
note("start")
code = main(argv)
note(f"exit {code}")
sys.exit(code)
""".replace("PATIENCE", repr(PATIENCE))

HOLDER = """
import sys
from pathlib import Path
from newsfeed.publishing import locked
with locked(Path(sys.argv[1]), 1):
    print("held", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def records(tmp_path: Path) -> Path:
    path = tmp_path / "records.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": f"n-{n}",
                    "url": f"{SITE}n/{n}.shtml",
                    "title": f"Noticia {n}",
                    "summary": "Resumen",
                    "published": f"2026-11-{n:02d}T10:00:00-05:00",
                }
                for n in range(1, 11)
            ]
        ),
        encoding="utf-8",
    )
    return path


def build_args(records: Path, out: Path, *more: str) -> list[str]:
    return ["build", str(records), "--out", str(out), "--title", "Noticias", "--link", SITE, *more]


def start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(log: Path, line: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not (log.exists() and line in log.read_text().splitlines()):
        assert time.monotonic() < deadline, f"no {line!r} in {log}"
        time.sleep(0.01)


def test_a_second_run_waits_for_the_first_and_then_finds_nothing_to_write(
    tmp_path: Path, records: Path, processes: list[subprocess.Popen[str]]
) -> None:
    out, log = tmp_path / "public", tmp_path / "log"
    first = start(RUNNER, "A", str(log), "pause", *build_args(records, out))
    processes.append(first)
    wait_for(log, "A paused")
    second = start(RUNNER, "B", str(log), "-", *build_args(records, out, "--lock-timeout", "60"))
    processes.append(second)
    _, first_err = first.communicate(timeout=PATIENCE)
    second_out, second_err = second.communicate(timeout=PATIENCE)
    assert (first.returncode, second.returncode) == (0, 0), first_err + second_err
    events = log.read_text().splitlines()
    assert events == [
        "A start",
        "A write rss.xml",
        "A paused",
        "B start",
        "B waiting",
        "A write atom.xml",
        "A write feed.json",
        "A exit 0",
        "B exit 0",  # the index says A wrote what B would: B renders nothing
    ]
    assert "0 written, 3 unchanged" in second_out


def test_a_run_that_waits_longer_than_lock_timeout_exits_with_code_4(
    tmp_path: Path, records: Path, processes: list[subprocess.Popen[str]]
) -> None:
    out = tmp_path / "public"
    holder = start(HOLDER, str(out))
    processes.append(holder)
    assert holder.stdout is not None
    assert holder.stdout.readline() == "held\n"
    run = subprocess.run(
        [sys.executable, "-m", "newsfeed", *build_args(records, out, "--lock-timeout", "0.2")],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert run.returncode == 4
    assert run.stderr == (
        f"newsfeed: {out / LOCK_NAME}: another newsfeed run is writing here; gave up after 0.2s\n"
    )
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]


def test_a_run_killed_before_its_rename_leaves_the_old_files_and_releases_the_lock(
    tmp_path: Path, records: Path, processes: list[subprocess.Popen[str]]
) -> None:
    out, log = tmp_path / "public", tmp_path / "log"
    out.mkdir()
    (out / "rss.xml").write_bytes(b"<rss>old</rss>\n")
    killed = start(RUNNER, "A", str(log), "kill", *build_args(records, out))
    processes.append(killed)
    wait_for(log, "A paused")
    os.kill(killed.pid, signal.SIGKILL)
    killed.communicate(timeout=PATIENCE)
    assert (out / "rss.xml").read_bytes() == b"<rss>old</rss>\n"
    run = subprocess.run(
        [sys.executable, "-m", "newsfeed", *build_args(records, out, "--lock-timeout", "5")],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert run.returncode == 0, run.stderr
    assert (out / "rss.xml").read_bytes().startswith(b"<?xml")


#: A run of `newsfeed build` that stops itself (SIGSTOP) as soon as it has
#: parsed the record whose id is STALL_AFTER: it has read its input, and
#: whatever it publishes when continued is that input.
STALLER = """
import json, os, signal, sys, time
from newsfeed.cli import main

role, log, stall_after, *argv = sys.argv[1:]

def note(event):
    with open(log, "a") as handle:
        handle.write(f"{role} {event}\\n")

real_loads, real_sleep = json.loads, time.sleep

def loads(text, *args, **kwargs):
    value = real_loads(text, *args, **kwargs)
    if isinstance(value, dict) and value.get("id") == stall_after:
        note("read")
        os.kill(os.getpid(), signal.SIGSTOP)
    return value

def sleep(seconds):
    note("waiting")
    real_sleep(seconds)

json.loads = loads
time.sleep = sleep
note("start")
code = main(argv)
note(f"exit {code}")
sys.exit(code)
"""


def write_jsonl(path: Path, count: int) -> None:
    """`count` records, replacing the file as an editor or exporter would."""
    lines = [
        json.dumps(
            {
                "id": f"n-{n}",
                "url": f"{SITE}n/{n}.shtml",
                "title": f"Noticia {n}",
                "published": f"2026-11-{n:02d}T10:00:00-05:00",
            }
        )
        for n in range(1, count + 1)
    ]
    partial = path.with_name(path.name + ".new")
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(partial, path)


def wait_until_stopped(process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + PATIENCE
    while Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "T":
        assert time.monotonic() < deadline, "the run never stopped"
        time.sleep(0.01)


def test_a_run_stalled_after_reading_cannot_overwrite_a_later_runs_output(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    source, out, log = tmp_path / "news.jsonl", tmp_path / "public", tmp_path / "log"
    write_jsonl(source, 3)
    args = [*build_args(source, out, "--formats", "rss", "--no-cache"), "--lock-timeout", "60"]
    stalled = start(STALLER, "A", str(log), "n-3", *args)
    processes.append(stalled)
    wait_for(log, "A read")
    wait_until_stopped(stalled)
    write_jsonl(source, 4)  # newer input, which the stalled run never saw
    later = start(STALLER, "B", str(log), "-", *args)
    processes.append(later)
    deadline = time.monotonic() + PATIENCE
    while not {"B waiting", "B exit 0"} & set(log.read_text().splitlines()):
        assert time.monotonic() < deadline, "the later run neither waited nor ended"
        time.sleep(0.01)
    os.kill(stalled.pid, signal.SIGCONT)
    _, stalled_err = stalled.communicate(timeout=PATIENCE)
    _, later_err = later.communicate(timeout=PATIENCE)
    assert (stalled.returncode, later.returncode) == (0, 0), stalled_err + later_err
    events = log.read_text().splitlines()
    # The later run waited for the stalled one, which had the lock before it read.
    assert events[:4] == ["A start", "A read", "B start", "B waiting"]
    assert {"A exit 0", "B exit 0"} <= set(events)
    entries = feedparser.parse((out / "rss.xml").read_bytes()).entries
    assert [entry.id for entry in entries] == ["n-4", "n-3", "n-2", "n-1"]


def test_the_lock_is_taken_before_any_source_is_read(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    out = tmp_path / "public"
    holder = start(HOLDER, str(out))
    processes.append(holder)
    assert holder.stdout is not None
    assert holder.stdout.readline() == "held\n"
    began = time.monotonic()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsfeed",
            *build_args(tmp_path / "missing.jsonl", out, "--lock-timeout", "0.5", "--no-cache"),
        ],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    # Not 1 for the missing source: the run never got as far as reading.
    assert run.returncode == 4
    assert time.monotonic() - began >= 0.5
    assert run.stderr == (
        f"newsfeed: {out / LOCK_NAME}: another newsfeed run is writing here; gave up after 0.5s\n"
    )


def test_a_process_that_holds_the_lock_can_publish_under_it(tmp_path: Path) -> None:
    settings = newsfeed.FeedSettings(title="Noticias", link=SITE)
    record = {"id": "n-1", "title": "Noticia 1", "published": "2026-11-01T10:00:00Z"}
    (article,) = newsfeed.read_articles([record], settings).articles
    site = Site(settings, tmp_path, lock_timeout=0)
    # Held around reading and publishing, as the command line does: publish
    # takes it again inside, and does not wait for itself.
    with locked(tmp_path, 0):
        outcome = publish(site, [article])
    assert [w.status for w in outcome.files] == ["written"] * 3


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), -1.0])
def test_a_lock_timeout_that_never_ends_or_is_negative_is_refused(
    tmp_path: Path, timeout: float
) -> None:
    # NaN never compares as past its deadline: a run would wait for ever.
    with pytest.raises(SettingError, match="lock_timeout: must be a number of seconds, 0 or"):
        Site(newsfeed.FeedSettings(title="Noticias", link=SITE), tmp_path, lock_timeout=timeout)


@pytest.mark.parametrize("timeout", ["nan", "inf", "-1"])
def test_a_lock_timeout_option_that_never_ends_or_is_negative_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], timeout: str
) -> None:
    records = tmp_path / "a.jsonl"
    records.write_text('{"id": "n-1", "title": "T", "published": "2026-11-26"}\n')
    argv = ["build", str(records), "--out", str(tmp_path / "out"), "--title", "N", "--link", SITE]
    with pytest.raises(SystemExit) as exit:
        main([*argv, f"--lock-timeout={timeout}"])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith(
        "newsfeed build: error: --lock-timeout: must be a number of seconds, 0 or more, not "
    )
    assert not (tmp_path / "out").exists()


def test_another_thread_of_the_process_that_holds_the_lock_waits_for_it(tmp_path: Path) -> None:
    # Re-entry is for the thread holding the lock: a web app's other threads
    # publishing the same folder must still take turns, as flock makes them.
    import threading

    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with locked(tmp_path, 0):
            held.set()
            release.wait(PATIENCE)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(PATIENCE)
        with pytest.raises(LockTimeout), locked(tmp_path, 0):
            pass
    finally:
        release.set()
        holder.join()
    with locked(tmp_path, 0):
        pass
