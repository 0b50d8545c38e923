"""CSV files: a header row of field names, then one record per row.

List fields hold their items as text, split as in every other source
(`fields.LIST_SEPARATORS`): `;` between authors, `,` or `;` between categories.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from newsfeed.model import Place, Problem, RawRecord
from newsfeed.sources.decoding import read_from, text_of
from newsfeed.sources.position import Position


def read(
    path: Path, name: str, encoding: str, problems: list[Problem], position: Position | None = None
) -> Iterator[RawRecord]:
    """Each row after the header as a record; with `position`, reading starts there
    (its `columns` the header read before), and `position` follows it."""
    at = Position() if position is None else position
    data = read_from(path, name, problems, at.offset)
    text = None
    if data is not None:
        text = text_of(data, name, encoding, problems, at.offset, at.line + 1)
    if data is None or text is None:
        at.whole = False
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        if at.columns is None:
            header = next(reader, None)
            if header is None:
                at.whole = False
                return
            at.columns = tuple(column.strip() for column in header)
        columns = at.columns
        row_start = at.line + reader.line_num + 1
        for row in reader:
            place = Place(name, str(row_start))
            row_start = at.line + reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                problems.append(
                    place.error(None, f"{len(row)} cells but only {len(columns)} columns")
                )
                continue
            yield RawRecord(dict(zip(columns, row, strict=False)), place)
    except csv.Error as error:
        at.whole = False
        problems.append(
            Place(name, str(at.line + reader.line_num)).source_error(
                None, f"not valid CSV: {error}"
            )
        )
        return
    if data.endswith(b"\n"):
        at.offset, at.line = at.offset + len(data), at.line + reader.line_num
    else:
        at.whole = False
