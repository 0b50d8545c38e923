"""Serving a feed from a web application, with conditional requests (RFC 9110).

Framework-neutral: `respond` takes a built `Feed`, the format asked for and
the request's `If-None-Match` / `If-Modified-Since` header values, and gives
back the status, headers and body for any framework to send. Feed readers
poll every few minutes; answering most polls with `304 Not Modified` and no
body is what makes that cheap for both sides.

>>> response = respond(feed, "rss", if_none_match=request_headers.get("If-None-Match"))
>>> response.status, dict(response.headers), response.body
"""

from __future__ import annotations

import hashlib
import re
import weakref
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING

from newsfeed.feed import FORMATS, MEDIA_TYPES, newest_update

if TYPE_CHECKING:
    from newsfeed.documents import Feed
    from newsfeed.feed import Format

#: The `Content-Type` of each format; feeds are always UTF-8.
CONTENT_TYPES: dict[str, str] = {
    format: f"{media_type}; charset=utf-8" for format, media_type in MEDIA_TYPES.items()
}
#: Seconds a cache may keep a feed whose settings have no `ttl`: most readers
#: poll every 15 to 60 minutes, and a news site wants news out within minutes.
DEFAULT_MAX_AGE = 300
REASONS = {200: "OK", 304: "Not Modified"}
#: One entity-tag of a list: `"abc"` or `W/"abc"` (commas may appear inside the quotes).
_ENTITY_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|\Z)')
#: Each feed's bytes per format, rendered and validated once: a feed's content
#: never changes, and a poll answered with 304 should cost no rendering at all.
_RENDERED: weakref.WeakKeyDictionary[Feed, dict[str, bytes]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class Response:
    """What to send: `status` (200 or 304), `headers` as (name, value) pairs, `body`.

    `dict(response.headers)` suits frameworks that take a mapping; no name repeats.
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def status_line(self) -> str:
        """`200 OK` or `304 Not Modified`, as WSGI's `start_response` wants it."""
        return f"{self.status} {REASONS[self.status]}"

    def header(self, name: str) -> str | None:
        """The value of header `name` (any case), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


def respond(
    feed: Feed,
    format: Format,
    *,
    if_none_match: str | None = None,
    if_modified_since: str | None = None,
    method: str = "GET",
    max_age: int | None = None,
) -> Response:
    """The response to a GET (or HEAD) of `feed` in `format`.

    `ETag` is strong, from the bytes; `Last-Modified` is the newest entry's
    `updated`; `Cache-Control: max-age` is `max_age` seconds if given, else
    the feed's `ttl` (minutes), else 5 minutes. Raises `newsfeed.InvalidFeed` if the
    document does not validate: a server should not serve what it refuses to write,
    and `ValueError` for a format that is not one of `FORMATS`.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose from {', '.join(FORMATS)}")
    body = _body(feed, format)
    etag = strong_etag(body)
    newest = newest_update(feed.articles)
    last_modified = http_date(newest) if newest is not None else None
    cache_control = f"max-age={_max_age(feed, max_age)}"
    if not_modified(etag, newest, if_none_match, if_modified_since):
        # RFC 9110 15.4.5: a 304 repeats the validators and caching fields, nothing else.
        return Response(304, (("ETag", etag), ("Cache-Control", cache_control)), b"")
    headers = [("Content-Type", CONTENT_TYPES[format]), ("Content-Length", str(len(body)))]
    headers.append(("ETag", etag))
    if last_modified is not None:
        headers.append(("Last-Modified", last_modified))
    headers.append(("Cache-Control", cache_control))
    return Response(200, tuple(headers), b"" if method.upper() == "HEAD" else body)


def _body(feed: Feed, format: Format) -> bytes:
    rendered = _RENDERED.setdefault(feed, {})
    if format not in rendered:
        rendered[format] = {"rss": feed.rss, "atom": feed.atom, "json": feed.json}[format]()
    return rendered[format]


def strong_etag(body: bytes) -> str:
    """A strong entity-tag: the same bytes, the same tag, on every server and run."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def http_date(when: datetime) -> str:
    """`when` as an IMF-fixdate: `Thu, 26 Nov 2026 19:30:00 GMT`."""
    return format_datetime(when.astimezone(timezone.utc).replace(microsecond=0), usegmt=True)


def not_modified(
    etag: str,
    last_modified: datetime | None,
    if_none_match: str | None,
    if_modified_since: str | None,
) -> bool:
    """Whether a GET with these conditions gets 304 (RFC 9110, section 13.2.2).

    If-None-Match, when present, decides alone: it compares entity-tags weakly
    (`W/"x"` matches `"x"`) and `*` matches any feed. If-Modified-Since counts
    only without it, and is ignored when it is not a valid HTTP date.
    """
    if if_none_match is not None and if_none_match.strip():
        return _matches_any(etag, if_none_match)
    if if_modified_since is None or last_modified is None:
        return False
    since = _parse_http_date(if_modified_since)
    return since is not None and last_modified.replace(microsecond=0) <= since


def _matches_any(etag: str, header: str) -> bool:
    if header.strip() == "*":
        return True
    mine = _opaque(etag)
    position = 0
    while position < len(header):
        match = _ENTITY_TAG.match(header, position)
        if match is None:
            # A malformed list matches nothing: sending the feed again is always safe.
            return False
        if match.group(2) == mine:
            return True
        position = match.end()
    return False


def _opaque(etag: str) -> str:
    return etag.removeprefix("W/").strip('"')


def _parse_http_date(text: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # `-0000` and obsolete forms: HTTP dates are GMT
        when = when.replace(tzinfo=timezone.utc)
    return when


def _max_age(feed: Feed, max_age: int | None) -> int:
    if max_age is not None:
        return max_age
    if feed.settings.ttl is not None:
        return feed.settings.ttl * 60
    return DEFAULT_MAX_AGE
