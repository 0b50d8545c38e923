"""The parts of an RSS channel (internal): what the checks of the channel or an
item learn (`Part`), the value checks they share, and the channel's structured
elements (cloud, image, textInput, skipHours, skipDays)."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ._extensions import check_html, check_language_code
from ._report import (
    Check,
    Report,
    Scope,
    found_check,
    missing_attribute,
    text_of,
    undefined_element,
    value_check,
)
from ._values import html_tag_in, is_contact, is_non_negative_integer, rfc822_problem, uri_problem
from .xml import step_name

_DAYS = frozenset(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])


class Part:
    """What the checks of the channel or of one item learn about it."""

    __slots__ = ("has_self", "report", "scope", "seen")

    def __init__(self, report: Report, scope: Scope) -> None:
        self.report = report
        self.scope = scope
        self.seen: set[str] = set()
        self.has_self = False


PartCheck = Callable[[etree._Element, "Part"], None]
"""A check of one element of the channel or an item, given what is learnt of it."""


def on_part(check: Check) -> PartCheck:
    """A check shared with the extensions, run on the channel's or an item's part."""
    return lambda element, part: check(element, part.report, part.scope)


def check_full_url(element: etree._Element, part: Part) -> None:
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


def check_date(element: etree._Element, part: Part) -> None:
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


check_plain_text = on_part(
    found_check(html_tag_in, "ContainsHTML", "{name} should not contain HTML: {found!r}")
)


check_description = on_part(check_html)
check_language = on_part(check_language_code)


check_contact = on_part(
    value_check(is_contact, "InvalidContact", "Invalid email address in {name}: {value!r}")
)
check_ttl = on_part(
    value_check(is_non_negative_integer, "InvalidInteger", "{name} must be an integer: {value!r}")
)


def check_cloud(element: etree._Element, part: Part) -> None:
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
    part: Part,
    required: tuple[str, ...],
    checks: dict[str, Callable[[etree._Element, Part], None]],
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


def _check_bounded(limit: int, code: str) -> PartCheck:
    def valid(value: str) -> bool:
        return is_non_negative_integer(value) and 0 < int(value) <= limit

    return on_part(
        value_check(valid, code, f"{{name}} must be between 1 and {limit}: {{value!r}}")
    )


_IMAGE_CHECKS: dict[str, PartCheck] = {
    "url": check_full_url,
    "link": check_full_url,
    "title": check_plain_text,
    "width": _check_bounded(144, "InvalidWidth"),
    "height": _check_bounded(400, "InvalidHeight"),
    "description": check_plain_text,
}
_TEXT_INPUT_CHECKS: dict[str, PartCheck] = {"link": check_full_url}


def check_image(element: etree._Element, part: Part) -> None:
    _check_children_named(element, part, ("url", "title", "link"), _IMAGE_CHECKS)


def check_text_input(element: etree._Element, part: Part) -> None:
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
) -> Callable[[etree._Element, Part], None]:
    def check(element: etree._Element, part: Part) -> None:
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


check_skip_hours = _check_skip(
    "hour",
    _is_hour,
    "InvalidHour",
    24,
    "NotEnoughHoursInTheDay",
    "skipHours can not contain more than 24 hour elements",
)
check_skip_days = _check_skip(
    "day",
    _DAYS.__contains__,
    "InvalidDay",
    7,
    "EightDaysAWeek",
    "skipDays can not contain more than 7 day elements",
)
