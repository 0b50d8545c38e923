"""The one place that corrects feedgen 1.0 (see feed-mapping.md, "Known feedgen 1.0 pitfalls").

feedgen stays the model and the serializer; these extensions, run by
feedgen itself as each document is built, fix the lxml tree before it is
serialised and add the elements feedgen has no model for:

- Atom entry links lose `rel`, `type` and `length` (feedgen #135, #143): they
  are rebuilt from the article, so an image is an `enclosure`, not a second
  `alternate`.
- Atom entry ids follow the RSS guid: an id that is not an IRI is replaced by
  its tag URI. Atom titles get `type="text"` written out.
- Publication dates (`pubDate`, `published`) are written here, where feedgen
  would put them: its RSS date switches the process-wide locale per date.
- RSS `<description>` is HTML: the plain summary (and the channel's
  description) goes in escaped, so that readers show its text
  (`a < b & c`), never markup. An item without a
  summary has no description, and its content stays in `content:encoded`
  (feedgen moves it into `<description>`). The RSS title is plain text with
  any `<` a browser would read as a tag escaped.
- The Atom feed's `alternate` link comes first: feedgen writes links in the
  order given, and the site must be the last one given for RSS's `<link>`;
  readers that take a feed's first link would show the feed file as the site.
- RSS items carry `<author>email (name)</author>`, which makes feedgen-based
  readers list authors twice: it is removed for one joined `dc:creator`.
- Media RSS is written without `media:group`, with `media:title` and
  `media:credit`, which feedgen's media extension cannot express.
- The RSS generator names the version; the RSS channel carries the hub and
  RFC 5005 archive links and the feed's authors, which feedgen drops. An
  archive document is marked `fh:archive` in both formats.
- An Atom feed without a description has no `subtitle`: feedgen copies the
  RSS description, which defaults to the title, into it.
- Feedly's `webfeeds` elements (icon, logo, accent colour, cover, related),
  which feedgen has no model for, go in the RSS channel when configured.
- feedgen writes Atom's namespace as an attribute named "xmlns", so the tree
  it builds is in no namespace until its bytes are parsed again. The Atom
  tree is put in the Atom namespace (`AtomNamespace`, `AtomEntryNamespace`),
  so that the tree feedgen built is the one validated, RELAX NG included,
  without a parse of what it wrote. The bytes are the same.
"""

from __future__ import annotations

from html import escape
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

from newsfeed.dates import format_rfc822, format_rfc3339
from newsfeed.model import Article, Author, FeedSettings, Image, WebFeeds
from newsfeed.rules import ATOM_NS, CONTENT_NS, DC_NS, HISTORY_NS, MEDIA_NS, WEBFEEDS_NS, XML_LANG
from newsfeed.text import html_safe_text
from newsfeed.version import __version__

ATOM = f"{{{ATOM_NS}}}"
#: The Atom elements feedgen writes with Atom elements inside.
_ATOM_PARENTS = frozenset({"author", "contributor", "source"})
#: Under these names feedgen knows the extensions (`fg.newsfeed`, `entry.newsfeed`).
EXTENSION_NAME = "newsfeed"
ATOM_EXTENSION_NAME = "newsfeed_atom"


def joined_names(authors: tuple[Author, ...]) -> str:
    """All names in one string: with one `dc:creator` per author, readers show only one."""
    return ", ".join(author.name for author in authors)


class FeedCorrections(BaseExtension):  # type: ignore[misc]
    """Channel- and feed-level corrections, set up by the feedgen model.

    `rss_links` are the (rel, href) links besides self that the RSS channel
    needs as `atom:link`; `archived` marks an RFC 5005 archive document.
    """

    settings: FeedSettings
    rss_links: list[tuple[str, str]]
    archived: bool = False

    def extend_ns(self) -> dict[str, str]:
        # Declared once on the root instead of on every item.
        namespaces = {"dc": DC_NS, "media": MEDIA_NS}
        if self.archived:
            namespaces["fh"] = HISTORY_NS
        return namespaces

    def extend_rss(self, rss: etree._Element) -> etree._Element:
        channel = rss.find("channel")
        assert channel is not None  # feedgen always writes it
        generator = channel.find("generator")
        if generator is not None:
            generator.text = f"newsfeed {__version__}"
        # The channel's description is HTML, as an item's is: the plain
        # setting (or the title standing in for it) goes in escaped.
        description = channel.find("description")
        if description is not None and description.text:
            description.text = escape(description.text, quote=False)
        self_link = channel.find(f"{{{ATOM_NS}}}link")
        position = channel.index(self_link) + 1 if self_link is not None else len(channel)
        for offset, (rel, href) in enumerate(self.rss_links):
            link = etree.Element(f"{{{ATOM_NS}}}link", href=href, rel=rel)
            if rel != "hub":
                link.set("type", "application/rss+xml")
            channel.insert(position + offset, link)
        if self.archived:
            etree.SubElement(channel, f"{{{HISTORY_NS}}}archive")
        without_email = tuple(a for a in self.settings.authors if not a.email)
        if without_email:
            etree.SubElement(channel, f"{{{DC_NS}}}creator").text = joined_names(without_email)
        if self.settings.webfeeds is not None:
            _webfeeds(rss, channel, self.settings.webfeeds)
        return rss

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        # feedgen has one setting for RSS description and Atom subtitle; RSS
        # needs a description (it defaults to the title), Atom does not.
        if not self.settings.description:
            subtitle = feed.find("subtitle")
            if subtitle is not None:
                feed.remove(subtitle)
        if self.archived:
            etree.SubElement(feed, f"{{{HISTORY_NS}}}archive")
        links = feed.findall("link")
        alternate = next((link for link in links if link.get("rel") == "alternate"), None)
        if alternate is not None and alternate is not links[0]:
            links[0].addprevious(alternate)
        return feed


class AtomNamespace(BaseExtension):  # type: ignore[misc]
    """Puts the Atom document feedgen builds in the Atom namespace; registered
    after the corrections (which run first and use feedgen's names) and with
    `rss=False`, since feedgen asks every extension's `extend_ns` for both formats."""

    def extend_ns(self) -> dict[str | None, str]:
        return {None: ATOM_NS}

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        # The declaration above is what feedgen's "xmlns" attribute stood for.
        del feed.attrib["xmlns"]
        _into_atom_namespace(feed)
        return feed


class AtomEntryNamespace(BaseEntryExtension):  # type: ignore[misc]
    def extend_atom(self, entry: etree._Element) -> etree._Element:
        # Declared on the entry until feedgen appends it to the feed, where
        # lxml folds the declaration into the feed's.
        _into_atom_namespace(entry)
        return entry


def _into_atom_namespace(element: etree._Element) -> None:
    """`element`, its children and those of its people and source, in Atom's namespace.

    Only the elements feedgen writes are moved: an extension's elements have
    their own namespace, and content feedgen parsed (XML types) keeps its own.
    """
    element.tag = ATOM + element.tag
    for child in element.iterchildren(etree.Element):
        tag = child.tag
        if tag[0] != "{":
            child.tag = ATOM + tag
            if tag in _ATOM_PARENTS:
                for grandchild in child.iterchildren(etree.Element):
                    if grandchild.tag[0] != "{":
                        grandchild.tag = ATOM + grandchild.tag


class EntryCorrections(BaseEntryExtension):  # type: ignore[misc]
    """Item- and entry-level corrections; `article` is set by the feedgen model."""

    article: Article

    def extend_rss(self, item: etree._Element) -> etree._Element:
        article = self.article
        # Where feedgen puts pubDate (after the enclosure), but without its
        # formatRFC2822, which switches the process-wide locale three times
        # per date (slow, and unsafe beside other threads).
        etree.SubElement(item, "pubDate").text = format_rfc822(article.published)
        title = item.find("title")
        assert title is not None  # every article has one
        title.text = html_safe_text(article.title)
        description = item.find("description")
        assert description is not None  # the summary, else (feedgen's) the content
        if article.summary is None:
            description.tag = f"{{{CONTENT_NS}}}encoded"
        else:
            description.text = escape(article.summary, quote=False)
        for author in item.findall("author"):
            item.remove(author)
        if article.authors:
            etree.SubElement(item, f"{{{DC_NS}}}creator").text = joined_names(article.authors)
        if article.image is not None:
            _media_content(item, article.image)
            _media_thumbnail(item, article.image)
        return item

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        article = self.article
        # Where feedgen puts it, after the categories (see `extend_rss`).
        etree.SubElement(entry, "published").text = format_rfc3339(article.published)
        # feedgen writes the id and title first (and refuses an entry without them).
        entry_id, title = entry[0], entry[1]
        assert entry_id.tag == "id" and title.tag == "title"
        entry_id.text = article.atom_id
        title.set("type", "text")
        for link in entry.findall("link"):
            entry.remove(link)
        if article.url is not None:
            etree.SubElement(entry, "link", rel="alternate", type="text/html", href=article.url)
        if article.image is not None:
            enclosure = etree.SubElement(
                entry, "link", rel="enclosure", type=article.image.type, href=article.image.url
            )
            if article.image.length is not None:
                enclosure.set("length", str(article.image.length))
            _media_thumbnail(entry, article.image)
        if article.language is not None:
            entry.set(XML_LANG, article.language)
        return entry


def _webfeeds(rss: etree._Element, channel: etree._Element, webfeeds: WebFeeds) -> None:
    """Feedly's elements, before the first item, their namespace declared on `<rss>`.

    Declared here rather than in `extend_ns`, which feedgen applies to Atom too.
    """
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
    first_item = channel.find("item")
    position = channel.index(first_item) if first_item is not None else len(channel)
    for offset, element in enumerate(elements):
        channel.insert(position + offset, element)
    etree.cleanup_namespaces(
        rss, top_nsmap={"webfeeds": WEBFEEDS_NS}, keep_ns_prefixes=[p for p in rss.nsmap if p]
    )


def _media_content(parent: etree._Element, image: Image) -> None:
    attributes: dict[str, Any] = {"url": image.url, "medium": "image", "type": image.type}
    if image.length is not None:
        attributes["fileSize"] = str(image.length)
    attributes.update(_size(image))
    content = etree.SubElement(parent, f"{{{MEDIA_NS}}}content", attributes)
    if image.caption:
        etree.SubElement(content, f"{{{MEDIA_NS}}}title", type="plain").text = image.caption
    if image.credit:
        etree.SubElement(content, f"{{{MEDIA_NS}}}credit").text = image.credit


def _media_thumbnail(parent: etree._Element, image: Image) -> None:
    etree.SubElement(parent, f"{{{MEDIA_NS}}}thumbnail", {"url": image.url, **_size(image)})


def _size(image: Image) -> dict[str, str]:
    if image.width is None or image.height is None:
        return {}
    return {"width": str(image.width), "height": str(image.height)}
