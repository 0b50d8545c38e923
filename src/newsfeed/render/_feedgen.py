"""What the RSS and Atom renderers share (internal): a model with our
extension registered and what both formats are given alike, the entries
feedgen built for one document kept for the next (`BuiltEntries`), the tree of
the document feedgen serialises, and Media RSS images."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from copy import deepcopy
from dataclasses import dataclass

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from newsfeed.feed import build_time
from newsfeed.model import Article, FeedSettings, Image
from newsfeed.rules import DC_NS, HISTORY_NS, MEDIA_NS

#: Under this name feedgen knows our extension (`fg.newsfeed`, `entry.newsfeed`).
EXTENSION_NAME = "newsfeed"


class Capture(threading.local):
    """Where a feed extension hands `built` the root feedgen is building.

    Per thread, so that threads serialising one model at once each get the
    tree of their own document; a list only while `built` waits for one, so
    that a model serialised by its user's own `rss_str` keeps no tree alive.
    """

    roots: list[etree._Element] | None = None

    def offer(self, root: etree._Element) -> None:
        if self.roots is not None:
            self.roots.append(root)


class FeedExtension(BaseExtension):  # type: ignore[misc]
    """Our extension of a feed in either format: `archived` marks an RFC 5005
    archive document; `capture` hands `built` the root."""

    archived: bool = False

    def __init__(self) -> None:
        self.capture = Capture()

    def extend_ns(self) -> dict[str, str]:
        # Declared once on the root instead of on every entry (Dublin Core too
        # in Atom, which uses none of it, as it always was).
        namespaces = {"dc": DC_NS, "media": MEDIA_NS}
        if self.archived:
            namespaces["fh"] = HISTORY_NS
        return namespaces


class BuiltEntries:
    """The items and entries feedgen built (with our extension), by format and by
    the digest of the values each was built from, so that the next document of
    that format holding the same article takes the tree (or a copy of it) rather
    than having feedgen build it again; at most `size`, the least recently used
    forgotten first.

    An entry is built from its article's values alone, whatever the feed (the
    same premise as validation's memo of clean entries), and a tree built alone
    is what feedgen appends to the document: the tree, or a copy of it, gives
    the same bytes.

    Where a format's documents leave their entries as built, the tree itself is
    kept and taken, one document after another (see `new_model`'s `lent`).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._trees: OrderedDict[tuple[str, bytes], etree._Element] = OrderedDict()

    def tree(self, format: str, digest: bytes) -> etree._Element | None:
        tree = self._trees.get((format, digest))
        if tree is not None:
            self._trees.move_to_end((format, digest))
        return tree

    def keep(self, format: str, digest: bytes, tree: etree._Element) -> None:
        self._trees[(format, digest)] = tree
        self._trees.move_to_end((format, digest))
        if len(self._trees) > self.size:
            self._trees.popitem(last=False)


@dataclass(frozen=True, slots=True)
class Reuse:
    """Where a document's entries are taken from or kept: `built`, under the digest
    of each of its articles' values (`digests`, in the articles' order)."""

    built: BuiltEntries
    digests: Sequence[bytes]


class _Kept(FeedEntry):  # type: ignore[misc]
    """An entry feedgen builds as always, whose tree (`lent`) or a copy of it `built`
    keeps."""

    def __init__(self, built: BuiltEntries, format: str, digest: bytes, lent: bool) -> None:
        super().__init__()
        self._where = built, format, digest
        self._lent = lent

    def rss_entry(self, extensions: bool = True) -> etree._Element:
        return self._kept(super().rss_entry(extensions))

    def atom_entry(self, extensions: bool = True) -> etree._Element:
        return self._kept(super().atom_entry(extensions))

    def _kept(self, tree: etree._Element) -> etree._Element:
        built, format, digest = self._where
        built.keep(format, digest, tree if self._lent else deepcopy(tree))
        return tree


class _Copied(FeedEntry):  # type: ignore[misc]
    """An entry whose tree feedgen built for another document: that tree (`lent`)
    or a copy of it stands for it."""

    def __init__(self, tree: etree._Element, lent: bool) -> None:
        super().__init__()
        self._tree = tree
        self._lent = lent

    def rss_entry(self, extensions: bool = True) -> etree._Element:
        return self._tree if self._lent else deepcopy(self._tree)

    def atom_entry(self, extensions: bool = True) -> etree._Element:
        return self._tree if self._lent else deepcopy(self._tree)


def new_model(
    settings: FeedSettings,
    articles: Sequence[Article],
    contents: Sequence[str],
    extensions: tuple[type[FeedExtension], type[BaseEntryExtension]],
    add_entry: Callable[[FeedEntry, Article, str], None],
    archived: bool,
    reuse: tuple[str, Reuse] | None = None,
    lent: bool = False,
) -> FeedGenerator:
    """A model with our `extensions` (feed, entry) registered, what RSS and Atom
    are given alike, and an entry per article, each filled in by `add_entry`
    (with the article's HTML, from `contents`); with `reuse` (the format's and
    where), an entry built before is that one instead, or a copy of it.

    `lent`: the format's document leaves its entries as feedgen built them, so
    the tree itself is kept and taken, not a copy: serialising the next
    document moves it out of the last one, which is done with it by then
    (serialised and checked), since the documents that take from one
    `BuiltEntries` are made one at a time.
    """
    fg = FeedGenerator()
    fg.register_extension(EXTENSION_NAME, *extensions)
    fg.newsfeed.archived = archived
    fg.title(settings.title)
    if settings.language:
        fg.language(settings.language)
    if settings.rights:
        fg.rights(settings.rights)
    # feedgen stamps documents with "now"; the newest entry makes them reproducible.
    fg.updated(build_time(articles))
    if len(contents) != len(articles):
        raise ValueError("one content an article")
    for number, article in enumerate(articles):
        if reuse is None:
            entry = fg.add_entry(order="append")
        else:
            format, where = reuse
            digest = where.digests[number]
            # The tree is taken now: keeping this document's new entries may forget it.
            tree = where.built.tree(format, digest)
            if tree is not None:
                fg.add_entry(_Copied(tree, lent), order="append")
                continue
            entry = fg.add_entry(_Kept(where.built, format, digest, lent), order="append")
        entry.newsfeed.article = article
        add_entry(entry, article, contents[number])
    return fg


def built(serialise: Callable[..., bytes], capture: Capture) -> tuple[etree._Element, bytes]:
    """The root of the document feedgen's `serialise` (`rss_str` or `atom_str`) built,
    and its bytes, with the arguments that make our files (pretty, UTF-8, declared).

    Keeping the tree lets the validator check it without parsing the bytes again;
    `capture` is the one whose extension sees the root.
    """
    capture.roots = []
    try:
        data = serialise(pretty=True, encoding="UTF-8", xml_declaration=True)
        [root] = capture.roots
    finally:
        capture.roots = None
    return root, data


def media_thumbnail(parent: etree._Element, image: Image) -> None:
    etree.SubElement(parent, f"{{{MEDIA_NS}}}thumbnail", {"url": image.url, **image_size(image)})


def image_size(image: Image) -> dict[str, str]:
    if image.width is None or image.height is None:
        return {}
    return {"width": str(image.width), "height": str(image.height)}
