"""The rules a value must meet to be written in every format, in one place.

Reading (`records`) normalises a record's values with these rules and
refuses what they refuse; validation (`newsfeed.validation`) judges a document with the
same rules; so an Article that reads without error renders in RSS, Atom and
JSON Feed with no finding. This module imports nothing from the rest of
newsfeed: it is the first stage of the flow, and both ends import it.

The rules follow the specifications as the W3C Feed Validation Service
checks them: where the service is stricter than a specification (RFC 822
zones, URI characters), the service's rule is the one kept.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from encodings import idna
from typing import Literal
from urllib.parse import quote, urlsplit

# --- Namespaces ----------------------------------------------------------------

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
WEBFEEDS_NS = "http://webfeeds.org/rss/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"
XML_BASE = f"{{{XML_NS}}}base"
#: Apple's podcast namespace as Apple publishes it, and the capitalised spelling
#: found in old feeds, which the W3C validator also takes for it.
ITUNES_NAMESPACES = frozenset(
    {"http://www.itunes.com/dtds/podcast-1.0.dtd", "http://www.itunes.com/DTDs/Podcast-1.0.dtd"}
)
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
XHTML_NS = "http://www.w3.org/1999/xhtml"
#: An Atom element's name in lxml's notation is this prefix and its local name.
ATOM = f"{{{ATOM_NS}}}"
#: lxml tag patterns that match any element of the iTunes namespaces, and of
#: Podcasting 2.0's.
ITUNES_ELEMENTS = tuple(f"{{{namespace}}}*" for namespace in sorted(ITUNES_NAMESPACES))
PODCAST_ELEMENTS = f"{{{PODCAST_NS}}}*"
#: The `version` of a JSON Feed 1.1 document, and of a JSON Feed 1.0 one.
JSON_FEED_1_1 = "https://jsonfeed.org/version/1.1"
JSON_FEED_1 = "https://jsonfeed.org/version/1"

#: How bad a problem or a finding is: an error keeps something from publishing.
Level = Literal["error", "warning"]

# --- Language tags ---------------------------------------------------------------

_ALNUM = "[A-Za-z0-9]"
# RFC 5646 well-formedness, with the primary subtag narrowed to ISO 639 (two or
# three letters): the 4-8 letter form is reserved, and in feeds it is always a
# mistake like "english". "es-1" is not well-formed: a variant has 5-8
# characters, or 4 starting with a digit.
_BCP47 = re.compile(
    rf"(?:[A-Za-z]{{2,3}}(?:-[A-Za-z]{{3}}){{0,3}}"
    rf"(?:-[A-Za-z]{{4}})?"
    rf"(?:-(?:[A-Za-z]{{2}}|\d{{3}}))?"
    rf"(?:-(?:{_ALNUM}{{5,8}}|\d{_ALNUM}{{3}}))*"
    rf"(?:-[0-9A-WYZa-wyz](?:-{_ALNUM}{{2,8}})+)*"
    rf"(?:-[xX](?:-{_ALNUM}{{1,8}})+)?"
    rf"|[xX](?:-{_ALNUM}{{1,8}})+"
    rf"|[iI]-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)"
    rf"|(?:en-GB-oed|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE|art-lojban|cel-gaulish|zh-min-nan"
    rf"|zh-guoyu|zh-hakka|zh-min|zh-xiang))\Z",
    re.IGNORECASE,
)


def is_language(value: str) -> bool:
    """A well-formed BCP 47 tag whose language is an ISO 639 code."""
    return _BCP47.match(value) is not None


def normalise_language(value: str) -> str | None:
    """A BCP 47 tag in its conventional case (`pt-BR`, `zh-Hant`), or None if `value`
    is not one; `_` is read as `-` (`pt_BR`, as locales write it)."""
    tag = value.strip().replace("_", "-")
    if not is_language(tag):
        return None
    primary, *rest = tag.split("-")
    subtags = [primary.lower()]
    singleton = False
    for sub in rest:
        # After a singleton (an extension or x- private use) case carries no meaning.
        if singleton or len(sub) == 1:
            singleton = True
            subtags.append(sub.lower())
        elif len(sub) == 2:
            subtags.append(sub.upper())
        elif len(sub) == 4 and sub.isalpha():
            subtags.append(sub.title())
        else:
            subtags.append(sub.lower())
    return "-".join(subtags)


# --- Email addresses and media types ---------------------------------------------

_ADDR_SPEC = r"[\w.!#$%&'*+/=?^`{|}~-]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_][\w-]*"
_EMAIL = re.compile(_ADDR_SPEC + r"\Z")
# RSS people are "address (Name)"; "Name <address>" is the other common shape.
_CONTACT = re.compile(rf"(?:{_ADDR_SPEC}(?: \(.+\))?|[^<>]+ <{_ADDR_SPEC}>)\Z")


_NAME_WITH_EMAIL = re.compile(r"(?P<name>[^<]*?)\s*<(?P<email>[^<>]+)>\s*\Z")


def split_name_email(text: str) -> tuple[str, str | None]:
    """`"Paul Monzón <paul@example.org>"` -> ("Paul Monzón", "paul@example.org")."""
    match = _NAME_WITH_EMAIL.match(text.strip())
    if match and match.group("name"):
        return match.group("name"), match.group("email").strip()
    return text, None


def is_email(value: str) -> bool:
    """An addr-spec (`name@example.org`), as Atom's `email` and RSS's people need."""
    return _EMAIL.match(value) is not None


def is_contact(value: str) -> bool:
    """An RSS person: `address (Name)`, or `Name <address>`."""
    return _CONTACT.match(value) is not None


_TOKEN = r"[^\s()<>,;:\\\"/\[\]?=]+"
_MEDIA_TYPE = re.compile(
    rf"{_TOKEN}/{_TOKEN}(?:\s*;\s*{_TOKEN}=(?:\"(?:\\\"|[^\"])*\"|{_TOKEN}))*\Z"
)


def is_media_type(value: str) -> bool:
    """A MIME type (`image/jpeg`, `text/html; charset=utf-8`)."""
    return _MEDIA_TYPE.match(value) is not None


# --- IRIs and URIs ----------------------------------------------------------------

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# Characters no IRI may hold, even percent-encoding aside (RFC 3987 §2.2).
_BAD_IRI_CHAR = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f-\x9f]")
_HIERARCHICAL = frozenset({"http", "https", "ftp"})
#: The characters of a URI as the W3C validator counts them (RFC 2396's, without
#: the brackets RFC 3986 added for IPv6 hosts); every URL we write uses only these.
_URI_CHARACTERS = (
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz;/?:@&=+$.-_!~*'()%,#"
)
_URI_CHARS = re.compile(f"[{re.escape(_URI_CHARACTERS)}]+\\Z")
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_URI_SAFE = frozenset(_URI_CHARACTERS)
#: Schemes an id may carry to be taken as an IRI (the IANA-registered ones
#: feeds use); an id with any other "scheme" (`wp:123`) is opaque text.
ID_SCHEMES = frozenset({"http", "https", "tag", "urn", "mailto", "ftp", "info", "data"})


def iri_problem(value: str) -> str | None:
    """None for an absolute IRI; "relative" for a relative reference; "invalid" otherwise."""
    if _BAD_IRI_CHAR.search(value):
        return "invalid"
    scheme = _SCHEME.match(value)
    if scheme is None:
        return "relative"
    rest = value[scheme.end() :]
    if scheme.group()[:-1].lower() in _HIERARCHICAL and (
        not rest.startswith("//") or rest[2:3] in ("", "/", "?", "#")
    ):
        return "invalid"
    return None if rest else "invalid"


def has_scheme(value: str) -> bool:
    """Whether `value` starts with a scheme (`https:`, `tag:`): an absolute reference."""
    return _SCHEME.match(value) is not None


def is_absolute_iri(value: str) -> bool:
    return iri_problem(value) is None


def is_uri(value: str) -> bool:
    """An absolute IRI made only of URI characters (what RSS and the W3C validator want)."""
    return iri_problem(value) is None and _URI_CHARS.match(value) is not None


def is_http_url(value: str) -> bool:
    return iri_problem(value) is None and value[:5].lower() in ("http:", "https")


def idna_host(host: str) -> str | None:
    """A host name in its ASCII (IDNA, punycode) form, lower-cased; None if it has none."""
    if host.isascii():
        return host.lower()
    try:
        labels = [idna.ToASCII(label).decode("ascii") for label in host.split(".")]
    except UnicodeError:
        return None
    return ".".join(labels).lower()


def iri_to_uri(iri: str) -> str | None:
    """The URI an IRI maps to (RFC 3987 §3.1): the host in IDNA form, every other
    character outside the URI set percent-encoded as UTF-8 (a `%` that starts no
    escape included). A URI comes back unchanged; None if the host has no IDNA form."""
    if _URI_CHARS.match(iri) and "%" not in iri:
        return iri
    scheme = _SCHEME.match(iri)
    head, rest = "", iri
    if scheme is not None and iri[scheme.end() : scheme.end() + 2] == "//":
        try:
            parts = urlsplit(iri)
        except ValueError:
            return None
        authority_end = len(parts.scheme) + 3 + len(parts.netloc)
        userinfo, at, hostport = parts.netloc.rpartition("@")
        host, colon, port = hostport, "", ""
        if not hostport.startswith("["):
            host, colon, port = hostport.partition(":")
        ascii_host = idna_host(host) if not host.startswith("[") else host
        if ascii_host is None:
            return None
        head = f"{iri[: len(parts.scheme) + 3]}{_encode(userinfo)}{at}{ascii_host}{colon}{port}"
        rest = iri[authority_end:]
    return head + _encode(rest)


def _encode(text: str) -> str:
    text = _PERCENT.sub("%25", text)
    if all(char in _URI_SAFE for char in text):
        return text
    return "".join(
        char if char in _URI_SAFE else "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))
        for char in text
    )


_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


def check_http_url(value: str) -> str | None:
    """`value` stripped if it is an absolute http(s) URL, else None."""
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if _SPACE_OR_CONTROL.search(url):
        return None
    return url


def http_uri(value: str) -> str | None:
    """An absolute http(s) URL (or IRI) as the URI every format writes, or None."""
    url = check_http_url(value)
    if url is None:
        return None
    uri = iri_to_uri(url)
    return uri if uri is not None and is_uri(uri) else None


# RFC 4151, as the W3C validator reads it: a lower-case DNS name or email
# authority, a date, and URI characters after it.
_TAG = re.compile(
    r"tag:(?:[a-z0-9\-._]+?@)?[a-z0-9.\-]+?,\d{4}(?:-\d\d(?:-\d\d)?)?:"
    r"[0-9A-Za-z;/?:@&=+$.\-_!~*'()%,]*(?:#[0-9A-Za-z;/?:@&=+$.\-_!~*'()%,]*)?\Z"
)
# RFC 8141: a NID of 2-32 letters, digits and hyphens, then an NSS.
_URN = re.compile(
    r"urn:[A-Za-z0-9][A-Za-z0-9-]{1,31}:(?:[A-Za-z0-9()+,.:=@;$_!*'\-/?#~&]|%[0-9A-Fa-f]{2})+\Z",
    re.IGNORECASE,
)
_UUID_URN = re.compile(r"urn:uuid:[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}\Z", re.IGNORECASE)


def id_problem(value: str) -> tuple[str, str] | None:
    """What is wrong with a feed or entry id, as (W3C code, explanation), or None."""
    if iri_problem(value) is not None:
        return "InvalidFullLink", "must be an absolute IRI"
    lower = value[:9].lower()
    if lower.startswith("tag:") and not _TAG.match(value):
        return "InvalidTAG", "is not a valid tag URI (RFC 4151: tag:authority,date:specific)"
    if lower == "urn:uuid:" and not _UUID_URN.match(value):
        return "InvalidUUID", "is not a valid UUID URN"
    if lower.startswith("urn:") and not _URN.match(value):
        return "InvalidURN", "is not a valid URN (RFC 8141: urn:NID:NSS)"
    return None


def id_scheme(value: str) -> str | None:
    """The scheme of an id that is meant as an IRI (one of `ID_SCHEMES`), else None."""
    scheme = _SCHEME.match(value)
    if scheme is None:
        return None
    name = scheme.group()[:-1].lower()
    return name if name in ID_SCHEMES else None


def is_unique_enough_guid(value: str) -> bool:
    """Whether an RSS guid that is no permalink looks unique: the W3C validator warns
    of one made of fewer than nine digits (`NotSufficientlyUnique`), a counter
    that another feed's items will share."""
    return not (len(value) < 9 and value.isdigit())


#: Characters RFC 4151 allows in a tag's specific part as they are.
TAG_SAFE = "-._!$&'()*+,;=:@/?~"


def tag_date(when: datetime) -> str:
    """The date of a tag URI made for an article: the UTC date of its instant, so
    that the id depends on when it was published, not on how the date was written."""
    return when.astimezone(timezone.utc).date().isoformat()


def feed_domain(link: str) -> str:
    """The authority of the site's link, as RFC 4151 tag URIs want it: lower-case
    ASCII (an international domain in its IDNA form)."""
    host = urlsplit(link).hostname or "localhost"
    return idna_host(host) or "localhost"


def tag_uri(domain: str, when: datetime, specific: str) -> str:
    """An RFC 4151 tag URI dated with the UTC day of `when`; `specific` is
    percent-encoded where the RFC does not allow it."""
    return f"tag:{domain},{tag_date(when)}:{quote(specific, safe=TAG_SAFE)}"


# --- Dates ------------------------------------------------------------------------------

#: RSS (RFC 822 with the Best Practices Profile's four-digit year) and Atom
#: (RFC 3339) write years 1000 to 9999 only.
MIN_YEAR = 1000
MAX_YEAR = 9999
#: The offsets of the world's zones run from -12:00 to +14:00; beyond that an
#: offset is a typo or a test, and readers disagree on it.
_MIN_OFFSET = timedelta(hours=-12)
_MAX_OFFSET = timedelta(hours=14)
_MINUTE = timedelta(minutes=1)
#: Offsets in whole half hours: the only ones the W3C validator's RFC 822 check
#: accepts without a warning (`+0545` is "problematical"), and so the only
#: ones written as they are.
_HALF_HOUR = timedelta(minutes=30)


def offset_is_writable(offset: timedelta) -> bool:
    """Whether every format can carry `offset` as it is."""
    return _MIN_OFFSET <= offset <= _MAX_OFFSET and not offset % _HALF_HOUR


def writable_datetime(when: datetime) -> datetime | str:
    """`when` as every format can write it, or the reason it cannot be.

    Sub-second precision is dropped (RFC 822 has none, and entries are ordered
    by what is written); an offset no format can carry as it is (`+23:59`,
    `-15:00`, local mean time such as Lima's `-05:08:12`, `+05:45`) becomes
    UTC, the same instant. A year outside 1000-9999, as written or in UTC,
    cannot be written with four digits.
    """
    offset = when.utcoffset()
    if offset is None:
        return "it has no time zone"
    when = when.replace(microsecond=0)
    try:
        utc: datetime | None = when.astimezone(timezone.utc)
    except OverflowError:  # year 1 or 9999 moved past the calendar's ends
        utc = None
    years = (when.year,) if utc is None else (when.year, utc.year)
    if (utc is None and when.year < MAX_YEAR) or min(years) < MIN_YEAR:
        return f"it is before the year {MIN_YEAR}, which RSS and Atom cannot write"
    if utc is None:
        return f"it is after the year {MAX_YEAR}, which RSS and Atom cannot write"
    return when if offset_is_writable(offset) else utc
