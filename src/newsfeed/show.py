"""Looking at a feed the way a reader shows it: `newsfeed show FILE`.

Any RSS 2.0, Atom 1.0 or JSON Feed file, ours or anyone's: the feed's title,
then one block per entry with its date in the reader's local time, title,
authors, summary, categories and image. Only local files are read, and XML
is parsed as the validator parses it: no entities expanded, no DTD, no network.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from lxml import etree

from newsfeed.dates import DateError, parse_datetime
from newsfeed.files import ReadTimeout, TooLarge, read_limited
from newsfeed.model import InputError, Place
from newsfeed.rules import ATOM, DC_NS, MEDIA_NS
from newsfeed.text import plain_text
from newsfeed.validation import MAX_DOCUMENT_BYTES
from newsfeed.validation.xml import safe_parser

DC = f"{{{DC_NS}}}"
MEDIA = f"{{{MEDIA_NS}}}"
#: Width of the summary's lines: a terminal's 80 columns, less a margin.
WIDTH = 78
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
#: What a terminal must never be sent from a feed: C0 controls but tab and
#: newline (ESC starts the sequences that retitle or clear a terminal), DEL,
#: C1 controls (U+009B is a one-character CSI), the bidirectional overrides and
#: isolates that make text read other than it is, and lone surrogates, which
#: cannot be encoded at all.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: Longest date text shown as written when it cannot be read as a date.
_DATE_TEXT = 80


def printable(text: str) -> str:
    """`text` with every character a terminal could act on replaced by U+FFFD."""
    return _UNPRINTABLE.sub("\ufffd", text)


class UnreadableFeed(Exception):
    """The file is not a feed this command can show; `problem` says where and why."""

    def __init__(self, problem: InputError) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True, slots=True)
class ShownEntry:
    """One entry as a reader shows it; `date_text` keeps a date that could not be read."""

    title: str | None = None
    date: datetime | None = None
    date_text: str | None = None
    authors: tuple[str, ...] = ()
    summary: str | None = None
    categories: tuple[str, ...] = ()
    image: str | None = None


@dataclass(frozen=True, slots=True)
class ShownFeed:
    format: str
    title: str
    entries: tuple[ShownEntry, ...]


def load(path: str | os.PathLike[str]) -> ShownFeed:
    """The feed in the local file `path`; raises UnreadableFeed."""
    name = os.fspath(path)
    place = Place(name)
    if _URL.match(name):
        raise UnreadableFeed(
            place.error(None, "show reads local files only; save the feed first (curl -o)")
        )
    try:
        data = read_limited(name, MAX_DOCUMENT_BYTES)
    except TooLarge as error:
        raise UnreadableFeed(place.error(None, str(error))) from None
    except ReadTimeout as error:
        raise UnreadableFeed(place.error(None, str(error))) from None
    except OSError as error:
        raise UnreadableFeed(place.error(None, error.strerror or str(error))) from None
    return parse(data, name)


def parse(data: bytes, name: str = "<feed>") -> ShownFeed:
    """The feed in `data`, whichever of the three formats it is; raises UnreadableFeed.

    A value no reader could make sense of (a number past Python's digit
    limit, a structure nested too deep) is one UnreadableFeed naming the file,
    never a traceback.
    """
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    try:
        if start == b"{":
            return _json_feed(data, name)
        return _xml_feed(data, name)
    except (ValueError, TypeError, AttributeError, RecursionError, OverflowError) as error:
        raise UnreadableFeed(
            Place(name).error(None, f"cannot show this feed: {type(error).__name__}: {error}")
        ) from None


def render_text(feed: ShownFeed, limit: int | None = None) -> str:
    """The feed as text: its title, then a block per entry, `limit` entries at most."""
    shown = feed.entries if limit is None else feed.entries[:limit]
    count = len(feed.entries)
    lines = [feed.title, f"{feed.format}, {count} entr{'y' if count == 1 else 'ies'}"]
    for entry in shown:
        lines.append("")
        lines.extend(_block(entry))
    hidden = count - len(shown)
    if hidden:
        lines += ["", f"… and {hidden} more"]
    return printable("\n".join(lines) + "\n")


def local_time(when: datetime) -> str:
    """`when` in the local time zone of whoever runs the command."""
    return when.astimezone().strftime("%a, %d %b %Y %H:%M %Z")


def _block(entry: ShownEntry) -> list[str]:
    lines = []
    if entry.date is not None:
        lines.append(local_time(entry.date))
    elif entry.date_text:
        lines.append(entry.date_text)
    else:
        lines.append("(no date)")
    lines.append(entry.title or "(no title)")
    if entry.authors:
        lines.append("By " + ", ".join(entry.authors))
    if entry.summary:
        lines.extend(textwrap.wrap(entry.summary, WIDTH))
    if entry.categories:
        lines.append("Categories: " + ", ".join(entry.categories))
    if entry.image:
        lines.append("Image: " + entry.image)
    return lines


# -- XML: RSS 2.0 and Atom 1.0 -------------------------------------------------


def _xml_feed(data: bytes, name: str) -> ShownFeed:
    parser = safe_parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        raise UnreadableFeed(
            Place(name, None if line is None else str(line)).error(
                None, f"not well-formed XML: {error.msg}"
            )
        ) from None
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is not None:
            return ShownFeed(
                "RSS " + (root.get("version") or "2.0"),
                _text(channel.find("title")) or "(no title)",
                tuple(_rss_entry(item) for item in channel.iter("item")),
            )
    if root.tag == f"{ATOM}feed":
        feed_authors = _atom_authors(root)
        return ShownFeed(
            "Atom 1.0",
            _atom_text(root.find(f"{ATOM}title")) or "(no title)",
            tuple(_atom_entry(e, feed_authors) for e in root.iterchildren(f"{ATOM}entry")),
        )
    raise UnreadableFeed(Place(name).error(None, "not an RSS 2.0, Atom 1.0 or JSON Feed document"))


def _rss_entry(item: etree._Element) -> ShownEntry:
    when, when_text = _date(_text(item.find("pubDate")) or _text(item.find(f"{DC}date")))
    authors = [_text(e) for e in item.iterchildren(f"{DC}creator", "author")]
    image = _first_url(
        (
            (e for e in item.iter(f"{MEDIA}content") if e.get("medium") == "image" or _image(e)),
            "url",
        ),
        (item.iter(f"{MEDIA}thumbnail"), "url"),
        ((e for e in item.iterchildren("enclosure") if _image(e)), "url"),
    )
    return ShownEntry(
        title=_plain(_text(item.find("title"))),
        date=when,
        date_text=when_text,
        authors=_present(authors),
        summary=_plain(_text(item.find("description"))),
        categories=_present(_text(e) for e in item.iterchildren("category")),
        image=image,
    )


def _atom_entry(entry: etree._Element, feed_authors: tuple[str, ...]) -> ShownEntry:
    date_element = entry.find(f"{ATOM}published")
    if date_element is None:
        date_element = entry.find(f"{ATOM}updated")
    when, when_text = _date(_text(date_element))
    links = entry.iterchildren(f"{ATOM}link")
    image = _first_url(
        ((link for link in links if link.get("rel") == "enclosure" and _image(link)), "href"),
        (entry.iter(f"{MEDIA}thumbnail"), "url"),
    )
    summary = entry.find(f"{ATOM}summary")
    return ShownEntry(
        title=_atom_text(entry.find(f"{ATOM}title")),
        date=when,
        date_text=when_text,
        # An entry without authors has the feed's (RFC 4287, 4.2.1).
        authors=_atom_authors(entry) or feed_authors,
        summary=_atom_text(summary),
        categories=_present(
            c.get("label") or c.get("term") for c in entry.iterchildren(f"{ATOM}category")
        ),
        image=image,
    )


def _first_url(*choices: tuple[Iterable[etree._Element], str]) -> str | None:
    """The URL in the first element of each choice (elements, the attribute holding
    it), the first choice first, as readers look for an entry's picture."""
    for elements, attribute in choices:
        first = next(iter(elements), None)
        url = None if first is None else first.get(attribute)
        if url:
            return url
    return None


def _image(element: etree._Element) -> bool:
    return (element.get("type") or "").startswith("image/")


def _atom_authors(parent: etree._Element) -> tuple[str, ...]:
    return _present(_text(a.find(f"{ATOM}name")) for a in parent.iterchildren(f"{ATOM}author"))


def _atom_text(element: etree._Element | None) -> str | None:
    """The text of an Atom text construct, whatever its type."""
    if element is None:
        return None
    if element.get("type") == "xhtml":
        return _plain(" ".join(str(t) for t in element.itertext()))
    return _plain(element.text)


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


# -- JSON Feed ---------------------------------------------------------------


def _json_feed(data: bytes, name: str) -> ShownFeed:
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise UnreadableFeed(Place(name).error(None, f"not UTF-8 at byte {error.start}")) from None
    except json.JSONDecodeError as error:
        raise UnreadableFeed(
            Place(name, str(error.lineno)).error(None, f"not valid JSON: {error.msg}")
        ) from None
    except RecursionError:
        raise UnreadableFeed(Place(name).error(None, "JSON nested too deeply to read")) from None
    version = feed.get("version") if isinstance(feed, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise UnreadableFeed(Place(name).error(None, "not a JSON Feed (no jsonfeed.org version)"))
    items = feed.get("items")
    feed_authors = _json_authors(feed)
    return ShownFeed(
        "JSON Feed " + version.rsplit("/", 1)[-1],
        _string(feed.get("title")) or "(no title)",
        tuple(
            _json_entry(item, feed_authors)
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict)
        ),
    )


def _json_entry(item: Mapping[str, Any], feed_authors: tuple[str, ...]) -> ShownEntry:
    when, when_text = _date(
        _string(item.get("date_published")) or _string(item.get("date_modified"))
    )
    image = _string(item.get("image")) or _string(item.get("banner_image"))
    if image is None:
        attachments = item.get("attachments")
        image = next(
            (
                _string(a.get("url"))
                for a in (attachments if isinstance(attachments, list) else [])
                if isinstance(a, dict) and str(a.get("mime_type", "")).startswith("image/")
            ),
            None,
        )
    tags = item.get("tags")
    return ShownEntry(
        title=_plain(_string(item.get("title"))),
        date=when,
        date_text=when_text,
        # Items without authors have the feed's (JSON Feed 1.1, "authors").
        authors=_json_authors(item) or feed_authors,
        summary=_plain(_string(item.get("summary"))),
        categories=_present(_string(t) for t in (tags if isinstance(tags, list) else [])),
        image=image,
    )


def _json_authors(owner: Mapping[str, Any]) -> tuple[str, ...]:
    people = owner.get("authors")
    if not isinstance(people, list):
        single = owner.get("author")  # JSON Feed 1.0
        people = [single] if isinstance(single, dict) else []
    return _present(_string(p.get("name")) for p in people if isinstance(p, dict))


def _string(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


# -- shared ------------------------------------------------------------------


def _date(text: str | None) -> tuple[datetime | None, str | None]:
    """(the instant, None), or (None, the text as written) when it cannot be read."""
    if text is None:
        return None, None
    try:
        return parse_datetime(text, timezone.utc), None
    except (DateError, ValueError, OverflowError):
        # Shown as written, cut short: a 5,000-digit "date" is not worth a screen.
        return None, text if len(text) <= _DATE_TEXT else text[: _DATE_TEXT - 1] + "…"


def _plain(text: str | None) -> str | None:
    """One line of plain text: summaries and titles may hold HTML."""
    if text is None:
        return None
    return plain_text(text)[0] or None


def _present(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(v for v in values if v)
