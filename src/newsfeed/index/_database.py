"""The index's file (internal): its tables, opening it, transactions, temporary indexes."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

#: Raised when the tables change meaning: an index of another version is built again.
SCHEMA_VERSION = 5
INDEX_NAME = "site-index.sqlite3"
#: The name a temporary index's folder starts with, in the system's temporary folder.
TEMPORARY_PREFIX = "newsfeed-index-"
#: The bytes of a page of a new index. Each page read or written is a system call:
#: with SQLite's default of 4 KiB, a first build of 20,000 articles made 144,000 of
#: them, and 54,000 with 16 KiB pages (a compressed article is some 1.6 KB).
PAGE_SIZE = 16384

_Opened = TypeVar("_Opened", bound="Database")

# `changed` is the log of what reading changed since the last run that published
# (`Feeds.changes`): each facet (kind, value) an article gained, lost or flipped
# `live` on, ('', '') for any article's change, ('*', '') for a change of the
# sources' order (which decides ties between records and the order of fan-out
# names); meta's 'oldest-change' is the order key of the oldest article changed, old
# or new (`Feeds.oldest_change`). Triggers keep them, so that every change the
# sources make is in them, in the same transaction; publishing empties them once
# every document is recorded. Only a run that published reads them, so they are kept
# only once one has (`PUBLISHED` is in meta): a first build would spend half of the
# time it takes to store its articles keeping a log that nothing reads. The triggers are
# each writing connection's own (temporary), made when it opens an index that a run
# published, or when its own run ends publishing.
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    ordinal INTEGER NOT NULL,
    size INTEGER, mtime_ns INTEGER, inode INTEGER, checked_ns INTEGER,
    digest BLOB,
    resume BLOB,
    next_seq INTEGER NOT NULL,
    without_id INTEGER NOT NULL,
    problems BLOB NOT NULL,
    complete INTEGER NOT NULL
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    source INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    entry_id BLOB NOT NULL,
    order_key INTEGER NOT NULL,
    live INTEGER NOT NULL,
    digest BLOB NOT NULL,
    place_source TEXT NOT NULL,
    place_position TEXT,
    vals BLOB NOT NULL
);
CREATE INDEX articles_by_source ON articles (source, seq);
CREATE INDEX articles_by_id ON articles (entry_id);
CREATE INDEX articles_in_order ON articles (live, order_key, entry_id, digest);
CREATE INDEX articles_not_live ON articles (source) WHERE live = 0;
CREATE TABLE facets (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    order_key INTEGER NOT NULL,
    entry_id BLOB NOT NULL,
    article INTEGER NOT NULL,
    live INTEGER NOT NULL,
    digest BLOB NOT NULL,
    spelling TEXT NOT NULL,
    source INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    slot INTEGER NOT NULL,
    PRIMARY KEY (kind, value, order_key, entry_id, article)
) WITHOUT ROWID;
CREATE INDEX facets_by_article ON facets (article);
CREATE TABLE documents (
    path TEXT PRIMARY KEY,
    digest BLOB,
    bytes_digest BLOB,
    size INTEGER,
    mtime_ns INTEGER,
    ctime_ns INTEGER,
    inode INTEGER,
    kept INTEGER,
    shown INTEGER,
    problems BLOB
);
CREATE TABLE clean_entries (chunk INTEGER PRIMARY KEY, digests BLOB NOT NULL);
CREATE TABLE changed (kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, value))
    WITHOUT ROWID;
"""


_CHANGE_LOG = """
CREATE TEMP TRIGGER IF NOT EXISTS article_added AFTER INSERT ON main.articles BEGIN
    INSERT OR IGNORE INTO changed VALUES ('', '');
    INSERT INTO meta VALUES ('oldest-change', NEW.order_key)
        ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value);
END;
CREATE TEMP TRIGGER IF NOT EXISTS article_removed AFTER DELETE ON main.articles BEGIN
    INSERT OR IGNORE INTO changed VALUES ('', '');
    INSERT INTO meta VALUES ('oldest-change', OLD.order_key)
        ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value);
END;
CREATE TEMP TRIGGER IF NOT EXISTS article_updated AFTER UPDATE ON main.articles BEGIN
    INSERT OR IGNORE INTO changed VALUES ('', '');
    INSERT INTO meta VALUES ('oldest-change', max(OLD.order_key, NEW.order_key))
        ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value);
END;
CREATE TEMP TRIGGER IF NOT EXISTS facet_added AFTER INSERT ON main.facets BEGIN
    INSERT OR IGNORE INTO changed VALUES (NEW.kind, NEW.value);
END;
CREATE TEMP TRIGGER IF NOT EXISTS facet_removed AFTER DELETE ON main.facets BEGIN
    INSERT OR IGNORE INTO changed VALUES (OLD.kind, OLD.value);
END;
CREATE TEMP TRIGGER IF NOT EXISTS facet_updated AFTER UPDATE ON main.facets BEGIN
    INSERT OR IGNORE INTO changed VALUES (OLD.kind, OLD.value);
    INSERT OR IGNORE INTO changed VALUES (NEW.kind, NEW.value);
END;
CREATE TEMP TRIGGER IF NOT EXISTS source_moved AFTER UPDATE OF ordinal ON main.sources
    WHEN OLD.ordinal IS NOT NEW.ordinal BEGIN
    INSERT OR IGNORE INTO changed VALUES ('*', '');
END;
"""

#: The key of meta that a run which published every document leaves.
PUBLISHED = "published"


def _statements(script: str) -> Iterator[str]:
    """The statements of `script`, each whole (a trigger's body holds semicolons)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""


class DamagedIndex(Exception):
    """The index cannot be used as it is: another version, or damaged on disk."""


class Database:
    """The connection to one site's index, open for one run, or a temporary one
    (`temporary`); what it holds is read and written by the parts of `SiteIndex`."""

    def __init__(self, path: Path, *, temporary: bool = False, read_only: bool = False) -> None:
        self.path = path
        self.temporary_file = temporary and not read_only
        #: A temporary index's folder, open and locked while the index is in use.
        self._folder_lock: int | None = None
        if read_only:
            # Another process's view of an index this one does not change (rendering).
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
            return
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            # Set before anything is written, so only a new index takes it.
            self._db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA journal_size_limit = 67108864")
            self._db.execute("PRAGMA cache_size = -16384")
            self._db.execute("PRAGMA temp_store = MEMORY")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0 and not self._db.execute("SELECT 1 FROM sqlite_master").fetchone():
                with self.transaction():
                    for statement in _statements(_SCHEMA):
                        self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif version != SCHEMA_VERSION:
                raise DamagedIndex(f"schema version {version}, not {SCHEMA_VERSION}")
            if self._db.execute("SELECT 1 FROM meta WHERE key = ?", (PUBLISHED,)).fetchone():
                self.log_changes()
        except BaseException:
            self.close()  # SQLite's error is the caller's to judge (damage, or a full disk)
            raise

    def log_changes(self) -> None:
        """From now on, log every change the sources make (see `_SCHEMA`)."""
        for statement in _statements(_CHANGE_LOG):
            self._db.execute(statement)

    @classmethod
    def temporary(cls: type[_Opened]) -> _Opened:
        """An index in a temporary folder, removed when closed: a build that keeps nothing.

        The folder is locked (flock, released when the process dies) for as long as
        the index is open, so that the folders of killed runs, which nothing else would
        ever remove, are told from those in use and removed first
        (`remove_abandoned_temporaries`).
        """
        remove_abandoned_temporaries()
        while True:
            folder = tempfile.mkdtemp(prefix=TEMPORARY_PREFIX)
            lock = _lock_folder(folder, blocking=True)
            if lock is not None:
                break
            # Another run took the folder for a killed run's before it was locked.
        index = None
        try:
            index = cls(Path(folder, INDEX_NAME), temporary=True)
        finally:
            if index is None:  # the constructor closed what it opened
                shutil.rmtree(folder, ignore_errors=True)
                os.close(lock)
        index._folder_lock = lock
        return index

    def __enter__(self: _Opened) -> _Opened:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(AttributeError, sqlite3.Error):
            self._db.close()
        if self.temporary_file:
            remove(self.path)
            with contextlib.suppress(OSError):
                self.path.parent.rmdir()
        if self._folder_lock is not None:
            os.close(self._folder_lock)  # only now: the folder is gone
            self._folder_lock = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction: everything in it is in the index, or none of it."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


def remove_abandoned_temporaries() -> None:
    """Remove the temporary index folders that killed runs left (with all their
    articles), never one in use: a run holds its folder's lock until it ends."""
    base = tempfile.gettempdir()
    try:
        names = [name for name in os.listdir(base) if name.startswith(TEMPORARY_PREFIX)]
    except OSError:
        return
    for name in names:
        folder = os.path.join(base, name)
        lock = _lock_folder(folder, blocking=False)
        if lock is None:
            continue  # in use, gone, or not ours
        try:
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            os.close(lock)


def _lock_folder(folder: str, *, blocking: bool) -> int | None:
    """The folder `folder` opened and locked, or None if it is locked by a run (unless
    `blocking`), not a folder of this user's (a link is not followed), or no longer there
    under that name."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid():
            raise OSError
        fcntl.flock(descriptor, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
        # Removed (and perhaps made again) while this process waited for the lock.
        now = os.stat(folder, follow_symlinks=False)
        if (now.st_dev, now.st_ino) != (status.st_dev, status.st_ino):
            raise OSError
    except OSError:
        os.close(descriptor)
        return None
    return descriptor


def remove(path: Path) -> None:
    """Remove the index at `path` with its write-ahead log."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")
