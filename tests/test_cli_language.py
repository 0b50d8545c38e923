"""`build --language` is written in the tag's conventional form, as a config file's is."""

from __future__ import annotations

import json
from pathlib import Path

from newsfeed.cli import main


def test_a_language_given_with_an_underscore_is_written_as_a_bcp_47_tag(tmp_path: Path) -> None:
    records = tmp_path / "records.json"
    records.write_text(
        json.dumps(
            [
                {
                    "id": "a-1",
                    "title": "Olá",
                    "url": "https://example.org/a-1",
                    "published": "2026-11-26T10:00:00Z",
                    "language": "pt-BR",
                }
            ]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "public"
    argv = [str(records), "--out", str(out), "--title", "Notícias"]
    argv += ["--link", "https://example.org/", "--language", "pt_br", "--quiet"]

    assert main(["build", *argv]) == 0
    assert "<language>pt-BR</language>" in (out / "rss.xml").read_text(encoding="utf-8")
    assert 'xml:lang="pt-BR"' in (out / "atom.xml").read_text(encoding="utf-8")
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert feed["language"] == "pt-BR"
    # The article's language is the feed's, so it is not repeated on the entry.
    assert "language" not in feed["items"][0]
