"""The one way sources are read: into a site index, again only where they changed.

`read_articles`, `Feed` users and `publish` all read through `read_into`.
Each part of the sources (a file, a run of records given as mappings, a
query, a stream of Articles) is a source of the index; a file is read again
only when its bytes (or, for a text file dated by it, its modification time)
changed since the index last read it. A JSON Lines or CSV file whose earlier
bytes are unchanged is read from where the last run stopped. Records given
as mappings, queries, pipes and Article streams are read every time.

Records of different sources with the same id are settled by the index (the
first in source order publishes; the others are errors naming it), so every
problem is reported as reading everything again would, in the same order.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
import signal
import stat
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO, NoReturn, TypeAlias

import dateutil
import feedgen.version
import nh3
from lxml import etree

from newsfeed.index import SiteIndex, SourceRead, Stored, stored
from newsfeed.model import Article, FeedSettings, Problem, RawRecord, Reading, SourceError
from newsfeed.progress import Progress
from newsfeed.records import RecordReader, gc_paused
from newsfeed.sources import (
    SourceFile,
    Sources,
    known_encoding,
    missing_id_warning,
    records_of,
    source_parts,
)
from newsfeed.sources.digest import file_digests
from newsfeed.sources.position import Position
from newsfeed.sources.readers import RecordSource, registered
from newsfeed.version import __version__

#: A file changed this soon before the index last looked at it may have changed again
#: within the same tick of the file system's clock: its bytes are compared, not its time.
_RACY_NS = 2_000_000_000
#: With more than one job, a file with this many bytes to read is read (and its articles
#: made ready to store) in a forked process, while this one writes them into the index.
FORK_FROM = 1 << 20
#: Articles the reading process sends at a time: few enough to keep little in memory.
_BATCH = 64
#: The bytes the pipe from the reading process holds (Linux's limit for any user): a
#: batch is some 300 KB, and with the default 64 KB the reader waited for each to be
#: taken whole before it could make the next, so the two processes took turns.
_PIPE_BYTES = 1 << 20

#: What `publish` takes besides `Sources`: Articles made elsewhere.
Input: TypeAlias = "Sources | Iterable[Article]"


def _code_digest() -> bytes:
    """A digest of newsfeed's own code and of the versions of the libraries that shape
    what it makes of a record: articles read by other code are read again, and the
    documents made of them rendered again."""
    digest = hashlib.sha256(repr((__version__, *_library_versions())).encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def _library_versions() -> tuple[object, ...]:
    # An upgrade of one changes bytes as an edit of newsfeed would: sanitised HTML
    # (nh3), dates (dateutil), the documents built and serialised (feedgen, lxml and
    # its libxml2), and what validating them finds.
    return (
        feedgen.version.version_full,
        etree.LXML_VERSION,
        etree.LIBXML_VERSION,
        # Neither package's stubs name the attribute each has.
        getattr(nh3, "__version__", None),
        getattr(dateutil, "__version__", None),
    )


CODE_DIGEST = _code_digest()


def salt(settings: FeedSettings, encoding: str) -> bytes:
    """What every article read depends on besides its record: a reader registered
    or taken away reads every file again."""
    return CODE_DIGEST + repr((settings, encoding, registered())).encode()


@dataclass(frozen=True, slots=True)
class _Part:
    key: str
    part: SourceFile | RecordSource | tuple[RawRecord, ...] | Iterable[Article]
    #: How many of the problems of finding the sources came before this part.
    mark: int


def read_into(
    index: SiteIndex,
    sources: Input,
    settings: FeedSettings,
    problems: list[Problem],
    *,
    encoding: str = "utf-8",
    progress: Progress | None = None,
    jobs: int = 1,
) -> None:
    """Bring `index` up to date with `sources`; every problem of reading them, as reading
    them all again would give, goes to `problems`. With more than one of `jobs`, a large
    file is read in a second process (`FORK_FROM`), with the same result."""
    if not known_encoding(encoding, problems):
        return
    index.adopt_salt(salt(settings, encoding))
    found: list[Problem] = []
    parts = _parts(sources, found)
    index.begin_reading([p.key for p in parts])
    progress = progress or Progress(enabled=False)
    progress.start("reading", len(parts), "sources")
    with gc_paused():
        for ordinal, part in enumerate(parts):
            _read_part(index, ordinal, part, settings, encoding, progress, jobs)
            progress.advance()
    progress.finish()
    shown = 0
    for part in parts:
        problems.extend(found[shown : part.mark])
        shown = part.mark
        problems.extend(problem for _, problem in index.problems(part.key))
    problems.extend(found[shown:])
    without_id = index.records_without_id()
    if without_id:
        problems.append(missing_id_warning(without_id))


def read_articles(sources: Sources, settings: FeedSettings, *, encoding: str = "utf-8") -> Reading:
    """Read every record of `sources` into Articles for a feed with `settings`.

    Never raises for bad input: each problem is in `reading.problems`, named
    by source, position and field, and the good records are in
    `reading.articles`, in the order read.
    """
    reading = Reading()
    with SiteIndex.temporary() as index:
        read_into(index, sources, settings, reading.problems, encoding=encoding)
        with gc_paused():
            reading.articles.extend(index.read_order())
    return reading


def _parts(sources: Input, problems: list[Problem]) -> list[_Part]:
    """The sources as the parts the index keeps apart, each with a key of its own."""
    # One mapping is one record, which source_parts knows: iterating it here would
    # read its keys as paths.
    if not isinstance(sources, str | os.PathLike | RecordSource | Mapping):
        items = iter(sources)
        first = next(items, None)
        if isinstance(first, Article):
            return [_Part("articles", chain([first], items), 0)]  # type: ignore[arg-type]
        sources = [] if first is None else chain([first], items)  # type: ignore[assignment]
    parts: list[_Part] = []
    records: list[RawRecord] = []
    seen: dict[str, int] = {}

    def add(key: str, part: SourceFile | RecordSource | tuple[RawRecord, ...], mark: int) -> None:
        # A file named twice is read twice, as two sources.
        seen[key] = seen.get(key, 0) + 1
        parts.append(_Part(f"{key}\0{seen[key]}", part, mark))

    for part in source_parts(sources, problems):  # type: ignore[arg-type]
        if isinstance(part, RawRecord):
            records.append(part)
            continue
        if records:
            add("records", tuple(records), len(problems))
            records = []
        add(part.key, part, len(problems))
    if records:
        add("records", tuple(records), len(problems))
    return parts


def _read_part(
    index: SiteIndex,
    ordinal: int,
    part: _Part,
    settings: FeedSettings,
    encoding: str,
    progress: Progress,
    jobs: int,
) -> None:
    source = part.part
    if isinstance(source, SourceFile):
        _read_file(index, ordinal, part.key, source, settings, encoding, progress, jobs)
        return
    reader = RecordReader(settings, unique_ids=False)
    problems: list[Problem] = []
    if isinstance(source, RecordSource | tuple):
        records = source if isinstance(source, tuple) else source.records(problems, encoding)
        articles = reader.iter_articles(records, problems)
    else:
        articles = iter(source)  # Articles made elsewhere
    _replace(index, ordinal, part.key, reader, articles, problems, progress, 0)


def _read_file(
    index: SiteIndex,
    ordinal: int,
    key: str,
    source: SourceFile,
    settings: FeedSettings,
    encoding: str,
    progress: Progress,
    jobs: int,
) -> None:
    reader = RecordReader(settings, unique_ids=False)
    problems: list[Problem] = []
    try:
        # Opening a pipe would wait for its writer: look before opening.
        status = source.path.stat()
    except OSError:
        status = None
    if status is None or not stat.S_ISREG(status.st_mode):
        records = records_of(source, problems, encoding)
        articles = reader.iter_articles(records, problems)
        _replace(index, ordinal, key, reader, articles, problems, progress, 0)
        return
    state = index.source(key)
    checked = time.time_ns()
    resume = source.reader.resume
    prefix = None
    if state is not None and state.complete and state.digest is not None:
        same = (status.st_size, status.st_mtime_ns, status.st_ino) == (
            state.size,
            state.mtime_ns,
            state.inode,
        )
        racy = state.checked_ns is None or status.st_mtime_ns >= state.checked_ns - _RACY_NS
        if same and not racy:
            return
        prefix_size = state.size if resume and state.resume is not None else None
        prefix, digest = file_digests(source.path, prefix_size, jobs)
        dated = source.reader.dated
        if digest == state.digest and not (dated and status.st_mtime_ns != state.mtime_ns):
            index.seen(key, status.st_size, status.st_mtime_ns, status.st_ino, checked)
            return
    else:
        digest = file_digests(source.path, None, jobs)[1]
    read = Position()
    first = 0
    if state is not None and prefix is not None and prefix == state.digest:
        assert state.resume is not None
        read = state.resume
        reader.reported_unknown.update(state.unknown_reported)
        first = state.next_seq
    if resume is not None:
        records = resume(source.path, source.name, encoding, problems, read)
    else:
        records = records_of(source, problems, encoding)
    articles = reader.iter_articles(records, problems)

    def at_end(complete: bool) -> Position | None:
        """Where the next run goes on reading, if the file is read whole to its end."""
        if not (resume and complete and read.whole and read.offset == status.st_size):
            return None
        return read

    _replace(
        index,
        ordinal,
        key,
        reader,
        articles,
        problems,
        progress,
        first,
        append=first > 0,
        file=(status, checked, digest, at_end),
        forked=jobs > 1 and hasattr(os, "fork") and status.st_size - read.offset >= FORK_FROM,
        position=read,
    )
    # Read whole, a file costs far more to read than to digest once more; read from
    # where it ended, the digest would double the run to spare the next one its own.
    if first == 0 and status.st_mtime_ns >= checked - _RACY_NS and not index.temporary_file:
        _settle_racy(index, key, source.path, status, digest, jobs)


def _settle_racy(
    index: SiteIndex,
    key: str,
    path: Path,
    status: os.stat_result,
    digest: bytes | None,
    jobs: int,
) -> None:
    """Spare the next run comparing the bytes of a file read whole just after it changed.

    Its status would not show a change made within the same tick of the file
    system's clock, so the next run would digest all of it again (seconds, for
    a file of gigabytes). Once that tick is surely over (reading a large file
    takes longer), bytes still those read, with the status unchanged, make the
    index's record as good as one taken by a later look.
    """
    checked = time.time_ns()
    if digest is None or status.st_mtime_ns >= checked - _RACY_NS:
        return
    state = index.source(key)
    if state is None or not state.complete or state.digest != digest:
        return
    try:
        now = path.stat()
    except OSError:
        return
    if (now.st_size, now.st_mtime_ns, now.st_ino) != (state.size, state.mtime_ns, state.inode):
        return
    if file_digests(path, None, jobs)[1] == digest:
        index.seen(key, now.st_size, now.st_mtime_ns, now.st_ino, checked)


def _replace(
    index: SiteIndex,
    ordinal: int,
    key: str,
    reader: RecordReader,
    articles: Iterator[Article] | Iterable[Article],
    problems: list[Problem],
    progress: Progress,
    first: int,
    *,
    append: bool = False,
    file: tuple[os.stat_result, int, bytes | None, Callable[[bool], Position | None]]
    | None = None,
    forked: bool = False,
    position: Position | None = None,
) -> None:
    marks: list[int] = []

    def counted(rows: Iterator[Stored]) -> Iterator[Stored]:
        for row in rows:
            marks.append(len(problems))
            progress.count()
            yield row

    def finish() -> SourceRead:
        complete = not any(isinstance(p, SourceError) for p in problems)
        placed = [(first + bisect_right(marks, i), p) for i, p in enumerate(problems)]
        unknown = frozenset(reader.reported_unknown)
        if file is None:
            return SourceRead(placed, reader.records_without_id, False, unknown)
        status, checked, digest, at_end = file
        resume = at_end(complete)
        return SourceRead(
            placed,
            reader.records_without_id,
            complete,
            unknown,
            status.st_size,
            status.st_mtime_ns,
            status.st_ino,
            checked,
            digest if complete else None,
            resume,
        )

    if not forked:
        made = (stored(article) for article in articles)
        index.replace_source(key, ordinal, counted(made), finish, append=append)
        return
    with _forked(articles, problems, reader, position) as received:
        index.replace_source(key, ordinal, counted(received), finish, append=append)


@contextlib.contextmanager
def _forked(
    articles: Iterable[Article], problems: list[Problem], reader: RecordReader, at: Position | None
) -> Iterator[Iterator[Stored]]:
    """`articles` as `stored` makes them, made in a forked process while this one stores
    them: each comes after the problems found up to it (added to `problems`), and after
    the last, `reader` and `at` are as reading them here would have left them."""
    readable, writable = os.pipe()
    with contextlib.suppress(AttributeError, OSError):  # elsewhere, or a lower limit
        fcntl.fcntl(writable, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    pid = os.fork()
    if pid == 0:
        os.close(readable)
        _read_forked(writable, articles, problems, reader, at)
    os.close(writable)
    try:
        with os.fdopen(readable, "rb") as received:
            yield _received(received, problems, reader, at)
    finally:
        # Done, or this process failed (a full disk): the reader is not needed any more.
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _read_forked(
    writable: int,
    articles: Iterable[Article],
    problems: list[Problem],
    reader: RecordReader,
    at: Position | None,
) -> NoReturn:
    """The forked process: send batches of (stored article, the problems before it), then
    what is left: the last problems, and the reader's and the position's state."""
    code = 1
    try:
        # It holds nothing but its pipe: a lock of the parent's outlives no killed parent.
        os.closerange(3, writable)
        os.closerange(writable + 1, os.sysconf("SC_OPEN_MAX"))
        with os.fdopen(writable, "wb") as sink:
            try:
                batch: list[tuple[Stored, list[Problem]]] = []
                for article in articles:
                    batch.append((stored(article), problems[:]))
                    problems.clear()
                    if len(batch) == _BATCH:
                        pickle.dump((batch, None), sink, pickle.HIGHEST_PROTOCOL)
                        batch = []
                state = None if at is None else (at.offset, at.line, at.columns, at.whole)
                end = (problems, reader.records_without_id, reader.reported_unknown, state)
                pickle.dump((batch, end), sink, pickle.HIGHEST_PROTOCOL)
                code = 0
            except Exception as error:  # raised again in the parent
                try:
                    failure = pickle.dumps(error, pickle.HIGHEST_PROTOCOL)
                except Exception:  # one that cannot be sent is named
                    failure = pickle.dumps(RuntimeError(repr(error)), pickle.HIGHEST_PROTOCOL)
                sink.write(failure)
    finally:
        os._exit(code)  # never the parent's cleanup: its index, its files


def _received(
    received: BinaryIO,
    problems: list[Problem],
    reader: RecordReader,
    at: Position | None,
) -> Iterator[Stored]:
    while True:
        try:
            message = pickle.load(received)
        except EOFError:
            raise RuntimeError("the process reading a source ended before its end") from None
        if isinstance(message, BaseException):
            raise message
        batch, end = message
        for row, found in batch:
            problems.extend(found)
            yield row
        if end is not None:
            found, reader.records_without_id, unknown, state = end
            problems.extend(found)
            reader.reported_unknown.update(unknown)
            if at is not None:
                at.offset, at.line, at.columns, at.whole = state
            return
