"""The article text layout: each `tests/layout/NAME.txt` reads as `NAME.json` beside it says.

An expectation file holds the Article's fields: `kicker`, `title`, `summary`,
`body` (the text of each body paragraph), `authors` (the fields each author
has), and, where the fixture sets them, `url`, `id`, `published` (RFC 3339),
`language`, `categories`, `image` (the fields the image has) and `warnings`
(the fields warned about, besides the build's note about missing ids).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from newsfeed import Article
from newsfeed.dates import format_rfc3339

LAYOUT = Path(__file__).parent / "layout"
CASES = sorted(path.stem for path in LAYOUT.glob("*.txt"))


def paragraphs(html: str | None) -> list[str]:
    if html is None:
        return []
    return [unescape(p) for p in re.findall(r"<p>(.*?)</p>", html, re.DOTALL)]


def present(value: Any) -> dict[str, Any]:
    """The fields of an Author or Image that are set."""
    return {key: item for key, item in asdict(value).items() if item is not None}


def shown(article: Article, field: str) -> Any:
    """The Article's `field` as an expectation file writes it."""
    if field == "body":
        return paragraphs(article.body_html)
    if field == "authors":
        return [present(author) for author in article.authors]
    if field == "published":
        return format_rfc3339(article.published)
    if field == "categories":
        return list(article.categories)
    if field == "image":
        return None if article.image is None else present(article.image)
    return getattr(article, field)


@pytest.mark.parametrize("name", CASES)
def test_layout_fixture_has_its_expectation_beside_it(name: str) -> None:
    assert (LAYOUT / f"{name}.json").is_file()


@pytest.mark.parametrize("name", CASES)
def test_layout_fixture_reads_as_expected(name: str, read) -> None:
    expected = json.loads((LAYOUT / f"{name}.json").read_text(encoding="utf-8"))
    reading = read(LAYOUT / f"{name}.txt")
    assert reading.errors == []
    [article] = reading.articles
    for field, value in expected.items():
        if field == "warnings":
            warned = [p.field for p in reading.warnings if p.source != "build"]
            assert warned == value, field
        else:
            assert shown(article, field) == value, field


def test_crlf_fixture_really_has_crlf_line_endings() -> None:
    data = (LAYOUT / "crlf_line_endings.txt").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") > 10


@pytest.mark.parametrize("name", ["byte_order_mark", "byte_order_mark_without_front_matter"])
def test_bom_fixture_really_starts_with_a_byte_order_mark(name: str) -> None:
    assert (LAYOUT / f"{name}.txt").read_bytes().startswith(b"\xef\xbb\xbf")


def test_long_line_fixture_really_is_longer_than_300_characters() -> None:
    text = (LAYOUT / "header_line_longer_than_300_characters.txt").read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) > 300


def test_crlf_leaves_no_carriage_return_in_any_field(read) -> None:
    [article] = read(LAYOUT / "crlf_line_endings.txt").articles
    texts = [article.kicker, article.title, article.summary, article.body_html, article.url]
    texts += [author.bio for author in article.authors]
    assert not any("\r" in text for text in texts if text)


def test_bom_does_not_reach_the_kicker(read) -> None:
    [article] = read(LAYOUT / "byte_order_mark_without_front_matter.txt").articles
    assert article.kicker == "Economía"


def test_front_matter_date_replaces_the_file_modification_time(read) -> None:
    reading = read(LAYOUT / "front_matter_overrides_layout.txt")
    assert not [p for p in reading.problems if p.field == "published"]


def test_layout_without_date_is_warned_to_use_the_modification_time(read) -> None:
    reading = read(LAYOUT / "three_header_lines.txt")
    assert [p.field for p in reading.warnings if p.source != "build"] == ["published"]
