"""The documents the index knows (internal): each written file's path, the digest of
what it was rendered from, and the digest of its bytes with the file's status when it
was written; the entries validation found clean in them; and the state of the last
run that published all of them."""

from __future__ import annotations

import marshal
from collections.abc import Iterable
from dataclasses import dataclass

from newsfeed.index._database import PUBLISHED, Database
from newsfeed.index._stored import problem_of, problem_values
from newsfeed.model import Problem

#: The table of entries found clean is kept in rows of this many bytes, two to a page of
#: the index with their headers: a rebuild finds few entries it had not found clean,
#: and writes only the rows they changed.
_CHUNK = 8000


@dataclass(frozen=True, slots=True)
class DocumentState:
    """A document as it was last written."""

    path: str
    digest: bytes | None
    bytes_digest: bytes | None
    #: The file's status once it was in place: a file whose size, times or inode differ
    #: was changed (or copied) since, and its bytes are compared.
    size: int | None
    mtime_ns: int | None
    ctime_ns: int | None
    inode: int | None
    kept: int | None
    shown: int | None
    problems: tuple[Problem, ...]


class Documents(Database):
    """The documents of the index."""

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
                row[7],
                row[8],
                tuple(problem_of(v[1:]) for v in marshal.loads(row[9])) if row[9] else (),
            )
            for row in self._db.execute(
                "SELECT path, digest, bytes_digest, size, mtime_ns, ctime_ns, inode, kept, "
                "shown, problems FROM documents"
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
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        s.path,
                        s.digest,
                        s.bytes_digest,
                        s.size,
                        s.mtime_ns,
                        s.ctime_ns,
                        s.inode,
                        s.kept,
                        s.shown,
                        # Most documents have none: nothing to decode for them.
                        marshal.dumps([problem_values(0, p) for p in s.problems])
                        if s.problems
                        else None,
                    )
                    for s in states
                ],
            )

    def forget(self, paths: Iterable[str]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM documents WHERE path = ?", [(p,) for p in paths])

    # -- the entries validation found clean ------------------------------------------

    def clean_entries(self, made_by: bytes) -> bytes | None:
        """The table of entries found clean (`newsfeed.validation.clean_entries`) that a
        run recorded, if made by the code and settings that `made_by` digests."""
        row = self._db.execute(
            "SELECT 1 FROM meta WHERE key = 'clean-entries-made-by' AND value = ?", (made_by,)
        ).fetchone()
        if row is None:
            return None
        return b"".join(
            digests
            for (digests,) in self._db.execute("SELECT digests FROM clean_entries ORDER BY chunk")
        )

    def record_clean_entries(self, made_by: bytes, table: bytes, before: bytes | None) -> None:
        """Keep the `table` of entries found clean by the code and settings that `made_by`
        digests, in place of the table `before` that `clean_entries` gave (None if none)."""
        if before is not None and len(before) == len(table):
            starts = [
                start
                for start in range(0, len(table), _CHUNK)
                if table[start : start + _CHUNK] != before[start : start + _CHUNK]
            ]
            whole = False
        else:
            starts, whole = list(range(0, len(table), _CHUNK)), True
        with self.transaction() as db:
            if whole:
                db.execute("DELETE FROM clean_entries")
            db.executemany(
                "INSERT OR REPLACE INTO clean_entries VALUES (?, ?)",
                [(start // _CHUNK, table[start : start + _CHUNK]) for start in starts],
            )
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('clean-entries-made-by', ?)", (made_by,)
            )

    # -- the last run that published ------------------------------------------------

    def published(self) -> tuple[bytes, bytes] | None:
        """What the last run that published every document recorded of its site (a digest
        of the code, settings and plans) and of its fan-outs, or None: no run since the
        index was made, or one began writing and did not end."""
        row = self._db.execute(
            "SELECT a.value, b.value FROM meta a JOIN meta b ON a.key = ? AND b.key = 'fan-outs'",
            (PUBLISHED,),
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def begin_publishing(self) -> None:
        """Forget the last run's state before this run changes any file: a run killed
        now leaves documents that only a full check of every one can trust."""
        with self.transaction() as db:
            db.execute("DELETE FROM meta WHERE key IN (?, 'fan-outs')", (PUBLISHED,))

    def end_publishing(self, site: bytes, fan_outs: bytes) -> None:
        """Every document of this run is recorded: keep the state of its `site` and
        `fan_outs`, and empty the log of changes (`Feeds.changes`) it published."""
        with self.transaction() as db:
            db.execute("DELETE FROM changed")
            db.execute("DELETE FROM meta WHERE key = 'oldest-change'")
            db.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [(PUBLISHED, site), ("fan-outs", fan_outs)],
            )
        self.log_changes()
