"""Reading a site's sources into an ArticleStore, again only where they changed.

A site rebuilt from cron reads the same large files every run; normalising
a record costs more than rendering it. With a cache folder, each source
file's articles go to a file of their own there, named after a digest of the
file's bytes, its name, the feed settings, the encoding and newsfeed's
version; the next run that finds the same digest adopts that file instead
of reading the source: its articles, and the problems reading it found
(replayed at the same places), are what reading it again would give.

Only what does not depend on other sources is kept: a source where a record
repeated an id read earlier in the run is read again next time, and a
cached source whose ids were already read this run is read again too, so
that duplicates are named exactly as without a cache. Files of sources no
longer read are removed by `prune`. A saved file damaged later is caught by
the store's per-article digests when it is loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any, BinaryIO

from newsfeed.model import FeedSettings, InputError, InputWarning, Place, Problem, SourceError
from newsfeed.records import RecordReader
from newsfeed.sources import (
    SourceFile,
    Sources,
    known_encoding,
    missing_id_warning,
    records_of,
    source_parts,
)
from newsfeed.store import ArticleStore
from newsfeed.version import __version__

#: Changes whenever what a saved file holds, or how it is read, changes.
CACHE_FORMAT = "1"
SUFFIX = ".articles"
_CHUNK = 1 << 20


def default_cache_folder(out: Path) -> Path:
    """The user's cache folder for a site written to `out`: one per output folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    site = hashlib.sha256(str(out.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return Path(base, "newsfeed", site[:16])


class ReadCache:
    """A folder of saved sources for one site's settings and encoding."""

    def __init__(self, folder: Path, settings: FeedSettings, encoding: str) -> None:
        self.folder = folder
        self._salt = repr((CACHE_FORMAT, __version__, settings, encoding)).encode()
        self.used: set[str] = set()

    def path_for(self, source: SourceFile) -> Path | None:
        """Where `source` as it is now is saved, or None if it cannot be read to tell."""
        digest = hashlib.sha256(self._salt)
        digest.update(source.name.encode("utf-8", "surrogatepass") + b"\0")
        try:
            with source.path.open("rb") as file:
                while chunk := file.read(_CHUNK):
                    digest.update(chunk)
        except OSError:
            return None
        return self.folder / (digest.hexdigest()[:32] + SUFFIX)

    def clear(self) -> None:
        """Forget every saved source (the next reads save them again)."""
        self.used.clear()
        self.prune()

    def prune(self) -> None:
        """Remove saved sources this run did not use, and files a killed run left."""
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if path.name not in self.used:
                    path.unlink(missing_ok=True)


def read_into(
    store: ArticleStore,
    sources: Sources,
    settings: FeedSettings,
    problems: list[Problem],
    *,
    encoding: str = "utf-8",
    cache: ReadCache | None = None,
) -> None:
    """Add every article of `sources` to `store`, and each problem to `problems`,
    as `read_articles` would; with `cache`, unchanged source files are not read again."""
    if not known_encoding(encoding, problems):
        return
    reader = RecordReader(settings)
    for part in source_parts(sources, problems):
        if cache is not None and isinstance(part, SourceFile):
            _read_file(store, reader, part, problems, encoding, cache)
        else:
            store.extend(reader.iter_articles(records_of(part, problems, encoding), problems))
    if reader.records_without_id:
        problems.append(missing_id_warning(reader.records_without_id))


def _read_file(
    store: ArticleStore,
    reader: RecordReader,
    source: SourceFile,
    problems: list[Problem],
    encoding: str,
    cache: ReadCache,
) -> None:
    path = cache.path_for(source)
    if path is not None and _adopt(store, reader, source, path, problems):
        cache.used.add(path.name)
        return
    records = records_of(source, problems, encoding)
    file = None if path is None else _create_partial(path)
    if path is None or file is None:
        # Unreadable (reading will say why) or nowhere to keep it: read it all the same.
        store.extend(reader.iter_articles(records, problems))
        return
    partial = Path(file.name)
    store.write_segment(file)
    first_problem, duplicates = len(problems), reader.duplicates
    without_id_before = reader.records_without_id
    store.extend(reader.iter_articles(records, problems))
    found = problems[first_problem:]
    without_id = reader.records_without_id - without_id_before
    if reader.duplicates != duplicates or any(isinstance(p, SourceError) for p in found):
        store.end_segment()
        partial.unlink(missing_ok=True)
        return
    store.save_segment(([_problem_values(p) for p in found], without_id))
    with contextlib.suppress(OSError):  # another run may have pruned it meanwhile
        partial.replace(path)
        cache.used.add(path.name)


def _create_partial(path: Path) -> BinaryIO | None:
    """A new file beside `path` to save a segment in, renamed to `path` once complete;
    open for the store's life, as the store reads its articles back from it."""
    try:
        return path.with_name(f".{path.name}.{os.getpid()}").open("w+b")
    except OSError:
        return None


def _adopt(
    store: ArticleStore,
    reader: RecordReader,
    source: SourceFile,
    path: Path,
    problems: list[Problem],
) -> bool:
    try:
        file = path.open("rb")
    except OSError:
        return False
    saved = store.open_saved(file)
    if saved is None or any(reader.has_id(entry_id) for entry_id, _ in saved.ids()):
        file.close()
        return False
    saved_problems, without_id = saved.extra
    for entry_id, position in saved.ids():
        reader.remember_id(entry_id, Place(source.name, position))
    problems.extend(_problem(values) for values in saved_problems)
    reader.records_without_id += without_id
    store.adopt(saved)
    return True


def _problem_values(problem: Problem) -> tuple[Any, ...]:
    return (problem.level, problem.source, problem.position, problem.field, problem.message)


def _problem(values: tuple[Any, ...]) -> Problem:
    level, source, position, field, message = values
    kind = InputError if level == "error" else InputWarning
    return kind(source, position, field, message)
