"""The parts of an Atom feed (internal): what the checks of a feed, entry or
source learn (`Part`), the checks of each Atom element, and the walk over an
element's children, for `atom`."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin

from lxml import etree

from newsfeed.rules import ATOM as A
from newsfeed.rules import XHTML_NS, XML_BASE, XML_LANG, id_problem, iri_problem

from ._extensions import check_atom_link, check_extension, resolvable
from ._report import (
    Check,
    ChildChecks,
    Report,
    Scope,
    missing_attribute,
    text_of,
    undefined_element,
    value_check,
)
from ._values import (
    atom_iri_problem,
    html_tag_in,
    is_email,
    is_language,
    is_media_type,
    is_rfc3339,
)
from .xml import step_name

ENTRY = A + "entry"
ID, _TITLE, _UPDATED, _PUBLISHED = A + "id", A + "title", A + "updated", A + "published"
_AUTHOR, _CONTRIBUTOR, _LINK, _CATEGORY = (
    A + "author",
    A + "contributor",
    A + "link",
    A + "category",
)
_CONTENT, SUMMARY, _RIGHTS, _SUBTITLE = (
    A + "content",
    A + "summary",
    A + "rights",
    A + "subtitle",
)
_GENERATOR, _ICON, _LOGO, _SOURCE = A + "generator", A + "icon", A + "logo", A + "source"
_NAME, _EMAIL, _URI = A + "name", A + "email", A + "uri"
_XHTML_DIV = f"{{{XHTML_NS}}}div"

FEED_SINGLE = frozenset({ID, _TITLE, _UPDATED, _GENERATOR, _ICON, _LOGO, _RIGHTS, _SUBTITLE})
ENTRY_SINGLE = frozenset({ID, _TITLE, _UPDATED, _PUBLISHED, _CONTENT, _RIGHTS, _SOURCE, SUMMARY})
REQUIRED = (ID, _TITLE, _UPDATED)
TEXT_TYPES = frozenset({"text", "html", "xhtml"})


class Part:
    """What the checks of one feed, entry or source learn about it."""

    __slots__ = (
        "alternates",
        "base",
        "content",
        "feed_level",
        "has_author",
        "has_self",
        "report",
        "scope",
        "seen",
    )

    def __init__(self, report: Report, scope: Scope, base: str | None, feed_level: bool) -> None:
        self.report = report
        self.scope = scope
        self.base = base
        self.feed_level = feed_level
        self.seen: set[str] = set()
        self.alternates: set[tuple[str | None, str | None]] = set()
        self.content: etree._Element | None = None
        self.has_author = False
        self.has_self = False


def _check_id(element: etree._Element, part: Part) -> None:
    value = text_of(element)
    problem = id_problem(value)
    if problem is None and atom_iri_problem(value) is not None:
        problem = "InvalidIRI", "must be a valid IRI"
    if problem is not None:
        code, why = problem
        part.report.error(element, code, f"{step_name(element)} {why}: {value!r}", part.scope)


def _on_part(check: Check) -> Callable[[etree._Element, Part], None]:
    return lambda element, part: check(element, part.report, part.scope)


_check_date = _on_part(
    value_check(
        is_rfc3339, "InvalidRFC3339Date", "{name} must be an RFC-3339 date-time: {value!r}"
    )
)
_check_email = value_check(
    is_email, "InvalidAddrSpec", "{name} must be an email address: {value!r}"
)


def _check_text_construct(element: etree._Element, part: Part) -> None:
    kind = element.get("type", "text")
    if kind == "xhtml":
        first = next(element.iterchildren(etree.Element), None)
        if first is None or first.tag != _XHTML_DIV:
            part.report.error(element, "MissingXhtmlDiv", "Missing xhtml:div element", part.scope)
        return
    if kind not in TEXT_TYPES:
        part.report.error(
            element,
            "InvalidTextType",
            f'type attribute must be "text", "html", or "xhtml": {kind!r}',
            part.scope,
            "type",
        )
        return
    text = element.text or ""
    if kind == "text":
        tag = html_tag_in(text)
        if tag is not None:
            part.report.warning(
                element,
                "ContainsUndeclaredHTML",
                f"{step_name(element)} should not contain HTML unless declared in the type "
                f"attribute: {tag!r}",
                part.scope,
            )
    if element.tag == _TITLE and not text.strip():
        part.report.warning(
            element, "NotBlank", f"{step_name(element)} should not be blank", part.scope
        )


def _check_iri_text(element: etree._Element, part: Part) -> None:
    _check_iri(element, text_of(element), None, part)


def _check_iri(element: etree._Element, value: str, attr: str | None, part: Part) -> None:
    problem = atom_iri_problem(value)
    what = f"{attr} attribute of {step_name(element)}" if attr else step_name(element)
    if problem == "invalid":
        part.report.error(
            element, "InvalidIRI", f"{what} must be a valid IRI: {value!r}", part.scope, attr
        )
    elif problem == "relative" and not resolvable(element.get(XML_BASE), part.base):
        part.report.warning(
            element,
            "ContainsRelRef",
            f"{what} should not contain relative URL references: {value!r}",
            part.scope,
            attr,
        )


def _check_person(element: etree._Element, part: Part) -> None:
    if element.tag == _AUTHOR:
        part.has_author = True
    names = 0
    for child in element.iterchildren(etree.Element):
        tag = child.tag
        if tag == _NAME:
            names += 1
        elif tag == _EMAIL:
            _check_email(child, part.report, part.scope)
        elif tag == _URI:
            _check_iri_text(child, part)
        elif tag.startswith(A):
            undefined_element(child, element, part.report, part.scope)
    if names == 0:
        part.report.error(
            element, "MissingElement", f"Missing {step_name(element)} element: name", part.scope
        )
    elif names > 1:
        part.report.error(
            element,
            "DuplicateElement",
            f"{step_name(element)} contains more than one name",
            part.scope,
        )


def _check_link(element: etree._Element, part: Part) -> None:
    check_atom_link(element, part.report, part.scope, part.base, part.feed_level)
    rel = element.get("rel", "alternate")
    if rel == "alternate":
        key = (element.get("type"), element.get("hreflang"))
        if key in part.alternates:
            part.report.error(
                element,
                "DuplicateAtomLink",
                "Duplicate alternate links with the same type and hreflang",
                part.scope,
            )
        part.alternates.add(key)
    elif rel == "self":
        part.has_self = True


def _check_category(element: etree._Element, part: Part) -> None:
    if element.get("term") is None:
        missing_attribute(element, "term", part.report, part.scope)
    scheme = element.get("scheme")
    if scheme is not None:
        _check_iri(element, scheme, "scheme", part)


def _check_generator(element: etree._Element, part: Part) -> None:
    uri = element.get("uri")
    if uri is not None:
        _check_iri(element, uri, "uri", part)


def _check_content(element: etree._Element, part: Part) -> None:
    part.content = element
    kind = element.get("type")
    src = element.get("src")
    if src is not None:
        _check_iri(element, src, "src", part)
        if kind is None:
            part.report.warning(
                element,
                "MissingTypeAttr",
                f"Missing {step_name(element)} attribute: type",
                part.scope,
                "type",
            )
    if kind is None or kind in TEXT_TYPES:
        if kind == "xhtml":
            _check_text_construct(element, part)
        return
    if not is_media_type(kind):
        part.report.error(
            element, "InvalidMIMEType", f"Not a valid MIME type: {kind!r}", part.scope, "type"
        )


def _check_source(element: etree._Element, part: Part) -> None:
    source = Part(part.report, part.scope, base_of(element, part.base), False)
    CHILDREN.all(element, source, FEED_CHECKS, FEED_SINGLE)
    if source.has_author:
        part.has_author = True


PartCheck = Callable[[etree._Element, Part], None]

FEED_CHECKS: dict[str, PartCheck] = {
    ID: _check_id,
    _TITLE: _check_text_construct,
    _UPDATED: _check_date,
    _AUTHOR: _check_person,
    _CONTRIBUTOR: _check_person,
    _LINK: _check_link,
    _CATEGORY: _check_category,
    _GENERATOR: _check_generator,
    _ICON: _check_iri_text,
    _LOGO: _check_iri_text,
    _RIGHTS: _check_text_construct,
    _SUBTITLE: _check_text_construct,
}
ENTRY_CHECKS: dict[str, PartCheck] = {
    ID: _check_id,
    _TITLE: _check_text_construct,
    _UPDATED: _check_date,
    _PUBLISHED: _check_date,
    _AUTHOR: _check_person,
    _CONTRIBUTOR: _check_person,
    _LINK: _check_link,
    _CATEGORY: _check_category,
    _CONTENT: _check_content,
    SUMMARY: _check_text_construct,
    _RIGHTS: _check_text_construct,
    _SOURCE: _check_source,
}


def check_language(element: etree._Element, part: Part) -> None:
    lang = element.get(XML_LANG)
    if lang is not None and not is_language(lang):
        part.report.error(
            element,
            "InvalidLanguage",
            f"xml:lang must be an ISO-639 language code: {lang!r}",
            part.scope,
            "xml:lang",
        )


def base_of(element: etree._Element, base: str | None) -> str | None:
    """The absolute base in force inside `element`, or None if references can't resolve."""
    own = element.get(XML_BASE)
    if own is None:
        return base
    if iri_problem(own) is None:
        return own
    return urljoin(base, own) if base is not None else None


def _is_own(tag: str) -> bool:
    return tag.startswith(A)


def _check_foreign(
    element: etree._Element, parent: etree._Element, report: Report, scope: Scope
) -> None:
    check_extension(element, report, scope)


CHILDREN: ChildChecks[Part] = ChildChecks(_is_own, _check_foreign)
"""How the children of an Atom feed, entry or source are checked."""
