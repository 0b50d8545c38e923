"""RSS 2.0, as its specification and the RSS Advisory Board's Best Practices Profile say."""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from newsfeed.rules import WEBFEEDS_NS, is_unique_enough_guid

from .common import (
    ATOM_NS,
    Check,
    Place,
    Report,
    Scope,
    check_atom_link,
    check_extension,
    check_html,
    check_language_code,
    check_type_attr,
    check_url_attr,
    html_tag_in,
    iri_problem,
    is_contact,
    is_http_url,
    is_non_negative_integer,
    missing_attribute,
    rfc822_problem,
    text_of,
    undefined_element,
    uri_problem,
)
from .findings import Finding
from .xml import line_of, step_name

_ATOM_LINK = f"{{{ATOM_NS}}}link"
_VERSIONS = frozenset({"2.0", "0.91", "0.92"})
_CHANNEL_REQUIRED = (
    ("title", "MissingTitle"),
    ("link", "MissingLink"),
    ("description", "MissingDescription"),
)
_CHANNEL_SINGLE = frozenset(
    (  # noqa: SIM905 (a word list reads better than 19 quoted strings)
        "title link description language copyright managingEditor webMaster pubDate "
        "lastBuildDate generator docs cloud ttl image rating textInput textinput "
        "skipHours skipDays"
    ).split()
)
_ITEM_SINGLE = frozenset(
    ["title", "link", "description", "author", "comments", "guid", "pubDate", "source"]
)
_DAYS = frozenset(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])


class _Part:
    """What the checks of the channel or of one item learn about it."""

    __slots__ = ("guid", "has_self", "report", "scope", "seen")

    def __init__(self, report: Report, scope: Scope) -> None:
        self.report = report
        self.scope = scope
        self.seen: set[str] = set()
        self.has_self = False
        self.guid: etree._Element | None = None


_Check = Callable[[etree._Element, "_Part"], None]


def _on_part(check: Check) -> _Check:
    """A check shared with the extensions, run on the channel's or an item's part."""
    return lambda element, part: check(element, part.report, part.scope)


def _check_full_url(element: etree._Element, part: _Part) -> None:
    value = text_of(element)
    problem = uri_problem(value)
    if problem == "UriNotIri":
        part.report.error(
            element,
            "UriNotIri",
            f"{step_name(element)} must be a URI, not an IRI: {value!r}",
            part.scope,
        )
    elif problem is not None:
        part.report.error(
            element,
            "InvalidFullLink",
            f"{step_name(element)} must be a full and valid URL: {value!r}",
            part.scope,
        )


def _check_date(element: etree._Element, part: _Part) -> None:
    value = text_of(element)
    code = rfc822_problem(value)
    if code == "IncorrectDOW":
        part.report.error(element, code, f"Incorrect day of week: {value!r}", part.scope)
    elif code == "ProblematicalRFC822Date":
        part.report.warning(
            element,
            code,
            f"{step_name(element)} has a zone that is not a whole half hour: {value!r}",
            part.scope,
        )
    elif code is not None:
        part.report.error(
            element,
            code,
            f"{step_name(element)} must be an RFC-822 date-time with a four-digit year: {value!r}",
            part.scope,
        )


def _check_plain_text(element: etree._Element, part: _Part) -> None:
    tag = html_tag_in(element.text or "")
    if tag is not None:
        part.report.warning(
            element,
            "ContainsHTML",
            f"{step_name(element)} should not contain HTML: {tag!r}",
            part.scope,
        )


_check_html = _on_part(check_html)
_check_language = _on_part(check_language_code)


def _check_contact(element: etree._Element, part: _Part) -> None:
    value = text_of(element)
    if not is_contact(value):
        part.report.error(
            element,
            "InvalidContact",
            f"Invalid email address in {step_name(element)}: {value!r}",
            part.scope,
        )


def _check_ttl(element: etree._Element, part: _Part) -> None:
    value = text_of(element)
    if not is_non_negative_integer(value):
        part.report.error(
            element,
            "InvalidInteger",
            f"{step_name(element)} must be an integer: {value!r}",
            part.scope,
        )


def _check_cloud(element: etree._Element, part: _Part) -> None:
    for attr in ("domain", "port", "path", "registerProcedure", "protocol"):
        if element.get(attr) is None:
            missing_attribute(element, attr, part.report, part.scope)
    port = element.get("port")
    if port is not None and not is_non_negative_integer(port):
        part.report.error(
            element,
            "InvalidIntegerAttribute",
            f"port attribute of {step_name(element)} must be a positive integer",
            part.scope,
            "port",
        )


def _check_children_named(
    element: etree._Element,
    part: _Part,
    required: tuple[str, ...],
    checks: dict[str, Callable[[etree._Element, _Part], None]],
) -> None:
    """A channel sub-element made of named children (image, textInput)."""
    seen = set()
    for child in element.iterchildren(etree.Element):
        tag = child.tag
        if tag in required or tag in checks:
            seen.add(tag)
            check = checks.get(tag)
            if check is not None:
                check(child, part)
        elif "}" not in tag:
            undefined_element(child, element, part.report, part.scope)
    for tag in required:
        if tag not in seen:
            part.report.error(
                element,
                "MissingElement",
                f"Missing {step_name(element)} element: {tag}",
                part.scope,
            )


def _check_bounded(limit: int, code: str) -> Callable[[etree._Element, _Part], None]:
    def check(element: etree._Element, part: _Part) -> None:
        value = text_of(element)
        if not is_non_negative_integer(value) or not 0 < int(value) <= limit:
            part.report.error(
                element,
                code,
                f"{step_name(element)} must be between 1 and {limit}: {value!r}",
                part.scope,
            )

    return check


_IMAGE_CHECKS: dict[str, _Check] = {
    "url": _check_full_url,
    "link": _check_full_url,
    "title": _check_plain_text,
    "width": _check_bounded(144, "InvalidWidth"),
    "height": _check_bounded(400, "InvalidHeight"),
    "description": _check_plain_text,
}
_TEXT_INPUT_CHECKS: dict[str, _Check] = {"link": _check_full_url}


def _check_image(element: etree._Element, part: _Part) -> None:
    _check_children_named(element, part, ("url", "title", "link"), _IMAGE_CHECKS)


def _check_text_input(element: etree._Element, part: _Part) -> None:
    _check_children_named(
        element, part, ("title", "description", "name", "link"), _TEXT_INPUT_CHECKS
    )


def _check_skip(
    child_tag: str,
    valid: Callable[[str], bool],
    code: str,
    limit: int,
    too_many: str,
    too_many_message: str,
) -> Callable[[etree._Element, _Part], None]:
    def check(element: etree._Element, part: _Part) -> None:
        count = 0
        for child in element.iterchildren(etree.Element):
            if child.tag != child_tag:
                if "}" not in child.tag:
                    undefined_element(child, element, part.report, part.scope)
                continue
            count += 1
            value = text_of(child)
            if not valid(value):
                part.report.error(
                    child, code, f"{child_tag} value is not valid: {value!r}", part.scope
                )
        if count > limit:
            part.report.error(element, too_many, too_many_message, part.scope)

    return check


def _is_hour(value: str) -> bool:
    return is_non_negative_integer(value) and int(value) < 24


_check_skip_hours = _check_skip(
    "hour",
    _is_hour,
    "InvalidHour",
    24,
    "NotEnoughHoursInTheDay",
    "skipHours can not contain more than 24 hour elements",
)
_check_skip_days = _check_skip(
    "day",
    _DAYS.__contains__,
    "InvalidDay",
    7,
    "EightDaysAWeek",
    "skipDays can not contain more than 7 day elements",
)


def _check_nothing(element: etree._Element, part: _Part) -> None:
    """Known elements whose content RSS leaves free."""


def _check_channel_atom_link(element: etree._Element, part: _Part) -> None:
    check_atom_link(element, part.report, part.scope, None, True)
    if element.get("rel") == "self":
        part.has_self = True


def _check_item_atom_link(element: etree._Element, part: _Part) -> None:
    check_atom_link(element, part.report, part.scope, None, False)


def _check_enclosure(element: etree._Element, part: _Part) -> None:
    report, scope = part.report, part.scope
    check_url_attr(element, "url", report, scope)
    length = element.get("length")
    if length is None:
        missing_attribute(element, "length", report, scope)
    elif length.strip() == "-1":
        report.error(
            element, "UseZeroForUnknown", "Use zero for an unknown length, not -1", scope, "length"
        )
    elif not is_non_negative_integer(length.strip()):
        report.error(
            element,
            "InvalidIntegerAttribute",
            f"length attribute of {step_name(element)} must be a non-negative integer: {length!r}",
            scope,
            "length",
        )
    check_type_attr(element, report, scope)


def _check_guid(element: etree._Element, part: _Part) -> None:
    if part.guid is None:
        part.guid = element
    value = text_of(element)
    permalink = element.get("isPermaLink", "true")
    if permalink not in ("true", "false"):
        part.report.error(
            element,
            "InvalidBooleanAttribute",
            "isPermaLink attribute of guid must be 'true' or 'false'",
            part.scope,
            "isPermaLink",
        )
    if not value:
        part.report.warning(element, "NotBlank", "guid should not be blank", part.scope)
    elif permalink == "false" and not is_unique_enough_guid(value):
        part.report.warning(
            element,
            "NotSufficientlyUnique",
            f"guid should be more unique than a short number: {value!r}",
            part.scope,
        )
    elif permalink != "false" and (
        iri_problem(value) == "relative" or value[:4].lower() in ("tag:", "urn:")
    ):
        part.report.error(
            element,
            "InvalidPermalink",
            f"guid must be a full URL, unless isPermaLink attribute is false: {value!r}",
            part.scope,
        )
    elif permalink != "false" and (problem := uri_problem(value)) is not None:
        part.report.error(
            element,
            problem if problem == "UriNotIri" else "InvalidHttpGUID",
            f"guid must be a full URL (a URI), unless isPermaLink attribute is false: {value!r}",
            part.scope,
        )


def _check_source(element: etree._Element, part: _Part) -> None:
    url = element.get("url")
    if url is None:
        missing_attribute(element, "url", part.report, part.scope)
    elif uri_problem(url) is not None:
        part.report.error(
            element,
            "InvalidFullLink",
            f"url attribute of {step_name(element)} must be a full and valid URL: {url!r}",
            part.scope,
            "url",
        )


_CHANNEL_CHECKS: dict[str, _Check] = {
    "title": _check_plain_text,
    "link": _check_full_url,
    "description": _check_nothing,
    "language": _check_language,
    "copyright": _check_nothing,
    "managingEditor": _check_contact,
    "webMaster": _check_contact,
    "pubDate": _check_date,
    "lastBuildDate": _check_date,
    "category": _check_nothing,
    "generator": _check_nothing,
    "docs": _check_full_url,
    "cloud": _check_cloud,
    "ttl": _check_ttl,
    "image": _check_image,
    "rating": _check_nothing,
    "textInput": _check_text_input,
    "textinput": _check_text_input,
    "skipHours": _check_skip_hours,
    "skipDays": _check_skip_days,
    _ATOM_LINK: _check_channel_atom_link,
}
_ITEM_CHECKS: dict[str, _Check] = {
    "title": _check_plain_text,
    "link": _check_full_url,
    "description": _check_html,
    "author": _check_contact,
    "category": _check_nothing,
    "comments": _check_full_url,
    "enclosure": _check_enclosure,
    "guid": _check_guid,
    "pubDate": _check_date,
    "source": _check_source,
    _ATOM_LINK: _check_item_atom_link,
}


def _check_children(
    element: etree._Element, part: _Part, checks: dict[str, _Check], single: frozenset[str]
) -> None:
    for child in element.iterchildren(etree.Element):
        _check_child(child, element, part, checks, single)


def _check_child(
    child: etree._Element,
    element: etree._Element,
    part: _Part,
    checks: dict[str, _Check],
    single: frozenset[str],
) -> None:
    report, scope, seen = part.report, part.scope, part.seen
    tag = child.tag
    check = checks.get(tag)
    if check is not None:
        if tag in single:
            if tag in seen:
                report.error(
                    child,
                    "DuplicateElement",
                    f"{step_name(element)} contains more than one {tag}",
                    scope,
                )
            seen.add(tag)
        elif tag == "enclosure":
            if tag in seen:
                report.warning(
                    child, "DuplicateEnclosure", "item contains more than one enclosure", scope
                )
            seen.add(tag)
        check(child, part)
    elif "}" not in tag:
        undefined_element(child, element, report, scope)
    elif tag.startswith(_WEBFEEDS):
        _check_webfeeds(child, element, part)
    else:
        check_extension(child, report, scope)


# Feedly's channel elements (http://webfeeds.org/rss/1.0). No specification
# defines them, only Feedly's examples, so problems are warnings: a reader
# that does not know them ignores them.
_WEBFEEDS = f"{{{WEBFEEDS_NS}}}"
_HEX_COLOR = re.compile(r"[0-9A-Fa-f]{6}\Z")
_WEBFEEDS_ATTRIBUTES = {"cover": ("image",), "related": ("layout", "target")}
_WEBFEEDS_ELEMENTS = frozenset({"icon", "logo", "accentColor", "cover", "related", "analytics"})


def _check_webfeeds(element: etree._Element, parent: etree._Element, part: _Part) -> None:
    report, scope = part.report, part.scope
    name = str(element.tag)[len(_WEBFEEDS) :]
    if name not in _WEBFEEDS_ELEMENTS:
        report.warning(
            element, "UndefinedElement", f"Unknown webfeeds element: {step_name(element)}", scope
        )
        return
    if parent.tag != "channel":
        report.warning(
            element,
            "MisplacedWebfeeds",
            f"{step_name(element)} belongs in the channel, not in {step_name(parent)}",
            scope,
        )
    text = text_of(element)
    if name in ("icon", "logo") and not is_http_url(text):
        report.warning(
            element,
            "InvalidWebfeedsURL",
            f"{step_name(element)} must be an absolute http(s) URL: {text!r}",
            scope,
        )
    elif name == "accentColor" and not _HEX_COLOR.match(text):
        report.warning(
            element,
            "InvalidAccentColor",
            f"{step_name(element)} must be six hex digits without '#': {text!r}",
            scope,
        )
    for attr in _WEBFEEDS_ATTRIBUTES.get(name, ()):
        if element.get(attr) is None:
            report.warning(
                element,
                "MissingAttribute",
                f"Missing {step_name(element)} attribute: {attr}",
                scope,
                attr,
            )
    image = element.get("image")
    if name == "cover" and image is not None and not is_http_url(image):
        report.warning(
            element,
            "InvalidWebfeedsURL",
            f"{step_name(element)} image must be an absolute http(s) URL: {image!r}",
            scope,
            "image",
        )


def _check_root(rss: etree._Element, report: Report, scope: Scope) -> etree._Element | None:
    version = rss.get("version")
    if version is None:
        report.error(rss, "MissingAttribute", "Missing rss attribute: version", scope, "version")
    elif version not in _VERSIONS:
        report.error(
            rss,
            "InvalidRSSVersion",
            f"Invalid RSS version: {version!r} (this validator knows 2.0, 0.92 and 0.91)",
            scope,
            "version",
        )
    channel = None
    for child in rss.iterchildren(etree.Element):
        if child.tag == "channel":
            if channel is not None:
                report.error(
                    child, "DuplicateElement", "rss contains more than one channel", scope
                )
            else:
                channel = child
        elif "}" not in child.tag:
            report.error(child, "UndefinedElement", f"Undefined rss element: {child.tag}", scope)
    if channel is None:
        report.error(rss, "MissingElement", "Missing rss element: channel", scope)
    return channel


class RssWalk:
    """The checks of an `<rss>` document, given its channel's children one at a
    time in document order (see `_walk`): the channel's own as `metadata`, its
    items as `entry`; the tree is left as it was."""

    def __init__(self, rss: etree._Element, channel: etree._Element | None) -> None:
        self.report = Report()
        self._rss = rss
        self._channel = channel
        self._scope = Scope()
        self._part = _Part(self.report, self._scope)
        self._guids: dict[str, int | None] = {}

    def metadata(self, child: etree._Element) -> None:
        assert self._channel is not None
        _check_child(child, self._channel, self._part, _CHANNEL_CHECKS, _CHANNEL_SINGLE)

    def entry(self, item: etree._Element, place: Place) -> None:
        report = self.report
        report.begin()
        # The item's findings take its guid when they are resolved, after its checks.
        scope = Scope()
        item_part = _Part(report, scope)
        _check_children(item, item_part, _ITEM_CHECKS, _ITEM_SINGLE)
        guid = item_part.guid
        guid_text = text_of(guid) if guid is not None else ""
        scope.entry_id = guid_text or None
        seen = item_part.seen
        if "title" not in seen and "description" not in seen:
            report.error(
                item,
                "ItemMustContainTitleOrDescription",
                "item must contain either title or description",
                scope,
            )
        if guid is None:
            report.warning(item, "MissingGuid", "item should contain a guid element", scope)
        elif guid_text:
            guids = self._guids
            if guid_text in guids:
                first = guids[guid_text]
                report.error(
                    guid,
                    "DuplicateValue",
                    lambda: (
                        f"guid values must not be duplicated within a feed: {guid_text!r} "
                        f"(first on line {first})"
                    ),
                    scope,
                )
            else:
                guids[guid_text] = line_of(guid)
        report.settle(item, place)

    def finish(self) -> list[Finding]:
        report, scope = self.report, self._scope
        channel = _check_root(self._rss, report, scope)
        if channel is not None:
            for tag, code in _CHANNEL_REQUIRED:
                if tag not in self._part.seen:
                    report.error(channel, code, f"Missing channel element: {tag}", scope)
            if not self._part.has_self:
                report.warning(
                    channel, "MissingAtomSelfLink", 'Missing atom:link with rel="self"', scope
                )
        return report.findings()
