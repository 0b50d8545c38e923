"""JSON files: an array of records, or an object whose `articles` is that array.

Records are named by the line on which they start, found by decoding the
array one element at a time, so that a message points into the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsfeed.model import Place, Problem, RawRecord
from newsfeed.sources.decoding import read_text

_decoder = json.JSONDecoder()


def read(path: Path, name: str, encoding: str, problems: list[Problem]) -> Iterator[RawRecord]:
    text = read_text(path, name, encoding, problems)
    if text is None:
        return
    try:
        found = _records_with_offsets(text)
    except json.JSONDecodeError as error:
        problems.append(
            Place(name, str(error.lineno)).source_error(None, f"not valid JSON: {error.msg}")
        )
        return
    except ValueError as error:
        problems.append(Place(name).source_error(None, str(error)))
        return
    except RecursionError:
        problems.append(Place(name).source_error(None, "JSON nested too deeply to read"))
        return
    for start, data in found:
        yield RawRecord(data, Place(name, str(text.count("\n", 0, start) + 1)))


def _records_with_offsets(text: str) -> list[tuple[int, Any]]:
    """(offset, record) for each element of the records array."""
    start = _skip_space(text, 0)
    if text.startswith("[", start):
        items, end = _array(text, start)
    elif text.startswith("{", start):
        items, end = _articles_of_object(text, start)
    else:
        _decoder.decode(text)  # raises the precise JSONDecodeError for the user
        raise ValueError("expected an array of records or an object with 'articles'")
    if _skip_space(text, end) != len(text):
        raise json.JSONDecodeError("Extra data", text, _skip_space(text, end))
    return items


def _array(text: str, start: int) -> tuple[list[tuple[int, Any]], int]:
    items: list[tuple[int, Any]] = []
    pos = _skip_space(text, start + 1)
    if text.startswith("]", pos):
        return items, pos + 1
    while True:
        value, end = _decoder.raw_decode(text, pos)
        items.append((pos, value))
        pos = _skip_space(text, end)
        if text.startswith("]", pos):
            return items, pos + 1
        if not text.startswith(",", pos):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        pos = _skip_space(text, pos + 1)


def _articles_of_object(text: str, start: int) -> tuple[list[tuple[int, Any]], int]:
    items: list[tuple[int, Any]] | None = None
    pos = _skip_space(text, start + 1)
    if text.startswith("}", pos):
        raise ValueError("the object has no 'articles' array")
    while True:
        key, pos = _decoder.raw_decode(text, pos)
        if not isinstance(key, str):
            raise json.JSONDecodeError("Expecting property name", text, pos)
        pos = _skip_space(text, pos)
        if not text.startswith(":", pos):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
        pos = _skip_space(text, pos + 1)
        if key == "articles" and text.startswith("[", pos):
            items, pos = _array(text, pos)
        else:
            _, pos = _decoder.raw_decode(text, pos)
        pos = _skip_space(text, pos)
        if text.startswith("}", pos):
            break
        if not text.startswith(",", pos):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        pos = _skip_space(text, pos + 1)
    if items is None:
        raise ValueError("the object has no 'articles' array")
    return items, pos + 1


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos
