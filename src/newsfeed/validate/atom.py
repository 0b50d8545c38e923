"""Atom 1.0 (RFC 4287): the RFC's RELAX NG schema, plus the rules it cannot express.

The Python checks come first and name each problem the way the W3C validator
does. The schema then runs over every part the Python checks found clean, and
what it still rejects is reported as well; where the Python checks already
found an error, libxml2's schema messages would only restate it, less clearly.

The schema runs once over the feed's own metadata and once per entry rather
than once over the document: the RFC's grammar puts the feed metadata in an
interleave followed by `atomEntry*`, and libxml2 spends as long on that one
pattern over 10,000 sibling entries as on all the entries themselves.
Validating each entry against the same grammar (its start is `atomFeed |
atomEntry`) checks exactly the same, except that metadata must come before
the entries, which is checked in Python (`MisplacedMetadata`). It runs in the
caller's thread: libxml2 relinks siblings while it checks an interleave, so
nothing else may read the tree meanwhile. xml:lang is checked as BCP 47 on
the feed and its entries; the schema checks its syntax everywhere.
"""

from __future__ import annotations

import queue
import re
from collections.abc import Callable
from copy import deepcopy
from importlib import resources
from typing import cast
from urllib.parse import urljoin

from lxml import etree

from .common import (
    ATOM_NS,
    XML_BASE,
    XML_LANG,
    Place,
    Report,
    Scope,
    atom_iri_problem,
    check_atom_link,
    check_extension,
    html_tag_in,
    id_problem,
    iri_problem,
    is_email,
    is_language,
    is_media_type,
    is_rfc3339,
    missing_attribute,
    resolvable,
    text_of,
    undefined_element,
)
from .findings import MAX_FINDINGS_PER_CODE, Finding
from .xml import line_of, log_entries, step_name

_A = f"{{{ATOM_NS}}}"
ENTRY = _A + "entry"
_ID, _TITLE, _UPDATED, _PUBLISHED = _A + "id", _A + "title", _A + "updated", _A + "published"
_AUTHOR, _CONTRIBUTOR, _LINK, _CATEGORY = (
    _A + "author",
    _A + "contributor",
    _A + "link",
    _A + "category",
)
_CONTENT, _SUMMARY, _RIGHTS, _SUBTITLE = (
    _A + "content",
    _A + "summary",
    _A + "rights",
    _A + "subtitle",
)
_GENERATOR, _ICON, _LOGO, _SOURCE = _A + "generator", _A + "icon", _A + "logo", _A + "source"
_NAME, _EMAIL, _URI = _A + "name", _A + "email", _A + "uri"
_XHTML_DIV = "{http://www.w3.org/1999/xhtml}div"

_FEED_SINGLE = frozenset({_ID, _TITLE, _UPDATED, _GENERATOR, _ICON, _LOGO, _RIGHTS, _SUBTITLE})
_ENTRY_SINGLE = frozenset(
    {_ID, _TITLE, _UPDATED, _PUBLISHED, _CONTENT, _RIGHTS, _SOURCE, _SUMMARY}
)
_REQUIRED = (_ID, _TITLE, _UPDATED)
_TEXT_TYPES = frozenset({"text", "html", "xhtml"})


class _Part:
    """What the checks of one feed, entry or source learn about it."""

    __slots__ = (
        "alternates",
        "base",
        "content",
        "feed_level",
        "has_author",
        "has_self",
        "id",
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
        self.id: str | None = None


def _check_id(element: etree._Element, part: _Part) -> None:
    value = text_of(element)
    if part.id is None:
        part.id = value
    problem = id_problem(value)
    if problem is None and atom_iri_problem(value) is not None:
        problem = "InvalidIRI", "must be a valid IRI"
    if problem is not None:
        code, why = problem
        part.report.error(element, code, f"{step_name(element)} {why}: {value!r}", part.scope)


def _check_date(element: etree._Element, part: _Part) -> None:
    value = text_of(element)
    if not is_rfc3339(value):
        part.report.error(
            element,
            "InvalidRFC3339Date",
            f"{step_name(element)} must be an RFC-3339 date-time: {value!r}",
            part.scope,
        )


def _check_text_construct(element: etree._Element, part: _Part) -> None:
    kind = element.get("type", "text")
    if kind == "xhtml":
        first = next(element.iterchildren(etree.Element), None)
        if first is None or first.tag != _XHTML_DIV:
            part.report.error(element, "MissingXhtmlDiv", "Missing xhtml:div element", part.scope)
        return
    if kind not in _TEXT_TYPES:
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


def _check_iri_text(element: etree._Element, part: _Part) -> None:
    _check_iri(element, text_of(element), None, part)


def _check_iri(element: etree._Element, value: str, attr: str | None, part: _Part) -> None:
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


def _check_person(element: etree._Element, part: _Part) -> None:
    if element.tag == _AUTHOR:
        part.has_author = True
    names = 0
    for child in element.iterchildren(etree.Element):
        tag = child.tag
        if tag == _NAME:
            names += 1
        elif tag == _EMAIL:
            value = text_of(child)
            if not is_email(value):
                part.report.error(
                    child,
                    "InvalidAddrSpec",
                    f"{step_name(child)} must be an email address: {value!r}",
                    part.scope,
                )
        elif tag == _URI:
            _check_iri_text(child, part)
        elif tag.startswith(_A):
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


def _check_link(element: etree._Element, part: _Part) -> None:
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


def _check_category(element: etree._Element, part: _Part) -> None:
    if element.get("term") is None:
        missing_attribute(element, "term", part.report, part.scope)
    scheme = element.get("scheme")
    if scheme is not None:
        _check_iri(element, scheme, "scheme", part)


def _check_generator(element: etree._Element, part: _Part) -> None:
    uri = element.get("uri")
    if uri is not None:
        _check_iri(element, uri, "uri", part)


def _check_content(element: etree._Element, part: _Part) -> None:
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
    if kind is None or kind in _TEXT_TYPES:
        if kind == "xhtml":
            _check_text_construct(element, part)
        return
    if not is_media_type(kind):
        part.report.error(
            element, "InvalidMIMEType", f"Not a valid MIME type: {kind!r}", part.scope, "type"
        )


def _check_source(element: etree._Element, part: _Part) -> None:
    source = _Part(part.report, part.scope, _base(element, part.base), False)
    _check_children(element, source, _FEED_CHECKS, _FEED_SINGLE)
    if source.has_author:
        part.has_author = True


_PartCheck = Callable[[etree._Element, _Part], None]

_FEED_CHECKS: dict[str, _PartCheck] = {
    _ID: _check_id,
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
_ENTRY_CHECKS: dict[str, _PartCheck] = {
    _ID: _check_id,
    _TITLE: _check_text_construct,
    _UPDATED: _check_date,
    _PUBLISHED: _check_date,
    _AUTHOR: _check_person,
    _CONTRIBUTOR: _check_person,
    _LINK: _check_link,
    _CATEGORY: _check_category,
    _CONTENT: _check_content,
    _SUMMARY: _check_text_construct,
    _RIGHTS: _check_text_construct,
    _SOURCE: _check_source,
}


def _check_language(element: etree._Element, part: _Part) -> None:
    lang = element.get(XML_LANG)
    if lang is not None and not is_language(lang):
        part.report.error(
            element,
            "InvalidLanguage",
            f"xml:lang must be an ISO-639 language code: {lang!r}",
            part.scope,
            "xml:lang",
        )


def _base(element: etree._Element, base: str | None) -> str | None:
    """The absolute base in force inside `element`, or None if references can't resolve."""
    own = element.get(XML_BASE)
    if own is None:
        return base
    if iri_problem(own) is None:
        return own
    return urljoin(base, own) if base is not None else None


def _check_children(
    element: etree._Element, part: _Part, checks: dict[str, _PartCheck], single: frozenset[str]
) -> None:
    for child in element.iterchildren(etree.Element):
        _check_child(child, element, part, checks, single)


def _check_child(
    child: etree._Element,
    element: etree._Element,
    part: _Part,
    checks: dict[str, _PartCheck],
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
                    f"{step_name(element)} contains more than one {step_name(child)}",
                    scope,
                )
            seen.add(tag)
        check(child, part)
    elif tag.startswith(_A):
        undefined_element(child, element, report, scope)
    else:
        check_extension(child, report, scope)


def _require(element: etree._Element, part: _Part) -> None:
    for tag in _REQUIRED:
        if tag not in part.seen:
            part.report.error(element, "MissingElement", _missing(element, tag), part.scope)


def _missing(element: etree._Element, tag: str) -> Callable[[], str]:
    """The message of a missing child, built only if the finding is listed."""
    return lambda: f"Missing {step_name(element)} element: {tag[len(_A) :]}"


def _check_unexpected_text(
    feed: etree._Element, report: Report, scope: Scope, after_an_entry: bool
) -> None:
    """Text directly in the feed; `after_an_entry` when the walk saw some after an
    entry it has freed since."""
    if (feed.text or "").strip():
        report.error(feed, "UnexpectedText", "Unexpected Text", scope)
    if after_an_entry or any((child.tail or "").strip() for child in feed):
        report.error(feed, "UnexpectedText", "Unexpected Text", scope)


_CONTENT_NEEDS_NO_SUMMARY = re.compile(r"(?:text/.*|.*[/+]xml)(?:;.*)?\Z", re.IGNORECASE)


def _check_entry(entry: etree._Element, scope: Scope, report: Report, feed: _Part) -> None:
    part = _Part(report, scope, _base(entry, feed.base), False)
    _check_language(entry, part)
    _check_children(entry, part, _ENTRY_CHECKS, _ENTRY_SINGLE)
    scope.entry_id = part.id
    _require(entry, part)
    if not part.has_author and not feed.has_author:
        report.error(
            entry, "MissingElement", lambda: f"Missing {step_name(entry)} element: author", scope
        )
    content = part.content
    if content is None:
        if not part.alternates:
            report.error(
                entry, "MissingContentOrAlternate", "Missing content or alternate link", scope
            )
    elif _SUMMARY not in part.seen:
        kind = content.get("type")
        if content.get("src") is not None or (
            kind is not None
            and kind not in _TEXT_TYPES
            and not _CONTENT_NEEDS_NO_SUMMARY.match(kind)
        ):
            report.error(entry, "MissingSummary", "Missing summary", scope)


class AtomWalk:
    """The checks of an Atom `<feed>`, given its children one at a time in
    document order (see `_walk`): the feed's own as `metadata`, its entries as
    `entry`. A feed-level author counts for the entries after it, as in a
    streaming validator; metadata after an entry is misplaced anyway. The
    tree is left as it was."""

    def __init__(self, feed: etree._Element) -> None:
        self.report = Report()
        self._feed = feed
        self._scope = Scope()
        self._part = _Part(self.report, self._scope, _base(feed, None), True)
        self._schema = _take_schema()
        self._entries = 0
        self._stray_tail = False
        self._first_line: dict[str, int | None] = {}
        self._duplicates: list[tuple[Place, Scope, int | None]] = []
        self._duplicate_count = 0
        self._last: Place | None = None
        _check_language(feed, self._part)

    def metadata(self, child: etree._Element) -> None:
        if self._entries and child.tag.startswith(_A):
            self.report.error(
                child,
                "MisplacedMetadata",
                lambda: f"{step_name(child)} must appear before all entries",
                self._scope,
            )
        _check_child(child, self._feed, self._part, _FEED_CHECKS, _FEED_SINGLE)

    def entry(self, entry: etree._Element, place: Place) -> None:
        report = self.report
        report.begin()
        self._entries += 1
        place.fix(entry)  # for a duplicate id, found later
        self._last = place
        if (entry.tail or "").strip():
            self._stray_tail = True
        # The entry's findings take its id when they are resolved, after its checks.
        scope = Scope()
        _check_entry(entry, scope, report, self._part)
        if not scope.failed and not self._schema.validate(entry):
            children = list(entry.iterchildren(etree.Element))
            _report_schema_errors(self._schema.error_log, entry, children, scope, report)
        entry_id = scope.entry_id
        if entry_id:
            if entry_id in self._first_line:
                self._duplicate_count += 1
                if len(self._duplicates) < MAX_FINDINGS_PER_CODE:
                    self._duplicates.append((place, scope, self._first_line[entry_id]))
            else:
                self._first_line[entry_id] = line_of(entry)
        report.settle(entry, place)

    def finish(self) -> list[Finding]:
        report, feed, scope = self.report, self._feed, self._scope
        try:
            _require(feed, self._part)
            _check_unexpected_text(feed, report, scope, self._stray_tail)
            if not self._part.has_self:
                report.warning(feed, "MissingSelf", 'Missing atom:link with rel="self"', scope)
            self._report_duplicates()
            if not scope.failed:
                self._check_metadata_schema()
        finally:
            _SCHEMAS.put(self._schema)
        return report.findings()

    def _report_duplicates(self) -> None:
        report = self.report
        if (
            len(self._first_line) == 1
            and self._duplicate_count == self._entries - 1
            and self._duplicate_count
            and self._last is not None
        ):
            report.at(
                self._last, "error", "DuplicateIds", "All entries have the same id", self._scope
            )
            return
        for place, scope, first_line in self._duplicates:
            report.at(
                place,
                "warning",
                "DuplicateEntries",
                f"Two entries with the same id (the first is on line {first_line})",
                scope,
            )
        report.tally("warning", "DuplicateEntries", self._duplicate_count - len(self._duplicates))

    def _check_metadata_schema(self) -> None:
        feed = self._feed
        metadata = [child for child in feed.iterchildren(etree.Element) if child.tag != ENTRY]
        # The feed without its entries; lxml takes None as the default namespace's
        # key, which lxml-stubs does not allow for.
        nsmap = cast("dict[str, str]", feed.nsmap)
        shell = etree.Element(feed.tag, nsmap=nsmap)
        for name, value in feed.attrib.items():
            shell.set(name, value)
        shell.extend(deepcopy(child) for child in metadata)
        if not self._schema.validate(shell):
            _report_schema_errors(self._schema.error_log, feed, metadata, self._scope, self.report)


# --- The RELAX NG schema --------------------------------------------------------

# lxml's RelaxNG keeps its error log on the object, so one instance serves one
# validation at a time; a pool keeps concurrent callers apart without
# recompiling the schema for each document.
_SCHEMAS: queue.SimpleQueue[etree.RelaxNG] = queue.SimpleQueue()


def _take_schema() -> etree.RelaxNG:
    try:
        return _SCHEMAS.get_nowait()
    except queue.Empty:
        source = resources.files(__package__).joinpath("atom.rng").read_bytes()
        return etree.RelaxNG(etree.fromstring(source))


# libxml2 reports one fault as a cascade; these entries only repeat, for each
# enclosing element, that something inside it failed.
_CASCADE = frozenset(
    {
        "RELAXNG_ERR_CONTENTVALID",
        "RELAXNG_ERR_INTERSEQ",
        "RELAXNG_ERR_INTEREXTRA",
        "RELAXNG_ERR_INTERNODATA",
        "RELAXNG_ERR_EXTRADATA",
        "RELAXNG_ERR_ELEMEXTRANS",
    }
)
_CODES = {
    "RELAXNG_ERR_INVALIDATTR": "UnexpectedAttribute",
    "RELAXNG_ERR_NOELEM": "MissingElement",
    "RELAXNG_ERR_ELEMWRONG": "UndefinedElement",
    "RELAXNG_ERR_EXTRACONTENT": "UndefinedElement",
    "RELAXNG_ERR_ELEMNOTEMPTY": "UndefinedElement",
    "RELAXNG_ERR_DATATYPE": "InvalidValue",
    "RELAXNG_ERR_VALUE": "InvalidValue",
}
_STEP = re.compile(r"/\*\[(\d+)\]")


def _report_schema_errors(
    log: etree._ListErrorLog,
    top: etree._Element,
    children: list[etree._Element],
    scope: Scope,
    report: Report,
) -> None:
    """Report libxml2's schema errors on the original elements.

    The log's paths are positional (`/*/*[3]/*[1]`) and relative to the part
    validated, whose element children are `children` in order.
    """
    errors = [e for e in log_entries(log) if e.level >= etree.ErrorLevels.ERROR]
    specific = [e for e in errors if e.type_name not in _CASCADE] or errors[:1]
    for error in specific:
        report.error(
            _locate(error.path or "", top, children),
            _CODES.get(error.type_name, "InvalidAtomSchema"),
            f"Atom schema (RFC 4287): {error.message}",
            scope,
            line=error.line or None,
        )


def _locate(path: str, top: etree._Element, children: list[etree._Element]) -> etree._Element:
    steps = [int(n) for n in _STEP.findall(path)]
    if not steps or steps[0] > len(children):
        return top
    element = children[steps[0] - 1]
    for n in steps[1:]:
        nested = list(element.iterchildren(etree.Element))
        if n > len(nested):
            break
        element = nested[n - 1]
    return element
