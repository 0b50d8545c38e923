"""RSS 2.0 from feedgen's model; what feedgen drops or writes wrong in a channel
or an item, `RssExtension` and `RssEntryExtension` add as it builds the tree."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from newsfeed.dates import format_rfc822
from newsfeed.feed import MEDIA_TYPES
from newsfeed.model import Article, Author, FeedSettings, Image, WebFeeds
from newsfeed.render._feedgen import (
    FeedExtension,
    Reuse,
    built,
    image_size,
    media_thumbnail,
    new_model,
)
from newsfeed.rules import (
    ATOM_NS,
    CONTENT_NS,
    DC_NS,
    HISTORY_NS,
    MEDIA_NS,
    WEBFEEDS_NS,
    is_unique_enough_guid,
)
from newsfeed.text import html_safe_text
from newsfeed.version import __version__

MEDIA_TYPE = MEDIA_TYPES["rss"]


def rss_model(
    settings: FeedSettings,
    articles: Sequence[Article],
    contents: Sequence[str],
    self_url: str,
    related: Sequence[tuple[str, str]] = (),
    archived: bool = False,
    reuse: Reuse | None = None,
) -> FeedGenerator:
    """The feedgen model of an RSS document served at `self_url`; `contents` is each
    article's HTML, `related` the (rel, href) links such as RFC 5005's, `archived`
    marks an archive document; `reuse` says where its items built before are."""
    extensions = (RssExtension, RssEntryExtension)
    reused = None if reuse is None else ("rss", reuse)
    # Nothing changes the tree of an RSS document once built: its items are lent.
    fg = new_model(
        settings, articles, contents, extensions, _add_item, archived, reused, lent=True
    )
    fg.newsfeed.settings = settings
    links = [(rel, href) for rel, href in related]
    if settings.websub_hub:
        links.insert(0, ("hub", settings.websub_hub))
    # feedgen writes only the self link into the channel; the extension adds these.
    fg.newsfeed.links = links
    # The channel's description is HTML, as an item's is: the plain setting (or
    # the title standing in for it, since RSS requires one) goes in escaped.
    fg.description(escape(settings.description or settings.title, quote=False))
    fg.generator(f"newsfeed {__version__}")
    # The channel's <link> is the last link given: the site, after the self link.
    fg.link(
        [
            {"href": self_url, "rel": "self", "type": MEDIA_TYPE},
            {"href": settings.link, "rel": "alternate"},
        ]
    )
    if settings.ttl is not None:
        fg.ttl(settings.ttl)
    if settings.image:
        fg.image(url=settings.image, title=settings.title, link=settings.link)
    with_email = next((a for a in settings.authors if a.email), None)
    if with_email is not None:
        fg.managingEditor(f"{with_email.email} ({with_email.name})")
    return fg


def rss_document(fg: FeedGenerator) -> tuple[etree._Element, bytes]:
    """The `<rss>` tree feedgen builds from `fg` (`rss_model`'s or one like it) and
    its bytes, exactly `fg.rss_str(pretty=True)`."""
    return built(fg.rss_str, fg.newsfeed.capture)


def _add_item(entry: FeedEntry, article: Article, content: str) -> None:
    entry.newsfeed.content = content
    # A short counter id ("123") would be taken for another feed's item: RSS
    # gets its Atom id, a tag URI, instead.
    guid = article.id if is_unique_enough_guid(article.id) else article.atom_id
    entry.guid(guid, permalink=article.id_is_url)
    entry.title(html_safe_text(article.title))
    # One call for both, not one each: feedgen checks every call's dicts anew.
    links = []
    if article.url is not None:
        links.append({"href": article.url, "rel": "alternate"})
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
    if article.summary is not None:
        # HTML, so that readers show the plain text (`a < b & c`), never markup.
        entry.description(escape(article.summary, quote=False))
    if article.categories:
        entry.category([{"term": category} for category in article.categories])


def joined_names(authors: tuple[Author, ...]) -> str:
    """All names in one string: with one `dc:creator` per author, readers show only one."""
    return ", ".join(author.name for author in authors)


class RssExtension(FeedExtension):
    """The channel's elements feedgen drops or cannot write, set up by `rss_model`."""

    settings: FeedSettings
    links: list[tuple[str, str]]

    def extend_rss(self, rss: etree._Element) -> etree._Element:
        self.capture.offer(rss)
        channel = rss[0]
        self_link = channel.find(f"{{{ATOM_NS}}}link")
        position = channel.index(self_link) + 1 if self_link is not None else len(channel)
        for offset, (rel, href) in enumerate(self.links):
            link = etree.Element(f"{{{ATOM_NS}}}link", href=href, rel=rel)
            if rel != "hub":
                link.set("type", MEDIA_TYPE)
            channel.insert(position + offset, link)
        if self.archived:
            etree.SubElement(channel, f"{{{HISTORY_NS}}}archive")
        without_email = tuple(a for a in self.settings.authors if not a.email)
        if without_email:
            etree.SubElement(channel, f"{{{DC_NS}}}creator").text = joined_names(without_email)
        if self.settings.webfeeds is not None:
            _webfeeds(rss, channel, self.settings.webfeeds)
        return rss


class RssEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """The item's elements feedgen gets wrong; `article` and `content` are set by `rss_model`."""

    article: Article
    content: str

    def extend_rss(self, item: etree._Element) -> etree._Element:
        article = self.article
        # After the title, the link and the description, where feedgen puts it
        # when there is a description (and, when there is none, it would make
        # the content the description).
        position = 1 + (article.url is not None) + (article.summary is not None)
        encoded = etree.Element(f"{{{CONTENT_NS}}}encoded")
        encoded.text = self.content
        item.insert(position, encoded)
        # Where feedgen puts pubDate (after the enclosure), but without its
        # formatRFC2822, which switches the process-wide locale three times
        # per date (slow, and unsafe beside other threads).
        etree.SubElement(item, "pubDate").text = format_rfc822(article.published)
        # feedgen writes `<author>` only for authors with an email, as
        # `email (name)`, which makes feedgen-based readers list authors twice.
        if article.authors:
            etree.SubElement(item, f"{{{DC_NS}}}creator").text = joined_names(article.authors)
        if article.image is not None:
            _media_content(item, article.image)
            media_thumbnail(item, article.image)
        return item


def _webfeeds(rss: etree._Element, channel: etree._Element, webfeeds: WebFeeds) -> None:
    """Feedly's elements, at the end of the channel (feedgen appends the items
    after its extensions ran), their namespace declared on `<rss>` after
    feedgen's own (`extend_ns` would put it before them)."""
    elements: list[etree._Element] = []

    def add(name: str, text: str | None = None, **attributes: str) -> None:
        element = etree.Element(f"{{{WEBFEEDS_NS}}}{name}", attributes)
        element.text = text
        elements.append(element)

    if webfeeds.icon:
        add("icon", webfeeds.icon)
    if webfeeds.logo:
        add("logo", webfeeds.logo)
    if webfeeds.accent_color:
        add("accentColor", webfeeds.accent_color)
    if webfeeds.cover:
        add("cover", image=webfeeds.cover)
    if webfeeds.related:
        add("related", layout="card", target="browser")
    if not elements:
        return
    channel.extend(elements)
    etree.cleanup_namespaces(
        rss, top_nsmap={"webfeeds": WEBFEEDS_NS}, keep_ns_prefixes=[p for p in rss.nsmap if p]
    )


def _media_content(parent: etree._Element, image: Image) -> None:
    attributes: dict[str, Any] = {"url": image.url, "medium": "image", "type": image.type}
    if image.length is not None:
        attributes["fileSize"] = str(image.length)
    attributes.update(image_size(image))
    content = etree.SubElement(parent, f"{{{MEDIA_NS}}}content", attributes)
    if image.caption:
        etree.SubElement(content, f"{{{MEDIA_NS}}}title", type="plain").text = image.caption
    if image.credit:
        etree.SubElement(content, f"{{{MEDIA_NS}}}credit").text = image.credit
