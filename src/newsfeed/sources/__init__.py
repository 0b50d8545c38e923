"""Readers that turn each kind of input into raw records with their places.

One module per kind of input. A file is read by the reader registered for
its suffix (`readers.register_reader`; a check of its content where a suffix
is ambiguous), a folder is walked in a stable order, and a `RecordSource`
(a database query) streams its own records; `iter_records` streams them all.

Public: this package, `readers` (the registry) and `sql` (`SqlSource`). The
modules of the built-in readers (`csvfile`, `jsonfile`, `jsonlines`,
`textfile`) and their helpers (`decoding`, `digest`, `position`, `scalars`)
are internal: they change with newsfeed.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

from newsfeed.model import InputWarning, Place, Problem, RawRecord
from newsfeed.sources import csvfile, jsonfile, jsonlines, textfile
from newsfeed.sources.readers import (
    FileReader,
    RecordSource,
    reader_for,
    readers_of,
    register_reader,
    suffixes,
)
from newsfeed.sources.scalars import with_text_id

PathLike: TypeAlias = "str | os.PathLike[str]"
#: What users may pass as input: a path, a Python mapping (one record), a
#: source that reads itself (a database query), or a mix of them.
Source: TypeAlias = "str | os.PathLike[str] | Mapping[str, Any] | RecordSource"
Sources: TypeAlias = "str | os.PathLike[str] | Mapping[str, Any] | RecordSource | Iterable[Source]"

register_reader(".json", jsonfile.read)
for _suffix in (".jsonl", ".ndjson"):
    register_reader(_suffix, jsonlines.read, resume=jsonlines.read)
register_reader(".csv", csvfile.read, resume=csvfile.read)
register_reader(".txt", textfile.read, dated=True)
#: The name messages use for records handed over as Python objects.
PYTHON_SOURCE = "<records>"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file to read: its path, the name messages give it, and its reader."""

    path: Path
    name: str
    reader: FileReader

    @property
    def key(self) -> str:
        return f"file\0{self.name}"

    def records(self, problems: list[Problem], encoding: str) -> Iterator[RawRecord]:
        return self.reader.read(self.path, self.name, encoding, problems)


#: What is read in one go: a file, a record handed over as a mapping, a query.
SourcePart: TypeAlias = "SourceFile | RawRecord | RecordSource"


def iter_records(
    sources: Sources, problems: list[Problem], encoding: str = "utf-8"
) -> Iterator[RawRecord]:
    """Every record of `sources`, in order, lazily; source-level problems go to `problems`.

    A path or a list of paths reads files and folders; a mapping is one
    record, and an iterable of mappings a list of records, each named by its
    1-based index; a `RecordSource` streams its records (a `SqlSource` the rows
    of a database query).
    """
    if not known_encoding(encoding, problems):
        return
    for part in source_parts(sources, problems):
        yield from records_of(part, problems, encoding)


def known_encoding(encoding: str, problems: list[Problem]) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        problems.append(Place("build").source_error("encoding", f"unknown encoding {encoding!r}"))
        return False
    return True


def source_parts(sources: Sources, problems: list[Problem]) -> Iterator[SourcePart]:
    """`sources` as the parts read in one go, in order: each file (folders walked
    in path order), each record given as a mapping, each query. A path that
    cannot be read is a problem instead."""
    if isinstance(sources, str | os.PathLike | RecordSource | Mapping):
        # One mapping is one record: iterating it would read its keys as paths.
        sources = [sources]
    for index, source in enumerate(sources, start=1):
        if isinstance(source, Mapping):
            yield RawRecord(with_text_id(source), Place(PYTHON_SOURCE, str(index)))
        elif isinstance(source, RecordSource):
            yield source
        elif isinstance(source, str | os.PathLike):
            yield from _files_of(Path(source), str(source), problems)
        else:
            problems.append(
                Place(PYTHON_SOURCE, str(index)).error(
                    None, f"a record must be an object or a path, not {type(source).__name__}"
                )
            )


def records_of(part: SourcePart, problems: list[Problem], encoding: str) -> Iterator[RawRecord]:
    """The records of one part of the sources, lazily."""
    if isinstance(part, RawRecord):
        yield part
    else:
        yield from part.records(problems, encoding)


def _files_of(path: Path, name: str, problems: list[Problem]) -> Iterator[SourceFile]:
    if path.is_dir():
        for file in _files_in(path, problems):
            reader = reader_for(file, str(file), problems)
            if reader is not None:
                yield SourceFile(file, str(file), reader)
    elif not path.exists():
        problems.append(Place(name).source_error(None, "no such file or folder"))
    elif not readers_of(path):
        known = ", ".join(suffixes())
        problems.append(
            Place(name).source_error(None, f"unknown kind of file; newsfeed reads {known}")
        )
    elif (reader := reader_for(path, name, problems, named=True)) is not None:
        yield SourceFile(path, name, reader)


def _files_in(folder: Path, problems: list[Problem]) -> list[Path]:
    """Readable files below `folder`, hidden ones skipped, sorted by path for stable builds.

    A folder that cannot be listed is a source error, as an unreadable file
    is: publishing without it would drop its articles from every feed.
    """
    found: list[Path] = []

    def unreadable(error: OSError) -> None:
        problems.append(
            Place(str(error.filename or folder)).source_error(
                None, f"cannot read the folder: {error.strerror or error}"
            )
        )

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(root, f) for f in files if not f.startswith(".") and readers_of(Path(f)))
    return sorted(found, key=lambda p: p.as_posix())


def missing_id_warning(count: int) -> Problem:
    return InputWarning(
        "build",
        None,
        "id",
        f"{count} record(s) have no id; their entry id is their url (or title and date), "
        "and changing it shows the article again to every subscriber",
    )
