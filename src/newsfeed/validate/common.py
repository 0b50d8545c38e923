"""Value checks shared by the RSS and Atom validators, and the extensions both carry.

The rules themselves (a language tag, an IRI and its URI form, an email, a
media type, an id) are `newsfeed.rules`, the module reading uses too, so
that what reads without error validates; this package imports nothing else
from newsfeed. Every pattern is compiled once: the validators run on every
build, over feeds of thousands of entries, so no check compiles or looks
anything up per call.
"""

from __future__ import annotations

import calendar
import html
import re
from collections.abc import Callable
from encodings import idna
from typing import TypeVar, cast

from lxml import etree

from newsfeed import rules
from newsfeed.rules import (
    ATOM_NS,
    CONTENT_NS,
    DC_NS,
    MEDIA_NS,
    XML_BASE,
    XML_LANG,
    id_problem,
    iri_problem,
    iri_to_uri,
    is_absolute_iri,
    is_http_url,
)

from . import findings as _limits
from .findings import Finding, Level, omitted_finding
from .xml import Paths, line_of, step_name

__all__ = [
    "ATOM_NS",
    "CONTENT_NS",
    "DC_NS",
    "MEDIA_NS",
    "XML_BASE",
    "XML_LANG",
    "id_problem",
    "iri_problem",
    "is_absolute_iri",
    "is_http_url",
]


class Scope:
    """The item or entry being checked (or the channel/feed itself), for `entry_id`."""

    __slots__ = ("entry_id", "failed")

    def __init__(self, entry_id: str | None = None) -> None:
        self.entry_id = entry_id
        self.failed = False


Message = str | Callable[[], str]
"""A finding's message, or how to build it: a finding past its code's cap is
counted and never built, so a check run a million times builds no message."""


class Entries:
    """The entries of a feed (an RSS channel's items, an Atom feed's entries), counted
    as they are checked: an entry's place is its number among them, and its step
    is numbered only when there is more than one, which is known at the end."""

    __slots__ = ("container", "count")

    def __init__(self, container: etree._Element) -> None:
        self.container = container
        self.count = 0


class Place:
    """Where in the document an entry is, once the entry itself may be gone: its
    number among the entries, and (from `fix`, while it is there) its step and line."""

    __slots__ = ("entries", "line", "ordinal", "step")

    def __init__(self, entries: Entries) -> None:
        self.entries = entries
        self.ordinal = entries.count
        self.step = ""
        self.line: int | None = None

    def fix(self, entry: etree._Element) -> None:
        if not self.step:
            self.step = step_name(entry)
            self.line = line_of(entry)

    def path(self, container_path: str, rest: str) -> str:
        number = f"[{self.ordinal}]" if self.entries.count > 1 else ""
        return f"{container_path}/{self.step}{number}{rest}"


_Pending = tuple[Level, str, Message, etree._Element, str | None, Scope, int | None]
_Settled = tuple[Level, str, str, int | None, Place, str, Scope]


class Report:
    """Collects findings cheaply; lines and paths are worked out only when needed.

    A finding on the feed's own elements is resolved at the end: paths walk
    parent pointers, which is slow and, while a RELAX NG check of one entry
    has diverted them, wrong. A finding inside an entry is settled when the
    entry's checks are done (`settle`), with its place inside the entry, so
    that the walk may free the entry (see `_walk`).
    """

    __slots__ = ("_counts", "_mark", "_pending", "_settled")

    def __init__(self) -> None:
        self._pending: list[_Pending] = []
        self._settled: list[_Settled] = []
        self._counts: dict[tuple[Level, str], int] = {}
        self._mark = 0

    def _keep(self, level: Level, code: str) -> bool:
        """Count a finding; False once its code has `MAX_FINDINGS_PER_CODE` listed."""
        key = (level, code)
        count = self._counts[key] = self._counts.get(key, 0) + 1
        return count <= _limits.MAX_FINDINGS_PER_CODE

    def error(
        self,
        element: etree._Element,
        code: str,
        message: Message,
        scope: Scope,
        attr: str | None = None,
        line: int | None = None,
    ) -> None:
        scope.failed = True
        if self._keep("error", code):
            self._pending.append(("error", code, message, element, attr, scope, line))

    def warning(
        self,
        element: etree._Element,
        code: str,
        message: Message,
        scope: Scope,
        attr: str | None = None,
    ) -> None:
        if self._keep("warning", code):
            self._pending.append(("warning", code, message, element, attr, scope, None))

    def at(self, place: Place, level: Level, code: str, message: Message, scope: Scope) -> None:
        """A finding on an entry already settled (a duplicate found at the end)."""
        if level == "error":
            scope.failed = True
        if self._keep(level, code):
            self._settled.append((level, code, _built(message), place.line, place, "", scope))

    def tally(self, level: Level, code: str, count: int) -> None:
        """Count `count` more findings of `code` past its cap, without listing them."""
        if count > 0:
            key = (level, code)
            self._counts[key] = self._counts.get(key, 0) + count

    def begin(self) -> None:
        """Mark the start of an entry's checks: what follows is `settle`d with it."""
        self._mark = len(self._pending)

    def settle(self, entry: etree._Element, place: Place) -> None:
        """Resolve the findings since `begin`, all inside `entry`, at their place in it."""
        mark = self._mark
        if len(self._pending) == mark:
            return
        pending = self._pending[mark:]
        del self._pending[mark:]
        place.fix(entry)
        paths = Paths(item[3] for item in pending)
        for level, code, message, element, attr, scope, line in pending:
            rest = paths.of(element, entry)
            if attr is not None:
                rest = f"{rest}/@{attr}"
            line = line or line_of(element)
            self._settled.append((level, code, _built(message), line, place, rest, scope))

    def findings(self) -> list[Finding]:
        containers = {item[4].entries.container for item in self._settled}
        paths = Paths([*(item[3] for item in self._pending), *containers])
        out = []
        for level, code, message, element, attr, scope, line in self._pending:
            path = paths.of(element)
            if attr is not None:
                path = f"{path}/@{attr}"
            out.append(
                Finding(
                    level,
                    code,
                    _built(message),
                    line or line_of(element),
                    path,
                    scope.entry_id,
                )
            )
        of_container = {container: paths.of(container) for container in containers}
        for level, code, text, line, place, rest, scope in self._settled:
            path = place.path(of_container[place.entries.container], rest)
            out.append(Finding(level, code, text, line, path, scope.entry_id))
        for (level, code), count in self._counts.items():
            if count > _limits.MAX_FINDINGS_PER_CODE:
                out.append(omitted_finding(level, code, count - _limits.MAX_FINDINGS_PER_CODE))
        return out


def _built(message: Message) -> str:
    return message if isinstance(message, str) else message()


_T = TypeVar("_T")
_CACHE_SIZE = 4096


def _remembered(check: Callable[[str], _T]) -> Callable[[str], _T]:
    """Memoise a check of a string: feeds repeat their values (types, names, dates).

    Most links and dates are seen once, so a miss must stay cheap: a lookup
    with a default rather than a KeyError raised and caught.
    """
    cache: dict[str, _T] = {}
    missing = object()

    def remembered(value: str) -> _T:
        result = cache.get(value, missing)
        if result is missing:
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            result = cache[value] = check(value)
        return cast("_T", result)

    return remembered


def text_of(element: etree._Element) -> str:
    """The element's text, stripped ("" when it has none)."""
    return (element.text or "").strip()


# --- Dates ---------------------------------------------------------------

_RFC3339 = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:Z|[+-](\d\d):(\d\d))\Z"
)


@_remembered
def is_rfc3339(value: str) -> bool:
    """RFC 3339 as RFC 4287 §3.3 narrows it: upper-case T and Z, seconds, a zone."""
    match = _RFC3339.match(value)
    if match is None:
        return False
    year, month, day, hour, minute, second, zh, zm = match.groups()
    return (
        _is_date(int(year), int(month), int(day))
        and int(hour) < 24
        and int(minute) < 60
        and int(second) <= 60
        and (zh is None or (int(zh) < 24 and int(zm) < 60))
    )


def _is_date(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# The Best Practices Profile's RFC 822: four-digit year, and a numeric zone or
# one of the named zones RFC 822 defines (military letters other than Z are
# ambiguous in practice, RFC 2822 §4.3 says so).
_RFC822 = re.compile(
    r"(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d\d?) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov"
    r"|Dec) (\d{4}) (\d\d):(\d\d)(?::(\d\d))? (?:[+-](\d\d)(\d\d)|UT|GMT|[ECMP][SD]T|Z)\Z"
)


@_remembered
def rfc822_problem(value: str) -> str | None:
    """None for a good RFC 822 date-time, else the W3C code for what is wrong."""
    match = _RFC822.match(value)
    if match is None:
        return "InvalidRFC2822Date"
    dow, day, month, year, hour, minute, second, zh, zm = match.groups()
    y, m, d = int(year), _MONTHS[month], int(day)
    if not _is_date(y, m, d) or int(hour) > 23 or int(minute) > 59:
        return "InvalidRFC2822Date"
    if (second is not None and int(second) > 60) or (zh is not None and int(zm) > 59):
        return "InvalidRFC2822Date"
    if dow is not None and _DAYS[calendar.weekday(y, m, d)] != dow:
        return "IncorrectDOW"
    if zm is not None and zm not in ("00", "30"):
        # The W3C validator's RFC 2822 zone is whole half hours (`+0545` is
        # "problematical"); the writer moves such times to UTC.
        return "ProblematicalRFC822Date"
    return None


_W3CDTF = re.compile(
    r"\d{4}(?:-(\d\d)(?:-(\d\d)(?:T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d))?)?)?\Z"
)


def is_w3cdtf(value: str) -> bool:
    """The W3C date-time profile Dublin Core dates use (a year, up to a full time)."""
    match = _W3CDTF.match(value)
    if match is None:
        return False
    month, day = match.groups()
    return month is None or (
        1 <= int(month) <= 12 and (day is None or _is_date(int(value[:4]), int(month), int(day)))
    )


# --- Languages, addresses, types ------------------------------------------

is_language = _remembered(rules.is_language)
is_email = _remembered(rules.is_email)
is_contact = _remembered(rules.is_contact)
is_media_type = _remembered(rules.is_media_type)


_NON_NEGATIVE = re.compile(r"\d+\Z")


def is_non_negative_integer(value: str) -> bool:
    return _NON_NEGATIVE.match(value) is not None


# --- IRIs and URIs -----------------------------------------------------------


def uri_problem(value: str) -> str | None:
    """Why `value` is not the full URI RSS wants, as the W3C validator names it, or None.

    "UriNotIri": an IRI (non-ASCII characters, or a host not in IDNA form)
    whose URI form would do; "invalid": anything else that is no full URI.
    """
    if rules.is_uri(value):
        return None
    if iri_problem(value) is None:
        uri = iri_to_uri(value)
        if uri is not None and rules.is_uri(uri):
            return "UriNotIri"
    return "invalid"


def atom_iri_problem(value: str) -> str | None:
    """`iri_problem`, and "invalid" for an IRI the W3C validator cannot read.

    The service maps an IRI to ASCII by running IDNA over the whole value,
    one dot-separated piece at a time: a piece with non-ASCII characters whose
    IDNA form is over 63 characters (a long Cyrillic slug) fails, and the IRI
    is reported as `InvalidIRI`. A URI has no such piece.
    """
    problem = iri_problem(value)
    if problem is not None or value.isascii():
        return problem
    try:
        for piece in value.split("."):
            idna.ToASCII(piece)
    except UnicodeError:
        return "invalid"
    return None


# --- HTML inside text ----------------------------------------------------------

HTML_TAGS = frozenset(
    (  # noqa: SIM905 (a word list reads better than 99 quoted strings)
        "a abbr acronym address area article aside audio b big blockquote body br button "
        "canvas caption center cite code col colgroup dd del details dfn dialog div dl "
        "dt em embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head "
        "header hr html i iframe img input ins kbd label legend li link main mark meta "
        "nav noscript object ol option p picture pre q s samp script section select "
        "small source span strike strong style sub summary sup table tbody td textarea "
        "tfoot th thead time title tr tt u ul var video wbr"
    ).split()
)
_TAG_LIKE = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>")


def html_tag_in(text: str) -> str | None:
    """The first HTML tag found in what should be plain text, or None."""
    if "<" not in text:
        return None
    for match in _TAG_LIKE.finditer(text):
        if match.group(1).lower() in HTML_TAGS:
            return match.group()
    return None


# A "<" that opens no tag, end tag, comment, declaration or processing
# instruction. (A bare "&", as in "AT&T", is text to every HTML parser.)
_STRAY_MARKUP = re.compile(r"<(?![A-Za-z]|/[A-Za-z]|!|\?)")


def not_html_in(markup: str) -> str | None:
    """The first "<" of what should be HTML that HTML cannot read as markup, with
    what follows it (`"< 1 hora"`), or None: plain text put where HTML belongs."""
    match = _STRAY_MARKUP.search(markup)
    return None if match is None else markup[match.start() : match.start() + 12]


# The lookahead, implied by the alternation after it, turns most tags (p,
# strong, closing tags) away at their first letter: the scan is a third faster.
_REFERENCE = re.compile(
    r"<(?=[aisv])(?:a|img|area|source|video|audio|iframe)\b[^>]*?\s(?:href|src)\s*=\s*"
    r"(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))",
    re.IGNORECASE,
)


def relative_reference_in(markup: str) -> str | None:
    """The first link or image source in HTML that is not an absolute URL, or None."""
    if "<" not in markup:
        return None
    for match in _REFERENCE.finditer(markup):
        ref = html.unescape(match.group(1) or match.group(2) or match.group(3) or "").strip()
        if not rules.has_scheme(ref):
            return ref
    return None


# --- Extensions: Media RSS, Dublin Core, content, atom:link ----------------------

Check = Callable[[etree._Element, Report, Scope], None]

_MEDIUMS = frozenset({"image", "audio", "video", "document", "executable"})
_EXPRESSIONS = frozenset({"sample", "full", "nonstop"})
_MEDIA_INTEGERS = ("width", "height", "fileSize", "duration")


def missing_attribute(element: etree._Element, attr: str, report: Report, scope: Scope) -> None:
    report.error(
        element, "MissingAttribute", f"Missing {step_name(element)} attribute: {attr}", scope, attr
    )


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
        value = element.get(attr)
        if value is not None and not is_non_negative_integer(value):
            report.error(
                element,
                "InvalidIntegerAttribute",
                f"{attr} attribute of {step_name(element)} must be a positive integer: {value!r}",
                scope,
                attr,
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


def check_dc_date(element: etree._Element, report: Report, scope: Scope) -> None:
    value = text_of(element)
    if not is_w3cdtf(value):
        report.error(
            element,
            "InvalidW3CDTFDate",
            f"{step_name(element)} must be an W3CDTF date: {value!r}",
            scope,
        )


def check_language_code(element: etree._Element, report: Report, scope: Scope) -> None:
    """dc:language, and RSS's own language: a BCP 47 tag as text."""
    value = text_of(element)
    if not is_language(value):
        report.error(
            element,
            "InvalidLanguage",
            f"{step_name(element)} must be an ISO-639 language code: {value!r}",
            scope,
        )


def check_html(element: etree._Element, report: Report, scope: Scope) -> None:
    """RSS's own description: HTML (plain text in it is "not HTML", as the W3C
    validator warns) whose links should be absolute."""
    stray = not_html_in(element.text or "")
    if stray is not None:
        report.warning(
            element,
            "NotHtml",
            f"{step_name(element)} must be HTML, with < and & escaped in text: {stray!r}",
            scope,
        )
    check_relative_references(element, report, scope)


def check_relative_references(element: etree._Element, report: Report, scope: Scope) -> None:
    """content:encoded, and RSS's own description: HTML whose links should be absolute."""
    ref = relative_reference_in(element.text or "")
    if ref is not None:
        report.warning(
            element,
            "ContainsRelRef",
            f"{step_name(element)} should not contain relative URL references: {ref!r}",
            scope,
        )


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

_MEDIA_NO_SLASH = "{http://search.yahoo.com/mrss}"


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


def undefined_element(
    element: etree._Element, parent: etree._Element, report: Report, scope: Scope
) -> None:
    report.error(
        element,
        "UndefinedElement",
        f"Undefined {step_name(parent)} element: {step_name(element)}",
        scope,
    )


# Registered link relations the W3C validator knows (IANA, RFC 4287/5005/5023, WebSub).
_LINK_RELATIONS = frozenset(
    (  # noqa: SIM905 (a word list reads better than 22 quoted strings)
        "alternate current describedby edit edit-media enclosure first hub last license "
        "next next-archive payment prev-archive previous related replies search self "
        "service up via"
    ).split()
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
                report.warning(
                    element,
                    "RelativeSelf",
                    f"Relative href value on self link: {href!r}",
                    scope,
                    "href",
                )
            else:
                report.warning(
                    element,
                    "ContainsRelRef",
                    f"{step_name(element)} should not contain relative URL references: {href!r}",
                    scope,
                    "href",
                )
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
    hreflang = element.get("hreflang")
    if hreflang is not None and not is_language(hreflang):
        report.error(
            element,
            "InvalidLanguage",
            f"hreflang must be an ISO-639 language code: {hreflang!r}",
            scope,
            "hreflang",
        )
    length = element.get("length")
    if length is not None and not is_non_negative_integer(length):
        report.error(
            element,
            "InvalidNonNegativeInteger",
            f"length must be a non-negative integer: {length!r}",
            scope,
            "length",
        )


def resolvable(own_base: str | None, base: str | None) -> bool:
    """Whether a relative reference has an absolute xml:base to resolve against."""
    if own_base is not None and is_absolute_iri(own_base):
        return True
    return base is not None
