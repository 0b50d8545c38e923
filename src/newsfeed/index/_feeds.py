"""Reading the index back (internal): each feed's entries in feed order, from one index
read, the fan-out values, and the articles themselves."""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

from newsfeed.index._database import DamagedIndex, Database
from newsfeed.index._stored import AUTHOR, CATEGORY, DIGEST_SIZE, LANGUAGE, decoded
from newsfeed.model import Article

#: SQLite's smallest limit on the parameters of one statement, with room to spare.
_BATCH = 500
#: How many rows of a feed's entries are fetched at once.
_FETCH = 4096

#: An article as a feed sees it before it is loaded: its row and its digest.
Entry = tuple[int, bytes]


class Entries(Sequence[Entry]):
    """A feed's entries in feed order, held as one array of rows and one string of
    digests: a million take 24 MB, where a list of (row, digest) pairs takes 140."""

    __slots__ = ("_digests", "_rows")

    def __init__(self, rows: array[int], digests: bytes) -> None:
        self._rows, self._digests = rows, digests

    @classmethod
    def read(cls, cursor: sqlite3.Cursor) -> Entries:
        """The entries of the rows (row, digest, ...) of `cursor`, a batch at a time."""
        rows: array[int] = array("q")
        digests = bytearray()
        while batch := cursor.fetchmany(_FETCH):
            rows.extend(row[0] for row in batch)
            digests += b"".join(row[1] for row in batch)
        return cls(rows, bytes(digests))

    @property
    def rows(self) -> array[int]:
        """The entries' rows, in order."""
        return self._rows

    @property
    def digests(self) -> bytes:
        """The entries' digests, in order, one after the other."""
        return self._digests

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, key: int) -> Entry: ...

    @overload
    def __getitem__(self, key: slice) -> Entries: ...

    def __getitem__(self, key: int | slice) -> Entry | Entries:
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self._rows))
            if step == 1:
                stop = max(start, stop)
                return Entries(
                    self._rows[key], self._digests[start * DIGEST_SIZE : stop * DIGEST_SIZE]
                )
            picked = range(start, stop, step)
            return Entries(
                array("q", (self._rows[n] for n in picked)),
                b"".join(self._digest(n) for n in picked),
            )
        row = self._rows[key]  # an IndexError as a list's
        return row, self._digest(key % len(self._rows))

    def __iter__(self) -> Iterator[Entry]:
        for number, row in enumerate(self._rows):
            yield row, self._digest(number)

    def _digest(self, number: int) -> bytes:
        return self._digests[number * DIGEST_SIZE : (number + 1) * DIGEST_SIZE]


class Feeds(Database):
    """What feeds read from the index."""

    def read_order(self) -> Iterator[Article]:
        """Every article that publishes, in the order read."""
        rows = self._db.execute(
            "SELECT a.vals, a.digest, a.place_source, a.place_position FROM articles a "
            "JOIN sources s ON s.id = a.source WHERE a.live = 1 ORDER BY s.ordinal, a.seq"
        )
        for values, digest, source, position in rows:
            yield decoded(values, digest, source, position)

    def entries(
        self,
        categories: frozenset[str] = frozenset(),
        authors: frozenset[str] = frozenset(),
        languages: frozenset[str] = frozenset(),
        limit: int | None = None,
    ) -> Entries:
        """In feed order (newest first, ties by id), the articles with any of `categories`,
        any of `authors` and any of `languages` (casefolded; empty: any); the first
        `limit` of them if given."""
        query, parameters = _selected(categories, authors, languages, None)
        query += " ORDER BY order_key, entry_id"
        if limit is not None:
            query += " LIMIT ?"
            parameters.append(limit)
        return Entries.read(self._db.execute(query, parameters))

    def count(
        self,
        categories: frozenset[str] = frozenset(),
        authors: frozenset[str] = frozenset(),
        languages: frozenset[str] = frozenset(),
        older_than: int | None = None,
    ) -> int:
        """How many entries `entries` has, or of them how many have an order key above
        `older_than` (are older than any article of that key)."""
        query, parameters = _selected(categories, authors, languages, older_than)
        (found,) = self._db.execute(f"SELECT count(*) FROM ({query})", parameters).fetchone()
        return int(found)

    def oldest_change(self) -> int | None:
        """The order key of the oldest article that `changes` logged (before or after it
        changed), if any: every article older than it is as the last run found it."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'oldest-change'").fetchone()
        return None if row is None else int(row[0])

    def changes(self) -> dict[str, frozenset[str]]:
        """What the sources changed since the last run that published (`end_publishing`):
        for each facet kind, the values (casefolded) of the articles added, removed or
        edited, old and new; "" holds "" when any article changed, "*" when the order of
        the sources did (then any feed may have)."""
        found: dict[str, set[str]] = {}
        for kind, value in self._db.execute("SELECT kind, value FROM changed"):
            found.setdefault(kind, set()).add(value)
        return {kind: frozenset(values) for kind, values in found.items()}

    def first_spellings(
        self, kind: str, values: Iterable[str]
    ) -> list[tuple[str, tuple[int, int, int]]]:
        """Each spelling of the facet `kind`'s `values` that publishing articles carry, with
        its first place in the order read (source ordinal, record, facet), as `spellings`
        orders them."""
        values = sorted(values)
        ordinals = dict(self._db.execute("SELECT id, ordinal FROM sources"))
        firsts: dict[str, tuple[int, int, int]] = {}
        for start in range(0, len(values), _BATCH):
            batch = values[start : start + _BATCH]
            for spelling, source, seq, slot in self._db.execute(
                "SELECT spelling, source, min(seq), slot FROM facets WHERE kind = ? "
                f"AND value IN ({','.join('?' * len(batch))}) AND live = 1 "
                "GROUP BY spelling, source",
                (kind, *batch),
            ):
                place = (ordinals[source], seq, slot)
                firsts[spelling] = min(firsts.get(spelling, place), place)
        return sorted(firsts.items(), key=lambda item: item[1])

    def spellings(self, kind: str) -> list[str]:
        """Each spelling of a facet `kind` that publishing articles carry, in the order read."""
        ordinals = dict(self._db.execute("SELECT id, ordinal FROM sources"))
        # Each spelling's first place in each source (one facet an article per spelling:
        # the slot is that of the row min() picks), then the first of those.
        firsts = self._db.execute(
            "SELECT spelling, source, min(seq), slot FROM facets WHERE kind = ? AND live = 1 "
            "GROUP BY spelling, source",
            (kind,),
        ).fetchall()
        firsts.sort(key=lambda row: (ordinals[row[1]], row[2], row[3]))
        return list(dict.fromkeys(row[0] for row in firsts))

    def load(self, ids: Sequence[int]) -> list[tuple[Article, bytes]]:
        """The articles of the rows `ids`, in that order, each with the digest of its values."""
        found: dict[int, tuple[Article, bytes]] = {}
        for start in range(0, len(ids), _BATCH):
            batch = ids[start : start + _BATCH]
            for row_id, values, digest, source, position in self._db.execute(
                "SELECT id, vals, digest, place_source, place_position FROM articles "
                f"WHERE id IN ({','.join('?' * len(batch))})",
                batch,
            ):
                found[row_id] = decoded(values, digest, source, position), digest
        try:
            return [found[row_id] for row_id in ids]
        except KeyError:
            raise DamagedIndex("an article a feed holds is missing") from None


def _selected(
    categories: frozenset[str],
    authors: frozenset[str],
    languages: frozenset[str],
    older_than: int | None,
) -> tuple[str, list[Any]]:
    """The query of the rows (row, digest, order key, entry id) of `Feeds.entries`, in no
    order, of those older than `older_than` if given, and its parameters."""
    wanted = [(kind, sorted(values)) for kind, values in _kinds(categories, authors, languages)]
    older = "" if older_than is None else " AND order_key > ?"
    parameters: list[Any] = []
    if not wanted:
        query = f"SELECT id, digest, order_key, entry_id FROM articles WHERE live = 1{older}"
        return query, [] if older_than is None else [older_than]
    (kind, values), *others = wanted
    # An article has a facet once per value: only several values can meet it twice.
    parts = [
        f"SELECT {'DISTINCT' if len(values) > 1 else ''} f.article, f.digest, "
        "f.order_key AS order_key, f.entry_id AS entry_id FROM facets f WHERE f.kind = ? "
        f"AND f.value IN ({','.join('?' * len(values))}) AND f.live = 1"
        + older.replace("order_key", "f.order_key")
    ]
    parameters += [kind, *values]
    if older_than is not None:
        parameters.append(older_than)
    for other_kind, other_values in others:
        parts.append(
            "AND EXISTS (SELECT 1 FROM facets g WHERE g.article = f.article AND g.kind = ? "
            f"AND g.value IN ({','.join('?' * len(other_values))}))"
        )
        parameters += [other_kind, *other_values]
    return " ".join(parts), parameters


def _kinds(
    categories: frozenset[str], authors: frozenset[str], languages: frozenset[str]
) -> list[tuple[str, frozenset[str]]]:
    return [
        (kind, values)
        for kind, values in ((CATEGORY, categories), (AUTHOR, authors), (LANGUAGE, languages))
        if values
    ]
