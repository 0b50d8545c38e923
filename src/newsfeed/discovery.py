"""Feed autodiscovery: the `<link rel="alternate">` tags a site puts in its pages' `<head>`.

Browsers' reader extensions and feed readers given a page's address find the
feeds through these tags. Each feed gets one tag per format, titled so that a
reader offering the choice tells the formats apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from newsfeed.documents import Feed
from newsfeed.feed import FILE_NAMES, FORMATS, MEDIA_TYPES, Format, file_url
from newsfeed.model import FeedSettings

FORMAT_NAMES: dict[Format, str] = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}


def discovery_links(*feeds: Feed | FeedSettings, formats: Iterable[Format] = FORMATS) -> str:
    """One `<link rel="alternate">` per feed and format, a line each, HTML-escaped.

    A feed is a `Feed` or just its `FeedSettings` (a page template has no
    articles): its files are at `base_url` (or `link`) plus the file name.
    With several formats, each title says its format: `Noticias (Atom)`.

    >>> print(discovery_links(settings, formats=["rss"]))
    <link rel="alternate" type="application/rss+xml" title="Noticias" href="https://…/rss.xml">
    """
    wanted = set(formats)
    chosen = [f for f in FORMATS if f in wanted]
    unknown = wanted - set(FILE_NAMES)
    if unknown:
        raise ValueError(f"unknown format(s) {sorted(unknown)}; choose from rss, atom, json")
    tags = []
    for feed in feeds:
        settings = feed.settings if isinstance(feed, Feed) else feed
        for format in chosen:
            href = file_url(settings.base_url or settings.link, format)
            title = settings.title
            if len(chosen) > 1:
                title = f"{title} ({FORMAT_NAMES[format]})"
            tags.append(
                f'<link rel="alternate" type="{MEDIA_TYPES[format]}" '
                f'title="{escape(title, quote=True)}" href="{escape(href, quote=True)}">'
            )
    return "\n".join(tags)
