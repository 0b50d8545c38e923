"""The values that flow through newsfeed: settings, articles and problems.

Everything here is immutable and already normalised: an `Article` holds clean
text, sanitised HTML, aware datetimes and absolute URLs, so that renderers
map it onto a format without checking anything again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from newsfeed.rules import Level, check_http_url, http_uri

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
        for name in ("icon", "logo", "cover"):
            value = getattr(self, name)
            if value is not None and check_http_url(value) is None:
                raise ValueError(f"WebFeeds.{name}: {value!r} is not an absolute http(s) URL")
        if self.accent_color is not None:
            color = self.accent_color.strip().removeprefix("#")
            if not re.fullmatch(r"[0-9A-Fa-f]{6}", color):
                raise ValueError(
                    f"WebFeeds.accent_color: {self.accent_color!r} is not six hex digits"
                )
            # Feedly reads the digits without `#`; frozen, so set through object.
            object.__setattr__(self, "accent_color", color)


@dataclass(frozen=True, slots=True)
class FeedSettings:
    """What describes a feed as a whole, as the user configured it.

    `base_url` is the URL at which the output folder is served: each file's
    self link is `base_url` + its file name. It defaults to `link`.
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

    def __post_init__(self) -> None:
        # Settings come from code, not records: a mistake is the caller's, raised at once.
        if not self.title.strip():
            raise ValueError("FeedSettings.title: must not be empty")
        for name in ("link", "base_url", "image", "icon", "websub_hub"):
            value = getattr(self, name)
            if value is not None and check_http_url(value) is None:
                raise ValueError(f"FeedSettings.{name}: {value!r} is not an absolute http(s) URL")
            if value is not None:
                # Written as a URI, as every URL newsfeed writes (RFC 3987 §3.1).
                uri = http_uri(value)
                if uri is None:
                    raise ValueError(f"FeedSettings.{name}: {value!r} has no URI form")
                object.__setattr__(self, name, uri)
        if self.limit < 1:
            raise ValueError("FeedSettings.limit: must be at least 1")
        if self.ttl is not None and self.ttl < 0:
            raise ValueError("FeedSettings.ttl: must not be negative")


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
