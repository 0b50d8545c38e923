"""Reading the index back (internal): each feed's entries in feed order, from one index
read, the fan-out values, and the articles themselves."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from newsfeed.index._database import DamagedIndex, Database
from newsfeed.index._stored import AUTHOR, CATEGORY, LANGUAGE, decoded
from newsfeed.model import Article

#: SQLite's smallest limit on the parameters of one statement, with room to spare.
_BATCH = 500

#: An article as a feed sees it before it is loaded: its row and its digest.
Entry = tuple[int, bytes]


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
                found[row_id] = decoded(values, digest, source, position)
        try:
            return [found[row_id] for row_id in ids]
        except KeyError:
            raise DamagedIndex("an article a feed holds is missing") from None


def _kinds(
    categories: frozenset[str], authors: frozenset[str], languages: frozenset[str]
) -> list[tuple[str, frozenset[str]]]:
    return [
        (kind, values)
        for kind, values in ((CATEGORY, categories), (AUTHOR, authors), (LANGUAGE, languages))
        if values
    ]
