"""Atom 1.0, serialised by feedgen from the shared model."""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from lxml import etree

MEDIA_TYPE = "application/atom+xml"


def atom_tree(fg: FeedGenerator) -> etree._Element:
    """The `<feed>` element feedgen builds, corrections applied (see `rss.rss_tree`);
    the document's links and id must be set first."""
    root: etree._Element = fg._create_atom()[0]
    return root
