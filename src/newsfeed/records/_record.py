"""One record being read, and what reading it depends on: internal."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import tzinfo
from typing import Any

from newsfeed.dates import get_timezone
from newsfeed.fields import BY_NAME, FIELDS, Field, Kind
from newsfeed.model import Author, FeedSettings, Place, Problem, RawRecord
from newsfeed.rules import feed_domain, http_uri
from newsfeed.text import plain_text


class RecordRejected(Exception):
    """Raised inside the conversion of one record; carries the error that rejects it."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class Context:
    """What reading depends on besides the record: the feed's settings, and what a
    reader remembers from record to record (unknown fields reported, authors made)."""

    def __init__(self, settings: FeedSettings, readers: Mapping[Kind, Reader]) -> None:
        self.settings = settings
        #: The reader of each field, by its name (an enum member hashes in Python, slowly).
        self.readers: dict[str, Reader] = {f.name: readers[f.kind] for f in FIELDS}
        self.tz: tzinfo = get_timezone(settings.timezone)
        self.domain = feed_domain(settings.link)
        self.unknown_reported: set[tuple[str, str]] = set()
        self.known_authors: dict[Any, tuple[Author | None, tuple[tuple[str | None, str], ...]]]
        self.known_authors = {}
        self._last_uri: tuple[str, str | None] = ("", None)

    def http_uri(self, text: str) -> str | None:
        """`rules.http_uri` of `text`, kept for the text last asked: most records give their
        URL twice, as their id too."""
        last_text, uri = self._last_uri
        if text != last_text:
            uri = http_uri(text)
            self._last_uri = (text, uri)
        return uri

    def report_unknown(self, key: str, place: Place, problems: list[Problem]) -> None:
        if (place.source, key) in self.unknown_reported:
            return
        self.unknown_reported.add((place.source, key))
        # A name that is empty or holds a line break or control character is
        # shown quoted, so that the message stays one readable line.
        shown = key if key.isprintable() and key.strip() == key and key else repr(key)
        problems.append(place.warning(shown, "unknown field, left out of the feed"))


class Record:
    """One record being read: its fields as given, and those read so far."""

    __slots__ = ("_read", "context", "given", "place", "problems", "raw", "values")

    def __init__(
        self, context: Context, raw: RawRecord, given: Mapping[str, Any], problems: list[Problem]
    ) -> None:
        self.context = context
        self.raw = raw
        self.place = raw.place
        self.given = given
        self.problems = problems
        #: What the fields read so far hold: each attribute of the Article, and the
        #: value of a field that is none (the body format).
        self.values: dict[str, Any] = {}
        self._read: set[str] = set()

    def read(self, field: Field) -> None:
        """Read `field` into `values`, once."""
        if field.name in self._read:
            return
        self._read.add(field.name)
        value = self.context.readers[field.name](self, field, self.given.get(field.name))
        names = _SPREAD.get(field.name)
        if names is None:
            self.values[field.name] = value
        else:
            self.values.update(zip(names, value, strict=True))

    def value(self, name: str) -> Any:
        """The value of the field `name`, read first if it was not yet."""
        if name not in self._read:
            self.read(BY_NAME[name])
        return self.values[name]


#: A reader returns the field's value; one of a field that sets more than one
#: attribute (an id, a body) returns the values of its attributes, in order.
Reader = Callable[[Record, Field, Any], Any]
_SPREAD = {f.name: f.attributes for f in FIELDS if len(f.attributes) > 1}


def plain(value: Any, name: str, place: Place, problems: list[Problem]) -> str:
    """Plain text of a short text field ('' when absent); markup is stripped with a warning."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordRejected(place.error(name, f"must be text, not {kind_of(value)}"))
    text, had_markup = plain_text(value)
    if had_markup:
        problems.append(place.warning(name, "markup removed; this field is plain text"))
    # An entity can decode to nothing but space ("&nbsp;"), which validators and
    # readers take as blank: such a field is as empty as one never given.
    return text if text.strip() else ""


def kind_of(value: Any) -> str:
    """What a value is, as messages say it ("a list", "true/false")."""
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
    }
    for kind, text in names.items():
        if isinstance(value, kind):
            return text
    return type(value).__name__


def shown(value: Any) -> str:
    """`value` as a message quotes it, cut to 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
