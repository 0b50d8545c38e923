"""Atom 1.0 from feedgen's model, with `AtomExtension` and `AtomEntryExtension`
adding the elements it gets wrong (the package's table says which)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from newsfeed.dates import format_rfc3339
from newsfeed.feed import HTML_MEDIA_TYPE, MEDIA_TYPES
from newsfeed.model import Article, Author, FeedSettings
from newsfeed.render._feedgen import FeedExtension, Reuse, built, media_thumbnail, new_model
from newsfeed.rules import ATOM, ATOM_NS, HISTORY_NS, XML_LANG
from newsfeed.version import __version__

MEDIA_TYPE = MEDIA_TYPES["atom"]
#: The Atom elements feedgen writes with Atom elements inside.
_ATOM_PARENTS = frozenset({"author", "contributor", "source"})


def atom_model(
    settings: FeedSettings,
    articles: Sequence[Article],
    contents: Sequence[str],
    self_url: str,
    feed_id: str,
    related: Sequence[tuple[str, str]] = (),
    archived: bool = False,
    reuse: Reuse | None = None,
) -> FeedGenerator:
    """The feedgen model of an Atom document served at `self_url` (see `rss.rss_model`)."""
    extensions = (AtomExtension, AtomEntryExtension)
    reused = None if reuse is None else ("atom", reuse)
    # Not lent: `atom_document` moves its entries into the Atom namespace, and
    # moving them back costs more than a copy.
    fg = new_model(settings, articles, contents, extensions, _add_entry, archived, reused)
    fg.id(feed_id)
    # RSS needs a description (the title stands in for it); Atom's subtitle is optional.
    if settings.description:
        fg.subtitle(settings.description)
    fg.generator("newsfeed", version=__version__)
    # The site first: some readers take a feed's first link, whatever its rel.
    links = [
        {"href": settings.link, "rel": "alternate", "type": HTML_MEDIA_TYPE},
        {"href": self_url, "rel": "self", "type": MEDIA_TYPE},
    ]
    if settings.websub_hub:
        links.append({"href": settings.websub_hub, "rel": "hub"})
    links.extend({"href": href, "rel": rel, "type": MEDIA_TYPE} for rel, href in related)
    fg.link(links)
    if settings.image:
        fg.logo(settings.image)
    if settings.icon:
        fg.icon(settings.icon)
    for author in settings.authors:
        fg.author(_person(author))
    if not settings.authors and any(not a.authors for a in articles):
        # Atom needs an author on the feed or on every entry.
        fg.author(name=settings.title)
    return fg


def atom_document(fg: FeedGenerator) -> tuple[etree._Element, bytes]:
    """The `<feed>` tree feedgen builds from `fg` and its bytes, exactly
    `fg.atom_str(pretty=True)`; the tree is then read as its bytes are (`_as_parsed`)."""
    root, data = built(fg.atom_str, fg.newsfeed.capture)
    return _as_parsed(root), data


def _add_entry(entry: FeedEntry, article: Article, content: str) -> None:
    entry.id(article.atom_id)
    entry.title(article.title)
    entry.updated(article.updated)
    if article.summary is not None:
        entry.summary(article.summary, type="text")
    entry.content(content, type="html")
    if article.authors:
        entry.author([_person(a) for a in article.authors])
    if article.categories:
        entry.category([{"term": category} for category in article.categories])


def _person(author: Author) -> dict[str, str]:
    person = {"name": author.name}
    if author.email:
        person["email"] = author.email
    if author.url:
        person["uri"] = author.url
    return person


class AtomExtension(FeedExtension):
    """The feed's elements feedgen has no model for, set up by `atom_model`."""

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        self.capture.offer(feed)
        if self.archived:
            etree.SubElement(feed, f"{{{HISTORY_NS}}}archive")
        return feed


class AtomEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """The entry's elements feedgen gets wrong; `article` is set by `atom_model`."""

    article: Article

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        article = self.article
        # After the categories, where feedgen puts it, as RFC 3339 to the second
        # (feedgen writes `isoformat()`, with any microseconds).
        etree.SubElement(entry, "published").text = format_rfc3339(article.published)
        # Some readers take a title without a type as HTML and drop `<…>` text.
        entry[1].set("type", "text")
        # feedgen 1.0 writes an entry's links without rel, type and length
        # (feedgen #135, #143): an image would be a second `alternate`.
        if article.url is not None:
            etree.SubElement(
                entry, "link", rel="alternate", type=HTML_MEDIA_TYPE, href=article.url
            )
        if article.image is not None:
            image = article.image
            enclosure = etree.SubElement(
                entry, "link", rel="enclosure", type=image.type, href=image.url
            )
            if image.length is not None:
                enclosure.set("length", str(image.length))
            media_thumbnail(entry, image)
        if article.language is not None:
            entry.set(XML_LANG, article.language)
        return entry


def _as_parsed(feed: etree._Element) -> etree._Element:
    """The tree feedgen serialised, as parsing its bytes would give it: in the
    Atom namespace, which feedgen declares with an attribute named "xmlns", so
    that the tree it builds is in no namespace. Done after serialising: the
    bytes are feedgen's. Only the elements feedgen writes are moved: an
    extension's have their own namespace, and content feedgen parsed (XML
    types) keeps its own.
    """
    nsmap: dict[Any, str] = {None: ATOM_NS}  # None: the default namespace
    nsmap.update((prefix, uri) for prefix, uri in feed.nsmap.items() if prefix)
    attributes = {str(name): str(value) for name, value in feed.attrib.items()}
    del attributes["xmlns"]
    root = etree.Element(ATOM + feed.tag, attributes, nsmap=nsmap)
    root.extend(feed)
    for child in root.iterchildren(etree.Element):
        _into_atom_namespace(child)
    return root


def _into_atom_namespace(element: etree._Element) -> None:
    tag = element.tag
    if tag[0] == "{":
        return
    element.tag = ATOM + tag
    for child in element.iterchildren(etree.Element):
        name = child.tag
        if name[0] != "{":
            child.tag = ATOM + name
            if name in _ATOM_PARENTS:
                for grandchild in child.iterchildren(etree.Element):
                    if grandchild.tag[0] != "{":
                        grandchild.tag = ATOM + grandchild.tag
