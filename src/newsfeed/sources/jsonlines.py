"""JSON Lines (`.jsonl`, `.ndjson`): one record per line, streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from newsfeed.model import Place, Problem
from newsfeed.records import RawRecord
from newsfeed.sources.decoding import decode


def read(path: Path, name: str, encoding: str, problems: list[Problem]) -> Iterator[RawRecord]:
    """Each non-blank line as a record; a line that is not JSON is an error on that line."""
    try:
        handle = path.open("rb")
    except OSError as error:
        problems.append(Place(name).source_error(None, f"cannot read: {error.strerror or error}"))
        return
    with handle:
        offset = 0
        for number, raw in enumerate(handle, start=1):
            line = decode(raw, name, encoding, problems, offset, number, whole_file=False)
            offset += len(raw)
            if line is None or not line.strip():
                continue
            place = Place(name, str(number))
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(place.error(None, f"not valid JSON: {error.msg}"))
                continue
            except RecursionError:
                problems.append(place.error(None, "JSON nested too deeply to read"))
                continue
            yield RawRecord(data, place)
