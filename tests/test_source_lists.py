"""List fields given as text split by one rule in every source.

`categories` text splits on `,` and `;`, `authors` text on `;` only (a name
may hold a comma); the items of a list are taken as they are.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsfeed import Reading, SqlSource

DATE = "2026-11-26T10:00:00-05:00"


def as_mapping(tmp_path: Path, record: dict[str, Any]) -> Any:
    return [record]


def as_json(tmp_path: Path, record: dict[str, Any]) -> Any:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    return path


def as_json_lines(tmp_path: Path, record: dict[str, Any]) -> Any:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def as_csv(tmp_path: Path, record: dict[str, Any]) -> Any:
    path = tmp_path / "a.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(record))
        writer.writeheader()
        writer.writerow(record)
    return path


def as_sql(tmp_path: Path, record: dict[str, Any]) -> Any:
    path = tmp_path / "a.db"
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(f"CREATE TABLE articles ({', '.join(record)})")
        marks = ", ".join("?" for _ in record)
        connection.execute(f"INSERT INTO articles VALUES ({marks})", list(record.values()))
    connection.close()
    return SqlSource(f"sqlite:///{path}", "SELECT * FROM articles")


def as_text(tmp_path: Path, record: dict[str, Any]) -> Any:
    path = tmp_path / "a.txt"
    front = "".join(f"{key}: {value}\n" for key, value in record.items() if key != "title")
    path.write_text(f"---\n{front}---\n{record['title']}\n", encoding="utf-8")
    return path


SOURCES = [as_mapping, as_json, as_json_lines, as_csv, as_sql, as_text]


def read_text_fields(
    read: Callable[..., Reading], tmp_path: Path, write: Any, **fields: str
) -> Reading:
    record = {"id": "a-1", "title": "Uno", "published": DATE, **fields}
    reading = read(write(tmp_path, record))
    assert reading.errors == []
    return reading


@pytest.mark.parametrize("write", SOURCES, ids=lambda f: f.__name__)
def test_categories_text_splits_on_commas_and_semicolons(read, tmp_path, write) -> None:
    reading = read_text_fields(read, tmp_path, write, categories="Economía; Mercados, Lima")
    assert reading.articles[0].categories == ("Economía", "Mercados", "Lima")


@pytest.mark.parametrize("write", SOURCES, ids=lambda f: f.__name__)
def test_authors_text_splits_on_semicolons_only(read, tmp_path, write) -> None:
    reading = read_text_fields(read, tmp_path, write, authors="Quispe, Ana; Marco Díaz")
    assert [a.name for a in reading.articles[0].authors] == ["Quispe, Ana", "Marco Díaz"]


@pytest.mark.parametrize("write", SOURCES, ids=lambda f: f.__name__)
def test_aliases_of_list_fields_split_the_same(read, tmp_path, write) -> None:
    reading = read_text_fields(read, tmp_path, write, tags="A;B", byline="Ana; Bo")
    [article] = reading.articles
    assert (article.categories, [a.name for a in article.authors]) == (("A", "B"), ["Ana", "Bo"])


@pytest.mark.parametrize("write", [as_mapping, as_json, as_json_lines], ids=lambda f: f.__name__)
def test_the_items_of_a_list_are_taken_as_they_are(read, tmp_path, write) -> None:
    record = {"id": "a-1", "title": "Uno", "published": DATE}
    record |= {"categories": ["A;B", "C, D"], "authors": ["Quispe; Ana"]}
    [article] = read(write(tmp_path, record)).articles
    assert article.categories == ("A;B", "C, D")
    assert [a.name for a in article.authors] == ["Quispe; Ana"]


def test_empty_items_are_dropped(read, tmp_path) -> None:
    reading = read_text_fields(read, tmp_path, as_json, categories=" ;A,, ;", authors="; Ana ;")
    [article] = reading.articles
    assert (article.categories, [a.name for a in article.authors]) == (("A",), ["Ana"])
