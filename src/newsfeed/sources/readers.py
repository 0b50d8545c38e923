"""The registry of readers: which reader reads a file, and sources that read themselves.

A file is read by the `FileReader` registered for its suffix. A suffix that
more than one kind of file uses (`.xml`: a WordPress export, a sitemap, a
feed) is registered with a check of the file's first bytes (`accepts`): a
file that no reader of its suffix accepts is passed over, with a warning,
so that a stray file in a folder of articles does not stop the build.

A source that is not a file (a database query, say) is a `RecordSource`:
an object that names itself and streams its own records. `SqlSource` is one.
"""

from __future__ import annotations

import abc
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newsfeed.model import Place, Problem, RawRecord
from newsfeed.sources.position import Position

#: What a file reader is: (path, name in messages, encoding, problems) -> records.
ReadFile = Callable[[Path, str, str, list[Problem]], Iterator[RawRecord]]
#: A reader that starts at a `Position` and leaves it where it stopped.
ResumeFile = Callable[[Path, str, str, list[Problem], Position], Iterator[RawRecord]]
#: A check of a file's first bytes (at most SNIFF_BYTES): whether the reader reads it.
Accepts = Callable[[bytes], bool]
#: How much of a file a content check is given.
SNIFF_BYTES = 4096


@dataclass(frozen=True, slots=True)
class FileReader:
    """How one kind of file is read.

    `read` streams the file's records, adding its problems to the list it is
    given; `accepts`, when set, says from the file's first bytes whether this
    reader reads it. `resume`, when set, reads on from a `Position`, for files
    that only ever grow (the site index then reads only what was appended); `dated`: a record of
    the file may take the file's modification time as its date, so a change
    of that time reads it again.
    """

    suffix: str
    read: ReadFile
    accepts: Accepts | None = None
    resume: ResumeFile | None = None
    dated: bool = False


_REGISTRY: dict[str, list[FileReader]] = {}


def register_reader(
    suffix: str,
    read: ReadFile,
    *,
    accepts: Accepts | None = None,
    resume: ResumeFile | None = None,
    dated: bool = False,
) -> FileReader:
    """Read files ending in `suffix` (`.xml`) with `read`; see `FileReader`.

    Readers of one suffix are tried in the order they were registered; one
    without `accepts` takes every file its check-holding elders passed over.
    """
    if not suffix.startswith(".") or len(suffix) < 2:
        raise ValueError(f"a suffix starts with a dot, as '.xml' does, not {suffix!r}")
    reader = FileReader(suffix.lower(), read, accepts, resume, dated)
    _REGISTRY.setdefault(reader.suffix, []).append(reader)
    return reader


def unregister_reader(reader: FileReader) -> None:
    """Forget a reader `register_reader` returned."""
    readers = _REGISTRY.get(reader.suffix, [])
    readers.remove(reader)
    if not readers:
        del _REGISTRY[reader.suffix]


def registered() -> tuple[tuple[str, str], ...]:
    """Each reader as (suffix, the qualified name of its function), in order: what
    articles read from files depend on besides the files and newsfeed's code."""
    return tuple(
        (suffix, f"{reader.read.__module__}.{reader.read.__qualname__}")
        for suffix, readers in sorted(_REGISTRY.items())
        for reader in readers
    )


def suffixes() -> list[str]:
    """The suffixes some reader reads, sorted."""
    return sorted(_REGISTRY)


def readers_of(path: Path) -> tuple[FileReader, ...]:
    return tuple(_REGISTRY.get(path.suffix.lower(), ()))


def reader_for(
    path: Path, name: str, problems: list[Problem], *, named: bool = False
) -> FileReader | None:
    """The reader of the file at `path`: the first of its suffix that accepts it.

    None when none does, or when the file cannot be read to check it (with
    the error). A file found in a folder that no reader takes is passed over
    with a warning; one `named` by the user is a source error, as a file of
    an unknown kind is. A file that is not a regular one (a pipe) is not
    opened to be checked: opening would wait for its writer.
    """
    readers = readers_of(path)
    if all(reader.accepts is None for reader in readers):
        return readers[0] if readers else None
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
        start = b""
        if regular:
            with path.open("rb") as file:
                start = file.read(SNIFF_BYTES)
    except OSError as error:
        problems.append(Place(name).source_error(None, f"cannot read: {error.strerror or error}"))
        return None
    for reader in readers:
        if reader.accepts is None or not regular or reader.accepts(start):
            return reader
    report = Place(name).source_error if named else Place(name).warning
    problems.append(
        report(None, f"not read: no reader of {path.suffix.lower()} files takes its content")
    )
    return None


class RecordSource(abc.ABC):
    """A source of records other than a file, given among the sources as it is.

    `name` is what messages call it; `key` tells it apart from other sources
    in the site index; `records` streams its records, its problems going to
    `problems`. Such a source is read again at every build.
    """

    __slots__ = ()

    @property
    @abc.abstractmethod
    def name(self) -> str: ...

    @property
    @abc.abstractmethod
    def key(self) -> str: ...

    @abc.abstractmethod
    def records(self, problems: list[Problem], encoding: str) -> Iterator[RawRecord]: ...
