"""The values that flow through newsfeed: settings, articles and problems.

Everything here is immutable and already normalised: an `Article` holds clean
text, sanitised HTML, aware datetimes and absolute URLs, so that renderers
map it onto a format without checking anything again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar

from newsfeed.rules import (
    Level,
    check_http_url,
    http_uri,
    is_absolute_iri,
    is_email,
    normalise_language,
    split_name_email,
)

__all__ = [
    "ArchiveLinks",
    "Article",
    "Author",
    "FeedSettings",
    "Image",
    "InputError",
    "InputWarning",
    "Level",
    "Place",
    "Problem",
    "RawRecord",
    "Reading",
    "SourceError",
    "WebFeeds",
    "check_http_url",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, at a place a user can find.

    `source` names the file (or `<records>` for a Python iterable), `position`
    the 1-based line, row or index inside it (text, so that a database can say
    `query row 17`), `field` the record field concerned.
    """

    source: str
    position: str | None
    field: str | None
    message: str
    level: ClassVar[Level]

    def __str__(self) -> str:
        place = Place(self.source, self.position)
        subject = f"{self.field}: " if self.field else ""
        return f"{place}: {self.level}: {subject}{self.message}"


class InputError(Problem):
    """A problem that keeps a record (or, with `strict`, the build) from publishing."""

    __slots__ = ()
    level = "error"


class SourceError(InputError):
    """A source that could not be read at all (a missing file, broken JSON, a failed
    query): none of its records can publish, so a build should not replace its feeds."""

    __slots__ = ()


class InputWarning(Problem):
    """A problem that was repaired: the record still publishes."""

    __slots__ = ()
    level = "warning"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a record came from: the file and the line, row or index in it."""

    source: str
    position: str | None = None

    def __str__(self) -> str:
        return self.source if self.position is None else f"{self.source}:{self.position}"

    def error(self, field: str | None, message: str) -> InputError:
        return InputError(self.source, self.position, field, message)

    def source_error(self, field: str | None, message: str) -> SourceError:
        return SourceError(self.source, self.position, field, message)

    def warning(self, field: str | None, message: str) -> InputWarning:
        return InputWarning(self.source, self.position, field, message)


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    email: str | None = None
    url: str | None = None
    bio: str | None = None


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    type: str
    length: int | None = None
    width: int | None = None
    height: int | None = None
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, normalised and ready to render in any format.

    `id` is the entry id shown in RSS and JSON Feed; `atom_id` is the same
    identity as an absolute IRI (a tag URI when `id` is not one).
    `body_html` is sanitised HTML with absolute links; `body_text` keeps the
    original text of a plain-text body for JSON Feed's `content_text`.
    """

    id: str
    atom_id: str
    title: str
    published: datetime
    updated: datetime
    place: Place
    id_is_url: bool = False
    url: str | None = None
    kicker: str | None = None
    summary: str | None = None
    body_html: str | None = None
    body_text: str | None = None
    authors: tuple[Author, ...] = ()
    language: str | None = None
    categories: tuple[str, ...] = ()
    image: Image | None = None


@dataclass(frozen=True, slots=True)
class RawRecord:
    """A record as a source read it, with its place and, for files, a fallback date."""

    data: Mapping[str, Any]
    place: Place
    fallback_published: datetime | None = None


@dataclass(slots=True)
class Reading:
    """What reading records produced: the articles that publish, and every problem."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Each error skipped one record (or one unreadable line or file): a record
        stops at its first error."""
        return [p for p in self.problems if p.level == "error"]

    @property
    def unreadable(self) -> list[SourceError]:
        """Sources that could not be read at all: publishing without them would drop
        their articles from the feeds, so the command line writes nothing then."""
        return [p for p in self.problems if isinstance(p, SourceError)]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


class SettingError(ValueError):
    """A feed setting that cannot be used.

    `setting` names it as `FeedSettings` spells it (`ttl`, `webfeeds.icon`),
    `reason` says what is wrong; `str()` is `FeedSettings.ttl: reason`. The
    configuration file and the command line catch it to name their own key
    or option instead, so that every way in says the same thing.
    """

    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(f"FeedSettings.{setting}: {reason}")
        self.setting = setting
        self.reason = reason


#: The keys an author of the feed itself may have, given as a mapping.
AUTHOR_KEYS = ("name", "email", "url")
#: The keys of `webfeeds`, given as a mapping.
WEBFEEDS_KEYS = ("icon", "logo", "accent_color", "cover", "related")


@dataclass(frozen=True, slots=True)
class WebFeeds:
    """Feedly's `webfeeds` elements (http://webfeeds.org/rss/1.0) for the RSS channel.

    `icon`: a square image (SVG or at least 96 px) beside the feed's name;
    `logo`: a wide image (SVG, about 30 px high) at the top of the feed;
    `accent_color`: six hex digits (`2563EB`; a leading `#` is dropped);
    `cover`: a large image behind the feed's header; `related`: ask readers
    to show related articles as cards that open in the browser.
    """

    icon: str | None = None
    logo: str | None = None
    accent_color: str | None = None
    cover: str | None = None
    related: bool = False

    def __post_init__(self) -> None:
        # Frozen: the normalised values are set through object.
        for name in ("icon", "logo", "cover"):
            object.__setattr__(self, name, _url(getattr(self, name), f"webfeeds.{name}"))
        if self.accent_color is not None:
            color = _text(self.accent_color, "webfeeds.accent_color").removeprefix("#")
            if not re.fullmatch(r"[0-9A-Fa-f]{6}", color):
                raise SettingError(
                    "webfeeds.accent_color", f"{self.accent_color!r} is not six hex digits"
                )
            # Feedly reads the digits without `#`.
            object.__setattr__(self, "accent_color", color)
        if not isinstance(self.related, bool):
            raise SettingError(
                "webfeeds.related", f"must be True or False, not {_kind(self.related)}"
            )


@dataclass(frozen=True, slots=True)
class FeedSettings:
    """What describes a feed as a whole, as the user configured it.

    Every value is checked and normalised here, once, whether it comes from
    code, a site's configuration file or the command line: a wrong one
    raises `SettingError` (a `ValueError`) naming the setting. Text is
    stripped; `language` is written in its conventional case (`pt_br` ->
    `pt-BR`); `authors` may be given as `Author`s, `"Name <email>"` strings
    or mappings with `name` (and `email`, `url`), one, a list or None, and is kept
    as a tuple of `Author`; `webfeeds` may be a mapping of `WebFeeds`'
    fields. Numbers must be `int`s: text such as `"30"` is refused, not read.

    `base_url` is the URL at which the output folder is served: each file's
    self link is `base_url` + its file name. It defaults to `link`.
    `accept_url_ids`: the site's article URLs never change, so records
    without an `id` may take their `url` as id without a warning.
    """

    title: str
    link: str
    base_url: str | None = None
    description: str | None = None
    language: str | None = None
    timezone: str = "UTC"
    authors: tuple[Author, ...] = ()
    image: str | None = None
    icon: str | None = None
    rights: str | None = None
    ttl: int | None = None
    limit: int = 50
    id: str | None = None
    websub_hub: str | None = None
    webfeeds: WebFeeds | None = None
    accept_url_ids: bool = False

    def __post_init__(self) -> None:
        self._check(_SETTING_NAMES)

    def derived(self, **changes: Any) -> FeedSettings:
        """A copy with `changes`, as `dataclasses.replace` makes it, checking only the
        changed values: the others were checked when these settings were made, and a
        site derives one copy per feed and archive page, thousands a run."""
        unknown = changes.keys() - _SETTING_NAMES
        if unknown:
            raise TypeError(f"FeedSettings has no setting {sorted(unknown)[0]!r}")
        copy = object.__new__(FeedSettings)
        for name in _SETTING_NAMES:
            object.__setattr__(copy, name, changes.get(name, getattr(self, name)))
        copy._check(changes.keys())
        return copy

    def _check(self, names: Set[str]) -> None:
        """Check and normalise the settings named."""
        # records builds on this module, so its rules are imported when first used.
        from newsfeed.dates import DateError, get_timezone

        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        if "title" in names:
            put("title", _text(self.title, "title"))
        if "link" in names:
            put("link", _url(_text(self.link, "link"), "link"))
        for name in ("base_url", "image", "icon", "websub_hub"):
            if name in names:
                put(name, _url(getattr(self, name), name))
        for name in ("description", "rights"):
            value = getattr(self, name)
            if name in names:
                put(name, None if value is None else _text(value, name))
        if "id" in names and self.id is not None:
            feed_id = _text(self.id, "id")
            if not is_absolute_iri(feed_id):
                raise SettingError("id", f"{feed_id!r} is not an absolute IRI (a URL or tag: URI)")
            put("id", feed_id)
        if "language" in names and self.language is not None:
            tag = normalise_language(self.language) if isinstance(self.language, str) else None
            if tag is None:
                raise SettingError(
                    "language",
                    f"{self.language!r} is not a BCP 47 language tag such as es or pt-BR",
                )
            put("language", tag)
        if "timezone" in names:
            zone = _text(self.timezone, "timezone")
            try:
                get_timezone(zone)
            except DateError as error:
                raise SettingError("timezone", str(error)) from None
            put("timezone", zone)
        if "authors" in names:
            put("authors", _authors(self.authors))
        if "ttl" in names and self.ttl is not None:
            _whole(self.ttl, "ttl", 0, "minutes")
        if "limit" in names:
            _whole(self.limit, "limit", 1, "entries")
        if "webfeeds" in names:
            if isinstance(self.webfeeds, Mapping):
                put("webfeeds", _webfeeds(self.webfeeds))
            elif self.webfeeds is not None and not isinstance(self.webfeeds, WebFeeds):
                raise SettingError(
                    "webfeeds", f"must be a WebFeeds or a mapping, not {_kind(self.webfeeds)}"
                )
        if "accept_url_ids" in names and not isinstance(self.accept_url_ids, bool):
            raise SettingError(
                "accept_url_ids", f"must be True or False, not {_kind(self.accept_url_ids)}"
            )


#: The names of `FeedSettings`' fields, each checked by `FeedSettings._check`.
_SETTING_NAMES = frozenset(f.name for f in fields(FeedSettings))


def _kind(value: object) -> str:
    return type(value).__name__


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise SettingError(name, f"must be text, not {_kind(value)}")
    if not value.strip():
        raise SettingError(name, "must not be empty")
    _check_characters(value, name)
    return value.strip()


def _check_characters(value: str, name: str) -> None:
    # Records lose such characters with a warning; a setting is the site's own
    # text, and RSS and Atom could not be written with it at all.
    from newsfeed.text import remove_forbidden_chars

    if remove_forbidden_chars(value)[1]:
        raise SettingError(
            name, f"{value!r} holds a control character or a code point XML 1.0 forbids"
        )


def _url(value: object, name: str) -> str | None:
    """An absolute http(s) URL, as the URI it is written as (RFC 3987 §3.1), as
    every URL newsfeed writes."""
    if value is None:
        return None
    url = http_uri(_text(value, name))
    if url is None:
        raise SettingError(name, f"{value!r} is not an absolute http(s) URL")
    return url


def _whole(value: object, name: str, minimum: int, unit: str) -> None:
    # bool is an int to Python, never to a user; text is refused rather than read.
    if isinstance(value, bool) or not isinstance(value, int):
        shown = f"the text {value!r}" if isinstance(value, str) else _kind(value)
        raise SettingError(name, f"must be a whole number of {unit}, not {shown}")
    if value < minimum:
        raise SettingError(name, f"must be at least {minimum}, not {value}")


def _authors(value: object) -> tuple[Author, ...]:
    if value is None:
        return ()
    # One author alone is one author, not a list of its characters or keys.
    items = value if isinstance(value, list | tuple) else [value]
    return tuple(_author(item) for item in items)


def _author(item: object) -> Author:
    name: object
    email: str | None
    url: str | None
    if isinstance(item, Author):
        name, email, url = item.name, item.email, item.url
    elif isinstance(item, str):
        name, email = split_name_email(item)
        url = None
    elif isinstance(item, Mapping):
        unknown = sorted(str(key) for key in item if key not in AUTHOR_KEYS)
        if unknown:
            raise SettingError(
                "authors", f"unknown author key {unknown[0]!r}; expected {', '.join(AUTHOR_KEYS)}"
            )
        for key in AUTHOR_KEYS:
            part = item.get(key)
            if part is not None and not isinstance(part, str):
                raise SettingError("authors", f"an author's {key} must be text, not {_kind(part)}")
        name, email, url = item.get("name"), item.get("email"), item.get("url")
    else:
        raise SettingError(
            "authors",
            "each author is 'Name <email>', a mapping with a name (and email, url) "
            f"or an Author, not {_kind(item)}",
        )
    if not isinstance(name, str) or not name.strip():
        raise SettingError("authors", f"{_shown_author(item)} has no name")
    _check_characters(name, "authors")
    if email is not None and not is_email(email.strip()):
        raise SettingError("authors", f"{email!r} is not an email address")
    uri = None if url is None else http_uri(url)
    if url is not None and uri is None:
        raise SettingError("authors", f"{url!r} is not an absolute http(s) URL")
    return Author(
        name.strip(),
        email.strip() if email else None,
        uri,
        item.bio if isinstance(item, Author) else None,
    )


def _shown_author(item: object) -> str:
    return repr(item) if isinstance(item, str) else "an author"


def _webfeeds(value: Mapping[str, object]) -> WebFeeds:
    unknown = sorted(str(key) for key in value if key not in WEBFEEDS_KEYS)
    if unknown:
        raise SettingError(
            f"webfeeds.{unknown[0]}", f"unknown key; expected one of {', '.join(WEBFEEDS_KEYS)}"
        )
    return WebFeeds(**value)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class ArchiveLinks:
    """The RFC 5005 links of one document, as folder URLs (each format adds its file name).

    On the subscription feed only `prev_archive` is set (the newest archive
    page); on an archive page `current` names the subscription feed.
    """

    current: str | None = None
    prev_archive: str | None = None
    next_archive: str | None = None

    @property
    def is_archive(self) -> bool:
        return self.current is not None
