"""What the RSS and Atom renderers share (internal): a model with our
extension registered and what both formats are given alike, the tree of the
document feedgen serialises, and Media RSS images."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

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


def new_model(
    settings: FeedSettings,
    articles: Sequence[Article],
    contents: Sequence[str],
    extensions: tuple[type[FeedExtension], type[BaseEntryExtension]],
    add_entry: Callable[[FeedEntry, Article, str], None],
    archived: bool,
) -> FeedGenerator:
    """A model with our `extensions` (feed, entry) registered, what RSS and Atom
    are given alike, and an entry per article, each filled in by `add_entry`
    (with the article's HTML, from `contents`)."""
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
    for article, content in zip(articles, contents, strict=True):
        entry = fg.add_entry(order="append")
        entry.newsfeed.article = article
        add_entry(entry, article, content)
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
