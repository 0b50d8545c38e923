"""RSS 2.0, as its specification and the RSS Advisory Board's Best Practices Profile say."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from newsfeed.rules import ATOM_NS, iri_problem, is_unique_enough_guid

from ._extensions import (
    check_atom_link,
    check_extension,
    check_type_attr,
    check_url_attr,
)
from ._memo import Context
from ._report import (
    ChildChecks,
    Place,
    Report,
    Scope,
    missing_attribute,
    text_of,
)
from ._rss_parts import (
    Part,
    PartCheck,
    check_cloud,
    check_contact,
    check_date,
    check_description,
    check_full_url,
    check_image,
    check_language,
    check_plain_text,
    check_skip_days,
    check_skip_hours,
    check_text_input,
    check_ttl,
)
from ._values import is_non_negative_integer, uri_problem, words
from ._webfeeds import WEBFEEDS, check_webfeeds
from .findings import MAX_FINDINGS_PER_CODE, Finding
from .xml import Freed, line_of, step_name

_ATOM_LINK = f"{{{ATOM_NS}}}link"
_VERSIONS = frozenset({"2.0", "0.91", "0.92"})
_CHANNEL_REQUIRED = (
    ("title", "MissingTitle"),
    ("link", "MissingLink"),
    ("description", "MissingDescription"),
)
_CHANNEL_SINGLE = words(
    "title link description language copyright managingEditor webMaster pubDate "
    "lastBuildDate generator docs cloud ttl image rating textInput textinput "
    "skipHours skipDays"
)
_ITEM_SINGLE = frozenset(
    ["title", "link", "description", "author", "comments", "guid", "pubDate", "source"]
)


def _check_nothing(element: etree._Element, part: Part) -> None:
    """Known elements whose content RSS leaves free."""


def _check_channel_atom_link(element: etree._Element, part: Part) -> None:
    check_atom_link(element, part.report, part.scope, None, True)
    if element.get("rel") == "self":
        part.has_self = True


def _check_item_atom_link(element: etree._Element, part: Part) -> None:
    check_atom_link(element, part.report, part.scope, None, False)


def _check_enclosure(element: etree._Element, part: Part) -> None:
    report, scope = part.report, part.scope
    if "enclosure" in part.seen:
        report.warning(
            element, "DuplicateEnclosure", "item contains more than one enclosure", scope
        )
    part.seen.add("enclosure")
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


def _check_guid(element: etree._Element, part: Part) -> None:
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


def _check_source(element: etree._Element, part: Part) -> None:
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


_CHANNEL_CHECKS: dict[str, PartCheck] = {
    "title": check_plain_text,
    "link": check_full_url,
    "description": _check_nothing,
    "language": check_language,
    "copyright": _check_nothing,
    "managingEditor": check_contact,
    "webMaster": check_contact,
    "pubDate": check_date,
    "lastBuildDate": check_date,
    "category": _check_nothing,
    "generator": _check_nothing,
    "docs": check_full_url,
    "cloud": check_cloud,
    "ttl": check_ttl,
    "image": check_image,
    "rating": _check_nothing,
    "textInput": check_text_input,
    "textinput": check_text_input,
    "skipHours": check_skip_hours,
    "skipDays": check_skip_days,
    _ATOM_LINK: _check_channel_atom_link,
}
_ITEM_CHECKS: dict[str, PartCheck] = {
    "title": check_plain_text,
    "link": check_full_url,
    "description": check_description,
    "author": check_contact,
    "category": _check_nothing,
    "comments": check_full_url,
    "enclosure": _check_enclosure,
    "guid": _check_guid,
    "pubDate": check_date,
    "source": _check_source,
    _ATOM_LINK: _check_item_atom_link,
}


def _is_own(tag: str) -> bool:
    return "}" not in tag  # RSS 2.0 elements have no namespace


def _check_foreign(
    element: etree._Element, parent: etree._Element, report: Report, scope: Scope
) -> None:
    if str(element.tag).startswith(WEBFEEDS):
        check_webfeeds(element, parent, report, scope)
    else:
        check_extension(element, report, scope)


_CHILDREN: ChildChecks[Part] = ChildChecks(_is_own, _check_foreign)


def _root_child_finding(child: etree._Element) -> tuple[str, str] | None:
    """What `<rss>` says of a child other than its (first) channel: code and message."""
    if child.tag == "channel":
        return "DuplicateElement", "rss contains more than one channel"
    if "}" not in child.tag:
        return "UndefinedElement", f"Undefined rss element: {child.tag}"
    return None


# A freed child's finding: its place among the freed children, code, message,
# line, tag (its name: it has no namespace) and number among its tag.
_FreedFinding = tuple[int, str, str, int | None, str, int]


class FreedChildren:
    """The children of `<rss>` that the walk over bytes frees once read (see
    `_walk`): other than the channel, with no element of a namespace in them,
    so that no check but `<rss>`'s own looks at them. Their findings are made
    as the check of `<rss>` would make them, and it plays them back in
    document order among the children that stayed, so that the cap of
    findings per code keeps the same ones; past the cap they are counted."""

    __slots__ = ("_before", "_findings", "_freed", "_kept", "_past_cap", "numbering")

    def __init__(self, rss: etree._Element) -> None:
        self.numbering = Freed(rss)
        self._findings: list[_FreedFinding] = []
        self._kept: dict[str, int] = {}
        self._past_cap: dict[str, int] = {}
        self._freed = 0
        self._before: dict[etree._Element, int] = {}  # of each child kept, the freed before it

    def keep(self, child: etree._Element) -> None:
        self.numbering.keep(child)
        self._before[child] = self._freed

    def free(self, child: etree._Element) -> None:
        number = self.numbering.count(child)
        found = _root_child_finding(child)
        assert found is not None  # a child without a namespace, or a second channel
        code, message = found
        kept = self._kept.get(code, 0)
        if kept < MAX_FINDINGS_PER_CODE:
            self._kept[code] = kept + 1
            self._findings.append(
                (self._freed, code, message, line_of(child), str(child.tag), number)
            )
        else:
            self._past_cap[code] = self._past_cap.get(code, 0) + 1
        self._freed += 1

    def play(self, rss: etree._Element, report: Report, scope: Scope) -> Iterator[etree._Element]:
        """The children still in `<rss>`, in order, reporting the freed ones between them."""
        root = "/" + step_name(rss)
        findings = self._findings
        played = 0

        def until(before: int) -> None:
            nonlocal played
            while played < len(findings) and findings[played][0] < before:
                _, code, message, line, tag, number = findings[played]
                step = self.numbering.numbered(tag, tag, number)
                report.placed("error", code, message, line, f"{root}/{step}", scope)
                played += 1

        for child in rss.iterchildren(etree.Element):
            until(self._before[child])
            yield child
        until(self._freed)
        for code, count in self._past_cap.items():
            report.tally("error", code, count)


def _check_root(
    rss: etree._Element, report: Report, scope: Scope, freed: FreedChildren | None
) -> etree._Element | None:
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
    children = rss.iterchildren(etree.Element) if freed is None else freed.play(rss, report, scope)
    for child in children:
        if child.tag == "channel" and channel is None:
            channel = child
        elif (found := _root_child_finding(child)) is not None:
            report.error(child, *found, scope)
    if channel is None:
        report.error(rss, "MissingElement", "Missing rss element: channel", scope)
    return channel


def _check_item(
    item: etree._Element, guid: etree._Element | None, report: Report, scope: Scope
) -> None:
    """The entry-local checks of an item: its children, and what it must contain."""
    item_part = Part(report, scope)
    _CHILDREN.all(item, item_part, _ITEM_CHECKS, _ITEM_SINGLE)
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


class RssWalk:
    """The checks of an `<rss>` document, given its channel's children one at a
    time in document order (see `_walk`): the channel's own as `metadata`, its
    items as `entry`; the tree is left as it was. `freed` are the children of
    `<rss>` the walk has freed, reported among those left."""

    def __init__(
        self,
        rss: etree._Element,
        channel: etree._Element | None,
        freed: FreedChildren | None = None,
    ) -> None:
        self.report = Report()
        self._freed = freed
        if freed is not None:
            self.report.freed = freed.numbering
        self._rss = rss
        self._channel = channel
        self._scope = Scope()
        self._part = Part(self.report, self._scope)
        self._guids: dict[str, int | None] = {}

    def metadata(self, child: etree._Element) -> None:
        assert self._channel is not None
        _CHILDREN.one(child, self._channel, self._part, _CHANNEL_CHECKS, _CHANNEL_SINGLE)

    def context(self) -> Context:
        """What the entry-local checks of an item read of the channel: nothing (see `_memo`)."""
        return ("rss",)

    def entry(self, item: etree._Element, place: Place, known_clean: bool = False) -> bool:
        """Check an item: its entry-local checks (`_check_item`) unless it is
        `known_clean` (see `_memo`), then its contextual one (a duplicate
        guid). Whether the entry-local checks found nothing."""
        report = self.report
        report.begin()
        guid = item.find("guid")  # the first: the item's guid, as `_check_guid` sees it
        guid_text = text_of(guid) if guid is not None else ""
        scope = Scope(guid_text or None)
        found = report.found
        if not known_clean:
            _check_item(item, guid, report, scope)
        clean = report.found == found
        if guid is not None and guid_text:
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
        return clean

    def finish(self) -> list[Finding]:
        report, scope = self.report, self._scope
        channel = _check_root(self._rss, report, scope, self._freed)
        if channel is not None:
            for tag, code in _CHANNEL_REQUIRED:
                if tag not in self._part.seen:
                    report.error(channel, code, f"Missing channel element: {tag}", scope)
            if not self._part.has_self:
                report.warning(
                    channel, "MissingAtomSelfLink", 'Missing atom:link with rel="self"', scope
                )
        return report.findings()
