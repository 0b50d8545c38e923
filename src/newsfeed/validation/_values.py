"""The values feeds hold (internal): dates, language tags, addresses, IRIs, HTML in text.

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

from newsfeed import rules
from newsfeed.rules import iri_problem, iri_to_uri


def words(text: str) -> frozenset[str]:
    """The set of the words of `text`: a long word list reads better as one string."""
    return frozenset(text.split())


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

HTML_TAGS = words(
    "a abbr acronym address area article aside audio b big blockquote body br button "
    "canvas caption center cite code col colgroup dd del details dfn dialog div dl "
    "dt em embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head "
    "header hr html i iframe img input ins kbd label legend li link main mark meta "
    "nav noscript object ol option p picture pre q s samp script section select "
    "small source span strike strong style sub summary sup table tbody td textarea "
    "tfoot th thead time title tr tt u ul var video wbr"
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
