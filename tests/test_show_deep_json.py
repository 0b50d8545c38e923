"""`newsfeed show` names a JSON document nested too deeply to read, as the sources do."""

from __future__ import annotations

from pathlib import Path

from newsfeed.cli import main


def test_json_nested_too_deeply_is_an_unreadable_feed_not_an_internal_error(
    tmp_path: Path, capsys
) -> None:
    feed = tmp_path / "deep.json"
    depth = 200_000
    feed.write_text(
        '{"version": "https://jsonfeed.org/version/1.1", "items": '
        + "[" * depth
        + "]" * depth
        + "}",
        encoding="utf-8",
    )

    assert main(["show", str(feed)]) == 1
    assert capsys.readouterr().err == f"{feed}: error: JSON nested too deeply to read\n"
