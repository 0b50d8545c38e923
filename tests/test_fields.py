"""The field table is the one place a field is written: what reads records, what stores
Articles, what names the fields of findings and the documentation all follow it."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newsfeed.fields import (
    ALIASES,
    FIELDS,
    JSON_FIELDS,
    LIST_SEPARATORS,
    Field,
    Kind,
    article_from,
    article_values,
    field_of_element,
    markdown_table,
)
from newsfeed.model import Article, Author, Image, Place
from newsfeed.records._kinds import READERS

RECORDS_DOC = Path(__file__).resolve().parents[1] / "docs" / "records.md"


def test_every_article_attribute_but_its_place_is_read_from_exactly_one_field() -> None:
    made = sorted(name for field in FIELDS for name in field.attributes)
    assert made == sorted(f.name for f in dataclasses.fields(Article) if f.name != "place")


def test_each_name_a_record_may_use_belongs_to_one_field() -> None:
    names = [name for field in FIELDS for name in field.names]
    assert len(names) == len(set(names)) == len(ALIASES)


def test_every_kind_of_field_has_a_reader() -> None:
    assert set(READERS) == set(Kind)


def test_list_and_json_rules_come_from_the_rows() -> None:
    assert set(LIST_SEPARATORS) == {"authors", "categories"}
    assert LIST_SEPARATORS["authors"].split("Quispe, Ana; Paul") == ["Quispe, Ana", " Paul"]
    assert {"authors", "categories", "image"} == JSON_FIELDS


def test_a_finding_at_an_element_names_the_field_it_carries() -> None:
    of = field_of_element()
    assert of["encoded"] == of["content"] == "body"
    assert of["guid"] == of["id"] == "id"
    assert of["lang"] == "language"
    assert of["creator"] == of["author"] == "authors"


def test_an_element_claimed_by_two_fields_is_refused() -> None:
    clash = Field("location", (), Kind.TEXT, "plain text", "where", rss=("title",))
    with pytest.raises(ValueError, match="'title' is given to both"):
        field_of_element((*FIELDS, clash))


def test_an_article_stored_and_read_back_is_the_same_article() -> None:
    when = datetime(2026, 11, 26, 14, 30, tzinfo=timezone.utc)
    article = Article(
        id="n-1",
        atom_id="tag:example.org,2026-11-26:n-1",
        title="T",
        published=when,
        updated=when,
        place=Place("a.json", "3"),
        url="https://example.org/n-1",
        kicker="K",
        summary="S",
        body_html="<p>B</p>",
        body_text="B",
        authors=(Author("Ana", "ana@example.org", None, "Bio"),),
        language="es",
        categories=("Economía",),
        image=Image("https://example.org/i.jpg", "image/jpeg", 1, 2, 3, "C", "D"),
    )
    assert article_from(article_values(article), article.place) == article


def test_the_records_doc_shows_the_table_of_fields_as_the_table_makes_it() -> None:
    # To update the doc: python -m newsfeed.fields, and paste the table.
    text = RECORDS_DOC.read_text(encoding="utf-8")
    shown = re.search(r"^\| field \|.*?\n(?!\|)", text, re.MULTILINE | re.DOTALL)
    assert shown is not None
    assert shown.group(0) == markdown_table()
