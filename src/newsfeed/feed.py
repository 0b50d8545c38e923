"""The `Feed`: a set of articles in order, rendered to each format and validated.

Entries are ordered newest `published` first, ties broken by id, so the
order never depends on the input; only the `limit` newest are kept. Every
XML document is validated as it is rendered, each finding traced back to the
record and field it came from: `rss()`, `atom()` and `write()` refuse a
document with an error, `render()` returns it with its findings. A finding
that belongs to one entry leaves that entry out of the document, with an
error naming its record and field; only a finding of the feed itself keeps
the document from being written. JSON Feed is validated from its bytes,
and an entry's error leaves that entry out in the same way.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from operator import attrgetter
from pathlib import Path
from typing import Literal

from feedgen.feed import FeedGenerator
from lxml import etree

from newsfeed.fields import field_of_element
from newsfeed.files import write_if_changed
from newsfeed.model import ArchiveLinks, Article, FeedSettings, InputError, InputWarning, Problem
from newsfeed.records import gc_paused
from newsfeed.render.atom import MEDIA_TYPE as ATOM_MEDIA_TYPE
from newsfeed.render.atom import atom_tree
from newsfeed.render.content import content_html
from newsfeed.render.feedgen_model import build_feedgen, serialize, set_links
from newsfeed.render.jsonfeed import MEDIA_TYPE as JSON_MEDIA_TYPE
from newsfeed.render.jsonfeed import render_json
from newsfeed.render.rss import MEDIA_TYPE as RSS_MEDIA_TYPE
from newsfeed.render.rss import rss_tree
from newsfeed.validate import (
    MAX_DOCUMENT_BYTES,
    Finding,
    validate,
    validate_json_feed,
    validate_tree,
)

Format = Literal["rss", "atom", "json"]
FORMATS: tuple[Format, ...] = ("rss", "atom", "json")
FILE_NAMES: dict[Format, str] = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
MEDIA_TYPES: dict[Format, str] = {
    "rss": RSS_MEDIA_TYPE,
    "atom": ATOM_MEDIA_TYPE,
    "json": JSON_MEDIA_TYPE,
}

#: Which record field an element of our output comes from, to name it in messages.
_FIELD_OF_ELEMENT = field_of_element()


def _element_of(path: str) -> str:
    """The element a finding's path ends at (`lang` for `@xml:lang`, the element
    for its other attributes), without prefix or position."""
    *parents, last = path.rsplit("/", 2)
    if last.startswith("@") and last != "@xml:lang" and parents:
        last = parents[-1]
    return last.split("[", 1)[0].split(":")[-1]


class InvalidFeed(Exception):
    """A rendered document failed validation; `problems` name the records and fields."""

    def __init__(self, document: Document) -> None:
        self.document = document
        super().__init__("\n".join(str(p) for p in document.problems if p.level == "error"))


@dataclass(frozen=True, slots=True)
class Document:
    """One rendered file: its bytes and what validation found in them."""

    format: Format
    name: str
    data: bytes
    findings: tuple[Finding, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def valid(self) -> bool:
        return not any(f.level == "error" for f in self.findings)


@dataclass(frozen=True, slots=True)
class Written:
    """What `Feed.write` did with one file: `written`, `unchanged` or `invalid`."""

    path: Path
    status: Literal["written", "unchanged", "invalid"]
    problems: tuple[Problem, ...] = ()


class Feed:
    """Articles under one feed's settings; renders RSS, Atom and JSON Feed as bytes.

    >>> feed = Feed(settings, reading.articles)
    >>> feed.rss()          # validated bytes, or InvalidFeed
    >>> feed.write("public/")
    """

    def __init__(
        self,
        settings: FeedSettings,
        articles: Iterable[Article],
        archive: ArchiveLinks | None = None,
    ) -> None:
        self.settings = settings
        self.archive = archive
        self.articles: tuple[Article, ...] = tuple(newest_first(articles)[: settings.limit])
        # RSS and Atom share one feedgen model whose links each document sets:
        # a web app's threads must not build two documents from it at once.
        self._model_lock = threading.Lock()

    def url(self, format: Format) -> str:
        """Where the file of `format` is served: the base URL plus its file name."""
        return file_url(self.settings.base_url or self.settings.link, format)

    def related_links(self, format: Format) -> list[tuple[str, str]]:
        """The RFC 5005 (rel, href) links of this feed's document of `format`."""
        if self.archive is None:
            return []
        folders = [
            ("current", self.archive.current),
            ("prev-archive", self.archive.prev_archive),
            ("next-archive", self.archive.next_archive),
        ]
        return [(rel, file_url(folder, format)) for rel, folder in folders if folder]

    @property
    def id(self) -> str:
        """The Atom feed id: the `id` setting, else the Atom file's URL."""
        return self.settings.id or self.url("atom")

    @cached_property
    def contents(self) -> tuple[str, ...]:
        """The HTML content of each article, composed once for all formats."""
        return tuple(content_html(article) for article in self.articles)

    def to_feedgen(self, format: Literal["rss", "atom"] = "rss") -> FeedGenerator:
        """A fresh feedgen model of this feed, the one `render(format)` serialises:
        newsfeed's corrections registered, the links of `format`'s document and the id set.

        Load further feedgen extensions on it (podcast, geo, ...) and call
        `rss_str()` / `atom_str()` as with any FeedGenerator.
        """
        fg = self._build_feedgen()
        self._set_document(fg, format)
        return fg

    @cached_property
    def _model(self) -> FeedGenerator:
        """The feedgen model `render` serialises, built once for both RSS and Atom:
        each document only sets its own links (and id) on it before it is built."""
        return self._build_feedgen()

    def _build_feedgen(self) -> FeedGenerator:
        archived = self.archive is not None and self.archive.is_archive
        return build_feedgen(self.settings, self.articles, self.contents, archived)

    def _set_document(self, fg: FeedGenerator, format: Literal["rss", "atom"]) -> None:
        """Point `fg` at the document of `format`: its self and related links, and the id."""
        set_links(
            fg, self.settings, self.url(format), MEDIA_TYPES[format], self.related_links(format)
        )
        fg.id(self.id)

    def render(self, format: Format) -> Document:
        """The document of `format`, validated."""
        with gc_paused():
            if format == "json":
                data, findings = self._json_without(self.articles, self.contents)
            else:
                with self._model_lock:
                    self._set_document(self._model, format)
                    root = rss_tree(self._model) if format == "rss" else atom_tree(self._model)
                data = serialize(root)
                findings = self._check_built(root, data)
            left_out: list[Problem] = []
            articles, contents = self.articles, self.contents
            # Each round leaves out at least one entry, so this ends.
            while bad := _failed_entries(findings, len(articles)):
                left_out.extend(self._problems(format, findings, articles, only=bad))
                kept = [
                    pair
                    for index, pair in enumerate(zip(articles, contents, strict=True))
                    if index not in bad
                ]
                articles = tuple(a for a, _ in kept)
                contents = tuple(c for _, c in kept)
                if format == "json":
                    data, findings = self._json_without(articles, contents)
                else:
                    root = self._tree_without(format, articles, contents)
                    data = serialize(root)
                    findings = self._check_built(root, data)
        problems = (*left_out, *self._problems(format, findings, articles))
        return Document(format, FILE_NAMES[format], data, findings, problems)

    def _json_without(
        self, articles: tuple[Article, ...], contents: tuple[str, ...]
    ) -> tuple[bytes, tuple[Finding, ...]]:
        """The JSON Feed of `articles`, and its findings."""
        data = render_json(self.settings, articles, contents, self.url("json"))
        return data, tuple(validate_json_feed(data))

    def _tree_without(
        self,
        format: Literal["rss", "atom"],
        articles: tuple[Article, ...],
        contents: tuple[str, ...],
    ) -> etree._Element:
        """The document of `format` with only `articles`, from a model of its own."""
        archived = self.archive is not None and self.archive.is_archive
        fg = build_feedgen(self.settings, articles, contents, archived)
        self._set_document(fg, format)
        return rss_tree(fg) if format == "rss" else atom_tree(fg)

    @staticmethod
    def _check_built(root: etree._Element, data: bytes) -> tuple[Finding, ...]:
        """Findings of a document from the tree feedgen built, without parsing its bytes.

        Only a document with findings is parsed, for the line numbers a built
        tree does not have (in the findings and in messages that cite a line,
        such as a duplicate's first occurrence); the tree's findings stay the verdict.
        """
        findings = validate_tree(root)
        if findings and len(data) <= MAX_DOCUMENT_BYTES:
            placed = {(f.code, f.path): f for f in validate(data)}
            findings = [
                f if p is None else replace(f, line=p.line, message=p.message)
                for f, p in ((f, placed.get((f.code, f.path))) for f in findings)
            ]
            findings.sort(key=Finding.sort_key)
        return tuple(findings)

    def rss(self) -> bytes:
        return self._checked("rss")

    def atom(self) -> bytes:
        return self._checked("atom")

    def json(self) -> bytes:
        return self._checked("json")

    def write(
        self, folder: str | os.PathLike[str], formats: Iterable[Format] = FORMATS
    ) -> list[Written]:
        """Write each format's file into `folder`; an invalid document is not written."""
        return [
            write_document(Path(folder, FILE_NAMES[format]), self.render(format))
            for format in formats
        ]

    def _checked(self, format: Format) -> bytes:
        document = self.render(format)
        if not document.valid:
            raise InvalidFeed(document)
        return document.data

    def _problems(
        self,
        format: Format,
        findings: tuple[Finding, ...],
        articles: tuple[Article, ...],
        only: frozenset[int] | None = None,
    ) -> tuple[Problem, ...]:
        """Findings as problems at the place of the record each one came from; with
        `only`, the errors of those entries (by position), which are left out."""
        if not findings:
            return ()
        by_id = _by_id(articles)
        name = FILE_NAMES[format]
        problems: list[Problem] = []
        for finding in findings:
            kind = InputError if finding.level == "error" else InputWarning
            article = by_id.get(finding.entry_id or "")
            if only is not None:
                index = _entry_index(finding)
                if index not in only or kind is InputWarning:
                    continue
                article = articles[index]
            element = _element_of(finding.path)
            message = f"{finding.message} in {name} [{finding.code}]"
            if only is not None:
                message += f"; the entry is left out of {name}"
            if article is None:
                problems.append(kind(name, _line(finding), None, message))
            else:
                place = article.place
                field_name = _FIELD_OF_ELEMENT.get(element, element)
                problems.append(kind(place.source, place.position, field_name, message))
        return tuple(problems)


#: Where an entry's findings lie: its item or entry, numbered among its siblings
#: when there is more than one, or its place in a JSON Feed's items (from 0).
_ENTRY_PATH = re.compile(r"/(?:(?:rss/channel/item|feed/entry)(?:\[(\d+)\])?|items/(\d+))(?=/|\Z)")


def _entry_index(finding: Finding) -> int | None:
    """The position (from 0) of the entry a finding is in, or None for the feed's own."""
    match = _ENTRY_PATH.match(finding.path)
    if match is None:
        return None
    if match.group(2) is not None:
        return int(match.group(2))
    if finding.entry_id is None and match.group(1) is None:
        return 0
    return int(match.group(1) or 1) - 1


def _failed_entries(findings: tuple[Finding, ...], count: int) -> frozenset[int]:
    """The positions of the `count` entries that have an error of their own."""
    return frozenset(
        index
        for finding in findings
        if finding.level == "error"
        and (index := _entry_index(finding)) is not None
        and index < count
    )


def _by_id(articles: Iterable[Article]) -> dict[str, Article]:
    """Each article under its entry id and its Atom id, as findings name entries."""
    by_id: dict[str, Article] = {}
    for article in articles:
        by_id[article.id] = article
        by_id[article.atom_id] = article
    return by_id


def newest_first(articles: Iterable[Article]) -> list[Article]:
    """The order of a feed's entries: newest `published` first, ties broken by id."""
    ordered = sorted(articles, key=attrgetter("id"))
    ordered.sort(key=attrgetter("published"), reverse=True)
    return ordered


def file_url(folder_url: str, format: Format) -> str:
    return folder_url.rstrip("/") + "/" + FILE_NAMES[format]


def _line(finding: Finding) -> str | None:
    return None if finding.line is None else str(finding.line)


def write_document(path: Path, document: Document) -> Written:
    """Write `document` to `path` atomically, unless it is invalid or unchanged."""
    if not document.valid:
        return Written(path, "invalid", document.problems)
    if write_if_changed(path, document.data):
        return Written(path, "written", document.problems)
    return Written(path, "unchanged", document.problems)
