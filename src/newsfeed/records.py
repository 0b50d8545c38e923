"""From an article record (a mapping, as the input contract spells it) to an `Article`.

This is the one place where input is normalised: aliases resolved, text
cleaned, HTML sanitised, dates read, URLs made absolute, identity settled.
Every problem becomes a `Problem` naming the record's place and the field;
a record with an error yields no `Article`, and the others go on.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import re
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from newsfeed.dates import DateError, get_timezone, parse_datetime
from newsfeed.model import (
    Article,
    Author,
    FeedSettings,
    Image,
    Place,
    Problem,
    SourceError,
)
from newsfeed.rules import (
    TAG_SAFE,
    check_http_url,
    has_scheme,
    http_uri,
    id_problem,
    id_scheme,
    idna_host,
    iri_to_uri,
    is_email,
    is_media_type,
    is_uri,
    split_name_email,
    tag_date,
    writable_datetime,
)

# Where the command line and the config have always found it.
from newsfeed.rules import normalise_language as normalise_language
from newsfeed.text import (
    plain_text,
    remove_forbidden_chars,
    render_markdown,
    sanitize_html,
    slugify,
    text_to_html,
)

#: Field names of the input contract, each with the aliases users may write.
FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid"),
    "url": ("url", "link", "permalink"),
    "title": ("title", "headline"),
    "kicker": ("kicker", "overline"),
    "summary": ("summary", "description", "deck", "standfirst", "subtitle"),
    "body": ("body", "content"),
    "body_format": ("body_format",),
    "authors": ("authors", "author", "byline", "creator"),
    "published": ("published", "date", "pubDate", "published_at"),
    "updated": ("updated", "modified", "updated_at", "date_modified"),
    "language": ("language", "lang"),
    "categories": ("categories", "tags", "category"),
    "image": ("image", "thumbnail"),
}
ALIASES: dict[str, str] = {alias: name for name, names in FIELDS.items() for alias in names}
#: Fields that take a list, and what separates the items of one given as text,
#: the same in every source: categories `,` or `;`, authors `;` only, since a
#: name may hold a comma ("Quispe, Ana"). A list's own items are never split.
LIST_SEPARATORS = {"authors": re.compile(";"), "categories": re.compile("[,;]")}
LIST_FIELDS = frozenset(LIST_SEPARATORS)
BODY_FORMATS = ("text", "html", "markdown")
#: The deepest nesting of elements an HTML or Markdown `body` may have; a
#: deeper body rejects its record. The HTML parser's time grows with the
#: square of the depth (10,000 levels take about 0.3 s, 100,000 about 30 s).
#: Counted from the tags as written: void elements (br, img...) and those
#: whose end tag HTML makes optional (p, li, td...) do not count.
MAX_HTML_DEPTH = 10_000
#: The deepest a field's value may nest lists and objects (an author list
#: nests two); a deeper value rejects its record, naming the field.
MAX_VALUE_NESTING = 20
_UNCOUNTED_ELEMENTS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
        "param", "source", "track", "wbr",
        "p", "li", "dt", "dd", "option", "optgroup", "rt", "rp", "tr", "td", "th", "thead",
        "tbody", "tfoot", "colgroup", "caption", "html", "head", "body",
    }
)  # fmt: skip
_TAG_START = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
_AUTHOR_KEYS = frozenset({"name", "email", "url", "bio"})
#: Authors remembered per reader (see RecordReader._author): bios are short, so a
#: few megabytes at most.
_KNOWN_AUTHORS = 4096
#: A place's position as text and number: at most 18 digits (an int64), without
#: a leading zero, so that the number written again gives the same text.
_MAX_DIGITS = 18
_ENDS_IN_NUMBER = re.compile(r"(.*?)(0|[1-9][0-9]{0,17})", re.DOTALL)

_IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
    "svg": "image/svg+xml",
}


class RecordRejected(Exception):
    """Raised inside the conversion of one record; carries the error that rejects it."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True, slots=True)
class RawRecord:
    """A record as a source read it, with its place and, for files, a fallback date."""

    data: Mapping[str, Any]
    place: Place
    fallback_published: datetime | None = None


@dataclass(slots=True)
class Reading:
    """What reading records produced: the articles that publish, and every problem."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Each error skipped one record (or one unreadable line or file): a record
        stops at its first error."""
        return [p for p in self.problems if p.level == "error"]

    @property
    def unreadable(self) -> list[SourceError]:
        """Sources that could not be read at all: publishing without them would drop
        their articles from the feeds, so the command line writes nothing then."""
        return [p for p in self.problems if isinstance(p, SourceError)]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while many objects are made at once.

    Reading records or building a document allocates hundreds of thousands of
    objects that stay alive; each collection of the oldest generation on the
    way walks every live object of the process, which costs a large build a
    quarter of its time. Nothing made there is a cycle that must be freed
    early. The collector's state is restored, however the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def feed_domain(link: str) -> str:
    """The authority of the site's link, as RFC 4151 tag URIs want it: lower-case
    ASCII (an international domain in its IDNA form)."""
    host = urlsplit(link).hostname or "localhost"
    return idna_host(host) or "localhost"


def tag_uri(domain: str, when: datetime, specific: str) -> str:
    """An RFC 4151 tag URI dated with the UTC day of `when`; `specific` is
    percent-encoded where the RFC does not allow it."""
    return f"tag:{domain},{tag_date(when)}:{quote(specific, safe=TAG_SAFE)}"


class RecordReader:
    """Turns raw records into Articles for one feed's settings.

    It remembers what it has reported once per source (unknown fields) and
    the ids it has seen, so that duplicates are named with both places.
    """

    def __init__(self, settings: FeedSettings, *, unique_ids: bool = True) -> None:
        """`unique_ids` False leaves records with an id read before to the caller
        (the site index settles them across sources and runs)."""
        self.settings = settings
        self._unique_ids = unique_ids
        self.tz: tzinfo = get_timezone(settings.timezone)
        self.domain = feed_domain(settings.link)
        self._unknown_reported: set[tuple[str, str]] = set()
        self._seen_ids = SeenIds()
        self.records_without_id = 0
        #: Records skipped because their id was already used.
        self.duplicates = 0
        self._known_authors: dict[Any, tuple[Author | None, tuple[tuple[str | None, str], ...]]]
        self._known_authors = {}

    def read(self, records: Iterable[RawRecord], reading: Reading | None = None) -> Reading:
        reading = Reading() if reading is None else reading
        with gc_paused():
            for article in self.iter_articles(records, reading.problems):
                reading.articles.append(article)
        return reading

    def iter_articles(
        self, records: Iterable[RawRecord], problems: list[Problem]
    ) -> Iterator[Article]:
        """Articles one at a time, so that a large source never sits in memory whole."""
        for record in records:
            article = self.article(record, problems)
            if article is not None:
                yield article

    def article(self, record: RawRecord, problems: list[Problem]) -> Article | None:
        """The Article of one record, or None when an error rejects it (added to `problems`)."""
        place = record.place
        spelled: dict[str, str] = {}
        try:
            if not isinstance(record.data, Mapping):
                raise RecordRejected(
                    place.error(None, f"a record must be an object, not {_kind(record.data)}")
                )
            fields, spelled = self._fields(record.data, place, problems)
            article = self._build(fields, record, problems)
        except RecordRejected as rejected:
            problem = rejected.problem
            # The error names the field as the record spells it (`pubDate`, `lang`).
            if problem.field in spelled and spelled[problem.field] != problem.field:
                problem = replace(problem, field=spelled[problem.field])
            problems.append(problem)
            return None
        earlier = self._seen_ids.add(article.id, place) if self._unique_ids else None
        if earlier is not None:
            self.duplicates += 1
            problems.append(
                place.error(
                    "id",
                    f"duplicate id {article.id!r}: already used by the record at "
                    f"{earlier}; this record is skipped",
                )
            )
            return None
        if "id" not in fields and not (article.id_is_url and self.settings.accept_url_ids):
            self.records_without_id += 1
        return article

    @property
    def reported_unknown(self) -> set[tuple[str, str]]:
        """The (source, field) of each unknown field reported so far, each once per source;
        a reader that goes on with a source read earlier starts from those reported then."""
        return self._unknown_reported

    # -- fields --------------------------------------------------------------

    def _fields(
        self, data: Mapping[str, Any], place: Place, problems: list[Problem]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Aliases resolved, empty values dropped, XML-forbidden characters removed;
        and the name each field was given under."""
        fields: dict[str, Any] = {}
        given_as: dict[str, str] = {}
        for key, value in data.items():
            name = ALIASES.get(key) if isinstance(key, str) else None
            if name is None:
                self._report_unknown(str(key), place, problems)
                continue
            if isinstance(value, str):
                if not value.strip():
                    continue
                value, removed = remove_forbidden_chars(value)
                if removed:
                    problems.append(_removed_warning(name, removed, place))
                    if not value.strip():
                        continue  # nothing but forbidden characters (and space)
            elif value is None:
                continue
            else:
                value = _clean_chars(value, name, place, problems)
            if name in fields:
                problems.append(
                    place.warning(
                        name, f"given twice, as {given_as[name]!r} and {key!r}; using {key!r}"
                    )
                )
            fields[name] = value
            given_as[name] = key
        return fields, given_as

    def _report_unknown(self, key: str, place: Place, problems: list[Problem]) -> None:
        if (place.source, key) in self._unknown_reported:
            return
        self._unknown_reported.add((place.source, key))
        # A name that is empty or holds a line break or control character is
        # shown quoted, so that the message stays one readable line.
        shown = key if key.isprintable() and key.strip() == key and key else repr(key)
        problems.append(place.warning(shown, "unknown field, left out of the feed"))

    # -- the article ---------------------------------------------------------

    def _build(
        self, fields: dict[str, Any], record: RawRecord, problems: list[Problem]
    ) -> Article:
        place = record.place
        title = _plain(fields.get("title"), "title", place, problems)
        if not title:
            raise RecordRejected(place.error("title", "missing or empty; every article needs one"))
        url = self._url(fields.get("url"), place)
        language = self._language(fields.get("language"), place, problems)
        published = self._published(fields.get("published"), record, language, problems)
        updated_value = fields.get("updated")
        updated = (
            published
            if updated_value is None
            else self._date(updated_value, "updated", place, language)
        )
        article_id, atom_id, id_is_url = self._identity(
            fields.get("id"), url, title, published, place
        )
        body_html, body_text = self._body(fields, url, place)
        return Article(
            id=article_id,
            atom_id=atom_id,
            id_is_url=id_is_url,
            title=title,
            published=published,
            updated=updated,
            place=place,
            url=url,
            kicker=_plain(fields.get("kicker"), "kicker", place, problems) or None,
            summary=_plain(fields.get("summary"), "summary", place, problems) or None,
            body_html=body_html,
            body_text=body_text,
            authors=self._authors(fields.get("authors"), place, problems),
            language=language,
            categories=self._categories(fields.get("categories"), place, problems),
            image=self._image(fields.get("image"), url, place, problems),
        )

    def _url(self, value: Any, place: Place) -> str | None:
        if value is None:
            return None
        url = http_uri(value) if isinstance(value, str) else None
        if url is None:
            raise RecordRejected(
                place.error("url", f"{_shown(value)} is not an absolute http(s) URL")
            )
        return url

    def _language(self, value: Any, place: Place, problems: list[Problem]) -> str | None:
        if value is None:
            return None
        tag = normalise_language(value) if isinstance(value, str) else None
        if tag is None:
            raise RecordRejected(
                place.error(
                    "language",
                    f"{_shown(value)} is not a BCP 47 language tag (such as es, pt-BR, zh-Hant)",
                )
            )
        return None if tag == self.settings.language else tag

    def _date(self, value: Any, name: str, place: Place, language: str | None) -> datetime:
        try:
            when = parse_datetime(value, self.tz, language or self.settings.language)
        except DateError as error:
            raise RecordRejected(place.error(name, str(error))) from None
        return _writable(when, value, name, place)

    def _published(
        self, value: Any, record: RawRecord, language: str | None, problems: list[Problem]
    ) -> datetime:
        if value is not None:
            return self._date(value, "published", record.place, language)
        if record.fallback_published is None:
            raise RecordRejected(
                record.place.error("published", "missing; every article needs a date")
            )
        problems.append(
            record.place.warning(
                "published", "missing; using the file's modification time, which changes on copy"
            )
        )
        fallback = record.fallback_published.astimezone(self.tz)
        return _writable(fallback, fallback.isoformat(), "published", record.place)

    def _identity(
        self, value: Any, url: str | None, title: str, published: datetime, place: Place
    ) -> tuple[str, str, bool]:
        """(entry id, Atom id, whether the id is the article's URL)."""
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise RecordRejected(
                    place.error("id", f"must be text or a whole number, not {_kind(value)}")
                )
            article_id = str(value).strip()
            if id_scheme(article_id) is None:
                # Opaque text (`ja-2026-0088`, `wp:123`): Atom needs an IRI.
                return article_id, tag_uri(self.domain, published, article_id), False
            uri = _id_uri(article_id, place)
            return uri, uri, uri == url
        if url is not None:
            return url, url, True
        made = tag_uri(self.domain, published, slugify(title) or "article")
        return made, made, False

    def _body(
        self, fields: dict[str, Any], url: str | None, place: Place
    ) -> tuple[str | None, str | None]:
        """(sanitised HTML, original text for a text body)."""
        body_format = fields.get("body_format", "text")
        kind = body_format.strip().lower() if isinstance(body_format, str) else None
        if kind not in BODY_FORMATS:
            raise RecordRejected(
                place.error(
                    "body_format", f"{_shown(body_format)} is not one of text, html, markdown"
                )
            )
        body = fields.get("body")
        if body is None:
            return None, None
        if not isinstance(body, str):
            raise RecordRejected(place.error("body", f"must be text, not {_kind(body)}"))
        if kind == "text":
            return text_to_html(body) or None, body.strip() or None
        # Readers cannot resolve a relative link in a feed; without the article's
        # own page, the site's home page is the nearest base there is.
        base = url or self.settings.link
        # A body can nest no deeper than its count of "<": most need no counting.
        if body.count("<") > MAX_HTML_DEPTH and html_depth(body) > MAX_HTML_DEPTH:
            raise RecordRejected(
                place.error(
                    "body", f"HTML nested more than {MAX_HTML_DEPTH} elements deep (the limit)"
                )
            )
        if kind == "markdown":
            # Markdown nests without tags ("> > >"): its HTML is counted too.
            body = render_markdown(body)
            if body.count("<") > MAX_HTML_DEPTH and html_depth(body) > MAX_HTML_DEPTH:
                raise RecordRejected(
                    place.error(
                        "body",
                        f"Markdown nested more than {MAX_HTML_DEPTH} levels deep (the limit)",
                    )
                )
        return sanitize_html(body, base) or None, None

    def _authors(self, value: Any, place: Place, problems: list[Problem]) -> tuple[Author, ...]:
        if value is None:
            return ()
        items = split_list("authors", value) if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            items = [items]
        authors: list[Author] = []
        for item in items:
            author = self._author(item, place, problems)
            if author is not None:
                authors.append(author)
        return tuple(authors)

    def _author(self, item: Any, place: Place, problems: list[Problem]) -> Author | None:
        # Sites name the same few authors, with the same bios, in record after
        # record: an author made of text alone is made once per reader, and its
        # warnings (it can have no error) are given again at each place.
        if isinstance(item, str):
            key: Any = item
        elif (
            type(item) is dict
            and item.keys() <= _AUTHOR_KEYS
            and all(value is None or isinstance(value, str) for value in item.values())
        ):
            key = (item.get("name"), item.get("email"), item.get("url"), item.get("bio"))
        else:
            return self._new_author(item, place, problems)
        known = self._known_authors.get(key)
        if known is None:
            found: list[Problem] = []
            known = (
                self._new_author(item, place, found),
                tuple((problem.field, problem.message) for problem in found),
            )
            if len(self._known_authors) < _KNOWN_AUTHORS:
                self._known_authors[key] = known
        author, warnings = known
        for field_name, message in warnings:
            problems.append(place.warning(field_name, message))
        return author

    def _new_author(self, item: Any, place: Place, problems: list[Problem]) -> Author | None:
        if isinstance(item, str):
            name, email = split_name_email(item)
            url = bio = None
        elif isinstance(item, Mapping):
            raw_name = item.get("name")
            if not isinstance(raw_name, str):
                raise RecordRejected(place.error("authors", "an author needs a name"))
            name, email = raw_name, item.get("email")
            url, bio = item.get("url"), item.get("bio")
            for key in item:
                if key not in _AUTHOR_KEYS:
                    self._report_unknown(f"authors.{key}", place, problems)
        else:
            raise RecordRejected(
                place.error("authors", f"an author is a name or an object, not {_kind(item)}")
            )
        name = _plain(name, "authors", place, problems)
        if not name:
            return None
        if email is not None and not (isinstance(email, str) and is_email(email.strip())):
            problems.append(
                place.warning("authors", f"{_shown(email)} is not an email address; left out")
            )
            email = None
        if url is not None:
            uri = http_uri(url) if isinstance(url, str) else None
            if uri is None:
                problems.append(
                    place.warning(
                        "authors", f"{_shown(url)} is not an absolute http(s) URL; left out"
                    )
                )
            url = uri
        return Author(
            name=name,
            email=email.strip() if email else None,
            url=url,
            bio=_plain(bio, "authors", place, problems) or None,
        )

    def _categories(self, value: Any, place: Place, problems: list[Problem]) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            items: list[Any] = split_list("categories", value)
        elif isinstance(value, list | tuple):
            items = list(value)
        else:
            raise RecordRejected(
                place.error("categories", f"must be a list or text, not {_kind(value)}")
            )
        seen: dict[str, None] = {}
        for item in items:
            if not isinstance(item, str):
                raise RecordRejected(
                    place.error("categories", f"a category is text, not {_kind(item)}")
                )
            name = _plain(item, "categories", place, problems)
            if name:
                seen.setdefault(name, None)
        return tuple(seen)

    def _image(
        self, value: Any, url: str | None, place: Place, problems: list[Problem]
    ) -> Image | None:
        if value is None:
            return None
        spec: Mapping[str, Any]
        if isinstance(value, str):
            spec = {"url": value}
        elif isinstance(value, Mapping):
            spec = value
        else:
            raise RecordRejected(
                place.error("image", f"must be a URL or an object, not {_kind(value)}")
            )
        raw = spec.get("url")
        if not isinstance(raw, str) or not raw.strip():
            raise RecordRejected(place.error("image", "an image needs a url"))
        raw = raw.strip()
        absolute = check_http_url(raw)
        if absolute is None:
            if has_scheme(raw):
                raise RecordRejected(place.error("image", f"{_shown(raw)} is not an http(s) URL"))
            if url is None:
                problems.append(
                    place.warning(
                        "image",
                        f"relative URL {raw!r} and no article url to resolve it; image left out",
                    )
                )
                return None
            try:
                absolute = check_http_url(urljoin(url, raw))
            except ValueError:  # e.g. "//[::1/x", an unclosed IPv6 bracket
                absolute = None
            if absolute is None:
                raise RecordRejected(place.error("image", f"{_shown(raw)} is not a usable URL"))
        uri = http_uri(absolute)
        if uri is None:
            raise RecordRejected(place.error("image", f"{_shown(raw)} is not a usable URL"))
        return Image(
            url=uri,
            type=self._image_type(spec.get("type"), absolute, place, problems),
            length=_count(spec.get("length"), "image", "length", place),
            width=_count(spec.get("width"), "image", "width", place),
            height=_count(spec.get("height"), "image", "height", place),
            caption=_plain(spec.get("caption"), "image", place, problems) or None,
            credit=_plain(spec.get("credit"), "image", place, problems) or None,
        )

    def _image_type(self, value: Any, url: str, place: Place, problems: list[Problem]) -> str:
        if isinstance(value, str) and is_media_type(value.strip()):
            return value.strip().lower()
        if value is not None:
            problems.append(place.warning("image", f"{_shown(value)} is not a MIME type"))
        extension = urlsplit(url).path.rsplit(".", 1)[-1].lower()
        known = _IMAGE_TYPES.get(extension)
        if known is None:
            problems.append(
                place.warning(
                    "image", f"cannot tell the type of {url!r} from its name; assuming image/jpeg"
                )
            )
            return "image/jpeg"
        return known


class SeenIds:
    """The entry ids read so far, each with the place of its record, in about 40
    bytes per id, so that a site of a million records can name both places of a
    duplicate without keeping a million ids and places as objects (250 bytes each).

    An id is kept as its 128-bit BLAKE2b digest: two different ids of a million
    share one with a probability of about 1e-27. A place is kept as a number
    and a "kind": its source and the text before the number, of which a source
    has one or a few, from which the same place is made again.
    """

    __slots__ = ("_highs", "_index", "_kind_list", "_kind_numbers", "_kinds", "_lows", "_numbers")

    def __init__(self) -> None:
        # Open addressing: each slot holds 1 + the number of an entry, or 0 when
        # free; the entries are appended to the parallel arrays below.
        self._index = array("i", bytes(4 * 1024))
        self._lows = array("Q")
        self._highs = array("Q")
        self._kinds = array("I")
        self._numbers = array("q")
        self._kind_numbers: dict[tuple[str, str | None], int] = {}
        self._kind_list: list[tuple[str, str | None]] = []

    def __len__(self) -> int:
        return len(self._kinds)

    def __contains__(self, entry_id: str) -> bool:
        return self._find(*_digest(entry_id))[0] >= 0

    def add(self, entry_id: str, place: Place) -> Place | None:
        """Remember `entry_id` as read at `place`; if it was read before, the place then."""
        low, high = _digest(entry_id)
        entry, slot = self._find(low, high)
        if entry >= 0:
            return self._place(entry)
        lows, index = self._lows, self._index
        lows.append(low)
        self._highs.append(high)
        kind, number = self._encode(place)
        self._kinds.append(kind)
        self._numbers.append(number)
        index[slot] = len(lows)
        if 3 * len(lows) > 2 * len(index):
            self._grow()
        return None

    def _find(self, low: int, high: int) -> tuple[int, int]:
        """(the entry of the digest or -1, the slot where it is or would go)."""
        index, lows = self._index, self._lows
        mask = len(index) - 1
        slot = low & mask
        while entry := index[slot]:
            if lows[entry - 1] == low and self._highs[entry - 1] == high:
                return entry - 1, slot
            slot = (slot + 1) & mask
        return -1, slot

    def _encode(self, place: Place) -> tuple[int, int]:
        """(kind, number): the place is the kind's source, and its text then `number`
        (-1: no number; a None text: no position)."""
        position = place.position
        text: str | None
        if position is None:
            text, number = None, -1
        elif (
            position.isdigit()
            and position.isascii()
            and len(position) <= _MAX_DIGITS
            and (position[0] != "0" or position == "0")
        ):
            text, number = "", int(position)
        elif match := _ENDS_IN_NUMBER.fullmatch(position):
            text, number = match.group(1), int(match.group(2))
        else:
            text, number = position, -1
        key = (place.source, text)
        kind = self._kind_numbers.get(key)
        if kind is None:
            kind = self._kind_numbers[key] = len(self._kind_list)
            self._kind_list.append(key)
        return kind, number

    def _place(self, entry: int) -> Place:
        source, text = self._kind_list[self._kinds[entry]]
        if text is None:
            return Place(source)
        number = self._numbers[entry]
        return Place(source, text if number < 0 else f"{text}{number}")

    def _grow(self) -> None:
        # Four times larger: each growth walks every entry in Python.
        index = array("i", bytes(16 * len(self._index)))
        mask = len(index) - 1
        for entry, low in enumerate(self._lows, start=1):
            slot = low & mask
            while index[slot]:
                slot = (slot + 1) & mask
            index[slot] = entry
        self._index = index


def _digest(entry_id: str) -> tuple[int, int]:
    """The two 64-bit halves of the id's 128-bit BLAKE2b digest."""
    digest = int.from_bytes(
        hashlib.blake2b(entry_id.encode("utf-8", "surrogatepass"), digest_size=16).digest(),
        "little",
    )
    return digest & 0xFFFF_FFFF_FFFF_FFFF, digest >> 64


def html_depth(html: str) -> int:
    """How deeply the elements of `html` nest, counted from its tags (see MAX_HTML_DEPTH).

    An end tag closes one open element of its name; a stray one closes
    nothing, so that it cannot hide the depth of what follows.
    """
    open_by_name: dict[str, int] = {}
    depth = deepest = 0
    for match in _TAG_START.finditer(html):
        name = match.group(2).lower()
        if name in _UNCOUNTED_ELEMENTS:
            continue
        if not match.group(1):
            open_by_name[name] = open_by_name.get(name, 0) + 1
            depth += 1
            deepest = max(deepest, depth)
        elif open_by_name.get(name):
            open_by_name[name] -= 1
            depth -= 1
    return deepest


def split_list(field: str, text: str) -> list[str]:
    """The items of a list field given as text (LIST_SEPARATORS), without empty ones."""
    return [item.strip() for item in LIST_SEPARATORS[field].split(text) if item.strip()]


def _id_uri(article_id: str, place: Place) -> str:
    """An id meant as an IRI (it has a scheme ids use), checked as its RFC says and
    written as its URI; anything else rejects the record."""
    problem = id_problem(article_id)
    if problem is not None:
        raise RecordRejected(place.error("id", f"{_shown(article_id)} {problem[1]}"))
    if article_id[:5].lower() in ("http:", "https"):
        uri = http_uri(article_id)
    else:
        uri = iri_to_uri(article_id)
        uri = uri if uri is not None and is_uri(uri) else None
    if uri is None:
        raise RecordRejected(place.error("id", f"{_shown(article_id)} is not a usable IRI"))
    return uri


def _writable(when: datetime, value: Any, name: str, place: Place) -> datetime:
    """`when` as every format writes it (see `rules.writable_datetime`), or the error."""
    writable = writable_datetime(when)
    if isinstance(writable, str):
        raise RecordRejected(place.error(name, f"{_shown(value)} cannot be published: {writable}"))
    return writable


def _clean_chars(value: Any, name: str, place: Place, problems: list[Problem]) -> Any:
    """`value` with XML-forbidden characters removed from every string inside it;
    lists and tuples become lists, mappings dicts."""
    removed = [0]
    cleaned = _cleaned(value, 0, removed, name, place)
    if removed[0]:
        problems.append(_removed_warning(name, removed[0], place))
    return cleaned


def _cleaned(item: Any, depth: int, removed: list[int], name: str, place: Place) -> Any:
    # A module function, not a closure: a closure that calls itself is a
    # reference cycle, left for the garbage collector on every call.
    if isinstance(item, str):
        text, count = remove_forbidden_chars(item)
        removed[0] += count
        return text
    is_mapping = not isinstance(item, list | tuple)
    if not is_mapping:
        pairs: Iterable[tuple[Any, Any]] = enumerate(item)
    elif isinstance(item, Mapping):
        pairs = item.items()
    else:
        return item
    if depth >= MAX_VALUE_NESTING:
        raise RecordRejected(_too_deep(name, place))
    cleaned = {}
    for key, value in pairs:
        if isinstance(value, str):  # most values: no call
            value, count = remove_forbidden_chars(value)
            removed[0] += count
            cleaned[key] = value
        else:
            cleaned[key] = _cleaned(value, depth + 1, removed, name, place)
    return cleaned if is_mapping else list(cleaned.values())


def _too_deep(name: str, place: Place) -> Problem:
    return place.error(name, f"nested more than {MAX_VALUE_NESTING} levels deep")


def _removed_warning(name: str, removed: int, place: Place) -> Problem:
    return place.warning(name, f"removed {removed} character(s) that XML does not allow")


def _plain(value: Any, name: str, place: Place, problems: list[Problem]) -> str:
    """Plain text of a short text field ('' when absent); markup is stripped with a warning."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordRejected(place.error(name, f"must be text, not {_kind(value)}"))
    text, had_markup = plain_text(value)
    if had_markup:
        problems.append(place.warning(name, "markup removed; this field is plain text"))
    # An entity can decode to nothing but space ("&nbsp;"), which validators and
    # readers take as blank: such a field is as empty as one never given.
    return text if text.strip() else ""


def _count(value: Any, name: str, part: str, place: Place) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: float("inf")
        number = -1
    if isinstance(value, bool | float) or number < 0:
        raise RecordRejected(
            place.error(name, f"{part} must be a whole number of at least 0, not {_shown(value)}")
        )
    return number


def _kind(value: Any) -> str:
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
    }
    for kind, text in names.items():
        if isinstance(value, kind):
            return text
    return type(value).__name__


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
