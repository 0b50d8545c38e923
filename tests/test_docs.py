"""docs/ cannot drift from the code: every field, alias and configuration key the code
knows is documented, and every file the README and docs link to is in the checkout."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from newsfeed.config import FEED_KEYS, SITE_KEYS, TOP_KEYS
from newsfeed.fields import BODY_FORMATS, LIST_FIELDS
from newsfeed.fields import NAMES as FIELDS
from newsfeed.model import AUTHOR_KEYS, WEBFEEDS_KEYS, Image

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def documented(name: str) -> set[str]:
    """The names written in backticks in docs/NAME (`[site]`, `[[feeds]]` as tables)."""
    names = re.findall(r"`([^`\s]+)`", (DOCS / name).read_text(encoding="utf-8"))
    return {name.strip("[]") for name in names}


def field_table(name: str) -> dict[str, set[str]]:
    """The `Fields` table of docs/NAME: field -> aliases."""
    table: dict[str, set[str]] = {}
    for line in (DOCS / name).read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 5:
            table[cells[0].strip("`")] = set(re.findall(r"`([^`]+)`", cells[1]))
    return table


def test_the_records_doc_lists_every_field_with_exactly_its_aliases() -> None:
    expected = {name: set(names) - {name} for name, names in FIELDS.items()}
    assert field_table("records.md") == expected


def test_the_records_doc_names_the_list_fields_body_formats_and_object_keys() -> None:
    shown = documented("records.md")
    assert set(LIST_FIELDS) | set(BODY_FORMATS) <= shown
    assert {"name", "email", "url", "bio"} <= shown
    assert {f.name for f in fields(Image)} <= shown


@pytest.mark.parametrize("keys", [TOP_KEYS, SITE_KEYS, FEED_KEYS, set(WEBFEEDS_KEYS)])
def test_the_configuration_doc_describes_every_key(keys: set[str]) -> None:
    assert keys <= documented("configuration.md")


def test_the_configuration_doc_names_the_feed_author_keys() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert all(f'{key} = "..."' in text for key in AUTHOR_KEYS)


def test_the_formats_doc_maps_every_field_that_reaches_a_feed() -> None:
    shown = documented("formats.md")
    assert set(FIELDS) - {"id", "body_format"} <= shown


LINK = re.compile(r"\]\(([^)#:]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize(
    "page", [ROOT / "README.md", *sorted(DOCS.glob("*.md"))], ids=lambda p: p.name
)
def test_every_link_to_a_file_leads_to_one_in_the_checkout(page: Path) -> None:
    targets = LINK.findall(page.read_text(encoding="utf-8"))
    missing = [t for t in targets if not (page.parent / t).exists()]
    assert missing == []


def test_the_readme_names_no_file_outside_the_checkout() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    names = re.findall(r"`((?:examples|benchmarks|docs|newsfeed)/[\w./-]+|[\w-]+\.md)`", text)
    assert names
    for name in names:
        path = ROOT / "src" / name if name.startswith("newsfeed/") else ROOT / name
        assert path.exists(), name
    assert "article-records.md" not in text and "feed-mapping.md" not in text


def test_the_readme_links_each_doc() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in sorted(DOCS.glob("*.md")):
        assert f"](docs/{page.name})" in text


def test_the_readme_shows_feed_settings_with_every_field_and_its_default() -> None:
    from dataclasses import MISSING

    from newsfeed import FeedSettings

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"`FeedSettings\((.*?)\)`", text)
    assert match is not None
    expected = ", ".join(
        f.name if f.default is MISSING else f"{f.name}={f.default!r}".replace("'", '"')
        for f in fields(FeedSettings)
    )
    assert match.group(1) == expected
