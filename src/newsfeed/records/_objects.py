"""Reading the fields whose values are objects, authors and images: internal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from newsfeed.fields import Field, split_list
from newsfeed.model import Author, Image, Place, Problem
from newsfeed.records._record import Record, RecordRejected, kind_of, plain, shown
from newsfeed.rules import (
    check_http_url,
    has_scheme,
    http_uri,
    is_email,
    is_media_type,
    split_name_email,
)

_AUTHOR_KEYS = frozenset({"name", "email", "url", "bio"})
#: Authors remembered per reader (see `_author`): bios are short, so a few
#: megabytes at most.
_KNOWN_AUTHORS = 4096
_IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
    "svg": "image/svg+xml",
}


def authors(record: Record, field: Field, value: Any) -> tuple[Author, ...]:
    if value is None:
        return ()
    items = split_list(field.name, value) if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        items = [items]
    authors = (_author(record, field.name, item) for item in items)
    return tuple(author for author in authors if author is not None)


def _author(record: Record, name: str, item: Any) -> Author | None:
    # Sites name the same few authors, with the same bios, in record after
    # record: an author made of text alone is made once per reader, and its
    # warnings (it can have no error) are given again at each place.
    if isinstance(item, str):
        key: Any = item
    elif (
        type(item) is dict
        and item.keys() <= _AUTHOR_KEYS
        and all(value is None or isinstance(value, str) for value in item.values())
    ):
        key = (item.get("name"), item.get("email"), item.get("url"), item.get("bio"))
    else:
        return _new_author(record, name, item, record.problems)
    known_authors = record.context.known_authors
    known = known_authors.get(key)
    if known is None:
        found: list[Problem] = []
        known = (
            _new_author(record, name, item, found),
            tuple((problem.field, problem.message) for problem in found),
        )
        if len(known_authors) < _KNOWN_AUTHORS:
            known_authors[key] = known
    author, warnings = known
    for field_name, message in warnings:
        record.problems.append(record.place.warning(field_name, message))
    return author


def _new_author(record: Record, field: str, item: Any, problems: list[Problem]) -> Author | None:
    place = record.place
    if isinstance(item, str):
        name, email = split_name_email(item)
        url = bio = None
    elif isinstance(item, Mapping):
        raw_name = item.get("name")
        if not isinstance(raw_name, str):
            raise RecordRejected(place.error(field, "an author needs a name"))
        name, email = raw_name, item.get("email")
        url, bio = item.get("url"), item.get("bio")
        for key in item:
            if key not in _AUTHOR_KEYS:
                record.context.report_unknown(f"{field}.{key}", place, problems)
    else:
        raise RecordRejected(
            place.error(field, f"an author is a name or an object, not {kind_of(item)}")
        )
    name = plain(name, field, place, problems)
    if not name:
        return None
    if email is not None and not (isinstance(email, str) and is_email(email.strip())):
        problems.append(place.warning(field, f"{shown(email)} is not an email address; left out"))
        email = None
    if url is not None:
        uri = http_uri(url) if isinstance(url, str) else None
        if uri is None:
            problems.append(
                place.warning(field, f"{shown(url)} is not an absolute http(s) URL; left out")
            )
        url = uri
    return Author(
        name=name,
        email=email.strip() if email else None,
        url=url,
        bio=plain(bio, field, place, problems) or None,
    )


def image(record: Record, field: Field, value: Any) -> Image | None:
    return None if value is None else _image_of(record, field.name, value)


def _image_of(record: Record, name: str, value: Any) -> Image | None:
    place, problems = record.place, record.problems
    spec: Mapping[str, Any]
    if isinstance(value, str):
        spec = {"url": value}
    elif isinstance(value, Mapping):
        spec = value
    else:
        raise RecordRejected(
            place.error(name, f"must be a URL or an object, not {kind_of(value)}")
        )
    raw = spec.get("url")
    if not isinstance(raw, str) or not raw.strip():
        raise RecordRejected(place.error(name, "an image needs a url"))
    raw = raw.strip()
    absolute = check_http_url(raw)
    if absolute is None:
        if has_scheme(raw):
            raise RecordRejected(place.error(name, f"{shown(raw)} is not an http(s) URL"))
        url = record.value("url")
        if url is None:
            problems.append(
                place.warning(
                    name, f"relative URL {raw!r} and no article url to resolve it; image left out"
                )
            )
            return None
        try:
            absolute = check_http_url(urljoin(url, raw))
        except ValueError:  # e.g. "//[::1/x", an unclosed IPv6 bracket
            absolute = None
        if absolute is None:
            raise RecordRejected(place.error(name, f"{shown(raw)} is not a usable URL"))
    uri = http_uri(absolute)
    if uri is None:
        raise RecordRejected(place.error(name, f"{shown(raw)} is not a usable URL"))
    return Image(
        url=uri,
        type=_image_type(spec.get("type"), absolute, name, place, problems),
        length=_count(spec.get("length"), name, "length", place),
        width=_count(spec.get("width"), name, "width", place),
        height=_count(spec.get("height"), name, "height", place),
        caption=plain(spec.get("caption"), name, place, problems) or None,
        credit=plain(spec.get("credit"), name, place, problems) or None,
    )


def _image_type(value: Any, url: str, name: str, place: Place, problems: list[Problem]) -> str:
    if isinstance(value, str) and is_media_type(value.strip()):
        return value.strip().lower()
    if value is not None:
        problems.append(place.warning(name, f"{shown(value)} is not a MIME type"))
    extension = urlsplit(url).path.rsplit(".", 1)[-1].lower()
    known = _IMAGE_TYPES.get(extension)
    if known is None:
        problems.append(
            place.warning(
                name, f"cannot tell the type of {url!r} from its name; assuming image/jpeg"
            )
        )
        return "image/jpeg"
    return known


def _count(value: Any, name: str, part: str, place: Place) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: float("inf")
        number = -1
    if isinstance(value, bool | float) or number < 0:
        raise RecordRejected(
            place.error(name, f"{part} must be a whole number of at least 0, not {shown(value)}")
        )
    return number
