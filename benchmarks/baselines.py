"""The peers newsfeed is measured against, each fed the same record dicts.

Each baseline is written the way a typical user of that library writes it
from records like `benchmarks.records` makes: dates read with the standard
library (`datetime.fromisoformat` for ISO 8601, `email.utils` for RFC 822),
the text body turned into escaped `<p>` paragraphs, and the document
serialised to UTF-8 bytes. None of them reads or checks its input the way
newsfeed does (no aliases, sanitising, identity or validation): they are the
floor of "just write the XML" with each library.

- `feedgen_rss_atom`: one feedgen `FeedGenerator`, `rss_str` and `atom_str`
  with `pretty=True` as feedgen's README shows; the reference of every ratio.
- `feedgen_rss`: the same, RSS only.
- `django_rss_atom`: `django.utils.feedgenerator.Rss201rev2Feed` and
  `Atom1Feed` (SAX-style writers), after `settings.configure()`.
- `pyrss2gen_rss`: PyRSS2Gen, RSS only (it has no Atom).
- `lxml_rss`: the same RSS tree built directly with lxml, then `tostring`.
- `lxml_incremental_rss`: lxml's incremental `xmlfile` writer, element by
  element, the memory floor (peak about the size of the output).
"""

from __future__ import annotations

import email.utils
import io
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from html import escape
from typing import Any

from lxml import etree

Record = dict[str, Any]
Baseline = Callable[[Sequence[Record]], list[bytes]]

TITLE = "Noticias de ejemplo"
LINK = "https://noticias.example.org/"
DESCRIPTION = "Las noticias del día, en español"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"


def _published(record: Record) -> datetime:
    return datetime.fromisoformat(record["published"])


def _updated(record: Record) -> datetime:
    return email.utils.parsedate_to_datetime(record["updated"])


def _body_html(record: Record) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in record["body"].split("\n\n"))


def _rfc822(dt: datetime) -> str:
    return email.utils.format_datetime(dt)


# -- feedgen ------------------------------------------------------------------


def _feedgen(records: Sequence[Record]) -> Any:
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id(LINK)
    fg.title(TITLE)
    fg.link(href=LINK, rel="alternate")
    fg.link(href=LINK + "rss.xml", rel="self")
    fg.description(DESCRIPTION)
    fg.language("es")
    for record in records:
        fe = fg.add_entry(order="append")
        fe.id(record["id"])
        fe.title(record["title"])
        fe.link(href=record["url"])
        fe.description(record["summary"])
        fe.content(_body_html(record), type="html")
        for author in record["authors"]:
            person = {"name": author["name"]}
            if "email" in author:
                person["email"] = author["email"]
            fe.author(person)
        fe.published(_published(record))
        fe.updated(_updated(record))
        for category in record["categories"]:
            fe.category(term=category)
        image = record["image"]
        fe.enclosure(image["url"], str(image["length"]), image["type"])
    if records:
        fg.updated(_published(records[0]))
    return fg


def feedgen_rss_atom(records: Sequence[Record]) -> list[bytes]:
    fg = _feedgen(records)
    return [fg.rss_str(pretty=True), fg.atom_str(pretty=True)]


def feedgen_rss(records: Sequence[Record]) -> list[bytes]:
    return [_feedgen(records).rss_str(pretty=True)]


# -- Django -------------------------------------------------------------------


def _django_ready() -> None:
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_TZ=True)


def _django(feed_class: Any, records: Sequence[Record]) -> bytes:
    from django.utils import feedgenerator

    feed = feed_class(
        title=TITLE, link=LINK, description=DESCRIPTION, language="es", feed_url=LINK + "rss.xml"
    )
    for record in records:
        image = record["image"]
        author = record["authors"][0]
        feed.add_item(
            title=record["title"],
            link=record["url"],
            # Django's feeds have no content:encoded; its users put the body here.
            description=_body_html(record),
            unique_id=record["id"],
            author_name=", ".join(a["name"] for a in record["authors"]),
            author_email=author.get("email"),
            pubdate=_published(record),
            updateddate=_updated(record),
            categories=record["categories"],
            enclosures=[
                feedgenerator.Enclosure(image["url"], str(image["length"]), image["type"])
            ],
        )
    out = io.StringIO()
    feed.write(out, "utf-8")
    return out.getvalue().encode("utf-8")


def django_rss_atom(records: Sequence[Record]) -> list[bytes]:
    _django_ready()
    from django.utils import feedgenerator

    return [
        _django(feedgenerator.Rss201rev2Feed, records),
        _django(feedgenerator.Atom1Feed, records),
    ]


def django_rss(records: Sequence[Record]) -> list[bytes]:
    _django_ready()
    from django.utils import feedgenerator

    return [_django(feedgenerator.Rss201rev2Feed, records)]


# -- PyRSS2Gen ----------------------------------------------------------------


def pyrss2gen_rss(records: Sequence[Record]) -> list[bytes]:
    import PyRSS2Gen as rss2

    items = []
    for record in records:
        image = record["image"]
        items.append(
            rss2.RSSItem(
                title=record["title"],
                link=record["url"],
                # PyRSS2Gen has no content:encoded; the body goes in the description.
                description=_body_html(record),
                guid=rss2.Guid(record["id"]),
                # It writes "GMT" whatever the zone, so it is given UTC.
                pubDate=_published(record).astimezone(timezone.utc).replace(tzinfo=None),
                categories=list(record["categories"]),
                author=record["authors"][0].get("email"),
                enclosure=rss2.Enclosure(image["url"], image["length"], image["type"]),
            )
        )
    feed = rss2.RSS2(title=TITLE, link=LINK, description=DESCRIPTION, language="es", items=items)
    return [feed.to_xml(encoding="utf-8").encode("utf-8")]


# -- lxml directly ------------------------------------------------------------


def lxml_rss(records: Sequence[Record]) -> list[bytes]:
    nsmap = {"content": CONTENT_NS, "dc": DC_NS}
    rss = etree.Element("rss", version="2.0", nsmap=nsmap)
    channel = etree.SubElement(rss, "channel")
    sub = etree.SubElement
    sub(channel, "title").text = TITLE
    sub(channel, "link").text = LINK
    sub(channel, "description").text = DESCRIPTION
    sub(channel, "language").text = "es"
    for record in records:
        item = sub(channel, "item")
        sub(item, "title").text = record["title"]
        sub(item, "link").text = record["url"]
        sub(item, "description").text = record["summary"]
        sub(item, f"{{{CONTENT_NS}}}encoded").text = _body_html(record)
        sub(item, "guid", isPermaLink="true").text = record["id"]
        for category in record["categories"]:
            sub(item, "category").text = category
        image = record["image"]
        sub(item, "enclosure", url=image["url"], length=str(image["length"]), type=image["type"])
        sub(item, "pubDate").text = _rfc822(_published(record))
        sub(item, f"{{{DC_NS}}}creator").text = ", ".join(a["name"] for a in record["authors"])
    return [etree.tostring(rss, encoding="UTF-8", xml_declaration=True, pretty_print=True)]


def lxml_incremental_rss(records: Sequence[Record]) -> list[bytes]:
    out = io.BytesIO()
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        nsmap = {"content": CONTENT_NS, "dc": DC_NS}
        with xf.element("rss", version="2.0", nsmap=nsmap), xf.element("channel"):
            for tag, text in (("title", TITLE), ("link", LINK), ("description", DESCRIPTION)):
                with xf.element(tag):
                    xf.write(text)
            for record in records:
                item = etree.Element("item")
                sub = etree.SubElement
                sub(item, "title").text = record["title"]
                sub(item, "link").text = record["url"]
                sub(item, "description").text = record["summary"]
                sub(item, f"{{{CONTENT_NS}}}encoded").text = _body_html(record)
                sub(item, "guid", isPermaLink="true").text = record["id"]
                for category in record["categories"]:
                    sub(item, "category").text = category
                image = record["image"]
                sub(
                    item,
                    "enclosure",
                    url=image["url"],
                    length=str(image["length"]),
                    type=image["type"],
                )
                sub(item, "pubDate").text = _rfc822(_published(record))
                names = ", ".join(a["name"] for a in record["authors"])
                sub(item, f"{{{DC_NS}}}creator").text = names
                xf.write(item, pretty_print=True)
    return [out.getvalue()]


BASELINES: dict[str, Baseline] = {
    "feedgen RSS+Atom": feedgen_rss_atom,
    "feedgen RSS": feedgen_rss,
    "Django RSS+Atom": django_rss_atom,
    "PyRSS2Gen RSS": pyrss2gen_rss,
    "lxml tree RSS": lxml_rss,
    "lxml xmlfile RSS": lxml_incremental_rss,
}
