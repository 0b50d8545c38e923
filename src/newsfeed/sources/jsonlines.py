"""JSON Lines (`.jsonl`, `.ndjson`): one record per line, streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from newsfeed.model import Place, Problem, RawRecord
from newsfeed.sources.decoding import decode
from newsfeed.sources.position import Position


def read(
    path: Path, name: str, encoding: str, problems: list[Problem], position: Position | None = None
) -> Iterator[RawRecord]:
    """Each non-blank line as a record; a line that is not JSON is an error on that line.

    With `position`, reading starts there, and `position` follows it."""
    at = Position() if position is None else position
    try:
        handle = path.open("rb")
    except OSError as error:
        at.whole = False
        problems.append(Place(name).source_error(None, f"cannot read: {error.strerror or error}"))
        return
    with handle:
        if at.offset:
            handle.seek(at.offset)
        offset = at.offset
        for number, raw in enumerate(handle, start=at.line + 1):
            line = decode(raw, name, encoding, problems, offset, number, whole_file=False)
            offset += len(raw)
            if raw.endswith(b"\n"):
                at.offset, at.line = offset, number
            else:
                at.whole = False  # a last line still being written: read it whole next time
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
