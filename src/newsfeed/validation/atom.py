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

import re
from collections.abc import Callable
from copy import deepcopy
from typing import cast

from lxml import etree

from newsfeed.rules import ATOM as A

from ._atom_parts import (
    CHILDREN,
    ENTRY,
    ENTRY_CHECKS,
    ENTRY_SINGLE,
    FEED_CHECKS,
    FEED_SINGLE,
    ID,
    REQUIRED,
    SUMMARY,
    TEXT_TYPES,
    Part,
    base_of,
    check_language,
)
from ._atom_schema import give_back, report_schema_errors, take_schema
from ._memo import Context
from ._report import (
    Place,
    Report,
    Scope,
    text_of,
)
from .findings import MAX_FINDINGS_PER_CODE, Finding
from .xml import line_of, step_name


def _require(element: etree._Element, part: Part) -> None:
    for tag in REQUIRED:
        if tag not in part.seen:
            part.report.error(element, "MissingElement", _missing(element, tag), part.scope)


def _missing(element: etree._Element, tag: str) -> Callable[[], str]:
    """The message of a missing child, built only if the finding is listed."""
    return lambda: f"Missing {step_name(element)} element: {tag[len(A) :]}"


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


def _entry_id(entry: etree._Element) -> str | None:
    """The entry's id: the text of its first atom:id."""
    first = entry.find(ID)
    return None if first is None else text_of(first)


def _check_entry(entry: etree._Element, scope: Scope, report: Report, feed: Part) -> None:
    part = Part(report, scope, base_of(entry, feed.base), False)
    check_language(entry, part)
    CHILDREN.all(entry, part, ENTRY_CHECKS, ENTRY_SINGLE)
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
    elif SUMMARY not in part.seen:
        kind = content.get("type")
        if content.get("src") is not None or (
            kind is not None
            and kind not in TEXT_TYPES
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
        self._part = Part(self.report, self._scope, base_of(feed, None), True)
        self._schema = take_schema()
        self._entries = 0
        self._stray_tail = False
        self._first_line: dict[str, int | None] = {}
        self._duplicates: list[tuple[Place, Scope, int | None]] = []
        self._duplicate_count = 0
        self._last: Place | None = None
        check_language(feed, self._part)

    def metadata(self, child: etree._Element) -> None:
        if self._entries and child.tag.startswith(A):
            self.report.error(
                child,
                "MisplacedMetadata",
                lambda: f"{step_name(child)} must appear before all entries",
                self._scope,
            )
        CHILDREN.one(child, self._feed, self._part, FEED_CHECKS, FEED_SINGLE)

    def context(self) -> Context:
        """What the entry-local checks of an entry read of the feed (see `_memo`)."""
        return ("atom", self._part.base, self._part.has_author)

    def entry(self, entry: etree._Element, place: Place, known_clean: bool = False) -> bool:
        """Check an entry: its entry-local checks (`_check_entry` and the schema)
        unless it is `known_clean` (see `_memo`), then its contextual ones
        (its place, a duplicate id, text after it). Whether the entry-local
        checks found nothing."""
        report = self.report
        report.begin()
        self._entries += 1
        place.fix(entry)  # for a duplicate id, found later
        self._last = place
        if (entry.tail or "").strip():
            self._stray_tail = True
        scope = Scope(_entry_id(entry))
        clean = known_clean or self._check_locally(entry, scope)
        entry_id = scope.entry_id
        if entry_id:
            if entry_id in self._first_line:
                self._duplicate_count += 1
                if len(self._duplicates) < MAX_FINDINGS_PER_CODE:
                    self._duplicates.append((place, scope, self._first_line[entry_id]))
            else:
                self._first_line[entry_id] = line_of(entry)
        report.settle(entry, place)
        return clean

    def _check_locally(self, entry: etree._Element, scope: Scope) -> bool:
        report = self.report
        found = report.found
        _check_entry(entry, scope, report, self._part)
        if not scope.failed and not self._schema.validate(entry):
            children = list(entry.iterchildren(etree.Element))
            report_schema_errors(self._schema.error_log, entry, children, scope, report)
        return report.found == found

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
            give_back(self._schema)
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
            report_schema_errors(self._schema.error_log, feed, metadata, self._scope, self.report)
