"""Articles set aside for publishing: their order in memory, their contents on disk.

Publishing a site needs all of its articles in feed order, but renders them
a page at a time, and a site of a million articles does not fit in memory
as Article objects (several KB each). An `ArticleStore` keeps one short key
per article in memory (about 100 bytes: where it goes in feed order, where
its contents lie in a temporary file, which facets a `Selection` reads, and
a digest of its contents) and writes the article itself to that file, from
which `load` reads back only the articles of the documents being rendered.

The digest (SHA-256, cut to 16 bytes) is over the article's values without
its place, in a form that depends on nothing but those values (marshal
version 2 has no references to objects met earlier), so an unchanged
article has the same digest in every run, and a page whose articles did
not change need not be rendered again.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import struct
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import Any

from newsfeed.model import Article, Author, Image, Place

#: Where an article's place and values lie in the file, its facets' number, its digest.
_TAIL = struct.Struct(">QIII16s")
_TIME = struct.Struct(">Q")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
#: Subtracting from this orders newest first; every year 1-9999 stays positive.
_NEWEST_FIRST = 1 << 62
_DIGEST_SIZE = 16


@dataclass(frozen=True, slots=True)
class Facets:
    """What a `Selection` reads of an article, and what fan-outs gather values from."""

    categories: tuple[str, ...]
    authors: tuple[str, ...]
    language: str | None

    @classmethod
    def of(cls, article: Article) -> Facets:
        return cls(article.categories, tuple(a.name for a in article.authors), article.language)


#: An article's key: its order (newest first, ties by id), then `_TAIL`.
Entry = bytes


class ArticleStore:
    """Articles in feed order, newest `published` first and ties broken by id,
    as `newest_first` orders them; the contents wait in a temporary file
    (in `folder`, else the system's temporary folder) until `load`ed.

    >>> with ArticleStore() as store:
    ...     store.extend(articles)
    ...     newest = store.load(store.entries()[:50])
    """

    def __init__(self, folder: str | None = None) -> None:
        # Open for the store's life, closed (and so deleted) by `close`.
        self._file = tempfile.TemporaryFile(dir=folder, prefix="newsfeed-articles-")  # noqa: SIM115
        self._end = 0
        self._unflushed = False
        self._entries: list[Entry] = []
        self._ordered = True
        self._facet_numbers: dict[Facets, int] = {}
        self.facets: list[Facets] = []
        """Each distinct combination of facets, in the order first met."""

    def __enter__(self) -> ArticleStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, article: Article) -> None:
        place = marshal.dumps((article.place.source, article.place.position))
        values = marshal.dumps(_values(article), 2)
        self._file.write(place)
        self._file.write(values)
        self._unflushed = True
        facets = Facets.of(article)
        number = self._facet_numbers.get(facets)
        if number is None:
            number = self._facet_numbers[facets] = len(self.facets)
            self.facets.append(facets)
        digest = hashlib.sha256(values).digest()[:_DIGEST_SIZE]
        order = _NEWEST_FIRST - (article.published - _EPOCH) // _MICROSECOND
        self._entries.append(
            _TIME.pack(order)
            + article.id.encode("utf-8", "surrogatepass")
            # Ids hold no NUL (XML forbids it), so the id ends here and a
            # shorter id sorts before a longer one it begins, as str does.
            + b"\0"
            + _TAIL.pack(self._end, len(place), len(values), number, digest)
        )
        self._end += len(place) + len(values)
        self._ordered = False

    def extend(self, articles: Iterable[Article]) -> None:
        for article in articles:
            self.add(article)

    def entries(self, wanted: Callable[[Facets], bool] | None = None) -> list[Entry]:
        """In feed order, the entries of the articles whose facets are `wanted` (default all)."""
        if not self._ordered:
            self._entries.sort()
            self._ordered = True
        chosen = [True] * len(self.facets) if wanted is None else list(map(wanted, self.facets))
        if all(chosen):
            return list(self._entries)
        return [entry for entry in self._entries if chosen[_tail(entry)[3]]]

    def load(self, entries: Sequence[Entry]) -> list[Article]:
        """The articles of `entries`, in their order."""
        if self._unflushed:
            self._file.flush()
            self._unflushed = False
        articles = []
        for entry in entries:
            offset, place_length, values_length, _, _ = _tail(entry)
            # pread leaves the file's position where the next `add` appends.
            record = memoryview(
                os.pread(self._file.fileno(), place_length + values_length, offset)
            )
            source, position = marshal.loads(record[:place_length])
            articles.append(
                _article(marshal.loads(record[place_length:]), Place(source, position))
            )
        return articles


def digest(entry: Entry) -> bytes:
    """A digest of everything the entry's article renders from (not its place)."""
    digest: bytes = _tail(entry)[4]
    return digest


def _tail(entry: Entry) -> tuple[int, int, int, int, bytes]:
    fields: tuple[int, int, int, int, bytes] = _TAIL.unpack_from(entry, len(entry) - _TAIL.size)
    return fields


# Articles become tuples of the values marshal writes (str, int, bool, None,
# tuple) and back; the round-trip test names every field, so a field added to
# the model and forgotten here fails it.


def _values(article: Article) -> tuple[Any, ...]:
    image = article.image
    return (
        article.id,
        article.atom_id,
        article.title,
        article.published.isoformat(),
        article.updated.isoformat(),
        article.id_is_url,
        article.url,
        article.kicker,
        article.summary,
        article.body_html,
        article.body_text,
        tuple((a.name, a.email, a.url, a.bio) for a in article.authors),
        article.language,
        article.categories,
        None
        if image is None
        else (
            image.url,
            image.type,
            image.length,
            image.width,
            image.height,
            image.caption,
            image.credit,
        ),
    )


def _article(values: tuple[Any, ...], place: Place) -> Article:
    (
        id,
        atom_id,
        title,
        published,
        updated,
        id_is_url,
        url,
        kicker,
        summary,
        body_html,
        body_text,
        authors,
        language,
        categories,
        image,
    ) = values
    return Article(
        id=id,
        atom_id=atom_id,
        title=title,
        published=datetime.fromisoformat(published),
        updated=datetime.fromisoformat(updated),
        place=place,
        id_is_url=id_is_url,
        url=url,
        kicker=kicker,
        summary=summary,
        body_html=body_html,
        body_text=body_text,
        authors=tuple(Author(*author) for author in authors),
        language=language,
        categories=categories,
        image=None if image is None else Image(*image),
    )
