"""The size budget (internal): a feed file over its plan's `max_bytes` leaves out
its oldest entries."""

from __future__ import annotations

from newsfeed.documents import Document, Feed
from newsfeed.feed import Format

#: The smallest cap among common readers (CommaFeed refuses feeds over 5 MiB).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def fit(feed: Feed, format: Format, max_bytes: int) -> tuple[Document, int]:
    """The document of `format` within `max_bytes` (0: no budget), and how many
    of the oldest entries were left out to get there."""
    document = feed.render(format)
    if not max_bytes or len(document.data) <= max_bytes:
        return document, 0
    articles = feed.articles
    keep = len(articles)
    while keep > 0 and len(document.data) > max_bytes:
        # Entries are about the same size: aim below the budget, then step down.
        keep = min(keep - 1, int(keep * max_bytes / len(document.data) * 0.98))
        keep = max(keep, 0)
        smaller = Feed(feed.settings, articles[:keep], feed.archive, made_of=feed.made_of)
        document = smaller.render(format)
    return document, len(articles) - keep
