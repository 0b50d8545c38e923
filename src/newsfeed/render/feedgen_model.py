"""Articles and settings mapped onto one feedgen model, shared by RSS and Atom.

One method per group of elements, in the manner of Django's feedgenerator.
What feedgen gets wrong is corrected in `corrections`, not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from newsfeed.model import Article, FeedSettings
from newsfeed.render.corrections import (
    ATOM_EXTENSION_NAME,
    EXTENSION_NAME,
    AtomEntryNamespace,
    AtomNamespace,
    EntryCorrections,
    FeedCorrections,
)
from newsfeed.rules import is_unique_enough_guid
from newsfeed.version import __version__


def build_feedgen(
    settings: FeedSettings,
    articles: Sequence[Article],
    contents: Sequence[str],
    archived: bool = False,
) -> FeedGenerator:
    """The feedgen model of a feed; `contents` is the HTML content of each article,
    `archived` marks an RFC 5005 archive document."""
    fg = FeedGenerator()
    fg.register_extension(EXTENSION_NAME, FeedCorrections, EntryCorrections)
    fg.register_extension(ATOM_EXTENSION_NAME, AtomNamespace, AtomEntryNamespace, rss=False)
    fg.newsfeed.settings = settings
    fg.newsfeed.archived = archived
    _add_channel(fg, settings, articles)
    for article, content in zip(articles, contents, strict=True):
        entry = fg.add_entry(order="append")
        entry.newsfeed.article = article
        _add_entry(entry, article, content)
    return fg


def set_links(
    fg: FeedGenerator,
    settings: FeedSettings,
    self_url: str,
    media_type: str,
    related: Sequence[tuple[str, str]] = (),
) -> None:
    """The links of one document: self, hub, `related` (rel, href) pairs such as
    RFC 5005's, then the site. The site comes last, since feedgen's RSS channel
    `<link>` is the last link added."""
    links = [{"href": self_url, "rel": "self", "type": media_type}]
    if settings.websub_hub:
        links.append({"href": settings.websub_hub, "rel": "hub"})
    links.extend({"href": href, "rel": rel, "type": media_type} for rel, href in related)
    fg.link([*links, {"href": settings.link, "rel": "alternate", "type": "text/html"}], True)
    # feedgen writes only the self link into an RSS channel; the rest is added there.
    fg.newsfeed.rss_links = [(link["rel"], link["href"]) for link in links[1:]]


def serialize(root: etree._Element) -> bytes:
    """A tree feedgen built, as bytes: what feedgen's `rss_str`/`atom_str` do with it
    (`etree.tostring`, pretty, UTF-8, with the XML declaration)."""
    data: bytes = etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True)
    return data


#: The build time of a feed with no entries: a fixed instant, so that an empty
#: selection is the same file on every run (and never "now").
EMPTY_FEED_TIME = datetime(1970, 1, 1, tzinfo=timezone.utc)


def newest_update(articles: Sequence[Article]) -> datetime | None:
    return max((a.updated for a in articles), default=None)


def build_time(articles: Sequence[Article]) -> datetime:
    """Atom's `<updated>` and RSS's `lastBuildDate`: the newest entry's `updated`,
    or `EMPTY_FEED_TIME` for a feed with no entries."""
    newest = newest_update(articles)
    return EMPTY_FEED_TIME if newest is None else newest


def _add_channel(fg: FeedGenerator, settings: FeedSettings, articles: Sequence[Article]) -> None:
    fg.title(settings.title)
    fg.description(settings.description or settings.title)
    fg.generator("newsfeed", version=__version__)
    if settings.language:
        fg.language(settings.language)
    if settings.rights:
        fg.rights(settings.rights)
    if settings.ttl is not None:
        fg.ttl(settings.ttl)
    if settings.image:
        fg.image(url=settings.image, title=settings.title, link=settings.link)
    if settings.icon:
        fg.icon(settings.icon)
    _add_feed_authors(fg, settings, articles)
    # feedgen stamps documents with "now"; the newest entry makes them reproducible.
    fg.updated(build_time(articles))


def _add_feed_authors(
    fg: FeedGenerator, settings: FeedSettings, articles: Sequence[Article]
) -> None:
    for author in settings.authors:
        fg.author(_atom_person(author.name, author.email, author.url))
    with_email = next((a for a in settings.authors if a.email), None)
    if with_email is not None:
        fg.managingEditor(f"{with_email.email} ({with_email.name})")
    if not settings.authors and any(not a.authors for a in articles):
        # Atom needs an author on the feed or on every entry.
        fg.author(name=settings.title)


def _add_entry(entry: FeedEntry, article: Article, content: str) -> None:
    # A short counter id ("123") would be taken for another feed's item: RSS
    # gets its Atom id, a tag URI, instead.
    guid = article.id if is_unique_enough_guid(article.id) else article.atom_id
    entry.guid(guid, permalink=article.id_is_url)
    entry.title(article.title)
    # One call per list, not per item: feedgen checks every call's dicts anew.
    # The image is the enclosure (what `entry.enclosure` would add).
    links = []
    if article.url is not None:
        links.append({"href": article.url, "rel": "alternate", "type": "text/html"})
    if article.image is not None:
        image = article.image
        links.append(
            {
                "href": image.url,
                "rel": "enclosure",
                "type": image.type,
                "length": str(image.length or 0),
            }
        )
    if links:
        entry.link(links)
    if article.summary:
        entry.summary(article.summary, type="text")
    entry.content(content, type="html")
    if article.authors:
        entry.author([_atom_person(a.name, a.email, a.url) for a in article.authors])
    # The publication date is written by the corrections (`EntryCorrections`):
    # feedgen's RSS date switches the process-wide locale three times per date.
    entry.updated(article.updated)
    if article.categories:
        entry.category([{"term": category} for category in article.categories])


def _atom_person(name: str, email: str | None, url: str | None) -> dict[str, str]:
    person = {"name": name}
    if email:
        person["email"] = email
    if url:
        person["uri"] = url
    return person
