"""Atom 1.0, serialised by feedgen from the shared model."""

from __future__ import annotations

from collections.abc import Sequence

from feedgen.feed import FeedGenerator
from lxml import etree

from newsfeed.model import FeedSettings
from newsfeed.render.feedgen_model import serialize, set_links

MEDIA_TYPE = "application/atom+xml"


def render_atom(
    fg: FeedGenerator,
    settings: FeedSettings,
    self_url: str,
    feed_id: str,
    related: Sequence[tuple[str, str]] = (),
) -> bytes:
    return serialize(atom_tree(fg, settings, self_url, feed_id, related))


def atom_tree(
    fg: FeedGenerator,
    settings: FeedSettings,
    self_url: str,
    feed_id: str,
    related: Sequence[tuple[str, str]] = (),
) -> etree._Element:
    """The `<feed>` element feedgen builds, corrections applied (see `rss.rss_tree`)."""
    set_links(fg, settings, self_url, MEDIA_TYPE, related)
    fg.id(feed_id)
    root: etree._Element = fg._create_atom()[0]
    return root
