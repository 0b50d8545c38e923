"""What the RSS and Atom renderers share (internal): the name of our feedgen
extension, the tree of the document feedgen serialises, and Media RSS images."""

from __future__ import annotations

import threading
from collections.abc import Callable

from lxml import etree

from newsfeed.model import Image
from newsfeed.rules import MEDIA_NS

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
