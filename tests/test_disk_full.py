"""A full disk anywhere a run writes (the output folder, $TMPDIR, the cache
folder) is one line naming the path, never an internal error or a second
line; the next run with room builds what a fresh build would."""

from __future__ import annotations

import errno
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsfeed.cli import main
from newsfeed.index import INDEX_NAME, SiteIndex

SITE = "https://noticias.example.org/"
FULL = "No space left on device"


def write_records(path: Path, first: int, count: int, body_size: int = 2000) -> Path:
    lines = [
        json.dumps(
            {
                "id": f"n-{n}",
                "url": f"{SITE}n/{n}.shtml",
                "title": f"Noticia {n}",
                "body": "Texto. " * (body_size // 7),
                "published": f"2026-11-01T10:{n % 60:02d}:{n // 60:02d}-05:00",
            }
        )
        for n in range(first, first + count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build_args(out: Path, *sources: Path) -> list[str]:
    args = ["build", *map(str, sources), "--out", str(out), "--title", "Noticias"]
    return [*args, "--link", SITE, "--formats", "rss,atom", "--quiet"]


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def fresh(tmp_path: Path, *sources: Path) -> dict[str, bytes]:
    out = tmp_path / "fresh"
    assert main([*build_args(out, *sources), "--no-cache"]) == 0
    return tree(out)


def no_space(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, FULL)


# -- a full disk, injected ------------------------------------------------------------


def test_a_full_output_folder_is_one_line_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = write_records(tmp_path / "news.jsonl", 1, 5), tmp_path / "public"
    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", no_space)  # where a delayed allocation reports it
        assert main(build_args(out, source)) == 1
    assert capsys.readouterr().err == f"newsfeed: cannot write {out / 'rss.xml'}: {FULL}\n"
    assert main(build_args(out, source)) == 0
    assert tree(out) == fresh(tmp_path, source)


def full_index(*args: Any, **kwargs: Any) -> None:
    raise sqlite3.OperationalError("database or disk is full")


@pytest.mark.parametrize(
    "step", ["replace_source", "record"], ids=["full while reading", "full when publishing"]
)
def test_a_full_temporary_folder_is_one_line_naming_it(
    step: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # --no-cache keeps its index in the temporary folder.
    source, out = write_records(tmp_path / "news.jsonl", 1, 5), tmp_path / "public"
    with monkeypatch.context() as patch:
        patch.setattr(SiteIndex, step, full_index)
        assert main([*build_args(out, source), "--no-cache"]) == 1
    assert capsys.readouterr().err == f"newsfeed: cannot write {tempfile.gettempdir()}: {FULL}\n"
    assert main([*build_args(out, source), "--no-cache"]) == 0
    assert tree(out) == fresh(tmp_path, source)


def test_a_websub_queue_that_cannot_be_saved_is_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = write_records(tmp_path / "news.jsonl", 1, 5), tmp_path / "public"
    config = tmp_path / "site.toml"
    config.write_text(
        f'sources = ["{source}"]\nout = "{out}"\n[site]\ntitle = "Noticias"\n'
        f'link = "{SITE}"\nwebsub_hub = "http://127.0.0.1:9/"\n',
        encoding="utf-8",
    )
    real_replace = os.replace

    def replace(source: Any, target: Any) -> None:
        if Path(target).name.startswith(".newsfeed-websub"):
            no_space()
        real_replace(source, target)

    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: no_space())
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    monkeypatch.setattr(os, "replace", replace)
    assert main(["build", "--config", str(config), "--quiet", "--no-cache"]) == 1
    last = capsys.readouterr().err.splitlines()[-1]
    assert last == f"newsfeed: cannot write {out / '.newsfeed-websub-pending.json'}: {FULL}"
    assert not [name for name in os.listdir(out) if name.endswith(".newsfeed-tmp")]


# -- a full disk, for real: a small tmpfs (needs root; skipped otherwise) ------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB file system of its own, unmounted after the test."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsfeed", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def test_a_real_full_output_folder_is_one_line_and_the_next_run_mends_it(
    tmp_path: Path, small_disk: Path
) -> None:
    source = write_records(tmp_path / "news.jsonl", 1, 60)
    out = small_disk / "public"
    failed = run([*build_args(out, source), "--no-cache"])
    assert failed.returncode == 1
    assert re.fullmatch(
        f"newsfeed: cannot write {re.escape(str(out))}/\\S+: {FULL}\n", failed.stderr
    )
    subprocess.run(["mount", "-o", "remount,size=16m", str(small_disk)], check=True)
    assert run([*build_args(out, source), "--no-cache"]).returncode == 0
    assert tree(out) == fresh(tmp_path, source)


def test_a_real_full_temporary_folder_is_one_line_naming_it(
    tmp_path: Path, small_disk: Path
) -> None:
    source, out = write_records(tmp_path / "news.jsonl", 1, 60), tmp_path / "public"
    failed = run([*build_args(out, source), "--no-cache"], TMPDIR=str(small_disk))
    assert (failed.returncode, failed.stderr) == (
        1,
        f"newsfeed: cannot write {small_disk}: {FULL}\n",
    )


def test_a_real_full_cache_folder_is_one_warning_and_the_feeds_are_written(
    tmp_path: Path, small_disk: Path
) -> None:
    sources = [
        write_records(tmp_path / "a.jsonl", 1, 40),
        write_records(tmp_path / "b.jsonl", 41, 40),
    ]
    out = tmp_path / "public"
    built = run([*build_args(out, *sources), "--cache", str(small_disk)])
    assert (built.returncode, built.stderr) == (
        0,
        f"{small_disk / INDEX_NAME}: warning: index: cannot write it ({FULL}): built without it\n",
    )
    assert tree(out) == fresh(tmp_path, *sources)
