"""Readers that turn each kind of input into raw records with their places.

One module per kind of input; `iter_records` picks the reader by the file's
extension (or walks a folder in a stable order) and streams what it reads.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeAlias

from newsfeed.model import Article, FeedSettings, InputWarning, Place, Problem
from newsfeed.records import RawRecord, Reading, RecordReader, gc_paused
from newsfeed.sources import csvfile, jsonfile, jsonlines, sql, textfile
from newsfeed.sources.sql import SqlSource

PathLike: TypeAlias = "str | os.PathLike[str]"
#: What users may pass as input: a path, a Python mapping (one record), a
#: database query, or a mix of them.
Source: TypeAlias = "str | os.PathLike[str] | Mapping[str, Any] | SqlSource"
Sources: TypeAlias = "str | os.PathLike[str] | SqlSource | Iterable[Source]"

Reader = Callable[[Path, str, str, list[Problem]], Iterator[RawRecord]]
READERS: dict[str, Reader] = {
    ".json": jsonfile.read,
    ".jsonl": jsonlines.read,
    ".ndjson": jsonlines.read,
    ".csv": csvfile.read,
    ".txt": textfile.read,
}
#: The name messages use for records handed over as Python objects.
PYTHON_SOURCE = "<records>"


def iter_records(
    sources: Sources, problems: list[Problem], encoding: str = "utf-8"
) -> Iterator[RawRecord]:
    """Every record of `sources`, in order, lazily; source-level problems go to `problems`.

    A path or a list of paths reads files and folders; an iterable of
    mappings is a list of records, each named by its 1-based index; a
    `SqlSource` streams the rows of a database query.
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        problems.append(Place("build").source_error("encoding", f"unknown encoding {encoding!r}"))
        return
    if isinstance(sources, str | os.PathLike | SqlSource):
        sources = [sources]
    for index, source in enumerate(sources, start=1):
        if isinstance(source, Mapping):
            yield RawRecord(source, Place(PYTHON_SOURCE, str(index)))
        elif isinstance(source, SqlSource):
            yield from sql.read(source, problems)
        elif isinstance(source, str | os.PathLike):
            yield from _read_path(Path(source), str(source), encoding, problems)
        else:
            problems.append(
                Place(PYTHON_SOURCE, str(index)).error(
                    None, f"a record must be an object or a path, not {type(source).__name__}"
                )
            )


def _read_path(
    path: Path, name: str, encoding: str, problems: list[Problem]
) -> Iterator[RawRecord]:
    if path.is_dir():
        for file in _files_in(path):
            yield from READERS[file.suffix.lower()](file, str(file), encoding, problems)
        return
    reader = READERS.get(path.suffix.lower())
    if not path.exists():
        problems.append(Place(name).source_error(None, "no such file or folder"))
    elif reader is None:
        known = ", ".join(sorted(READERS))
        problems.append(
            Place(name).source_error(None, f"unknown kind of file; newsfeed reads {known}")
        )
    else:
        yield from reader(path, name, encoding, problems)


def _files_in(folder: Path) -> list[Path]:
    """Readable files below `folder`, hidden ones skipped, sorted by path for stable builds."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(
            Path(root, f)
            for f in files
            if not f.startswith(".") and Path(f).suffix.lower() in READERS
        )
    return sorted(found, key=lambda p: p.as_posix())


def read_articles(sources: Sources, settings: FeedSettings, *, encoding: str = "utf-8") -> Reading:
    """Read every record of `sources` into Articles for a feed with `settings`.

    Never raises for bad input: each problem is in `reading.problems`, named
    by source, position and field, and the good records are in
    `reading.articles`.
    """
    reading = Reading()
    with gc_paused():
        reading.articles.extend(
            iter_articles(sources, settings, reading.problems, encoding=encoding)
        )
    return reading


def iter_articles(
    sources: Sources, settings: FeedSettings, problems: list[Problem], *, encoding: str = "utf-8"
) -> Iterator[Article]:
    """The Articles of `sources` one at a time, for sites too large to hold in memory:
    as `read_articles`, with the problems added to `problems` as they are met."""
    reader = RecordReader(settings)
    yield from reader.iter_articles(iter_records(sources, problems, encoding), problems)
    if reader.records_without_id:
        problems.append(
            InputWarning(
                "build",
                None,
                "id",
                f"{reader.records_without_id} record(s) have no id; their entry id is their "
                "url (or title and date), and changing it shows the article again to "
                "every subscriber",
            )
        )
