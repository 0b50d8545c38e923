"""Lines for JSON Feed findings (internal): where each top-level key's value, and
each item, starts in the document's text, for `jsonfeed`."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from .findings import Finding

# The tokens of JSON that matter for finding where things start: strings
# (escapes and all), the structural characters, and any other run (numbers,
# true, false, null).
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')


def with_lines(found: list[Finding], text: str) -> list[Finding]:
    """The findings with the line of the top-level key or item each is in.

    `json` gives no positions, so the text is scanned once more, and only
    for a document that has findings: a top-level key's line, and each
    item's, are where their values start.
    """
    wanted = {f.path.split("/", 3)[2] for f in found if f.path.startswith("/items/")}
    places = _places(text, {int(i) for i in wanted if i.isdigit()})
    placed = []
    for finding in found:
        steps = finding.path.split("/")
        key = (
            "/".join(steps[:3]) if len(steps) > 2 and steps[1] == "items" else "/".join(steps[:2])
        )
        offset = places.get(key)
        if offset is None and len(steps) > 1:
            offset = places.get("/" + steps[1])
        if offset is None or finding.line is not None:
            placed.append(finding)
        else:
            placed.append(replace(finding, line=text.count("\n", 0, offset) + 1))
    placed.sort(key=Finding.sort_key)
    return placed


def _places(text: str, items: set[int]) -> dict[str, int]:
    """Offsets of each top-level key (`/title`) and of the `items` asked (`/items/3`)."""
    places: dict[str, int] = {}
    depth = 0
    key: str | None = None
    expecting_key = False
    in_items = False
    index = 0
    item_starts = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if depth == 1 and expecting_key and token.startswith('"'):
            try:
                key = json.loads(token)
            except ValueError:
                key = None
            if key is not None:
                places.setdefault("/" + escape(key), match.start())
            expecting_key = False
            continue
        if depth == 2 and in_items and item_starts and token not in ("]", ","):
            if index in items:
                places[f"/items/{index}"] = match.start()
            item_starts = False
        if token in ("{", "["):
            depth += 1
            if depth == 1 and token == "{":
                expecting_key = True
            elif depth == 2 and token == "[" and key == "items":
                in_items, index, item_starts = True, 0, True
        elif token in ("}", "]"):
            depth -= 1
            if depth == 1:
                in_items = False
            if depth == 0:
                break
        elif token == ",":
            if depth == 1:
                expecting_key = True
            elif depth == 2 and in_items:
                index += 1
                item_starts = True
    return places


def escape(key: str) -> str:
    """A key as a JSON Pointer reference token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")
