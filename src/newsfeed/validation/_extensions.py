"""The extensions RSS and Atom both carry (internal): Media RSS, Dublin Core,
content:encoded, atom:link, and the attribute checks they share."""

from __future__ import annotations

from lxml import etree

from newsfeed.rules import (
    CONTENT_NS,
    DC_NS,
    MEDIA_NS,
    XML_BASE,
    iri_problem,
    is_absolute_iri,
    is_http_url,
)

from ._report import (
    Check,
    Report,
    Scope,
    check_attribute,
    found_check,
    missing_attribute,
    value_check,
)
from ._values import (
    atom_iri_problem,
    is_language,
    is_media_type,
    is_non_negative_integer,
    is_w3cdtf,
    not_html_in,
    relative_reference_in,
    words,
)
from .xml import step_name

_MEDIUMS = frozenset({"image", "audio", "video", "document", "executable"})
_EXPRESSIONS = frozenset({"sample", "full", "nonstop"})
_MEDIA_INTEGERS = ("width", "height", "fileSize", "duration")


def check_url_attr(element: etree._Element, attr: str, report: Report, scope: Scope) -> None:
    """A required attribute that must hold an absolute http(s) URL."""
    value = element.get(attr)
    if value is None:
        missing_attribute(element, attr, report, scope)
    elif not is_http_url(value):
        report.error(
            element,
            "InvalidURLAttribute",
            f"{attr} attribute of {step_name(element)} must be a full URL: {value!r}",
            scope,
            attr,
        )


def _check_integer_attrs(
    element: etree._Element, attrs: tuple[str, ...], report: Report, scope: Scope
) -> None:
    for attr in attrs:
        check_attribute(
            element,
            attr,
            is_non_negative_integer,
            "InvalidIntegerAttribute",
            f"{attr} attribute of {{name}} must be a positive integer: {{value!r}}",
            report,
            scope,
        )


def check_type_attr(element: etree._Element, report: Report, scope: Scope) -> None:
    """A required `type` attribute that must hold a MIME type."""
    kind = element.get("type")
    if kind is None:
        missing_attribute(element, "type", report, scope)
    elif not is_media_type(kind):
        report.error(
            element,
            "InvalidMIMEAttribute",
            f"type attribute of {step_name(element)} must be a valid MIME type: {kind!r}",
            scope,
            "type",
        )


def check_media_content(element: etree._Element, report: Report, scope: Scope) -> None:
    if element.get("url") is not None or element.find(f"{{{MEDIA_NS}}}player") is None:
        check_url_attr(element, "url", report, scope)
    medium = element.get("medium")
    if medium is not None and medium not in _MEDIUMS:
        report.error(
            element, "InvalidMediaMedium", f'Invalid content medium: "{medium}"', scope, "medium"
        )
    expression = element.get("expression")
    if expression is not None and expression not in _EXPRESSIONS:
        report.error(
            element,
            "InvalidMediaExpression",
            f'Invalid content expression: "{expression}"',
            scope,
            "expression",
        )
    if element.get("type") is not None:
        check_type_attr(element, report, scope)
    default = element.get("isDefault")
    if default is not None and default not in ("true", "false"):
        report.error(
            element,
            "InvalidBooleanAttribute",
            f"isDefault attribute of {step_name(element)} must be 'true' or 'false'",
            scope,
            "isDefault",
        )
    _check_integer_attrs(element, _MEDIA_INTEGERS, report, scope)
    _check_media_children(element, report, scope)


def check_media_thumbnail(element: etree._Element, report: Report, scope: Scope) -> None:
    check_url_attr(element, "url", report, scope)
    _check_integer_attrs(element, ("width", "height"), report, scope)


def check_media_text(element: etree._Element, report: Report, scope: Scope) -> None:
    kind = element.get("type")
    if kind is not None and kind not in ("plain", "html"):
        report.error(
            element,
            "InvalidMediaTextType",
            'type attribute must be "plain" or "html"',
            scope,
            "type",
        )


def check_media_group(element: etree._Element, report: Report, scope: Scope) -> None:
    if len(element.findall(f"{{{MEDIA_NS}}}content")) < 2:
        report.error(
            element,
            "MediaGroupWithoutAlternatives",
            "media:group must have multiple media:content children",
            scope,
        )
    _check_media_children(element, report, scope)


def _check_media_children(element: etree._Element, report: Report, scope: Scope) -> None:
    for child in element.iterchildren(etree.Element):
        check = _MEDIA_CHECKS.get(child.tag)
        if check is not None:
            check(child, report, scope)


def check_dc_creator(element: etree._Element, report: Report, scope: Scope) -> None:
    if not (element.text or "").strip():
        report.warning(element, "NotBlank", f"{step_name(element)} should not be blank", scope)


check_dc_date = value_check(
    is_w3cdtf, "InvalidW3CDTFDate", "{name} must be an W3CDTF date: {value!r}"
)
# dc:language, and RSS's own language: a BCP 47 tag as text.
check_language_code = value_check(
    is_language, "InvalidLanguage", "{name} must be an ISO-639 language code: {value!r}"
)


# content:encoded, and RSS's own description: HTML whose links should be absolute.
check_relative_references = found_check(
    relative_reference_in,
    "ContainsRelRef",
    "{name} should not contain relative URL references: {found!r}",
)
_check_not_html = found_check(
    not_html_in, "NotHtml", "{name} must be HTML, with < and & escaped in text: {found!r}"
)


def check_html(element: etree._Element, report: Report, scope: Scope) -> None:
    """RSS's own description: HTML (plain text in it is "not HTML", as the W3C
    validator warns) whose links should be absolute."""
    _check_not_html(element, report, scope)
    check_relative_references(element, report, scope)


_MEDIA_CHECKS: dict[object, Check] = {
    f"{{{MEDIA_NS}}}content": check_media_content,
    f"{{{MEDIA_NS}}}thumbnail": check_media_thumbnail,
    f"{{{MEDIA_NS}}}title": check_media_text,
    f"{{{MEDIA_NS}}}description": check_media_text,
    f"{{{MEDIA_NS}}}text": check_media_text,
    f"{{{MEDIA_NS}}}group": check_media_group,
}

EXTENSION_CHECKS: dict[object, Check] = {
    **_MEDIA_CHECKS,
    f"{{{DC_NS}}}creator": check_dc_creator,
    f"{{{DC_NS}}}date": check_dc_date,
    f"{{{DC_NS}}}language": check_language_code,
    f"{{{CONTENT_NS}}}encoded": check_relative_references,
}

# The namespace as some feeds misspell it, without its trailing slash.
_MEDIA_NO_SLASH = "{" + MEDIA_NS.rstrip("/") + "}"


def check_unlisted_extension(element: etree._Element, report: Report, scope: Scope) -> None:
    """An extension element with no rules of its own: only the namespace can be wrong."""
    tag = element.tag
    if isinstance(tag, str) and tag.startswith(_MEDIA_NO_SLASH):
        report.error(
            element, "MediaRssNamespace", "Missing trailing slash in mediaRSS namespace", scope
        )


def check_extension(element: etree._Element, report: Report, scope: Scope) -> None:
    """An element in a namespace other than the format's own."""
    check = EXTENSION_CHECKS.get(element.tag, check_unlisted_extension)
    check(element, report, scope)


# Registered link relations the W3C validator knows (IANA, RFC 4287/5005/5023, WebSub).
_LINK_RELATIONS = words(
    "alternate current describedby edit edit-media enclosure first hub last license "
    "next next-archive payment prev-archive previous related replies search self "
    "service up via"
)
_FEED_TYPES = frozenset({"application/atom+xml", "application/rss+xml", "application/rdf+xml"})
_IANA_RELATION = "http://www.iana.org/assignments/relation/"


def check_atom_link(
    element: etree._Element, report: Report, scope: Scope, base: str | None, feed_level: bool
) -> None:
    """An atom:link in Atom or in RSS: href, rel, type, hreflang and length."""
    rel = element.get("rel", "alternate")
    if rel.startswith(_IANA_RELATION):
        rel = rel[len(_IANA_RELATION) :]
    if rel not in _LINK_RELATIONS and iri_problem(rel) is not None:
        report.warning(
            element,
            "UnregisteredAtomLinkRel",
            f"Unregistered link relationship: {rel!r}",
            scope,
            "rel",
        )
    href = element.get("href")
    if href is None:
        report.error(
            element,
            "MissingHref",
            f"{step_name(element)} must have an href attribute",
            scope,
            "href",
        )
    else:
        own_base = element.get(XML_BASE)
        problem = atom_iri_problem(href)
        if problem == "invalid":
            report.error(
                element,
                "InvalidIRI",
                f"href attribute of {step_name(element)} must be a valid IRI: {href!r}",
                scope,
                "href",
            )
        elif problem == "relative" and not resolvable(own_base, base):
            if rel == "self" and feed_level:
                code, message = "RelativeSelf", f"Relative href value on self link: {href!r}"
            else:
                code = "ContainsRelRef"
                message = (
                    f"{step_name(element)} should not contain relative URL references: {href!r}"
                )
            report.warning(element, code, message, scope, "href")
    kind = element.get("type")
    if kind is not None:
        if not is_media_type(kind):
            report.error(
                element, "InvalidMIMEType", f"Not a valid MIME type: {kind!r}", scope, "type"
            )
        elif rel == "self" and kind.split(";")[0].strip() not in _FEED_TYPES:
            report.warning(
                element,
                "SelfNotAtom",
                f'"self" link references a non-Atom representation: {kind!r}',
                scope,
                "type",
            )
    check_attribute(
        element,
        "hreflang",
        is_language,
        "InvalidLanguage",
        "hreflang must be an ISO-639 language code: {value!r}",
        report,
        scope,
    )
    check_attribute(
        element,
        "length",
        is_non_negative_integer,
        "InvalidNonNegativeInteger",
        "length must be a non-negative integer: {value!r}",
        report,
        scope,
    )


def resolvable(own_base: str | None, base: str | None) -> bool:
    """Whether a relative reference has an absolute xml:base to resolve against."""
    if own_base is not None and is_absolute_iri(own_base):
        return True
    return base is not None
