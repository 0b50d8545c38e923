"""Documents: a `Feed` rendered to each format, validated and written (after
`newsfeed.validation`, before publishing).

Every XML document is validated as it is rendered, each finding traced back
to the record and field it came from: `rss()`, `atom()` and `write()` refuse
a document with an error, `render()` returns it with its findings. A finding
that belongs to one entry leaves that entry out of the document, with an
error naming its record and field; only a finding of the feed itself keeps
the document from being written. JSON Feed is validated from its bytes,
and an entry's error leaves that entry out in the same way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Literal

from feedgen.feed import FeedGenerator
from lxml import etree

from newsfeed.feed import FILE_NAMES, FORMATS, FeedModel, Format
from newsfeed.fields import field_of_element
from newsfeed.files import write_if_changed
from newsfeed.model import (
    ArchiveLinks,
    Article,
    FeedSettings,
    InputError,
    InputWarning,
    Problem,
)
from newsfeed.records import gc_paused
from newsfeed.render import BuiltEntries, Reuse
from newsfeed.render.atom import atom_document, atom_model
from newsfeed.render.content import Contents
from newsfeed.render.jsonfeed import render_json
from newsfeed.render.rss import rss_document, rss_model
from newsfeed.validation import (
    MAX_DOCUMENT_BYTES,
    Finding,
    validate,
    validate_json_feed,
    validate_tree,
)

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


class Feed(FeedModel):
    """Articles under one feed's settings (a `FeedModel`); renders RSS, Atom and
    JSON Feed as validated bytes.

    >>> feed = Feed(settings, reading.articles)
    >>> feed.rss()          # validated bytes, or InvalidFeed
    >>> feed.write("public/")

    `made_of` maps each article's id to a digest of the values it is made of,
    where the caller knows them (the site index keeps one an article): an entry
    is then known to validation by it, in every document that holds the article,
    rather than by a digest of its canonical form (see `validate_tree`). With
    `built` too, the items and entries feedgen built for another document from
    the same values are taken from there (RSS items moved, Atom entries
    copied), and those built here are kept there; the documents of Feeds
    sharing one `built` are rendered one at a time.
    """

    def __init__(
        self,
        settings: FeedSettings,
        articles: Iterable[Article],
        archive: ArchiveLinks | None = None,
        *,
        made_of: Mapping[str, bytes] | None = None,
        built: BuiltEntries | None = None,
    ) -> None:
        super().__init__(settings, articles, archive)
        self.made_of = made_of
        self.built = built

    @cached_property
    def contents(self) -> Sequence[str]:
        """The HTML content of each article, composed once for all formats, when
        first needed: an entry taken from another document needs none."""
        return Contents(self.articles)

    def to_feedgen(self, format: Literal["rss", "atom"] = "rss") -> FeedGenerator:
        """A fresh feedgen model of this feed's document of `format`, the one
        `render(format)` serialises, with newsfeed's extension registered.

        Load further feedgen extensions on it (podcast, geo, ...) and call
        `rss_str()` / `atom_str()` as with any FeedGenerator.
        """
        return self._feedgen(format, self.articles, self.contents)

    @cached_property
    def _models(self) -> dict[Literal["rss", "atom"], FeedGenerator]:
        return {}

    def _model(self, format: Literal["rss", "atom"]) -> FeedGenerator:
        """The model `render(format)` serialises, built once. Serialising does not
        change it, so threads may render from it at once; but for the RSS items it
        takes from `built`, which move into each document: a Feed given `built` is
        rendered by one thread at a time."""
        model = self._models.get(format)
        if model is None:
            reuse = None
            if self.built is not None and (made_of := self._made_of(self.articles)) is not None:
                reuse = Reuse(self.built, made_of)
            model = self._feedgen(format, self.articles, self.contents, reuse)
            model = self._models.setdefault(format, model)
        return model

    def _feedgen(
        self,
        format: Literal["rss", "atom"],
        articles: tuple[Article, ...],
        contents: Sequence[str],
        reuse: Reuse | None = None,
    ) -> FeedGenerator:
        url, related, settings = self.url(format), self.related_links(format), self.settings
        if format == "rss":
            return rss_model(settings, articles, contents, url, related, self.archived, reuse)
        return atom_model(
            settings, articles, contents, url, self.id, related, self.archived, reuse
        )

    def render(self, format: Format) -> Document:
        """The document of `format`, validated."""
        with gc_paused():
            if format == "json":
                data, findings = self._json_without(self.articles, self.contents)
            else:
                root, data = _document(self._model(format), format)
                findings = self._check_built(root, data, self._made_of(self.articles))
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
                    root, data = _document(self._feedgen(format, articles, contents), format)
                    findings = self._check_built(root, data, self._made_of(articles))
        problems = (*left_out, *self._problems(format, findings, articles))
        return Document(format, FILE_NAMES[format], data, findings, problems)

    def _json_without(
        self, articles: tuple[Article, ...], contents: Sequence[str]
    ) -> tuple[bytes, tuple[Finding, ...]]:
        """The JSON Feed of `articles`, and its findings."""
        data = render_json(self.settings, articles, contents, self.url("json"))
        return data, tuple(validate_json_feed(data))

    def _made_of(self, articles: tuple[Article, ...]) -> tuple[bytes, ...] | None:
        """The digests of the values of `articles`' entries, if known."""
        made_of = self.made_of
        return None if made_of is None else tuple(made_of[a.id] for a in articles)

    @staticmethod
    def _check_built(
        root: etree._Element, data: bytes, made_of: tuple[bytes, ...] | None
    ) -> tuple[Finding, ...]:
        """Findings of a document from the tree feedgen built, without parsing its bytes.

        Only a document with findings is parsed, for the line numbers a built
        tree does not have (in the findings and in messages that cite a line,
        such as a duplicate's first occurrence); the tree's findings stay the verdict.
        """
        findings = validate_tree(root, made_of=made_of)
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


def _document(fg: FeedGenerator, format: Literal["rss", "atom"]) -> tuple[etree._Element, bytes]:
    """The tree feedgen builds from `fg` and its bytes."""
    return rss_document(fg) if format == "rss" else atom_document(fg)


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


def _line(finding: Finding) -> str | None:
    return None if finding.line is None else str(finding.line)


def write_document(path: Path, document: Document) -> Written:
    """Write `document` to `path` atomically, unless it is invalid or unchanged."""
    if not document.valid:
        return Written(path, "invalid", document.problems)
    if write_if_changed(path, document.data):
        return Written(path, "written", document.problems)
    return Written(path, "unchanged", document.problems)
