"""JSON Feed 1.1 (and 1.0, read as 1.0), as jsonfeed.org/version/1.1 says.

Findings have the shape of the XML ones: a code in the W3C validator's style
(its own name where the same fault exists in XML: `InvalidRFC3339Date`,
`InvalidLanguage`, `DuplicateValue`, ...), a message, and the place as a
JSON Pointer (RFC 6901: `/items/3/date_published`, items counted from 0).
A finding takes the line where its top-level key's value or its item starts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from newsfeed.rules import JSON_FEED_1, JSON_FEED_1_1, iri_problem

from ._json_lines import escape, with_lines
from ._values import is_language, is_media_type, is_rfc3339, relative_reference_in
from .findings import Cap, Finding, Level

_VERSIONS = {JSON_FEED_1_1: "1.1", JSON_FEED_1: "1.0"}

_STRING, _URL, _DATE, _LANGUAGE, _BOOLEAN = "string", "url", "date", "language", "boolean"

# The keys each object may hold, by version, with the kind of value each takes.
_FEED_KEYS = {
    "version": "version",  # checked first: it decides which keys the rest may have
    "title": _STRING,
    "home_page_url": _URL,
    "feed_url": _URL,
    "description": _STRING,
    "user_comment": _STRING,
    "next_url": _URL,
    "icon": _URL,
    "favicon": _URL,
    "author": "author",
    "expired": _BOOLEAN,
    "hubs": "hubs",
    "items": "items",
}
_FEED_KEYS_1_1 = {**_FEED_KEYS, "authors": "authors", "language": _LANGUAGE}
_ITEM_KEYS = {
    "id": "id",
    "url": _URL,
    "external_url": _URL,
    "title": _STRING,
    "content_html": "html",
    "content_text": _STRING,
    "summary": _STRING,
    "image": _URL,
    "banner_image": _URL,
    "date_published": _DATE,
    "date_modified": _DATE,
    "author": "author",
    "tags": "tags",
    "attachments": "attachments",
}
_ITEM_KEYS_1_1 = {**_ITEM_KEYS, "authors": "authors", "language": _LANGUAGE}
_AUTHOR_KEYS = {"name": _STRING, "url": _URL, "avatar": _URL}
_HUB_KEYS = {"type": _STRING, "url": _URL}
_ATTACHMENT_KEYS = {
    "url": _URL,
    "mime_type": "mime",
    "title": _STRING,
    "size_in_bytes": "count",
    "duration_in_seconds": "count",
}
# An extension key is "_" and then at least one more character.
_EXTENSION = re.compile(r"_.")
_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def names_json_feed_part(path: str) -> bool:
    """Whether `path` points into a JSON Feed's structure (`/items/3/url`, `/hubs/0`):
    such a path says more than a line, which a minified feed shares across items."""
    first = path.split("/", 2)[1] if path.count("/") else ""
    return first in _FEED_KEYS_1_1 and first not in ("version", "title")


def is_json_document(raw: bytes) -> bool:
    """Whether `raw` starts (after a BOM and whitespace) like JSON rather than XML."""
    return raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def validate_json_feed(raw: bytes) -> list[Finding]:
    """The findings of a JSON Feed document's bytes (UTF-8, as RFC 8259 requires)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [
            Finding(
                "error",
                "UnicodeError",
                f"A JSON Feed must be UTF-8: invalid byte at offset {error.start}",
                raw.count(b"\n", 0, error.start) + 1,
                "",
            )
        ]
    try:
        document = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        return [
            Finding("error", "JSONError", f"JSON parsing error: {error.msg}", error.lineno, "")
        ]
    except RecursionError:
        return [
            Finding(
                "error",
                "ValidatorLimit",
                "Unable to validate, due to hardcoded resource limits (JSON nested too deeply)",
                None,
                "",
            )
        ]
    except ValueError as error:  # a number past Python's digit limit, NaN, Infinity
        return [Finding("error", "JSONError", f"JSON parsing error: {error}", None, "")]
    checker = _Checker()
    checker.feed(document)
    found = checker.findings()
    if found:
        found = with_lines(found, text)
    return found


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value (RFC 8259)")


class _Checker:
    """Walks the document once, collecting findings (at most a cap per code)."""

    def __init__(self) -> None:
        self._found: list[Finding] = []
        self._cap = Cap()
        self._entry: str | None = None
        self._keys = _FEED_KEYS_1_1
        self._item_keys = _ITEM_KEYS_1_1
        self._version = "1.1"

    def add(self, level: Level, code: str, message: str, path: str) -> None:
        if self._cap.keep(level, code):
            self._found.append(Finding(level, code, message, None, path, self._entry))

    def findings(self) -> list[Finding]:
        self._found.extend(self._cap.omitted())
        self._found.sort(key=Finding.sort_key)
        return self._found

    # -- the feed -----------------------------------------------------------

    def feed(self, feed: object) -> None:
        if not isinstance(feed, dict):
            self.add(
                "error",
                "InvalidType",
                f"A JSON Feed is an object, not {_kind(feed)}",
                "",
            )
            return
        version = feed.get("version")
        if version is None:
            self.add("error", "MissingElement", "Missing top-level key: version", "/version")
        elif not isinstance(version, str) or version not in _VERSIONS:
            self.add(
                "error",
                "InvalidJSONFeedVersion",
                f"version must be {JSON_FEED_1_1!r} (or {JSON_FEED_1!r} for JSON Feed 1.0): "
                f"{_shown(version)}",
                "/version",
            )
        elif _VERSIONS[version] == "1.0":
            self._version = "1.0"
            self._keys, self._item_keys = _FEED_KEYS, _ITEM_KEYS
        self._object(feed, "", self._keys, self._feed_value, "top-level")
        if "title" not in feed:
            self.add("error", "MissingTitle", "Missing top-level key: title", "/title")
        if "items" not in feed:
            self.add("error", "MissingElement", "Missing top-level key: items", "/items")
        if "feed_url" not in feed:
            self.add(
                "warning",
                "MissingSelf",
                "A feed on the web should have a feed_url (its own address)",
                "/feed_url",
            )
        if "home_page_url" not in feed:
            self.add(
                "warning",
                "MissingHomePageURL",
                "A feed on the web should have a home_page_url",
                "/home_page_url",
            )
        if self._version == "1.1" and "author" in feed:
            self._deprecated_author("")

    def _feed_value(self, key: str, value: object, path: str) -> None:
        if key == "items":
            self._items(value, path)
        elif key == "hubs":
            self._array_of_objects(value, path, _HUB_KEYS, ("type", "url"), "hub")

    # -- items --------------------------------------------------------------

    def _items(self, items: object, path: str) -> None:
        if not isinstance(items, list):
            self.add("error", "InvalidType", f"items must be an array, not {_kind(items)}", path)
            return
        ids: dict[str, int] = {}
        for index, item in enumerate(items):
            item_path = f"{path}/{index}"
            if not isinstance(item, dict):
                self.add(
                    "error",
                    "InvalidType",
                    f"An item must be an object, not {_kind(item)}",
                    item_path,
                )
                continue
            identifier = item.get("id")
            usable = isinstance(identifier, (str, int)) and not isinstance(identifier, bool)
            self._entry = str(identifier) if usable else None
            self._item(item, item_path)
            if usable:
                key = str(identifier)
                if key in ids:
                    self.add(
                        "error",
                        "DuplicateValue",
                        f"Item ids must not be duplicated within a feed: {key!r} "
                        f"(first at {path}/{ids[key]})",
                        f"{item_path}/id",
                    )
                else:
                    ids[key] = index
            self._entry = None

    def _item(self, item: Mapping[str, Any], path: str) -> None:
        self._object(item, path, self._item_keys, self._item_value, "item")
        if "id" not in item:
            self.add("error", "MissingElement", "Missing item key: id", f"{path}/id")
        if "content_html" not in item and "content_text" not in item:
            self.add(
                "error",
                "MissingContent",
                "An item must have content_html or content_text (or both)",
                path,
            )
        if self._version == "1.1" and "author" in item:
            self._deprecated_author(path)

    def _item_value(self, key: str, value: object, path: str) -> None:
        if key == "tags":
            if not isinstance(value, list):
                self.add(
                    "error", "InvalidType", f"tags must be an array, not {_kind(value)}", path
                )
                return
            for index, tag in enumerate(value):
                if not isinstance(tag, str):
                    self.add(
                        "error",
                        "InvalidType",
                        f"A tag must be a string, not {_kind(tag)}",
                        f"{path}/{index}",
                    )
                else:
                    self._text(tag, f"{path}/{index}")
        elif key == "attachments":
            self._array_of_objects(
                value, path, _ATTACHMENT_KEYS, ("url", "mime_type"), "attachment"
            )

    # -- shared -------------------------------------------------------------

    def _object(
        self,
        owner: Mapping[str, Any],
        path: str,
        keys: Mapping[str, str],
        nested: Callable[[str, object, str], None],
        what: str,
    ) -> None:
        """Each key of `owner` checked against `keys`; structures handed to `nested`."""
        for key, value in owner.items():
            here = f"{path}/{escape(key)}"
            kind = keys.get(key)
            if kind is None:
                self._unknown_key(key, here, what)
            elif kind == "author":
                self._author(value, here)
            elif kind == "authors":
                if not isinstance(value, list):
                    self.add(
                        "error",
                        "InvalidType",
                        f"authors must be an array, not {_kind(value)}",
                        here,
                    )
                else:
                    for index, person in enumerate(value):
                        self._author(person, f"{here}/{index}")
            elif kind == "id":
                self._id(value, here)
            elif kind in ("version", "items", "hubs", "tags", "attachments"):
                nested(key, value, here)
            else:
                self._value(key, kind, value, here)

    def _value(self, key: str, kind: str, value: object, path: str) -> None:
        if kind == _BOOLEAN:
            if not isinstance(value, bool):
                self.add(
                    "error", "InvalidType", f"{key} must be true or false: {_shown(value)}", path
                )
            return
        if kind == "count":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                self.add(
                    "error",
                    "InvalidNonNegativeInteger",
                    f"{key} must be a number, zero or more: {_shown(value)}",
                    path,
                )
            return
        if not isinstance(value, str):
            self.add("error", "InvalidType", f"{key} must be a string, not {_kind(value)}", path)
            return
        if not self._text(value, path):
            return
        if kind == _URL:
            self._url(key, value, path)
        elif kind == _DATE and not is_rfc3339(value):
            self.add(
                "error",
                "InvalidRFC3339Date",
                f"{key} must be an RFC 3339 date-time: {_shown(value)}",
                path,
            )
        elif kind == _LANGUAGE and not is_language(value):
            self.add(
                "error",
                "InvalidLanguage",
                f"{key} must be an RFC 5646 language tag: {_shown(value)}",
                path,
            )
        elif kind == "mime" and not is_media_type(value):
            self.add(
                "error", "InvalidMIMEType", f"{key} must be a MIME type: {_shown(value)}", path
            )
        elif kind == "html":
            ref = relative_reference_in(value)
            if ref is not None:
                self.add(
                    "warning",
                    "ContainsRelRef",
                    f"{key} should not contain relative URL references: {_shown(ref)}",
                    path,
                )

    def _text(self, value: str, path: str) -> bool:
        """False (with a finding) for a string no encoder can write: a lone surrogate."""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            self.add(
                "error",
                "UnicodeError",
                f"A lone surrogate (\\u{ord(value[error.start]):04x}) is not a character",
                path,
            )
            return False
        return True

    def _url(self, key: str, value: str, path: str) -> None:
        problem = iri_problem(value)
        if problem == "invalid":
            self.add("error", "InvalidIRI", f"{key} must be a valid URL: {_shown(value)}", path)
        elif problem == "relative":
            # JSON has no base to resolve against but the feed's own address.
            self.add(
                "error", "InvalidFullLink", f"{key} must be a full URL: {_shown(value)}", path
            )

    def _id(self, value: object, path: str) -> None:
        if isinstance(value, str):
            if not value.strip():
                self.add("warning", "NotBlank", "id should not be blank", path)
            else:
                self._text(value, path)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self.add(
                "warning",
                "InvalidType",
                f"id should be a string (readers turn {value!r} into one)",
                path,
            )
        else:
            self.add("error", "InvalidType", f"id must be a string, not {_kind(value)}", path)

    def _author(self, person: object, path: str) -> None:
        if not isinstance(person, dict):
            self.add(
                "error", "InvalidType", f"An author must be an object, not {_kind(person)}", path
            )
            return
        self._object(person, path, _AUTHOR_KEYS, _ignore, "author")
        if not any(key in person for key in _AUTHOR_KEYS):
            self.add(
                "error",
                "MissingElement",
                "An author must have at least one of name, url and avatar",
                path,
            )

    def _deprecated_author(self, path: str) -> None:
        self.add(
            "warning",
            "DeprecatedAuthor",
            "author is deprecated in JSON Feed 1.1; use authors (an array)",
            f"{path}/author",
        )

    def _array_of_objects(
        self,
        value: object,
        path: str,
        keys: Mapping[str, str],
        required: tuple[str, ...],
        what: str,
    ) -> None:
        name = path.rsplit("/", 1)[-1]
        if not isinstance(value, list):
            self.add("error", "InvalidType", f"{name} must be an array, not {_kind(value)}", path)
            return
        for index, entry in enumerate(value):
            here = f"{path}/{index}"
            if not isinstance(entry, dict):
                self.add(
                    "error", "InvalidType", f"A {what} must be an object, not {_kind(entry)}", here
                )
                continue
            self._object(entry, here, keys, _ignore, what)
            for key in required:
                if key not in entry:
                    self.add(
                        "error", "MissingElement", f"Missing {what} key: {key}", f"{here}/{key}"
                    )

    def _unknown_key(self, key: str, path: str, what: str) -> None:
        if _EXTENSION.match(key):
            return  # an extension: readers that do not know it ignore it
        if key.startswith("_"):
            self.add(
                "error",
                "InvalidExtensionKey",
                "An extension key is '_' followed by at least one character",
                path,
            )
            return
        known_in = (
            " (JSON Feed 1.1 only)"
            if self._version == "1.0" and key in ("authors", "language")
            else ""
        )
        self.add(
            "warning",
            "UndefinedKey",
            f"Undefined {what} key{known_in}: {_shown(key)} (extensions start with '_')",
            path,
        )


def _ignore(key: str, value: object, path: str) -> None:
    """Objects without nested structures of their own (authors, hubs, attachments)."""


def _kind(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _shown(value: object) -> str:
    """A value for a message: quoted, and cut short (a 5,000-digit date is not worth it all)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:76] + "...'"
