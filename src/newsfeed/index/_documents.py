"""The documents the index knows (internal): each written file's path, the digest of
what it was rendered from, and the digest, size and time of its bytes."""

from __future__ import annotations

import marshal
from collections.abc import Iterable
from dataclasses import dataclass

from newsfeed.index._database import Database
from newsfeed.index._stored import problem_of, problem_values
from newsfeed.model import Problem


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
                tuple(problem_of(v[1:]) for v in marshal.loads(row[7])) if row[7] else (),
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
                        marshal.dumps([problem_values(0, p) for p in s.problems]),
                    )
                    for s in states
                ],
            )

    def forget(self, paths: Iterable[str]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM documents WHERE path = ?", [(p,) for p in paths])
