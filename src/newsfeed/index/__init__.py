"""The site index: what a rebuild needs to cost only what changed, in one SQLite file.

It holds each source as it was last read (its size, modification time and a
digest of its bytes, and for a JSON Lines or CSV file where reading ended),
each article read from it (its id, place, order in a feed, a digest of its
values, and the values themselves, compressed), the facets a `Selection` reads
(categories, authors, language) in feed order, so that "the newest 50 of
category X" is one index read, and each document written (its path, a digest
of what it was rendered from, a digest of its bytes, their size and time).

Every change to a source's articles is one transaction, and a document is
recorded only once its file is in place, so that a run killed at any moment
leaves an index that at worst renders a document again. The index lives in
write-ahead-log mode under the output folder's lock. A file of another
schema version, or one SQLite cannot read, is `DamagedIndex`: the caller
removes it and builds again (`remove`).

The article digest (SHA-256, cut to 16 bytes) is over the article's values
without its place, in a form that depends on nothing but those values
(marshal version 2 has no references to objects met earlier), so an
unchanged article has the same digest in every run.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import marshal
import os
import shutil
import sqlite3
import stat
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from newsfeed.index._stored import _article, _values
from newsfeed.model import (
    Article,
    InputError,
    InputWarning,
    Place,
    Problem,
    SourceError,
)
from newsfeed.sources.position import Position

#: Raised when the tables change meaning: an index of another version is built again.
SCHEMA_VERSION = 1
INDEX_NAME = "site-index.sqlite3"
#: The name a temporary index's folder starts with, in the system's temporary folder.
TEMPORARY_PREFIX = "newsfeed-index-"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
#: Subtracting from this orders newest first; every year 1-9999 stays positive.
_NEWEST_FIRST = 1 << 62
_DIGEST_SIZE = 16
#: SQLite's smallest limit on the parameters of one statement, with room to spare.
_BATCH = 500

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
CREATE TABLE facets (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    order_key INTEGER NOT NULL,
    entry_id BLOB NOT NULL,
    article INTEGER NOT NULL,
    live INTEGER NOT NULL,
    digest BLOB NOT NULL,
    spelling TEXT NOT NULL,
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
    kept INTEGER,
    shown INTEGER,
    problems BLOB
);
"""

#: The facet kinds a `Selection` reads: categories, author names, language.
CATEGORY, AUTHOR, LANGUAGE = "c", "a", "l"

#: An article as a feed sees it before it is loaded: its row and its digest.
Entry = tuple[int, bytes]


class DamagedIndex(Exception):
    """The index cannot be used as it is: another version, or damaged on disk."""


@dataclass(frozen=True, slots=True)
class SourceState:
    """A source as it was last read."""

    id: int
    size: int | None
    mtime_ns: int | None
    inode: int | None
    checked_ns: int | None
    digest: bytes | None
    resume: Position | None
    next_seq: int
    complete: bool
    unknown_reported: frozenset[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class SourceRead:
    """What one reading of a source found, to record in the index."""

    problems: list[tuple[int, Problem]]
    without_id: int
    complete: bool
    unknown_reported: frozenset[tuple[str, str]]
    size: int | None = None
    mtime_ns: int | None = None
    inode: int | None = None
    checked_ns: int | None = None
    digest: bytes | None = None
    resume: Position | None = None


@dataclass(frozen=True, slots=True)
class DocumentState:
    """A document as it was last written."""

    path: str
    digest: bytes | None
    bytes_digest: bytes | None
    size: int | None
    mtime_ns: int | None
    kept: int | None
    shown: int | None
    problems: tuple[Problem, ...]


class SiteIndex:
    """One site's index, open for one run (`open`), or a temporary one (`temporary`)."""

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
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA journal_size_limit = 67108864")
            self._db.execute("PRAGMA cache_size = -65536")
            self._db.execute("PRAGMA temp_store = MEMORY")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0 and not self._db.execute("SELECT 1 FROM sqlite_master").fetchone():
                with self.transaction():
                    for statement in _SCHEMA.split(";\n"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif version != SCHEMA_VERSION:
                raise DamagedIndex(f"schema version {version}, not {SCHEMA_VERSION}")
        except BaseException:
            self.close()  # SQLite's error is the caller's to judge (damage, or a full disk)
            raise

    @classmethod
    def temporary(cls) -> SiteIndex:
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

    def __enter__(self) -> SiteIndex:
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

    # -- what it was built for ----------------------------------------------------

    def adopt_salt(self, salt: bytes) -> None:
        """Keep the articles only if they were read with `salt` (settings, encoding, code);
        otherwise forget every source, and every document's digest (not its path)."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
        if row is not None and row[0] == salt:
            return
        with self.transaction() as db:
            db.execute("DELETE FROM facets")
            db.execute("DELETE FROM articles")
            db.execute("DELETE FROM sources")
            db.execute("UPDATE documents SET digest = NULL")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('salt', ?)", (salt,))

    # -- sources ------------------------------------------------------------------

    def begin_reading(self, keys: Sequence[str]) -> None:
        """Forget the sources not among `keys`, and give the others their place in this
        run's order (which decides which of two records with one id wins)."""
        known = dict(self._db.execute("SELECT key, ordinal FROM sources").fetchall())
        ordinals = {key: number for number, key in enumerate(keys)}
        gone = [key for key in known if key not in ordinals]
        moved = {
            key: ordinals[key] for key in known if key in ordinals and known[key] != ordinals[key]
        }
        if not gone and not moved:
            return
        with self.transaction() as db:
            for key in gone:
                (source,) = db.execute("SELECT id FROM sources WHERE key = ?", (key,)).fetchone()
                self._remove_rows(db, source)
                db.execute("DELETE FROM sources WHERE id = ?", (source,))
            for key, ordinal in moved.items():
                db.execute("UPDATE sources SET ordinal = ? WHERE key = ?", (ordinal, key))
            if moved:
                db.execute("CREATE TEMP TABLE IF NOT EXISTS touched (entry_id BLOB PRIMARY KEY)")
                db.execute(
                    "INSERT OR IGNORE INTO touched SELECT entry_id FROM articles "
                    "GROUP BY entry_id HAVING count(*) > 1"
                )
            self._settle(db)

    def source(self, key: str) -> SourceState | None:
        row = self._db.execute(
            "SELECT id, size, mtime_ns, inode, checked_ns, digest, resume, next_seq, complete "
            "FROM sources WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        resume, unknown = (None, ()) if row[6] is None else marshal.loads(row[6])
        return SourceState(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            None if resume is None else Position(resume[0], resume[1], resume[2]),
            row[7],
            bool(row[8]),
            frozenset(tuple(item) for item in unknown),
        )

    def seen(self, key: str, size: int, mtime_ns: int, inode: int, checked_ns: int) -> None:
        """The source `key` is unchanged; its file's status is now this."""
        with self.transaction() as db:
            db.execute(
                "UPDATE sources SET size = ?, mtime_ns = ?, inode = ?, checked_ns = ? "
                "WHERE key = ?",
                (size, mtime_ns, inode, checked_ns, key),
            )

    def replace_source(
        self,
        key: str,
        ordinal: int,
        articles: Iterable[Article],
        finish: Any,
        *,
        append: bool = False,
    ) -> None:
        """Replace the articles of source `key` with `articles` (or, with `append`, add them
        after those it has), in one transaction; `finish()` then gives the `SourceRead`."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT id, next_seq, problems, without_id FROM sources WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                source: int = (
                    db.execute(
                        "INSERT INTO sources (key, ordinal, next_seq, without_id, problems, "
                        "complete) VALUES (?, ?, 0, 0, ?, 0)",
                        (key, ordinal, marshal.dumps([])),
                    ).lastrowid
                    or 0
                )
                seq, old_problems, old_without_id = 0, [], 0
            else:
                source = row[0]
                if append:
                    seq, old_problems, old_without_id = row[1], marshal.loads(row[2]), row[3]
                else:
                    self._remove_rows(db, source)
                    seq, old_problems, old_without_id = 0, [], 0
            db.execute("CREATE TEMP TABLE IF NOT EXISTS touched (entry_id BLOB PRIMARY KEY)")
            first = seq
            for article in articles:
                self._insert(db, source, seq, article)
                seq += 1
            read: SourceRead = finish()
            # A record whose id another record has: which one wins is settled below.
            db.execute(
                "INSERT OR IGNORE INTO touched SELECT a.entry_id FROM articles a "
                "WHERE a.source = ? AND a.seq >= ? AND EXISTS (SELECT 1 FROM articles b "
                "WHERE b.entry_id = a.entry_id AND b.id != a.id)",
                (source, first),
            )
            problems = old_problems + [_problem_values(n, p) for n, p in read.problems]
            resume = (
                None
                if read.resume is None
                else marshal.dumps(
                    (
                        (read.resume.offset, read.resume.line, read.resume.columns),
                        sorted(read.unknown_reported),
                    )
                )
            )
            db.execute(
                "UPDATE sources SET ordinal = ?, size = ?, mtime_ns = ?, inode = ?, "
                "checked_ns = ?, digest = ?, resume = ?, next_seq = ?, without_id = ?, "
                "problems = ?, complete = ? WHERE id = ?",
                (
                    ordinal,
                    read.size,
                    read.mtime_ns,
                    read.inode,
                    read.checked_ns,
                    read.digest,
                    resume,
                    seq,
                    old_without_id + read.without_id,
                    marshal.dumps(problems),
                    int(read.complete),
                    source,
                ),
            )
            self._settle(db)

    def _insert(self, db: sqlite3.Connection, source: int, seq: int, article: Article) -> None:
        values = marshal.dumps(_values(article), 2)
        digest = hashlib.sha256(values).digest()[:_DIGEST_SIZE]
        # Article text compresses about threefold even at the fastest level: a third of
        # the disk, and of the bytes a large first build writes twice (log, then file).
        stored = zlib.compress(values, 1)
        order = order_key(article)
        entry_id = article.id.encode("utf-8", "surrogatepass")
        article_row = db.execute(
            "INSERT INTO articles (source, seq, entry_id, order_key, live, digest, "
            "place_source, place_position, vals) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
            (
                source,
                seq,
                entry_id,
                order,
                digest,
                article.place.source,
                article.place.position,
                stored,
            ),
        ).lastrowid
        db.executemany(
            "INSERT INTO facets VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)",
            [
                (kind, value, order, entry_id, article_row, digest, spelling, slot)
                for slot, (kind, value, spelling) in enumerate(_facets(article))
            ],
        )

    def _remove_rows(self, db: sqlite3.Connection, source: int) -> None:
        db.execute("CREATE TEMP TABLE IF NOT EXISTS touched (entry_id BLOB PRIMARY KEY)")
        db.execute(
            "INSERT OR IGNORE INTO touched SELECT a.entry_id FROM articles a WHERE a.source = ? "
            "AND EXISTS (SELECT 1 FROM articles b WHERE b.entry_id = a.entry_id "
            "AND b.source != a.source)",
            (source,),
        )
        db.execute(
            "DELETE FROM facets WHERE article IN (SELECT id FROM articles WHERE source = ?)",
            (source,),
        )
        db.execute("DELETE FROM articles WHERE source = ?", (source,))

    def _settle(self, db: sqlite3.Connection) -> None:
        """Of the records that share an id, the first read (in source order) publishes."""
        db.execute(
            "UPDATE articles SET live = (id = (SELECT b.id FROM articles b "
            "JOIN sources s ON s.id = b.source WHERE b.entry_id = articles.entry_id "
            "ORDER BY s.ordinal, b.seq LIMIT 1)) "
            "WHERE entry_id IN (SELECT entry_id FROM touched)"
        )
        # Kept beside each facet too, so that a feed's entries are read from one index.
        db.execute(
            "UPDATE facets SET live = (SELECT live FROM articles WHERE id = facets.article) "
            "WHERE entry_id IN (SELECT entry_id FROM touched)"
        )
        db.execute("DELETE FROM touched")

    def problems(self, key: str) -> list[tuple[tuple[int, int], Problem]]:
        """The problems of reading source `key`, each with where it falls among its records,
        and an error for each of its records whose id an earlier record had."""
        row = self._db.execute("SELECT id, problems FROM sources WHERE key = ?", (key,)).fetchone()
        if row is None:
            return []
        found = [((n, 0), _problem(values)) for n, *values in marshal.loads(row[1])]
        for seq, entry_id, source, position, winner_source, winner_position in self._db.execute(
            "SELECT a.seq, a.entry_id, a.place_source, a.place_position, w.place_source, "
            "w.place_position FROM articles a JOIN articles w "
            "ON w.entry_id = a.entry_id AND w.live = 1 WHERE a.source = ? AND a.live = 0",
            (row[0],),
        ):
            text = entry_id.decode("utf-8", "surrogatepass")
            found.append(
                (
                    (seq, 1),
                    InputError(
                        source,
                        position,
                        "id",
                        f"duplicate id {text!r}: already used by the record at "
                        f"{Place(winner_source, winner_position)}; this record is skipped",
                    ),
                )
            )
        found.sort(key=lambda item: item[0])
        return found

    def records_without_id(self) -> int:
        (count,) = self._db.execute("SELECT coalesce(sum(without_id), 0) FROM sources").fetchone()
        return int(count)

    # -- reading back -------------------------------------------------------------

    def read_order(self) -> Iterator[Article]:
        """Every article that publishes, in the order read."""
        rows = self._db.execute(
            "SELECT a.vals, a.digest, a.place_source, a.place_position FROM articles a "
            "JOIN sources s ON s.id = a.source WHERE a.live = 1 ORDER BY s.ordinal, a.seq"
        )
        for values, digest, source, position in rows:
            yield _checked(values, digest, source, position)

    def entries(
        self,
        categories: frozenset[str] = frozenset(),
        authors: frozenset[str] = frozenset(),
        languages: frozenset[str] = frozenset(),
    ) -> list[Entry]:
        """In feed order (newest first, ties by id), the articles with any of `categories`,
        any of `authors` and any of `languages` (casefolded; empty: any)."""
        wanted = [
            (kind, sorted(values)) for kind, values in _kinds(categories, authors, languages)
        ]
        if not wanted:
            rows = self._db.execute(
                "SELECT id, digest FROM articles WHERE live = 1 ORDER BY order_key, entry_id"
            ).fetchall()
            return rows
        (kind, values), *others = wanted
        # An article has a facet once per value: only several values can meet it twice.
        query = [
            f"SELECT {'DISTINCT' if len(values) > 1 else ''} f.article, f.digest, f.order_key, "
            "f.entry_id FROM facets f WHERE f.kind = ? AND f.value IN "
            f"({','.join('?' * len(values))}) AND f.live = 1"
        ]
        parameters: list[Any] = [kind, *values]
        for other_kind, other_values in others:
            query.append(
                "AND EXISTS (SELECT 1 FROM facets g WHERE g.article = f.article AND g.kind = ? "
                f"AND g.value IN ({','.join('?' * len(other_values))}))"
            )
            parameters += [other_kind, *other_values]
        query.append("ORDER BY f.order_key, f.entry_id")
        return [(row[0], row[1]) for row in self._db.execute(" ".join(query), parameters)]

    def spellings(self, kind: str) -> list[str]:
        """Each spelling of a facet `kind` that publishing articles carry, in the order read."""
        rows = self._db.execute(
            "SELECT f.spelling FROM facets f JOIN articles a ON a.id = f.article "
            "JOIN sources s ON s.id = a.source WHERE f.kind = ? AND a.live = 1 "
            "ORDER BY s.ordinal, a.seq, f.slot",
            (kind,),
        )
        return list(dict.fromkeys(row[0] for row in rows))

    def load(self, ids: Sequence[int]) -> list[Article]:
        """The articles of the rows `ids`, in that order."""
        found: dict[int, Article] = {}
        for start in range(0, len(ids), _BATCH):
            batch = ids[start : start + _BATCH]
            for row_id, values, digest, source, position in self._db.execute(
                "SELECT id, vals, digest, place_source, place_position FROM articles "
                f"WHERE id IN ({','.join('?' * len(batch))})",
                batch,
            ):
                found[row_id] = _checked(values, digest, source, position)
        try:
            return [found[row_id] for row_id in ids]
        except KeyError:
            raise DamagedIndex("an article a feed holds is missing") from None

    # -- documents ----------------------------------------------------------------

    def documents(self) -> dict[str, DocumentState]:
        return {
            row[0]: DocumentState(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                tuple(_problem(v[1:]) for v in marshal.loads(row[7])) if row[7] else (),
            )
            for row in self._db.execute(
                "SELECT path, digest, bytes_digest, size, mtime_ns, kept, shown, problems "
                "FROM documents"
            )
        }

    def intend(self, paths: Iterable[str]) -> None:
        """Note that the files at `paths` are about to be written, before they are, so that
        a run killed after writing them still knows them (and removes them if unwanted)."""
        with self.transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO documents (path) VALUES (?)", [(p,) for p in paths]
            )

    def record(self, states: Iterable[DocumentState]) -> None:
        """Record documents whose files are in place (a digest of None: render it again)."""
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        s.path,
                        s.digest,
                        s.bytes_digest,
                        s.size,
                        s.mtime_ns,
                        s.kept,
                        s.shown,
                        marshal.dumps([_problem_values(0, p) for p in s.problems]),
                    )
                    for s in states
                ],
            )

    def forget(self, paths: Iterable[str]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM documents WHERE path = ?", [(p,) for p in paths])


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


def order_key(article: Article) -> int:
    """Newest `published` first (ties are broken by id as a second key)."""
    return _NEWEST_FIRST - (article.published - _EPOCH) // _MICROSECOND


def _kinds(
    categories: frozenset[str], authors: frozenset[str], languages: frozenset[str]
) -> list[tuple[str, frozenset[str]]]:
    return [
        (kind, values)
        for kind, values in ((CATEGORY, categories), (AUTHOR, authors), (LANGUAGE, languages))
        if values
    ]


def _facets(article: Article) -> list[tuple[str, str, str]]:
    found: dict[tuple[str, str], str] = {}
    for name in article.categories:
        found.setdefault((CATEGORY, name.casefold()), name)
    for author in article.authors:
        found.setdefault((AUTHOR, author.name.casefold()), author.name)
    # Without a language of its own an article has the site's: selections ask for "" then.
    language = article.language or ""
    found[(LANGUAGE, language.casefold())] = language
    return [(kind, value, spelling) for (kind, value), spelling in found.items()]


def _problem_values(n: int, problem: Problem) -> tuple[Any, ...]:
    kind = "S" if isinstance(problem, SourceError) else problem.level[0]
    return (n, kind, problem.source, problem.position, problem.field, problem.message)


def _problem(values: Sequence[Any]) -> Problem:
    kind, source, position, field, message = values
    cls = {"S": SourceError, "e": InputError, "w": InputWarning}[kind]
    problem: Problem = cls(source, position, field, message)
    return problem


def article_digest(article: Article) -> bytes:
    """A digest of everything the article renders from (not its place)."""
    return hashlib.sha256(marshal.dumps(_values(article), 2)).digest()[:_DIGEST_SIZE]


def _checked(stored: bytes, digest: bytes, source: str, position: str | None) -> Article:
    try:
        values = zlib.decompress(stored)
    except zlib.error:
        values = b""
    if hashlib.sha256(values).digest()[:_DIGEST_SIZE] != digest:
        raise DamagedIndex("an article's values do not match their digest")
    return _article(marshal.loads(values), Place(source, position))
