"""The walk over a feed (internal): the feed's own elements and its entries, in document order.

Each format's checks, and those of the extensions it carries (iTunes,
Podcasting 2.0), take the children of the RSS channel or Atom feed one at a
time: the feed's own elements as `metadata`, its items or entries as
`entry`. An entry's findings are settled with its place when its checks are
done, so the walk over a document's bytes (`walk_bytes`) can free each entry
as soon as it is checked: the tree of a channel of millions of items, many
times the size of the document, is never built. So are the children of
`<rss>` outside its channel, as they are read, once numbered and reported as
`<rss>`'s check would (see `rss.FreedChildren`): unless an element of a
namespace is in them, which the iTunes and Podcasting 2.0 checks look for in
the whole document. The walk over a tree
already parsed (`walk_tree`) gives the same entries in the same order and
frees nothing, so both judge alike.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Protocol, TypeVar

from lxml import etree

from newsfeed.rules import ATOM_NS, ITUNES_ELEMENTS, PODCAST_ELEMENTS

from ._memo import CleanEntries, Context
from ._report import Entries, Place, Report
from .atom import AtomWalk
from .findings import Finding
from .rss import FreedChildren, RssWalk
from .xml import (
    SAFE_OPTIONS,
    FeedFormat,
    detect_format,
    entity_findings,
    root_finding,
    syntax_finding,
)

_ENTRY_TAGS: dict[FeedFormat, str] = {"rss": "item", "atom": f"{{{ATOM_NS}}}entry"}
# The tags whose events the walk over bytes needs: the root, the RSS channel, the entries.
_EVENT_TAGS = ("rss", "channel", "item", f"{{{ATOM_NS}}}feed", f"{{{ATOM_NS}}}entry")
_PODCAST_TAGS = (PODCAST_ELEMENTS,)
_EXTENSION_TAGS = (*ITUNES_ELEMENTS, *_PODCAST_TAGS)


class _Checks(Protocol):
    def metadata(self, child: etree._Element) -> None: ...

    def entry(self, entry: etree._Element, place: Place) -> None: ...

    def finish(self) -> list[Finding]: ...


class _FormatChecks(Protocol):
    def metadata(self, child: etree._Element) -> None: ...

    def context(self) -> Context: ...

    def entry(self, entry: etree._Element, place: Place, known_clean: bool = False) -> bool: ...

    def finish(self) -> list[Finding]: ...


class _Reporting(Protocol):
    report: Report


_R = TypeVar("_R", bound=_Reporting)


class _Feed:
    """The checks of one document, fed by either walk; `clean` are the entries
    found clean before, whose entry-local checks are not run again (see `_memo`),
    `made_of` the digests of the values each entry was built from, if known."""

    def __init__(
        self,
        root: etree._Element,
        kind: FeedFormat,
        channel: etree._Element | None,
        freed: FreedChildren | None = None,
        clean: CleanEntries | None = None,
        made_of: Sequence[bytes] | None = None,
    ):
        self.root = root
        self.kind = kind
        self.channel = channel
        self._freed = freed
        self.entry_tag = _ENTRY_TAGS[kind]
        self._entries = Entries(channel if channel is not None else root)
        self._clean = clean
        self._made_of = made_of
        self._format: _FormatChecks
        if kind == "rss":
            self._format = RssWalk(root, channel, freed)
        else:
            self._format = AtomWalk(root)
        self._itunes: _Checks | None = None
        self._podcasting: _Checks | None = None

    def metadata(self, child: etree._Element) -> None:
        self._format.metadata(child)

    def entry(self, entry: etree._Element) -> None:
        self._entries.count += 1
        place = Place(self._entries)
        clean = self._clean
        key = None
        if clean is not None:
            made_of = self._made_of
            built_from = None if made_of is None else made_of[self._entries.count - 1]
            key = clean.key(entry, self._format.context(), built_from)
        if clean is not None and clean.seen(key):
            # Remembered only without an element of the extensions.
            self._format.entry(entry, place, known_clean=True)
            return
        found_nothing = self._format.entry(entry, place)
        # One search for both namespaces: most entries have neither.
        if not _uses(entry, _EXTENSION_TAGS):
            if found_nothing and clean is not None:
                clean.add(key)
            return
        if _uses(entry, ITUNES_ELEMENTS):
            self._itunes_checks().entry(entry, place)
        if _uses(entry, _PODCAST_TAGS):
            self._podcasting_checks().entry(entry, place)

    def finish(self) -> list[Finding]:
        findings = entity_findings(self.root)
        findings.extend(self._format.finish())
        if self._itunes is not None or _uses(self.root, ITUNES_ELEMENTS):
            findings.extend(self._itunes_checks().finish())
        if self._podcasting is not None or _uses(self.root, _PODCAST_TAGS):
            findings.extend(self._podcasting_checks().finish())
        findings.sort(key=Finding.sort_key)
        return findings

    # Their checks (and tables) are loaded only for a document that uses them:
    # neither finds anything where no element of its namespace is.
    def _itunes_checks(self) -> _Checks:
        if self._itunes is None:
            from .itunes import ItunesWalk

            self._itunes = self._told(ItunesWalk(self.root, self.kind, self.channel))
        return self._itunes

    def _podcasting_checks(self) -> _Checks:
        if self._podcasting is None:
            from .podcasting import PodcastingWalk

            self._podcasting = self._told(PodcastingWalk(self.root, self.kind, self.channel))
        return self._podcasting

    def _told(self, checks: _R) -> _R:
        """`checks`, their report told how the walk numbers the children of `<rss>` it freed."""
        checks.report.freed = None if self._freed is None else self._freed.numbering
        return checks


def _uses(element: etree._Element, tags: tuple[str, ...]) -> bool:
    # lxml filters the elements: no Python work per element of a part without any.
    return next(element.iter(*tags), None) is not None


def _channel_of(root: etree._Element, kind: FeedFormat) -> etree._Element | None:
    return root.find("channel") if kind == "rss" else root


def walk_tree(
    root: etree._Element,
    freed: FreedChildren | None = None,
    clean: CleanEntries | None = None,
    made_of: Sequence[bytes] | None = None,
) -> list[Finding]:
    """The findings of a parsed `<rss>` or Atom `<feed>` (or the root's error);
    `freed` are the children of `<rss>` the walk over bytes has freed, `clean`
    the entries found clean before (see `_memo`), `made_of` the digests of the
    values each entry was built from, one an entry, in order."""
    kind = detect_format(root)
    if kind is None:
        findings = [*entity_findings(root), root_finding(root)]
        findings.sort(key=Finding.sort_key)
        return findings
    channel = _channel_of(root, kind)
    if made_of is not None:
        parent = root if channel is None else channel
        if len(made_of) != len(parent.findall(_ENTRY_TAGS[kind])):
            raise ValueError("made_of must give one digest an entry")
    feed = _Feed(root, kind, channel, freed, clean, made_of)
    if channel is not None:
        for child in channel.iterchildren(etree.Element):
            if child.tag == feed.entry_tag:
                feed.entry(child)
            else:
                feed.metadata(child)
    return feed.finish()


class _Stream:
    """The walk over bytes: each entry is checked once its tail has been read
    (when the next entry or the channel ends), then removed from the tree; so
    is each child of `<rss>` that no check needs once read (`sweep`)."""

    def __init__(self) -> None:
        self.feed: _Feed | None = None
        self.freed: FreedChildren | None = None
        self._held: etree._Element | None = None
        self._given: etree._Element | None = None  # the last metadata element given
        self._swept: etree._Element | None = None  # the last child of <rss> kept by `sweep`

    def start(self, element: etree._Element) -> None:
        if self.feed is not None:
            return
        parent = element.getparent()
        if parent is None:
            if detect_format(element) == "atom":
                self.feed = _Feed(element, "atom", element)
            elif element.tag == "rss":
                self.freed = FreedChildren(element)
        elif element.tag == "channel" and parent.getparent() is None and parent.tag == "rss":
            self.feed = _Feed(parent, "rss", element, self.freed)

    def sweep(self, done: bool = False) -> None:
        """Number the children of `<rss>` read so far (all of them once `done`),
        and free each that only the check of `<rss>` itself looks at: other than
        the channel, with no element of a namespace in it (those the iTunes and
        Podcasting 2.0 checks look for in the whole document)."""
        freed = self.freed
        if freed is None:
            return
        rss = freed.numbering.parent
        kept = self._swept
        child = next(rss.iterchildren(), None) if kept is None else kept.getnext()
        channel = None if self.feed is None else self.feed.channel
        while child is not None:
            after = child.getnext()
            if after is None and not done:
                return  # it may still be being read
            if not isinstance(child.tag, str):
                rss.remove(child)  # a comment or processing instruction
            elif child is channel or _has_namespaced(child):
                freed.keep(child)
                self._swept = child
            else:
                freed.free(child)
                rss.remove(child)
            child = after

    def end(self, element: etree._Element) -> None:
        feed = self.feed
        if (
            feed is None
            or element.tag != feed.entry_tag
            or element.getparent() is not feed.channel
        ):
            return
        self._flush()
        self._held = element

    def _flush(self) -> None:
        """Check the held entry, after the metadata before it, and free it."""
        held, feed = self._held, self.feed
        if held is None or feed is None:
            return
        before = []
        for sibling in held.itersiblings(preceding=True):
            if sibling is self._given:
                break
            if isinstance(sibling.tag, str):
                before.append(sibling)
        for child in reversed(before):
            feed.metadata(child)
        if before:
            self._given = before[0]
        feed.entry(held)
        parent = held.getparent()
        if parent is not None:
            parent.remove(held)
        self._held = None

    def finish(self) -> list[Finding]:
        self._flush()
        self.sweep(done=True)
        feed = self.feed
        assert feed is not None and feed.channel is not None
        given = self._given
        rest = feed.channel.iterchildren() if given is None else given.itersiblings()
        for child in rest:
            if isinstance(child.tag, str):
                feed.metadata(child)
        return feed.finish()


def walk_bytes(raw: bytes, encoding: str) -> list[Finding]:
    """The findings of a document's bytes, parsed safely (see `xml`) as they are walked;
    a document that is not well-formed yields its one error."""
    root_tag = _root_tag(raw, encoding)
    if root_tag is not None and root_tag not in _FEED_ROOTS:
        return _walk_other(raw, encoding)
    stream = _Stream()
    events = etree.iterparse(
        _Source(raw, stream),
        events=("start", "end"),
        tag=_EVENT_TAGS,
        encoding=encoding or None,
        **SAFE_OPTIONS,
    )
    try:
        for event, element in events:
            if event == "start":
                stream.start(element)
            else:
                stream.end(element)
    except etree.XMLSyntaxError as exc:
        return [syntax_finding(exc, events.error_log, raw)]
    if stream.feed is None:
        # Not a feed, or RSS without a channel: its walk is that of its tree,
        # of which only the children of <rss> that no check needs were freed.
        stream.sweep(done=True)
        return walk_tree(events.root, stream.freed)
    return stream.finish()


class _Source(io.BytesIO):
    """The document's bytes, read by the parser a chunk at a time: before each
    chunk the stream sweeps the children of `<rss>` read so far, which give no
    event when they are not items or channels."""

    def __init__(self, raw: bytes, stream: _Stream) -> None:
        super().__init__(raw)
        self._stream = stream

    def read(self, size: int | None = -1, /) -> bytes:
        self._stream.sweep()
        return super().read(size)


def _has_namespaced(element: etree._Element) -> bool:
    return any(isinstance(tag := node.tag, str) and tag.startswith("{") for node in element.iter())


_FEED_ROOTS = frozenset({"rss", f"{{{ATOM_NS}}}feed"})
_CHUNK = 64 * 1024


def _root_tag(raw: bytes, encoding: str) -> str | None:
    """The root element's tag, read from the start of the document; None when the
    start does not parse (the walk then names the fault) or has no element."""
    parser = etree.XMLPullParser(events=("start",), encoding=encoding or None, **SAFE_OPTIONS)
    try:
        for start in range(0, len(raw), _CHUNK):
            parser.feed(raw[start : start + _CHUNK])
            for _, element in parser.read_events():
                if isinstance(element, etree._Element):
                    return str(element.tag)
    except etree.XMLSyntaxError:
        return None
    return None


def _walk_other(raw: bytes, encoding: str) -> list[Finding]:
    """A document that is no feed (a sitemap, say): its finding needs only the root
    (and the DTD), so every other element is freed once parsed."""
    events = etree.iterparse(
        io.BytesIO(raw), events=("end",), encoding=encoding or None, **SAFE_OPTIONS
    )
    try:
        for _, element in events:
            parent = element.getparent()
            if parent is None:
                continue
            element.clear()
            while element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        return [syntax_finding(exc, events.error_log, raw)]
    return walk_tree(events.root)
