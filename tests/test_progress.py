"""Progress on a terminal: reading, then publishing, with done / total, rate and time left."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from newsfeed.cli import main
from newsfeed.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_line_says_done_of_total_the_rate_and_the_time_left() -> None:
    progress = Progress(Terminal())
    progress.start("publishing", 4, "documents")
    progress.advance()
    line = progress.line()
    assert line.startswith("publishing: 1/4 documents (")
    assert "/s)" in line
    assert line.endswith(" left")


def test_reading_counts_records_as_they_are_read() -> None:
    progress = Progress(Terminal())
    progress.start("reading", 2, "sources")
    for _ in range(3):
        progress.count()
    assert progress.line().startswith("reading: 0/2 sources, 3 records (")


def test_a_terminal_gets_lines_that_are_cleared_at_the_end() -> None:
    terminal = Terminal()
    progress = Progress(terminal)
    progress.start("publishing", 1, "documents")
    progress.advance()
    progress.finish()
    shown = terminal.getvalue()
    assert "publishing: 1/1 documents" in shown
    assert shown.endswith("\r\033[K")


def test_a_stream_that_is_not_a_terminal_gets_nothing() -> None:
    stream = io.StringIO()
    progress = Progress(stream)
    progress.start("reading", 1, "sources")
    progress.advance()
    progress.finish()
    assert stream.getvalue() == ""


def test_a_build_on_a_terminal_shows_progress_unless_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a.jsonl"
    source.write_text('{"id": "a-1", "title": "Uno", "published": "2026-11-26"}\n')
    args = ["build", str(source), "--out", str(tmp_path / "out"), "--title", "T"]
    args += ["--link", "https://example.org/"]
    monkeypatch.setattr("sys.stderr", Terminal())
    assert main(args) == 0
    assert "reading: 1/1 sources" in sys.stderr.getvalue()  # type: ignore[attr-defined]
    monkeypatch.setattr("sys.stderr", Terminal())
    assert main([*args, "--quiet"]) == 0
    assert sys.stderr.getvalue() == ""  # type: ignore[attr-defined]
