"""Articles set aside for publishing: their order in memory, their contents on disk.

Publishing a site needs all of its articles in feed order, but renders them
a page at a time, and a site of a million articles does not fit in memory
as Article objects (several KB each). An `ArticleStore` keeps one short key
per article in memory (about 150 bytes: where it goes in feed order, where
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

import contextlib
import hashlib
import marshal
import os
import struct
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import Any, BinaryIO

from newsfeed.model import Article, Author, Image, Place

#: Where an article's place and values lie in the file, its facets' number, its digest.
_TAIL = struct.Struct(">QIII16s")
_LENGTH = struct.Struct(">H")
#: At the end of a saved segment: where its entries and its index start, a
#: SHA-256 of them and of those two positions, and a mark.
_TRAILER = struct.Struct(">QQ32s8s")
_POSITIONS = struct.Struct(">QQ")
_SAVED_MARK = b"nfstore2"
_NO_POSITION = 0xFFFF
_TIME = struct.Struct(">Q")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
#: Subtracting from this orders newest first; every year 1-9999 stays positive.
_NEWEST_FIRST = 1 << 62
_DIGEST_SIZE = 16
_CHUNK = 1 << 20


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


@dataclass(frozen=True, slots=True)
class SavedSegment:
    """A segment an earlier run saved (`save_segment`), checked whole and opened to
    be adopted. `extra` is what the saver stored beside the articles."""

    file: BinaryIO
    entries_start: int
    index_start: int
    facets: tuple[Facets, ...]
    extra: Any

    def ids(self) -> Iterator[tuple[str, str | None]]:
        """The id and the place's position of each of its articles, in the order added."""
        for key, position, _ in _saved_entries(self):
            yield key[_TIME.size : -1].decode("utf-8", "surrogatepass"), position


class ArticleStore:
    """Articles in feed order, newest `published` first and ties broken by id,
    as `newest_first` orders them; the contents wait in a temporary file
    (in `folder`, else the system's temporary folder) until `load`ed.

    >>> with ArticleStore() as store:
    ...     store.extend(articles)
    ...     newest = store.load(store.entries()[:50])

    The articles added after `begin_segment` can be saved to a file of their
    own (`save_segment`), which a later run whose source did not change
    adopts (`open_saved`, `adopt`) instead of reading that source again.
    """

    def __init__(self, folder: str | None = None) -> None:
        self.folder = folder or tempfile.gettempdir()
        # Open for the store's life, closed (and so deleted) by `close`.
        with self._writing():
            self._file = tempfile.TemporaryFile(dir=self.folder, prefix="newsfeed-articles-")  # noqa: SIM115
        self._end = 0
        self._unflushed = False
        self._entries: list[Entry] = []
        self._ordered = True
        self._facet_numbers: dict[Facets, int] = {}
        self.facets: list[Facets] = []
        """Each distinct combination of facets, in the order first met."""
        self._segment_start = (0, 0)

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
        # What a full disk kept from being flushed is thrown away with the
        # file: the error was raised, and reported, when it was written.
        with contextlib.suppress(OSError):
            self._file.close()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Errors writing the store's file name its folder (writes to an open file
        name none), as a `StoreWriteError`."""
        try:
            yield
        except OSError as error:
            raise StoreWriteError(error.errno, error.strerror, self.folder) from error

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, article: Article) -> None:
        place = marshal.dumps((article.place.source, article.place.position))
        values = marshal.dumps(_values(article), 2)
        with self._writing():
            self._file.write(place)
            self._file.write(values)
        self._unflushed = True
        digest = hashlib.sha256(values).digest()[:_DIGEST_SIZE]
        facets = self._facet_number(Facets.of(article))
        tail = _TAIL.pack(self._end, len(place), len(values), facets, digest)
        self._end += len(place) + len(values)
        order = _NEWEST_FIRST - (article.published - _EPOCH) // _MICROSECOND
        # Ids hold no NUL (XML forbids it), so the id ends there and a
        # shorter id sorts before a longer one it begins, as str does.
        self._entries.append(
            _TIME.pack(order) + article.id.encode("utf-8", "surrogatepass") + b"\0" + tail
        )
        self._ordered = False

    def extend(self, articles: Iterable[Article]) -> None:
        for article in articles:
            self.add(article)

    def _facet_number(self, facets: Facets) -> int:
        number = self._facet_numbers.get(facets)
        if number is None:
            number = self._facet_numbers[facets] = len(self.facets)
            self.facets.append(facets)
        return number

    def begin_segment(self) -> None:
        """Start a segment: the articles added from now on (before `entries` orders
        them), which `save_segment` saves."""
        self._segment_start = (len(self._entries), self._end)

    def save_segment(self, file: BinaryIO, extra: Any = None) -> None:
        """Write the articles of the segment begun last to `file` (new and empty), with
        `extra` (any value marshal writes), for a later run to adopt."""
        first_entry, data_start = self._segment_start
        self._flush()
        checksum = hashlib.sha256()

        def write(data: bytes) -> None:
            checksum.update(data)
            file.write(data)

        # The values carry their own digests, checked as they are loaded; the
        # index is checked whole before the segment is adopted.
        position = data_start
        while position < self._end:
            chunk = os.pread(self._file.fileno(), min(_CHUNK, self._end - position), position)
            file.write(chunk)
            position += len(chunk)
        local: dict[int, int] = {}
        for entry in self._entries[first_entry:]:
            offset, place_length, values_length, facets, digest = _tail(entry)
            key = entry[: -_TAIL.size]
            position_text = marshal.loads(_pread(self._file, place_length, offset))[1]
            encoded = (
                b"" if position_text is None else position_text.encode("utf-8", "surrogatepass")
            )
            write(_LENGTH.pack(len(key)) + key)
            write(_LENGTH.pack(_NO_POSITION if position_text is None else len(encoded)) + encoded)
            number = local.setdefault(facets, len(local))
            write(_TAIL.pack(offset - data_start, place_length, values_length, number, digest))
        index_start = file.tell()
        saved_facets = [self.facets[number] for number in local]
        write(
            marshal.dumps(([(f.categories, f.authors, f.language) for f in saved_facets], extra))
        )
        positions = _POSITIONS.pack(self._end - data_start, index_start)
        checksum.update(positions)
        file.write(positions + checksum.digest() + _SAVED_MARK)
        file.flush()

    @staticmethod
    def open_saved(file: BinaryIO) -> SavedSegment | None:
        """The segment saved in `file`, or None unless every byte of its index is as
        saved (each article's values are checked as `load` reads them)."""
        try:
            size = file.seek(0, os.SEEK_END)
            if size < _TRAILER.size:
                return None
            file.seek(size - _TRAILER.size)
            entries_start, index_start, checksum, mark = _TRAILER.unpack(file.read(_TRAILER.size))
            if mark != _SAVED_MARK or not entries_start <= index_start <= size - _TRAILER.size:
                return None
            file.seek(entries_start)
            hasher = hashlib.sha256()
            remaining = size - _TRAILER.size - entries_start
            while remaining > 0 and (chunk := file.read(min(_CHUNK, remaining))):
                hasher.update(chunk)
                remaining -= len(chunk)
            hasher.update(_POSITIONS.pack(entries_start, index_start))
            if hasher.digest() != checksum:
                return None
            file.seek(index_start)
            facets, extra = marshal.loads(file.read(size - _TRAILER.size - index_start))
            return SavedSegment(
                file, entries_start, index_start, tuple(Facets(*f) for f in facets), extra
            )
        except (OSError, ValueError, EOFError, TypeError, struct.error):
            return None

    def adopt(self, saved: SavedSegment) -> None:
        """Add the articles of a segment an earlier run saved: their values are
        copied into this store's file, so `saved.file` may be closed after."""
        self._flush()
        base = self._end
        saved.file.seek(0)
        remaining = saved.entries_start
        while remaining > 0 and (chunk := saved.file.read(min(_CHUNK, remaining))):
            with self._writing():
                self._file.write(chunk)
            remaining -= len(chunk)
        self._end += saved.entries_start
        self._unflushed = True
        numbers = [self._facet_number(facets) for facets in saved.facets]
        for key, _, tail in _saved_entries(saved):
            offset, place_length, values_length, facets, digest = _TAIL.unpack(tail)
            self._entries.append(
                key
                + _TAIL.pack(base + offset, place_length, values_length, numbers[facets], digest)
            )
        self._ordered = False

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
        self._flush()
        articles = []
        for entry in entries:
            offset, place_length, values_length, _, digest = _tail(entry)
            record = _pread(self._file, place_length + values_length, offset)
            values = record[place_length:]
            if hashlib.sha256(values).digest()[:_DIGEST_SIZE] != digest:
                # Copied in from a saved segment damaged on disk since it was saved.
                raise DamagedStore(f"an article's values do not match their digest at {offset}")
            source, position = marshal.loads(record[:place_length])
            articles.append(_article(marshal.loads(values), Place(source, position)))
        return articles

    def _flush(self) -> None:
        if self._unflushed:
            with self._writing():
                self._file.flush()
            self._unflushed = False


class StoreWriteError(OSError):
    """The store's temporary file could not be written (a full disk); `filename`
    is its folder."""


class DamagedStore(Exception):
    """An article's values no longer match their digest: a saved segment was damaged."""


def _pread(file: BinaryIO, length: int, offset: int) -> memoryview:
    # pread leaves the file's position where the next write appends.
    return memoryview(os.pread(file.fileno(), length, offset))


def _saved_entries(saved: SavedSegment) -> Iterator[tuple[bytes, str | None, bytes]]:
    """Each saved entry's key (order, id, NUL), position and tail."""
    file = saved.file
    file.seek(saved.entries_start)
    while file.tell() < saved.index_start:
        (key_length,) = _LENGTH.unpack(file.read(_LENGTH.size))
        key = file.read(key_length)
        (position_length,) = _LENGTH.unpack(file.read(_LENGTH.size))
        position = (
            None
            if position_length == _NO_POSITION
            else file.read(position_length).decode("utf-8", "surrogatepass")
        )
        yield key, position, file.read(_TAIL.size)


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
