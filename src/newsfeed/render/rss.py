"""RSS 2.0, serialised by feedgen from the shared model."""

from __future__ import annotations

from collections.abc import Sequence

from feedgen.feed import FeedGenerator
from lxml import etree

from newsfeed.model import FeedSettings
from newsfeed.render.feedgen_model import serialize, set_links

MEDIA_TYPE = "application/rss+xml"


def render_rss(
    fg: FeedGenerator,
    settings: FeedSettings,
    self_url: str,
    related: Sequence[tuple[str, str]] = (),
) -> bytes:
    return serialize(rss_tree(fg, settings, self_url, related))


def rss_tree(
    fg: FeedGenerator,
    settings: FeedSettings,
    self_url: str,
    related: Sequence[tuple[str, str]] = (),
) -> etree._Element:
    """The `<rss>` element feedgen builds, corrections applied, before serialisation.

    `rss_str` is exactly this tree passed to `serialize`; keeping the tree lets
    the validator check it without parsing the bytes again.
    """
    set_links(fg, settings, self_url, MEDIA_TYPE, related)
    root: etree._Element = fg._create_rss()[0]
    return root
