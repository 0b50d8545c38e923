"""The RecordReader: from raw records to Articles, one feed's settings at a time: internal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from newsfeed.fields import ALIASES, FIELDS
from newsfeed.model import Article, FeedSettings, Place, Problem, RawRecord, Reading
from newsfeed.records._gc import gc_paused
from newsfeed.records._kinds import READERS
from newsfeed.records._record import Context, Record, RecordRejected, kind_of
from newsfeed.records._seen import SeenIds
from newsfeed.text import remove_forbidden_chars

#: The order fields are read in: the table's, but a field every record must give
#: itself (the title) first, so that a record without one is rejected as such,
#: whatever else is wrong with it. A field whose reading needs another's reads
#: that one first.
_READ_ORDER = sorted(FIELDS, key=lambda field: not (field.required and not field.from_source))
_ATTRIBUTES = tuple(name for field in FIELDS for name in field.attributes)
#: The deepest a field's value may nest lists and objects (an author list
#: nests two); a deeper value rejects its record, naming the field.
MAX_VALUE_NESTING = 20


class RecordReader:
    """Turns raw records into Articles for one feed's settings.

    It remembers what it has reported once per source (unknown fields) and
    the ids it has seen, so that duplicates are named with both places.
    """

    def __init__(self, settings: FeedSettings, *, unique_ids: bool = True) -> None:
        """`unique_ids` False leaves records with an id read before to the caller
        (the site index settles them across sources and runs)."""
        self.settings = settings
        self._unique_ids = unique_ids
        self._context = Context(settings, READERS)
        self._seen_ids = SeenIds()
        self.records_without_id = 0
        #: Records skipped because their id was already used.
        self.duplicates = 0

    def read(self, records: Iterable[RawRecord], reading: Reading | None = None) -> Reading:
        reading = Reading() if reading is None else reading
        with gc_paused():
            for article in self.iter_articles(records, reading.problems):
                reading.articles.append(article)
        return reading

    def iter_articles(
        self, records: Iterable[RawRecord], problems: list[Problem]
    ) -> Iterator[Article]:
        """Articles one at a time, so that a large source never sits in memory whole."""
        for record in records:
            article = self.article(record, problems)
            if article is not None:
                yield article

    def article(self, record: RawRecord, problems: list[Problem]) -> Article | None:
        """The Article of one record, or None when an error rejects it (added to `problems`)."""
        place = record.place
        spelled: dict[str, str] = {}
        try:
            if not isinstance(record.data, Mapping):
                raise RecordRejected(
                    place.error(None, f"a record must be an object, not {kind_of(record.data)}")
                )
            fields, spelled = self._fields(record.data, place, problems)
            article = self._build(fields, record, problems)
        except RecordRejected as rejected:
            problem = rejected.problem
            # The error names the field as the record spells it (`pubDate`, `lang`).
            if problem.field in spelled and spelled[problem.field] != problem.field:
                problem = replace(problem, field=spelled[problem.field])
            problems.append(problem)
            return None
        earlier = self._seen_ids.add(article.id, place) if self._unique_ids else None
        if earlier is not None:
            self.duplicates += 1
            problems.append(
                place.error(
                    "id",
                    f"duplicate id {article.id!r}: already used by the record at "
                    f"{earlier}; this record is skipped",
                )
            )
            return None
        if "id" not in fields and not (article.id_is_url and self.settings.accept_url_ids):
            self.records_without_id += 1
        return article

    @property
    def reported_unknown(self) -> set[tuple[str, str]]:
        """The (source, field) of each unknown field reported so far, each once per source;
        a reader that goes on with a source read earlier starts from those reported then."""
        return self._context.unknown_reported

    def _fields(
        self, data: Mapping[str, Any], place: Place, problems: list[Problem]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Aliases resolved, empty values dropped, XML-forbidden characters removed;
        and the name each field was given under."""
        fields: dict[str, Any] = {}
        given_as: dict[str, str] = {}
        for key, value in data.items():
            name = ALIASES.get(key) if isinstance(key, str) else None
            if name is None:
                self._context.report_unknown(str(key), place, problems)
                continue
            if isinstance(value, str):
                if not value.strip():
                    continue
                value, removed = remove_forbidden_chars(value)
                if removed:
                    problems.append(_removed_warning(name, removed, place))
                    if not value.strip():
                        continue  # nothing but forbidden characters (and space)
            elif value is None:
                continue
            else:
                value = _clean_chars(value, name, place, problems)
            if name in fields:
                problems.append(
                    place.warning(
                        name, f"given twice, as {given_as[name]!r} and {key!r}; using {key!r}"
                    )
                )
            fields[name] = value
            given_as[name] = key
        return fields, given_as

    def _build(self, fields: dict[str, Any], raw: RawRecord, problems: list[Problem]) -> Article:
        record = Record(self._context, raw, fields, problems)
        for field in _READ_ORDER:
            record.read(field)
        values = record.values
        return Article(place=raw.place, **{name: values[name] for name in _ATTRIBUTES})


def _clean_chars(value: Any, name: str, place: Place, problems: list[Problem]) -> Any:
    """`value` with XML-forbidden characters removed from every string inside it;
    lists and tuples become lists, mappings dicts."""
    removed = [0]
    cleaned = _cleaned(value, 0, removed, name, place)
    if removed[0]:
        problems.append(_removed_warning(name, removed[0], place))
    return cleaned


def _cleaned(item: Any, depth: int, removed: list[int], name: str, place: Place) -> Any:
    # A module function, not a closure: a closure that calls itself is a
    # reference cycle, left for the garbage collector on every call.
    if isinstance(item, str):
        text, count = remove_forbidden_chars(item)
        removed[0] += count
        return text
    is_mapping = not isinstance(item, list | tuple)
    if not is_mapping:
        pairs: Iterable[tuple[Any, Any]] = enumerate(item)
    elif isinstance(item, Mapping):
        pairs = item.items()
    else:
        return item
    if depth >= MAX_VALUE_NESTING:
        raise RecordRejected(
            place.error(name, f"nested more than {MAX_VALUE_NESTING} levels deep")
        )
    cleaned = {}
    for key, value in pairs:
        if isinstance(value, str):  # most values: no call
            value, count = remove_forbidden_chars(value)
            removed[0] += count
            cleaned[key] = value
        else:
            cleaned[key] = _cleaned(value, depth + 1, removed, name, place)
    return cleaned if is_mapping else list(cleaned.values())


def _removed_warning(name: str, removed: int, place: Place) -> Problem:
    return place.warning(name, f"removed {removed} character(s) that XML does not allow")
