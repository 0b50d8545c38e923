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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import Any, BinaryIO

from newsfeed.model import Article, Author, Image, Place

#: Which file an article's place and values lie in and where, its facets' number, its digest.
_TAIL = struct.Struct(">IQIII16s")
#: The same in a saved segment, which is its own file and has its own facets' numbers.
_SAVED_TAIL = struct.Struct(">QIII16s")
_LENGTH = struct.Struct(">H")
#: At the end of a saved segment: where its entries and its index start, and a mark.
_TRAILER = struct.Struct(">QQ8s")
_SAVED_MARK = b"nfstore1"
_NO_POSITION = 0xFFFF
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


@dataclass(frozen=True, slots=True)
class SavedSegment:
    """A segment an earlier run saved (`save_segment`), opened to be adopted.

    `extra` is what the saver stored beside the articles.
    """

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

    The articles of one source can instead go to a segment of their own
    (`write_segment`, `save_segment`), a file that a later run whose source
    did not change adopts (`open_saved`, `adopt`) instead of reading it again.
    """

    def __init__(self, folder: str | None = None) -> None:
        # Each segment file is open for the store's life and closed by `close`;
        # the temporary one is deleted then.
        temporary = tempfile.TemporaryFile(dir=folder, prefix="newsfeed-articles-")  # noqa: SIM115
        self._segments: list[BinaryIO] = [temporary]
        self._ends = [0]
        self._writing = 0
        self._segment_start = 0
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
        for segment in self._segments:
            segment.close()

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, article: Article) -> None:
        place = marshal.dumps((article.place.source, article.place.position))
        values = marshal.dumps(_values(article), 2)
        file = self._segments[self._writing]
        file.write(place)
        file.write(values)
        self._unflushed = True
        end = self._ends[self._writing]
        digest = hashlib.sha256(values).digest()[:_DIGEST_SIZE]
        tail = _TAIL.pack(
            self._writing,
            end,
            len(place),
            len(values),
            self._facet_number(Facets.of(article)),
            digest,
        )
        self._ends[self._writing] = end + len(place) + len(values)
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

    def write_segment(self, file: BinaryIO) -> None:
        """Add the articles that follow to `file` (new, empty, open for writing and
        reading) until `save_segment`, instead of the temporary file."""
        self._segments.append(file)
        self._ends.append(0)
        self._writing = len(self._segments) - 1
        self._segment_start = len(self._entries)

    def save_segment(self, extra: Any = None) -> None:
        """Finish the segment being written with its index and `extra` (any value
        marshal writes), so that a later run can adopt it; later articles go to
        the temporary file again."""
        if not self._writing:
            raise RuntimeError("no segment is being written")
        file = self._segments[self._writing]
        file.flush()  # the places are read back below
        entries_start = self._ends[self._writing]
        local: dict[int, int] = {}
        for entry in self._entries[self._segment_start :]:
            _, offset, place_length, values_length, facets_number, digest = _tail(entry)
            key = entry[: -_TAIL.size]
            position = marshal.loads(_pread(file, place_length, offset))[1]
            number = local.setdefault(facets_number, len(local))
            encoded = b"" if position is None else position.encode("utf-8", "surrogatepass")
            file.write(_LENGTH.pack(len(key)) + key)
            file.write(_LENGTH.pack(_NO_POSITION if position is None else len(encoded)) + encoded)
            file.write(_SAVED_TAIL.pack(offset, place_length, values_length, number, digest))
        index_start = file.tell()
        saved_facets = [self.facets[number] for number in local]
        file.write(
            marshal.dumps(([(f.categories, f.authors, f.language) for f in saved_facets], extra))
        )
        file.write(_TRAILER.pack(entries_start, index_start, _SAVED_MARK))
        file.flush()
        self.end_segment()

    def end_segment(self) -> None:
        """Add later articles to the temporary file again, the segment left unsaved."""
        self._writing = 0

    @staticmethod
    def open_saved(file: BinaryIO) -> SavedSegment | None:
        """The segment saved in `file`, or None if `file` does not end like one."""
        try:
            file.seek(-_TRAILER.size, os.SEEK_END)
            entries_start, index_start, mark = _TRAILER.unpack(file.read(_TRAILER.size))
            if mark != _SAVED_MARK:
                return None
            file.seek(index_start)
            facets, extra = marshal.loads(file.read())
        except (OSError, ValueError, EOFError, TypeError, struct.error):
            return None
        return SavedSegment(
            file, entries_start, index_start, tuple(Facets(*f) for f in facets), extra
        )

    def adopt(self, saved: SavedSegment) -> None:
        """Add the articles of a segment an earlier run saved."""
        self._segments.append(saved.file)
        self._ends.append(saved.entries_start)
        number = len(self._segments) - 1
        numbers = [self._facet_number(facets) for facets in saved.facets]
        for key, _, tail in _saved_entries(saved):
            offset, place_length, values_length, facets, digest = _SAVED_TAIL.unpack(tail)
            self._entries.append(
                key
                + _TAIL.pack(number, offset, place_length, values_length, numbers[facets], digest)
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
        return [entry for entry in self._entries if chosen[_tail(entry)[4]]]

    def load(self, entries: Sequence[Entry]) -> list[Article]:
        """The articles of `entries`, in their order."""
        if self._unflushed:
            for file in self._segments:
                file.flush()
            self._unflushed = False
        articles = []
        for entry in entries:
            number, offset, place_length, values_length, _, digest = _tail(entry)
            file = self._segments[number]
            record = _pread(file, place_length + values_length, offset)
            values = record[place_length:]
            if hashlib.sha256(values).digest()[:_DIGEST_SIZE] != digest:
                # A saved segment damaged on disk since an earlier run wrote it.
                raise DamagedStore(f"{file.name}: damaged at byte {offset}")
            source, position = marshal.loads(record[:place_length])
            articles.append(_article(marshal.loads(values), Place(source, position)))
        return articles


class DamagedStore(Exception):
    """A saved segment's bytes no longer match the digests in its index."""


def _pread(file: BinaryIO, length: int, offset: int) -> memoryview:
    # pread leaves the file's position where the next write appends.
    return memoryview(os.pread(file.fileno(), length, offset))


def _saved_entries(saved: SavedSegment) -> Iterator[tuple[bytes, str | None, bytes]]:
    """Each saved entry's key (order, id, NUL), position and saved tail."""
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
        yield key, position, file.read(_SAVED_TAIL.size)


def digest(entry: Entry) -> bytes:
    """A digest of everything the entry's article renders from (not its place)."""
    digest: bytes = _tail(entry)[5]
    return digest


def _tail(entry: Entry) -> tuple[int, int, int, int, int, bytes]:
    fields: tuple[int, int, int, int, int, bytes] = _TAIL.unpack_from(
        entry, len(entry) - _TAIL.size
    )
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
