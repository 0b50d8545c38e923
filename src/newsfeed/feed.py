"""The feed model: one feed's settings and its entries, in order (stage 4).

Entries are ordered newest `published` first, ties broken by id, so the
order never depends on the input; only the `limit` newest are kept. The
renderers take what a `FeedModel` holds; `newsfeed.documents.Feed` renders,
validates and writes its documents. Here too: the formats, their file names
and media types.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from operator import attrgetter
from typing import Literal

from newsfeed.model import ArchiveLinks, Article, FeedSettings

Format = Literal["rss", "atom", "json"]
FORMATS: tuple[Format, ...] = ("rss", "atom", "json")
FILE_NAMES: dict[Format, str] = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
MEDIA_TYPES: dict[Format, str] = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}
#: The media type of the pages `alternate` links point to: the site and its articles.
HTML_MEDIA_TYPE = "text/html"


class FeedModel:
    """Articles under one feed's settings, newest first, and the URLs of its documents.

    `archive` holds the RFC 5005 links of an archive page or of the feed
    that has archives.
    """

    def __init__(
        self,
        settings: FeedSettings,
        articles: Iterable[Article],
        archive: ArchiveLinks | None = None,
    ) -> None:
        self.settings = settings
        self.archive = archive
        self.articles: tuple[Article, ...] = tuple(newest_first(articles)[: settings.limit])

    def url(self, format: Format) -> str:
        """Where the file of `format` is served: the base URL plus its file name."""
        return file_url(self.settings.base_url or self.settings.link, format)

    def related_links(self, format: Format) -> list[tuple[str, str]]:
        """The RFC 5005 (rel, href) links of this feed's document of `format`."""
        if self.archive is None:
            return []
        folders = [
            ("current", self.archive.current),
            ("prev-archive", self.archive.prev_archive),
            ("next-archive", self.archive.next_archive),
        ]
        return [(rel, file_url(folder, format)) for rel, folder in folders if folder]

    @property
    def id(self) -> str:
        """The Atom feed id: the `id` setting, else the Atom file's URL."""
        return self.settings.id or self.url("atom")

    @property
    def archived(self) -> bool:
        """Whether this is an RFC 5005 archive document (`fh:archive`)."""
        return self.archive is not None and self.archive.is_archive


def newest_first(articles: Iterable[Article]) -> list[Article]:
    """The order of a feed's entries: newest `published` first, ties broken by id."""
    ordered = sorted(articles, key=attrgetter("id"))
    ordered.sort(key=attrgetter("published"), reverse=True)
    return ordered


def file_url(folder_url: str, format: Format) -> str:
    return folder_url.rstrip("/") + "/" + FILE_NAMES[format]


#: The build time of a feed with no entries: a fixed instant, so that an empty
#: selection is the same file on every run (and never "now").
EMPTY_FEED_TIME = datetime(1970, 1, 1, tzinfo=timezone.utc)


def newest_update(articles: Sequence[Article]) -> datetime | None:
    """The newest entry's `updated`: a feed's build time, and HTTP's Last-Modified."""
    return max((a.updated for a in articles), default=None)


def build_time(articles: Sequence[Article]) -> datetime:
    """Atom's `<updated>` and RSS's `lastBuildDate`: the newest entry's `updated`,
    or `EMPTY_FEED_TIME` for a feed with no entries."""
    newest = newest_update(articles)
    return EMPTY_FEED_TIME if newest is None else newest
