"""RSS 2.0, serialised by feedgen from the shared model."""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from lxml import etree

MEDIA_TYPE = "application/rss+xml"


def rss_tree(fg: FeedGenerator) -> etree._Element:
    """The `<rss>` element feedgen builds, corrections applied, before serialisation.

    `rss_str` is exactly this tree passed to `serialize`; keeping the tree lets
    the validator check it without parsing the bytes again. The document's
    links must be set first (`feedgen_model.set_links`).
    """
    root: etree._Element = fg._create_rss()[0]
    return root
