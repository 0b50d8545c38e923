"""Reading a site's sources into an ArticleStore, again only where they changed.

A site rebuilt from cron reads the same large files every run, and
normalising a record costs more than rendering it. With a cache folder, the
articles of each source file are saved there, under a digest of the file's
bytes, name, size and modification time (a text file without a date is
dated by it), the feed settings, the encoding and newsfeed's own code; the
next run that finds the same digest adopts that file instead of reading the
source: its articles, and the problems reading it found (reported again at
the same places), are what reading it again would give. A saved file's
index is checked (SHA-256) before it is used, and each article's values
against their digest when loaded: the build then starts again without the
cache.

Only what does not depend on other sources is kept: a file in which a record
repeated an id is read again next time, and a saved file whose ids were
already read this run is not adopted, so that duplicates are named exactly
as without a cache. A run removes the saved files it did not use, so the
folder must be the site's own.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable
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
from newsfeed.store import ArticleStore, StoreWriteError
from newsfeed.version import __version__

SUFFIX = ".articles"
_PARTIAL_SUFFIX = ".partial"
_CHUNK = 1 << 20


def _code_digest() -> bytes:
    """A digest of newsfeed's own code: articles read by other code are read again."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


_CODE = _code_digest()


def default_cache_folder(out: Path) -> Path:
    """The user's cache folder for a site written to `out`: one per output folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    site = hashlib.sha256(str(out.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return Path(base, "newsfeed", site[:16])


class ReadCache:
    """A folder of saved sources for one site's settings and encoding."""

    def __init__(self, folder: Path, settings: FeedSettings, encoding: str) -> None:
        self.folder = folder
        self._salt = _CODE + repr((settings, encoding)).encode()
        self._used: set[str] = set()
        #: False once a source could not be saved: the others are not tried.
        self.saving = True

    def path_for(self, source: SourceFile) -> Path | None:
        """Where `source` as it is now is saved; None if it is not a regular file
        (a pipe can be read once only) or cannot be read to tell."""
        digest = hashlib.sha256(self._salt)
        try:
            # Opening a pipe would wait for its writer: look before opening.
            if not stat.S_ISREG(source.path.stat().st_mode):
                return None
            with source.path.open("rb") as file:
                status = os.fstat(file.fileno())
                if not stat.S_ISREG(status.st_mode):
                    return None
                digest.update(
                    f"{source.name}\0{status.st_size}\0{status.st_mtime_ns}\0".encode(
                        "utf-8", "surrogatepass"
                    )
                )
                while chunk := file.read(_CHUNK):
                    digest.update(chunk)
        except OSError:
            return None
        return self.folder / (digest.hexdigest()[:32] + SUFFIX)

    def use(self, path: Path) -> None:
        """Keep `path` when this run prunes the folder."""
        self._used.add(path.name)

    def clear(self) -> None:
        """Forget every saved source: the next reads save them again."""
        self._used.clear()
        self.prune()

    def prune(self) -> None:
        """Remove the saved sources this run did not use."""
        self._remove(lambda name: name.endswith(SUFFIX) and name not in self._used)

    def remove_partials(self) -> None:
        """Remove the partial files of runs that were killed while saving: a run
        holds the output folder's lock while it reads, so none is another's."""
        self._remove(lambda name: name.startswith(".") and name.endswith(_PARTIAL_SUFFIX))

    def _remove(self, unused: Callable[[str], bool]) -> None:
        try:
            paths = list(self.folder.iterdir())
        except OSError:
            return
        for path in paths:
            if unused(path.name):
                with contextlib.suppress(OSError):
                    path.unlink()


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
    if cache is not None:
        cache.remove_partials()
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
        cache.use(path)
        return
    store.begin_segment()
    first_problem, duplicates = len(problems), reader.duplicates
    without_id_before = reader.records_without_id
    store.extend(reader.iter_articles(records_of(source, problems, encoding), problems))
    found = problems[first_problem:]
    if (
        path is None
        or not cache.saving
        or reader.duplicates != duplicates
        or any(isinstance(p, SourceError) for p in found)
    ):
        return
    extra = ([_problem_values(p) for p in found], reader.records_without_id - without_id_before)
    try:
        _save(store, path, extra)
    except StoreWriteError:
        raise  # the store's own file, not the cache's
    except OSError as error:
        # Once: a full disk would refuse every other source too.
        cache.saving = False
        problems.append(
            Place(str(cache.folder)).warning(
                "cache", f"cannot keep sources there: {error.strerror or error}"
            )
        )
        return
    cache.use(path)


def _save(store: ArticleStore, path: Path, extra: Any) -> None:
    """Save the store's segment as `path`, whole or not at all."""
    handle, partial = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=_PARTIAL_SUFFIX
    )
    try:
        with os.fdopen(handle, "w+b") as file:
            store.save_segment(file, extra)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise


def _adopt(
    store: ArticleStore,
    reader: RecordReader,
    source: SourceFile,
    path: Path,
    problems: list[Problem],
) -> bool:
    try:
        file: BinaryIO = path.open("rb")
    except OSError:
        return False
    with file:
        saved = store.open_saved(file)
        if saved is None or any(reader.has_id(entry_id) for entry_id, _ in saved.ids()):
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
