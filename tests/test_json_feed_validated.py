"""Our JSON Feed is validated as it is rendered, like RSS and Atom."""

from __future__ import annotations

import json

import pytest

import newsfeed.documents
from newsfeed.documents import InvalidFeed
from newsfeed.validate import Finding, validate_json_feed


def test_our_json_feed_has_no_findings(build, rich) -> None:
    document = build(rich).render("json")
    assert document.findings == ()
    assert validate_json_feed(document.data) == []


def test_a_finding_in_our_json_feed_names_the_record_and_field(
    build, rich, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = build(rich)
    first = json.loads(feed.render("json").data)["items"][0]["id"]
    broken = Finding(
        "error", "InvalidRFC3339Date", "bad date", None, "/items/0/date_published", first
    )
    monkeypatch.setattr(newsfeed.documents, "validate_json_feed", lambda data: [broken])

    document = feed.render("json")
    assert not document.valid
    [problem] = document.problems
    assert problem.field == "date_published" and "[InvalidRFC3339Date]" in problem.message
    with pytest.raises(InvalidFeed):
        feed.json()


def test_an_invalid_json_feed_is_not_written(build, rich, tmp_path, monkeypatch) -> None:
    broken = Finding("error", "MissingTitle", "Missing top-level key: title", None, "/title")
    monkeypatch.setattr(newsfeed.documents, "validate_json_feed", lambda data: [broken])

    [written] = build(rich).write(tmp_path, formats=["json"])
    assert written.status == "invalid"
    assert not (tmp_path / "feed.json").exists()


PRETTY = b"""{
  "version": "https://jsonfeed.org/version/1.1",
  "title": ["not", "a", "string"],
  "home_page_url": "https://example.org/",
  "feed_url": "https://example.org/feed.json",
  "items": [
    {"id": "1", "content_text": "a"},
    {"id": "2", "content_text": "b",
     "date_published": "yesterday"},
    "not an item"
  ]
}
"""


def test_a_finding_takes_the_line_of_its_top_level_key_or_item() -> None:
    lines = {f.path: f.line for f in validate_json_feed(PRETTY)}
    assert lines == {"/title": 3, "/items/1/date_published": 8, "/items/2": 10}


def test_a_document_that_does_not_parse_has_the_line_of_the_fault() -> None:
    [finding] = validate_json_feed(b'{\n  "version": 1,\n  "title" "x"\n}')
    assert (finding.code, finding.line) == ("JSONError", 3)
