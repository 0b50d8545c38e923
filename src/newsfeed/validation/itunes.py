"""Apple's podcast elements (the `itunes:` namespace), checked as the W3C validator checks them.

The rules are the W3C Feed Validation Service's: which elements a channel
and an item may hold, the value each takes (yes/no/clean for `block`,
true/false for `explicit`, `H:MM:SS` durations, Apple's categories, http
URLs for images), length limits, and the warnings a channel gets once it
uses the namespace at all (no language, category, explicit or owner). The
checks run over a tree after the format's own checks, in RSS and in Atom.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree

from newsfeed.rules import ATOM_NS, ITUNES_ELEMENTS, XML_LANG, is_uri

from ._itunes_categories import CATEGORIES, ENCLOSURE_EXTENSIONS, OLD_CATEGORIES
from ._report import (
    Check,
    Place,
    Report,
    Scope,
    missing_attribute,
    text_of,
    undefined_element,
    value_check,
)
from ._values import html_tag_in, is_email, rfc822_problem
from .findings import Finding
from .xml import step_name

_DURATION = re.compile(r"\d+(?::[0-5]\d(?::[0-5]\d)?)?\Z")
_HTTP_URL = re.compile(
    r"https?://(?:\d{1,3}\.\d{1,3}\.\d{1,3}\.|(?:[A-Z0-9-]+\.)+)[A-Z0-9][-A-Z0-9]*(?::\d+)?(?:/|\Z)",
    re.IGNORECASE,
)


def _check_limited(limit: int) -> Check:
    """Plain text of at most `limit` characters (author, subtitle, summary, names)."""

    def check(element: etree._Element, report: Report, scope: Scope) -> None:
        value = text_of(element)
        if len(value) > limit:
            report.error(
                element,
                "TooLong",
                f"{step_name(element)} must be {limit} characters or fewer ({len(value)})",
                scope,
            )
        tag = html_tag_in(value)
        if tag is not None:
            report.warning(
                element,
                "ContainsHTML",
                f"{step_name(element)} should not contain HTML: {tag!r}",
                scope,
            )

    return check


def _check_keywords(element: etree._Element, report: Report, scope: Scope) -> None:
    _check_limited(255)(element, report, scope)
    value = text_of(element)
    if " " in value and "," not in value:
        report.warning(
            element,
            "InvalidKeywords",
            f"{step_name(element)} should be separated by commas: {value!r}",
            scope,
        )


def _check_image(element: etree._Element, report: Report, scope: Scope) -> None:
    href = element.get("href")
    if href is None:
        missing_attribute(element, "href", report, scope)
    elif not (_HTTP_URL.match(href) and is_uri(href)):
        report.error(
            element,
            "InvalidURLAttribute",
            f"href attribute of {step_name(element)} must be a full http(s) URL: {href!r}",
            scope,
            "href",
        )


def _check_owner(element: etree._Element, report: Report, scope: Scope) -> None:
    _check_children(element, _OWNER_CHECKS, report, scope)
    if not any(_local(child) == "email" for child in _itunes_children(element)):
        report.error(
            element, "MissingElement", "Missing itunes:owner element: itunes:email", scope
        )


def _check_category(element: etree._Element, report: Report, scope: Scope) -> None:
    _check_category_text(element, CATEGORIES, OLD_CATEGORIES, report, scope)
    parent_text = element.get("text")
    for child in _itunes_children(element):
        if _local(child) != "category":
            undefined_element(child, element, report, scope)
        elif parent_text:
            _check_category_text(
                child,
                {name: frozenset() for name in CATEGORIES.get(parent_text, ())},
                {name: frozenset() for name in OLD_CATEGORIES.get(parent_text, ())},
                report,
                scope,
            )


def _check_category_text(
    element: etree._Element,
    valid: Mapping[str, frozenset[str]],
    old: Mapping[str, frozenset[str]],
    report: Report,
    scope: Scope,
) -> None:
    text = element.get("text")
    if text is None:
        missing_attribute(element, "text", report, scope)
    elif text not in valid:
        if text in old:
            report.warning(
                element,
                "ObsoleteItunesCategory",
                f"{step_name(element)} {text!r} is no longer one of Apple's categories",
                scope,
                "text",
            )
        else:
            report.error(
                element,
                "InvalidItunesCategory",
                f"{step_name(element)} {text!r} is not one of Apple's categories",
                scope,
                "text",
            )


def _check_text(element: etree._Element, report: Report, scope: Scope) -> None:
    """Elements whose text is free."""


def _is_positive(value: str) -> bool:
    return value.isascii() and value.isdigit() and int(value) > 0


def _one_of(values: tuple[str, ...], code: str) -> Check:
    shown = ", ".join(values)
    return value_check(values.__contains__, code, f"{{name}} must be one of {shown}: {{value!r}}")


def _one_of_any_case(values: frozenset[str], code: str, shown: str) -> Check:
    """One of `values`, any case; white space is not trimmed (Apple does not trim it)."""
    return value_check(
        lambda value: value.lower() in values,
        code,
        f"{{name}} must be {shown}: {{value!r}}",
        stripped=False,
    )


_positive = value_check(
    _is_positive, "InvalidPositiveInteger", "{name} must be a positive integer: {value!r}"
)

_SHARED: dict[str, Check] = {
    "author": _check_limited(255),
    "block": _one_of_any_case(
        frozenset({"yes", "no", "clean"}), "InvalidYesNoClean", "yes, no or clean"
    ),
    "explicit": _one_of_any_case(
        frozenset({"true", "false"}), "InvalidTrueFalse", "true or false"
    ),
    "keywords": _check_keywords,
    "subtitle": _check_limited(255),
    "summary": _check_limited(4000),
    "image": _check_image,
}
_CHANNEL_CHECKS: dict[str, Check] = {
    **_SHARED,
    "owner": _check_owner,
    "category": _check_category,
    "pubDate": value_check(
        lambda value: rfc822_problem(value) is None,
        "InvalidRFC2822Date",
        "{name} must be an RFC-822 date-time: {value!r}",
    ),
    "new-feed-url": value_check(
        is_uri, "InvalidFullLink", "{name} must be a full and valid URL: {value!r}"
    ),
    "type": _one_of(("episodic", "serial"), "InvalidItunesChannelType"),
}
_ITEM_CHECKS: dict[str, Check] = {
    **_SHARED,
    "duration": value_check(
        lambda value: _DURATION.match(value) is not None,
        "InvalidDuration",
        "{name} must be seconds, MM:SS or H:MM:SS: {value!r}",
    ),
    "title": _check_text,
    "episode": _positive,
    "season": _positive,
    "episodeType": _one_of(("full", "trailer", "bonus"), "InvalidItunesEpisodeType"),
}
_OWNER_CHECKS: dict[str, Check] = {
    "email": value_check(is_email, "InvalidContact", "Invalid email address in {name}: {value!r}"),
    "name": _check_limited(255),
}
# Every element may appear once, but a channel may have several categories.
_REPEATABLE = frozenset({"category"})


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _itunes_children(element: etree._Element) -> list[etree._Element]:
    # Filtered by lxml, not in Python: a channel's children include every item.
    return list(element.iterchildren(*ITUNES_ELEMENTS))


def _check_children(
    parent: etree._Element, checks: Mapping[str, Check], report: Report, scope: Scope
) -> bool:
    """Check the iTunes children of `parent`; True when it has any."""
    seen: set[str] = set()
    found = False
    for child in _itunes_children(parent):
        found = True
        name = _local(child)
        check = checks.get(name)
        if check is None:
            undefined_element(child, parent, report, scope)
            continue
        if name in seen and name not in _REPEATABLE:
            report.error(
                child,
                "DuplicateElement",
                f"{step_name(parent)} contains more than one {step_name(child)}",
                scope,
            )
        seen.add(name)
        check(child, report, scope)
    return found


class ItunesWalk:
    """The iTunes checks of an RSS (`kind` "rss") or Atom ("atom") document,
    given its entries one at a time (see `_walk`); `channel` is the RSS
    channel or the Atom feed, None for an RSS document without one."""

    def __init__(self, root: etree._Element, kind: str, channel: etree._Element | None) -> None:
        self.report = Report()
        self._root = root
        self._kind = kind
        self._channel = channel
        self._id_tag = "guid" if kind == "rss" else f"{{{ATOM_NS}}}id"
        self._used = False

    def metadata(self, child: etree._Element) -> None:
        """The channel's own iTunes elements are checked at the end, all together."""

    def entry(self, entry: etree._Element, place: Place) -> None:
        report = self.report
        report.begin()
        identifier = entry.find(self._id_tag)
        scope = Scope(None if identifier is None else text_of(identifier) or None)
        if _check_children(entry, _ITEM_CHECKS, report, scope):
            self._used = True
            _check_enclosures(entry, self._kind, report, scope)
        report.settle(entry, place)

    def finish(self) -> list[Finding]:
        channel = self._channel
        if channel is None:
            return []
        report = self.report
        if _check_children(channel, _CHANNEL_CHECKS, report, Scope()) or self._used:
            _check_channel_has_all(self._root, channel, self._kind, report)
        return report.findings()


def _check_enclosures(entry: etree._Element, kind: str, report: Report, scope: Scope) -> None:
    if kind == "rss":
        enclosures = [(e, e.get("url")) for e in entry.iterchildren("enclosure")]
    else:
        enclosures = [
            (e, e.get("href"))
            for e in entry.iterchildren(f"{{{ATOM_NS}}}link")
            if e.get("rel") == "enclosure"
        ]
    for element, url in enclosures:
        if url is None:
            continue
        extension = url.rsplit(".", 1)[-1]
        if extension not in ENCLOSURE_EXTENSIONS:
            report.warning(
                element,
                "UnsupportedItunesFormat",
                f"Format {extension!r} is not supported by Apple Podcasts",
                scope,
            )


def _check_channel_has_all(
    root: etree._Element, channel: etree._Element, kind: str, report: Report
) -> None:
    scope = Scope()
    names = {_local(child) for child in _itunes_children(channel)}
    has_language = (
        channel.find("language") is not None
        or channel.get(XML_LANG) is not None
        or root.get(XML_LANG) is not None
    )
    where = step_name(channel)
    if not has_language:
        report.warning(
            channel,
            "MissingItunesElement",
            f"Missing recommended {where} element: language",
            scope,
        )
    for name in ("category", "explicit"):
        if name not in names:
            report.warning(
                channel,
                "MissingItunesElement",
                f"Missing recommended iTunes {where} element: itunes:{name}",
                scope,
            )
    if "owner" not in names:
        report.warning(
            channel,
            "MissingItunesEmail",
            "The recommended itunes:email element is missing (in itunes:owner)",
            scope,
        )
    encoding = root.getroottree().docinfo.encoding or "UTF-8"
    if encoding.lower() not in ("utf-8", "utf8"):
        report.warning(
            channel,
            "NotUTF8",
            f"iTunes elements should be in feeds encoded as UTF-8 (this is {encoding})",
            scope,
        )
