"""The index's sources and their articles (internal): what each source held when it
was last read, replacing its articles in one transaction, and which of the records
sharing an id publishes."""

from __future__ import annotations

import marshal
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from newsfeed.index._database import Database
from newsfeed.index._stored import Stored, packed, problem_of, problem_values
from newsfeed.model import InputError, Place, Problem
from newsfeed.sources.position import Position

#: marshal's version without references to objects met earlier: the bytes of a value
#: then do not depend on which of its parts are one object.
_NO_REFERENCES = 2
#: Articles one statement deletes or settles (see `_delete_rows`): each may change
#: pages of its own (an article's facets lie anywhere in theirs), which the
#: statement keeps in memory until it ends.
_CHANGED_AT_ONCE = 256


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


class Sources(Database):
    """The sources of the index and the articles read from them."""

    def adopt_salt(self, salt: bytes) -> None:
        """Keep the articles only if they were read with `salt` (settings, encoding, code);
        otherwise forget every source, and every document's digest (not its path)."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
        if row is not None and row[0] == salt:
            return
        with self.transaction() as db:
            for (source,) in db.execute("SELECT DISTINCT source FROM articles").fetchall():
                _delete_rows(db, source)
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
        articles: Iterable[Stored],
        finish: Any,
        *,
        append: bool = False,
    ) -> None:
        """Replace the articles of source `key` with `articles`, as `stored` makes them (or,
        with `append`, add them after those it has), in one transaction; `finish()` then
        gives the `SourceRead`."""
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
            problems = old_problems + [problem_values(n, p) for n, p in read.problems]
            resume = (
                None
                if read.resume is None
                else marshal.dumps(
                    (
                        (read.resume.offset, read.resume.line, read.resume.columns),
                        sorted(read.unknown_reported),
                    ),
                    _NO_REFERENCES,
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
                    marshal.dumps(problems, _NO_REFERENCES),
                    int(read.complete),
                    source,
                ),
            )
            self._settle(db)

    def _insert(self, db: sqlite3.Connection, source: int, seq: int, article: Stored) -> None:
        entry_id, order, place_source, place_position, values, facets = article
        digest, kept = packed(values)
        article_row = db.execute(
            "INSERT INTO articles (source, seq, entry_id, order_key, live, digest, "
            "place_source, place_position, vals) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
            (source, seq, entry_id, order, digest, place_source, place_position, kept),
        ).lastrowid
        db.executemany(
            "INSERT INTO facets VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
            [
                (kind, value, order, entry_id, article_row, digest, spelling, source, seq, slot)
                for slot, (kind, value, spelling) in enumerate(facets)
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
        _delete_rows(db, source)

    def _settle(self, db: sqlite3.Connection) -> None:
        """Of the records that share an id, the first read (in source order) publishes.

        The ids are settled `_CHANGED_AT_ONCE` at a time, for the reason that rows
        are deleted so (`_delete_rows`): two copies of a large export share every id.
        """
        batch = f"SELECT entry_id FROM touched ORDER BY entry_id LIMIT {_CHANGED_AT_ONCE}"
        while db.execute("SELECT EXISTS (SELECT 1 FROM touched)").fetchone()[0]:
            db.execute(
                "UPDATE articles SET live = (id = (SELECT b.id FROM articles b "
                "JOIN sources s ON s.id = b.source WHERE b.entry_id = articles.entry_id "
                f"ORDER BY s.ordinal, b.seq LIMIT 1)) WHERE entry_id IN ({batch})"
            )
            # Kept beside each facet too, so that a feed's entries are read from one
            # index (and the facets found through their articles' rows, not by a scan).
            db.execute(
                "UPDATE facets SET live = (SELECT live FROM articles WHERE id = facets.article) "
                f"WHERE article IN (SELECT id FROM articles WHERE entry_id IN ({batch}))"
            )
            db.execute(f"DELETE FROM touched WHERE entry_id IN ({batch})")

    def problems(self, key: str) -> list[tuple[tuple[int, int], Problem]]:
        """The problems of reading source `key`, each with where it falls among its records,
        and an error for each of its records whose id an earlier record had."""
        row = self._db.execute("SELECT id, problems FROM sources WHERE key = ?", (key,)).fetchone()
        if row is None:
            return []
        found = [((n, 0), problem_of(values)) for n, *values in marshal.loads(row[1])]
        for seq, entry_id, source, position, winner_source, winner_position in self._db.execute(
            "SELECT a.seq, a.entry_id, a.place_source, a.place_position, w.place_source, "
            "w.place_position FROM articles a JOIN articles w INDEXED BY articles_by_id "
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


def _delete_rows(db: sqlite3.Connection, source: int) -> None:
    """Delete the articles of `source` and their facets, `_CHANGED_AT_ONCE` at a time.

    A statement that changes many rows whose triggers write other tables keeps
    the pages it changes as they were, in case it must be undone halfway (its
    statement journal), and with temporary storage in memory it keeps them in
    memory until it ends: deleting the million articles of a large export in one
    statement held 2.4 GB. Statement by statement, the journal of each is freed
    as the next begins, and the transaction is still one. (Deleting the 20,000
    articles of one source took the peak from 20 to 94 MB in one statement, 46
    MB in statements of 2,048 and 38 MB in statements of 256.)
    """
    low, high = db.execute(
        "SELECT min(seq), max(seq) FROM articles WHERE source = ?", (source,)
    ).fetchone()
    if low is None:
        return
    for start in range(low, high + 1, _CHANGED_AT_ONCE):
        window = (source, start, start + _CHANGED_AT_ONCE)
        db.execute(
            "DELETE FROM facets WHERE article IN (SELECT id FROM articles "
            "WHERE source = ? AND seq >= ? AND seq < ?)",
            window,
        )
        db.execute("DELETE FROM articles WHERE source = ? AND seq >= ? AND seq < ?", window)
