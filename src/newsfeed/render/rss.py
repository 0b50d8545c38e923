"""RSS 2.0, serialised by feedgen from the shared model."""

from __future__ import annotations

from collections.abc import Sequence

from feedgen.feed import FeedGenerator

from newsfeed.model import FeedSettings
from newsfeed.render.feedgen_model import set_links

MEDIA_TYPE = "application/rss+xml"


def render_rss(
    fg: FeedGenerator,
    settings: FeedSettings,
    self_url: str,
    related: Sequence[tuple[str, str]] = (),
) -> bytes:
    set_links(fg, settings, self_url, MEDIA_TYPE, related)
    data: bytes = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data
