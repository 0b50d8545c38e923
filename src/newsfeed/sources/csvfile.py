"""CSV files: a header row of field names, then one record per row.

List fields hold their items as text, split as in every other source
(`records.LIST_SEPARATORS`): `;` between authors, `,` or `;` between categories.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from newsfeed.model import Place, Problem
from newsfeed.records import RawRecord
from newsfeed.sources.decoding import read_text


def read(path: Path, name: str, encoding: str, problems: list[Problem]) -> Iterator[RawRecord]:
    text = read_text(path, name, encoding, problems)
    if text is None:
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return
        columns = [column.strip() for column in header]
        row_start = reader.line_num + 1
        for row in reader:
            place = Place(name, str(row_start))
            row_start = reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                problems.append(
                    place.error(None, f"{len(row)} cells but only {len(columns)} columns")
                )
                continue
            yield RawRecord(dict(zip(columns, row, strict=False)), place)
    except csv.Error as error:
        problems.append(
            Place(name, str(reader.line_num)).source_error(None, f"not valid CSV: {error}")
        )
