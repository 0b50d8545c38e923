"""`newsfeed validate`: one line per finding, a summary, exit codes, JSON output."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsfeed.cli import main

VALID_RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>T</title><link>https://example.org/</link><description>D</description>
<atom:link href="https://example.org/rss.xml" rel="self" type="application/rss+xml"/>
<item><title>A</title><link>https://example.org/a</link><guid>https://example.org/a</guid>
<pubDate>Thu, 26 Nov 2026 14:30:00 -0500</pubDate></item>
</channel></rss>
"""
WITHOUT_SELF = VALID_RSS.replace(
    b'<atom:link href="https://example.org/rss.xml" rel="self" type="application/rss+xml"/>', b""
)
EXAMPLE_SITE = Path(__file__).parent.parent / "examples" / "site.toml"
TWO_DIGIT_YEAR = VALID_RSS.replace(b"Thu, 26 Nov 2026 14:30:00 -0500", b"26/11/26")


def write(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


def test_a_valid_feed_prints_only_the_summary_and_exits_0(tmp_path, capsys):
    path = write(tmp_path, "ok.xml", VALID_RSS)

    assert main(["validate", path]) == 0
    assert capsys.readouterr().out == "1 file(s): 0 error(s), 0 warning(s)\n"


def test_an_error_is_one_line_with_file_line_level_message_and_code(tmp_path, capsys):
    path = write(tmp_path, "bad.xml", TWO_DIGIT_YEAR)

    assert main(["validate", path]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"{path}:6: error: ")
    assert first.endswith(" [InvalidRFC2822Date]")


def test_warnings_alone_exit_0(tmp_path, capsys):
    path = write(tmp_path, "noself.xml", WITHOUT_SELF)

    assert main(["validate", path]) == 0
    assert "warning: " in capsys.readouterr().out


def test_strict_makes_warnings_fail(tmp_path):
    path = write(tmp_path, "noself.xml", WITHOUT_SELF)

    assert main(["validate", "--strict", path]) == 1


def test_the_summary_counts_every_file(tmp_path, capsys):
    paths = [write(tmp_path, "a.xml", TWO_DIGIT_YEAR), write(tmp_path, "b.xml", WITHOUT_SELF)]

    main(["validate", *paths])
    assert capsys.readouterr().out.splitlines()[-1] == "2 file(s): 1 error(s), 1 warning(s)"


def test_json_format_lists_findings_per_file(tmp_path, capsys):
    path = write(tmp_path, "bad.xml", TWO_DIGIT_YEAR)

    main(["validate", "--format", "json", path])
    report = json.loads(capsys.readouterr().out)
    (finding,) = report[path]
    assert finding["level"] == "error"
    assert finding["code"] == "InvalidRFC2822Date"
    assert finding["line"] == 6
    assert finding["path"].endswith("/pubDate")
    assert finding["entry_id"] == "https://example.org/a"


def test_dash_reads_standard_input(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TWO_DIGIT_YEAR)))

    assert main(["validate", "-"]) == 1
    assert capsys.readouterr().out.startswith("<stdin>:6: error: ")


def test_a_missing_file_is_one_clear_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.xml")]) == 1
    assert capsys.readouterr().err == f"{tmp_path / 'nope.xml'}: error: no such file\n"


def test_a_document_that_is_not_xml_is_reported_not_raised(tmp_path, capsys):
    path = write(tmp_path, "junk.xml", b"this is not a feed")

    assert main(["validate", path]) == 1
    assert ": error: " in capsys.readouterr().out


@pytest.mark.parametrize("args", [["validate"], ["validate", "--format", "yaml", "x.xml"]])
def test_usage_errors_exit_2(args):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2


def test_the_console_command_validates_what_build_wrote(tmp_path):
    out = tmp_path / "public"
    build = subprocess.run(
        [sys.executable, "-m", "newsfeed", "build", "--config", str(EXAMPLE_SITE),
         "--out", str(out), "--quiet"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    check = subprocess.run(
        [sys.executable, "-m", "newsfeed", "validate", "--strict",
         str(out / "rss.xml"), str(out / "atom.xml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout
    assert check.stdout.endswith("2 file(s): 0 error(s), 0 warning(s)\n")


def test_an_unreadable_file_is_one_error_and_the_others_are_still_checked(tmp_path, capsys):
    folder = tmp_path / "a-folder.xml"
    folder.mkdir()
    good = write(tmp_path, "ok.xml", VALID_RSS)

    assert main(["validate", str(folder), good]) == 1
    printed = capsys.readouterr()
    assert printed.err == f"{folder}: error: cannot read: Is a directory\n"
    assert printed.out == "2 file(s) (1 not read): 1 error(s), 0 warning(s)\n"


def test_quiet_prints_findings_only(tmp_path, capsys):
    good = write(tmp_path, "ok.xml", VALID_RSS)
    bad = write(tmp_path, "bad.xml", TWO_DIGIT_YEAR)

    assert main(["validate", "--quiet", good]) == 0
    assert capsys.readouterr().out == ""
    assert main(["validate", "--quiet", good, bad]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{bad}:6: error: ")
    assert "file(s)" not in out


def test_a_missing_file_is_counted_in_the_summary(tmp_path, capsys):
    good = write(tmp_path, "ok.xml", VALID_RSS)

    assert main(["validate", str(tmp_path / "missing.xml"), good]) == 1
    printed = capsys.readouterr()
    assert printed.err == f"{tmp_path / 'missing.xml'}: error: no such file\n"
    assert printed.out == "2 file(s) (1 not read): 1 error(s), 0 warning(s)\n"


def test_a_json_feed_is_validated_with_its_findings_placed_by_path(tmp_path, capsys):
    doc = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "T",'
        b' "home_page_url": "https://example.org/", "feed_url": "https://example.org/feed.json",'
        b' "items": [{"id": "1", "content_text": "x", "date_published": "26/11/26"}]}'
    )
    path = write(tmp_path, "feed.json", doc)

    assert main(["validate", path]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"{path}:1: error: date_published must be an RFC 3339 date-time")
    assert first.endswith("[InvalidRFC3339Date] at /items/0/date_published")


def test_what_validate_prints_holds_no_terminal_controls(tmp_path, capsys):
    doc = b'{"version": "https://jsonfeed.org/version/1.1", "title": "T", "\\u001b[2J\xc2\x9b": 1}'
    path = write(tmp_path, "feed.json", doc)

    main(["validate", path])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out
