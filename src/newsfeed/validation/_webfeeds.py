"""Feedly's webfeeds elements in an RSS channel (internal), checked as warnings."""

from __future__ import annotations

import re

from lxml import etree

from newsfeed.rules import WEBFEEDS_NS, is_http_url

from ._report import Report, Scope, text_of
from .xml import step_name

# Feedly's channel elements (http://webfeeds.org/rss/1.0). No specification
# defines them, only Feedly's examples, so problems are warnings: a reader
# that does not know them ignores them.
WEBFEEDS = f"{{{WEBFEEDS_NS}}}"
_HEX_COLOR = re.compile(r"[0-9A-Fa-f]{6}\Z")
_WEBFEEDS_ATTRIBUTES = {"cover": ("image",), "related": ("layout", "target")}
_WEBFEEDS_ELEMENTS = frozenset({"icon", "logo", "accentColor", "cover", "related", "analytics"})


def check_webfeeds(
    element: etree._Element, parent: etree._Element, report: Report, scope: Scope
) -> None:
    name = str(element.tag)[len(WEBFEEDS) :]
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
