"""What a person meets first on the command line: usage, help, Ctrl-C, a quiet cron run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from newsfeed.cli import main
from newsfeed.config import load

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "site.toml"
SITE = "https://noticias.example.org/"
WITH_URL = {
    "url": "https://noticias.example.org/a.html",
    "title": "Sube el cobre",
    "published": "2026-11-26T14:30:00-05:00",
}


def test_a_usage_error_prints_the_usage_of_its_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["build", str(tmp_path), "--out", str(tmp_path / "out"), "--link", SITE])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: newsfeed build --config SITE.toml")
    assert "newsfeed build: error: without --config, give --title\n" in err


@pytest.mark.parametrize("option", ["--title", "--link"])
def test_an_empty_title_or_link_is_said_to_be_empty_not_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    given = {"--title": "Noticias", "--link": SITE, option: ""}
    argv = ["build", str(tmp_path), "--out", str(tmp_path / "out")]
    with pytest.raises(SystemExit) as exit:
        main([*argv, "--title", given["--title"], "--link", given["--link"]])
    assert exit.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"newsfeed build: error: {option}: must not be empty"
    )


def test_a_show_usage_error_prints_the_usage_of_show(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["show", str(tmp_path / "rss.xml"), "--limit", "-1"])
    err = capsys.readouterr().err
    assert err.startswith("usage: newsfeed show ")
    assert "newsfeed show: error: --limit: must be 0 or more" in err


@pytest.mark.parametrize("option", ["--out DIR", "--title TITLE", "--link URL"])
def test_build_help_says_what_is_required_without_config(
    option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    after = help_text[help_text.index(f" {option} ") :]
    assert after[: after.index("--config)") + len("--config)")].endswith(
        "(required without --config)"
    )


def test_ctrl_c_exits_130() -> None:
    # A real SIGINT, delivered while a command runs.
    code = (
        "import os, signal, sys\n"
        "from newsfeed import cli\n"
        "from newsfeed.cli import _show\n"
        "_show.run_show = lambda args: os.kill(os.getpid(), signal.SIGINT)\n"
        "sys.exit(cli.main(['show', 'feed.xml']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 128 + signal.SIGINT == 130
    assert result.stderr == "newsfeed: interrupted\n"


def build_one(tmp_path: Path, *options: str) -> list[str]:
    records = tmp_path / "a.jsonl"
    records.write_text(json.dumps(WITH_URL) + "\n", encoding="utf-8")
    argv = ["build", str(records), "--out", str(tmp_path / "out"), "--title", "N", "--link", SITE]
    result = subprocess.run(
        [sys.executable, "-m", "newsfeed", *argv, "--quiet", "--no-cache", *options],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.returncode == 0, result.stderr
    return [result.stdout, result.stderr]


def test_a_record_without_id_is_warned_of_even_when_quiet(tmp_path: Path) -> None:
    out, err = build_one(tmp_path)
    assert out == ""
    assert "warning: id: 1 record(s) have no id" in err


def test_accept_url_ids_makes_a_quiet_build_of_url_ids_silent(tmp_path: Path) -> None:
    assert build_one(tmp_path, "--accept-url-ids") == ["", ""]


def test_accepting_url_ids_still_warns_of_an_id_made_of_title_and_date(read) -> None:
    record = {"title": "Sube el cobre", "published": "2026-11-26T14:30:00-05:00"}
    reading = read([record], accept_url_ids=True)
    assert [p.field for p in reading.warnings] == ["id"]
    assert read([WITH_URL], accept_url_ids=True).warnings == []


def test_the_shipped_example_says_nothing_under_quiet(tmp_path: Path) -> None:
    assert load(EXAMPLE).site.settings.accept_url_ids is True
    argv = ["build", "--config", str(EXAMPLE), "--out", str(tmp_path / "public")]
    result = subprocess.run(
        [sys.executable, "-m", "newsfeed", *argv, "--no-cache", "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_readme_first_build_output_is_ignored_by_git() -> None:
    assert load(EXAMPLE).site.out == ROOT / "public"
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "public/" in ignored or "/public/" in ignored


def test_the_library_example_runs_and_says_nothing_wrong(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "library_use.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atom.xml", "feed.json", "rss.xml"]
