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
from collections.abc import Callable, Mapping

from lxml import etree

from newsfeed.rules import ITUNES_NAMESPACES

from .common import (
    ATOM_NS,
    XML_LANG,
    Place,
    Report,
    Scope,
    html_tag_in,
    iri_problem,
    is_email,
    missing_attribute,
    rfc822_problem,
    text_of,
)
from .findings import Finding
from .xml import step_name

# Apple's categories (Apple Podcasts, 2019 list) with their subcategories.
CATEGORIES: Mapping[str, frozenset[str]] = {
    "Arts": frozenset(
        {"Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"}
    ),
    "Business": frozenset(
        {"Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"}
    ),
    "Comedy": frozenset({"Comedy Interviews", "Improv", "Stand-Up"}),
    "Education": frozenset({"Courses", "How To", "Language Learning", "Self-Improvement"}),
    "Fiction": frozenset({"Comedy Fiction", "Drama", "Science Fiction"}),
    "Government": frozenset(),
    "History": frozenset(),
    "Health & Fitness": frozenset(
        {"Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"}
    ),
    "Kids & Family": frozenset(
        {"Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"}
    ),
    "Leisure": frozenset(
        {
            "Animation & Manga",
            "Automotive",
            "Aviation",
            "Crafts",
            "Games",
            "Hobbies",
            "Home & Garden",
            "Video Games",
        }
    ),
    "Music": frozenset({"Music Commentary", "Music History", "Music Interviews"}),
    "News": frozenset(
        {
            "Business News",
            "Daily News",
            "Entertainment News",
            "News Commentary",
            "Politics",
            "Sports News",
            "Tech News",
        }
    ),
    "Religion & Spirituality": frozenset(
        {"Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Spirituality"}
    ),
    "Science": frozenset(
        {
            "Astronomy",
            "Chemistry",
            "Earth Sciences",
            "Life Sciences",
            "Mathematics",
            "Natural Sciences",
            "Nature",
            "Physics",
            "Social Sciences",
        }
    ),
    "Society & Culture": frozenset(
        {"Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"}
    ),
    "Sports": frozenset(
        {
            "Baseball",
            "Basketball",
            "Cricket",
            "Fantasy Sports",
            "Football",
            "Golf",
            "Hockey",
            "Rugby",
            "Running",
            "Soccer",
            "Swimming",
            "Tennis",
            "Volleyball",
            "Wilderness",
            "Wrestling",
        }
    ),
    "Technology": frozenset(),
    "True Crime": frozenset(),
    "TV & Film": frozenset(
        {"After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"}
    ),
}

# Apple's categories before 2019: still read, so a warning rather than an error.
OLD_CATEGORIES: Mapping[str, frozenset[str]] = {
    "Arts": frozenset({"Literature"}),
    "Arts & Entertainment": frozenset(
        {
            "Architecture",
            "Design",
            "Entertainment",
            "Games",
            "Performing Arts",
            "Photography",
            "Poetry",
            "Science Fiction",
        }
    ),
    "Audio Blogs": frozenset(),
    "Business": frozenset(
        {"Careers", "Finance", "Investing", "Management & Marketing", "News", "Shopping"}
    ),
    "Comedy": frozenset(),
    "Education": frozenset(
        {"Education Technology", "Higher Education", "K-12", "Language Courses", "Training"}
    ),
    "Family": frozenset(),
    "Food": frozenset(),
    "Games & Hobbies": frozenset(
        {"Automotive", "Aviation", "Hobbies", "Other Games", "Video Games"}
    ),
    "Government & Organizations": frozenset({"Local", "National", "Non-Profit", "Regional"}),
    "Health": frozenset(
        {
            "Alternative Health",
            "Diet & Nutrition",
            "Fitness",
            "Fitness & Nutrition",
            "Relationships",
            "Self-Help",
            "Sexuality",
        }
    ),
    "International": frozenset(
        {
            "Australian",
            "Belgian",
            "Brazilian",
            "Canadian",
            "Chinese",
            "Dutch",
            "French",
            "German",
            "Hebrew",
            "Italian",
            "Japanese",
            "Norwegian",
            "Polish",
            "Portuguese",
            "Spanish",
            "Swedish",
        }
    ),
    "Movies & Television": frozenset(),
    "News & Politics": frozenset(),
    "Politics": frozenset(),
    "Public Radio": frozenset(),
    "Religion & Spirituality": frozenset(
        {
            "Buddhism",
            "Christianity",
            "Islam",
            "Judaism",
            "New Age",
            "Philosophy",
            "Other",
            "Spirituality",
        }
    ),
    "Science & Medicine": frozenset({"Medicine", "Natural Sciences", "Social Sciences"}),
    "Society & Culture": frozenset({"History"}),
    "Sports & Recreation": frozenset(
        {"Amateur", "College & High School", "Outdoor", "Professional"}
    ),
    "Talk Radio": frozenset(),
    "Technology": frozenset(
        {
            "Computers",
            "Developers",
            "Gadgets",
            "Information Technology",
            "News",
            "Operating Systems",
            "Podcasting",
            "Smart Phones",
            "Software How-To",
            "Tech News",
            "Text/Speech",
        }
    ),
    "Transportation": frozenset({"Automotive", "Aviation", "Bicycles", "Commuting"}),
    "Travel": frozenset(),
}

# Enclosure file types Apple Podcasts plays, by the URL's last dot.
ENCLOSURE_EXTENSIONS = frozenset({"m4a", "mp3", "mov", "mp4", "m4v", "pdf", "epub"})

_DURATION = re.compile(r"\d+(?::[0-5]\d(?::[0-5]\d)?)?\Z")
_HTTP_URL = re.compile(
    r"https?://(?:\d{1,3}\.\d{1,3}\.\d{1,3}\.|(?:[A-Z0-9-]+\.)+)[A-Z0-9][-A-Z0-9]*(?::\d+)?(?:/|\Z)",
    re.IGNORECASE,
)
_URI_CHARS = re.compile(r"[A-Za-z][0-9A-Za-z+.-]*:(?://)?[0-9A-Za-z;/?:@&=+$.\-_!~*'()%,#]+\Z")

_Check = Callable[[etree._Element, Report, Scope], None]


def _check_limited(limit: int) -> _Check:
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


def _check_choice(values: frozenset[str], code: str, shown: str) -> _Check:
    """One of `values`, any case; white space is not trimmed (Apple does not trim it)."""

    def check(element: etree._Element, report: Report, scope: Scope) -> None:
        value = element.text or ""
        if value.lower() not in values:
            report.error(element, code, f"{step_name(element)} must be {shown}: {value!r}", scope)

    return check


def _check_enumeration(values: tuple[str, ...], code: str) -> _Check:
    def check(element: etree._Element, report: Report, scope: Scope) -> None:
        value = text_of(element)
        if value not in values:
            report.error(
                element,
                code,
                f"{step_name(element)} must be one of {', '.join(values)}: {value!r}",
                scope,
            )

    return check


def _check_image(element: etree._Element, report: Report, scope: Scope) -> None:
    href = element.get("href")
    if href is None:
        missing_attribute(element, "href", report, scope)
    elif not (_HTTP_URL.match(href) and _URI_CHARS.match(href)):
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


def _check_email(element: etree._Element, report: Report, scope: Scope) -> None:
    value = text_of(element)
    if not is_email(value):
        report.error(
            element,
            "InvalidContact",
            f"Invalid email address in {step_name(element)}: {value!r}",
            scope,
        )


def _check_category(element: etree._Element, report: Report, scope: Scope) -> None:
    _check_category_text(element, CATEGORIES, OLD_CATEGORIES, report, scope)
    parent_text = element.get("text")
    for child in _itunes_children(element):
        if _local(child) != "category":
            _undefined(child, element, report, scope)
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


def _check_date(element: etree._Element, report: Report, scope: Scope) -> None:
    value = text_of(element)
    if rfc822_problem(value) is not None:
        report.error(
            element,
            "InvalidRFC2822Date",
            f"{step_name(element)} must be an RFC-822 date-time: {value!r}",
            scope,
        )


def _check_full_url(element: etree._Element, report: Report, scope: Scope) -> None:
    value = text_of(element)
    if iri_problem(value) is not None or not _URI_CHARS.match(value):
        report.error(
            element,
            "InvalidFullLink",
            f"{step_name(element)} must be a full and valid URL: {value!r}",
            scope,
        )


def _check_duration(element: etree._Element, report: Report, scope: Scope) -> None:
    value = text_of(element)
    if not _DURATION.match(value):
        report.error(
            element,
            "InvalidDuration",
            f"{step_name(element)} must be seconds, MM:SS or H:MM:SS: {value!r}",
            scope,
        )


def _check_positive(element: etree._Element, report: Report, scope: Scope) -> None:
    value = text_of(element)
    if not (value.isascii() and value.isdigit() and int(value) > 0):
        report.error(
            element,
            "InvalidPositiveInteger",
            f"{step_name(element)} must be a positive integer: {value!r}",
            scope,
        )


def _check_text(element: etree._Element, report: Report, scope: Scope) -> None:
    """Elements whose text is free."""


_SHARED: dict[str, _Check] = {
    "author": _check_limited(255),
    "block": _check_choice(
        frozenset({"yes", "no", "clean"}), "InvalidYesNoClean", "yes, no or clean"
    ),
    "explicit": _check_choice(frozenset({"true", "false"}), "InvalidTrueFalse", "true or false"),
    "keywords": _check_keywords,
    "subtitle": _check_limited(255),
    "summary": _check_limited(4000),
    "image": _check_image,
}
_CHANNEL_CHECKS: dict[str, _Check] = {
    **_SHARED,
    "owner": _check_owner,
    "category": _check_category,
    "pubDate": _check_date,
    "new-feed-url": _check_full_url,
    "type": _check_enumeration(("episodic", "serial"), "InvalidItunesChannelType"),
}
_ITEM_CHECKS: dict[str, _Check] = {
    **_SHARED,
    "duration": _check_duration,
    "title": _check_text,
    "episode": _check_positive,
    "season": _check_positive,
    "episodeType": _check_enumeration(("full", "trailer", "bonus"), "InvalidItunesEpisodeType"),
}
_OWNER_CHECKS: dict[str, _Check] = {"email": _check_email, "name": _check_limited(255)}
# Every element may appear once, but a channel may have several categories.
_REPEATABLE = frozenset({"category"})


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


_ANY_ITUNES = tuple(f"{{{ns}}}*" for ns in sorted(ITUNES_NAMESPACES))


def _itunes_children(element: etree._Element) -> list[etree._Element]:
    # Filtered by lxml, not in Python: a channel's children include every item.
    return list(element.iterchildren(*_ANY_ITUNES))


def _undefined(
    element: etree._Element, parent: etree._Element, report: Report, scope: Scope
) -> None:
    report.error(
        element,
        "UndefinedElement",
        f"Undefined {step_name(parent)} element: {step_name(element)}",
        scope,
    )


def _check_children(
    parent: etree._Element, checks: Mapping[str, _Check], report: Report, scope: Scope
) -> bool:
    """Check the iTunes children of `parent`; True when it has any."""
    seen: set[str] = set()
    found = False
    for child in _itunes_children(parent):
        found = True
        name = _local(child)
        check = checks.get(name)
        if check is None:
            _undefined(child, parent, report, scope)
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
