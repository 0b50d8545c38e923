"""Our JSON Feed is validated as it is rendered, like RSS and Atom."""

from __future__ import annotations

import json

import pytest

import newsfeed.documents
from newsfeed.validation import Finding, validate_json_feed


def test_our_json_feed_has_no_findings(build, rich) -> None:
    document = build(rich).render("json")
    assert document.findings == ()
    assert validate_json_feed(document.data) == []


def test_an_entry_error_in_our_json_feed_leaves_out_that_entry_only(
    build, rich, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = build(rich)
    ids = [item["id"] for item in json.loads(feed.render("json").data)["items"]]
    validate_for_real = newsfeed.documents.validate_json_feed

    def with_a_bad_second_item(data: bytes) -> list[Finding]:
        found = validate_for_real(data)
        for index, item in enumerate(json.loads(data)["items"]):
            if item["id"] == ids[1]:
                path = f"/items/{index}/date_published"
                found.append(Finding("error", "InvalidRFC3339Date", "bad date", None, path))
        return found

    monkeypatch.setattr(newsfeed.documents, "validate_json_feed", with_a_bad_second_item)

    document = feed.render("json")
    assert document.valid
    assert [item["id"] for item in json.loads(document.data)["items"]] == [ids[0], ids[2]]
    [problem] = document.problems
    place = feed.articles[1].place
    assert (problem.level, problem.source, problem.position) == (
        "error",
        place.source,
        place.position,
    )
    assert problem.field == "date_published" and "[InvalidRFC3339Date]" in problem.message
    assert "the entry is left out of feed.json" in problem.message
    [written] = feed.write(tmp_path, formats=["json"])
    assert written.status == "written" and written.problems == (problem,)


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
