"""The fields of an article record: the input contract, each field once.

`FIELDS` is the one table of what a record may hold. Each row gives a field's
name and aliases, its kind of value, how text in a list field is split,
whether a database column may hold it as JSON, what it means (for the
documentation), and the RSS and Atom elements that carry it (to name the
field of a validator's finding). Everything else is derived from it:

- the aliases and list separators every source and the reader use (`ALIASES`,
  `LIST_SEPARATORS`, `JSON_FIELDS`);
- the `Article` the reader builds: each kind is read by one function of
  `newsfeed.records`, into the Article attributes of that kind (`attributes`);
- how the site index stores an Article (`article_values`, `article_from`);
- which field a finding at an element names (`field_of_element`);
- the table of fields in docs/records.md (`markdown_table`; a test compares
  them, and `python -m newsfeed.fields` prints the table to paste).

Adding a field is a row here, its attribute on `model.Article`, and a line
in each format that writes it.
"""

from __future__ import annotations

import dataclasses
import enum
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newsfeed.model import Article, Author, Image, Place


class Kind(enum.Enum):
    """What a field's value is; the reader has one way of reading each kind."""

    ID = "id"
    URL = "URL"
    TEXT = "plain text"
    BODY = "body"
    BODY_FORMAT = "body format"
    AUTHORS = "authors"
    DATE = "date-time"
    LANGUAGE = "language tag"
    TEXT_LIST = "list of text"
    IMAGE = "image"


#: The Article attributes a field of each kind becomes, where they are not the
#: field's own name: an id is also the Atom id and says whether it is the URL;
#: a body is HTML, and the original text of a text body; the body format only
#: says how to read the body.
_ATTRIBUTES: dict[Kind, tuple[str, ...]] = {
    Kind.ID: ("id", "atom_id", "id_is_url"),
    Kind.BODY: ("body_html", "body_text"),
    Kind.BODY_FORMAT: (),
}


@dataclass(frozen=True, slots=True)
class Field:
    """One field of the input contract.

    `separator`: for a list field, the pattern between items of one given as
    text (a list's own items are never split). `json`: a database column may
    hold the value as a JSON array or object. `required`: a record without it
    is an error; `from_source`: unless its source gives one (a text file's
    modification time); `default`: the field whose value stands in when it is
    absent. `rss`, `atom`: the elements (and `xml:lang`) that carry the field,
    as findings name them. `type` and `meaning` are the documentation's cells.
    """

    name: str
    aliases: tuple[str, ...]
    kind: Kind
    type: str
    meaning: str
    separator: str | None = None
    json: bool = False
    required: bool = False
    from_source: bool = False
    default: str | None = None
    rss: tuple[str, ...] = ()
    atom: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a record may give the field under, its own first."""
        return (self.name, *self.aliases)

    @property
    def attributes(self) -> tuple[str, ...]:
        """The attributes of `Article` that reading this field sets."""
        return _ATTRIBUTES.get(self.kind, (self.name,))


BODY_FORMATS = ("text", "html", "markdown")
_ONE_OF_BODY_FORMATS = ", ".join(f"`{f}`" for f in BODY_FORMATS[:-1]) + f" or `{BODY_FORMATS[-1]}`"

FIELDS: tuple[Field, ...] = (
    Field(
        "id", ("guid",), Kind.ID,
        "text or a whole number (from Python or a database, a UUID too)",
        "the article's identity, which must never change (see *Identity*)",
        rss=("guid",), atom=("id",),
    ),
    Field(
        "url", ("link", "permalink"), Kind.URL, "absolute http(s) URL",
        "the article's own page",
        rss=("link",), atom=("link",),
    ),
    Field(
        "title", ("headline",), Kind.TEXT, "plain text", "the headline",
        required=True, rss=("title",), atom=("title",),
    ),
    Field(
        "kicker", ("overline",), Kind.TEXT, "plain text", "the line above the headline",
    ),
    Field(
        "summary", ("description", "deck", "standfirst", "subtitle"), Kind.TEXT, "plain text",
        "the deck, a sentence or two under the headline",
        rss=("description",), atom=("summary",),
    ),
    Field(
        "body", ("content",), Kind.BODY, "text",
        "the article itself, written as `body_format` says",
        rss=("content:encoded",), atom=("content",),
    ),
    Field(
        "body_format", (), Kind.BODY_FORMAT, _ONE_OF_BODY_FORMATS,
        "how `body` is written; `text` when absent",
    ),
    Field(
        "authors", ("author", "byline", "creator"), Kind.AUTHORS,
        "a list of authors, or one author", "who wrote it (see *Authors*)",
        separator=";", json=True, rss=("dc:creator",), atom=("author",),
    ),
    Field(
        "published", ("date", "pubDate", "published_at"), Kind.DATE,
        "a date-time (see *Dates*)", "when it was first published",
        required=True, from_source=True, rss=("pubDate",), atom=("published",),
    ),
    Field(
        "updated", ("modified", "updated_at", "date_modified"), Kind.DATE, "a date-time",
        "its last real change; `published` when absent",
        default="published", atom=("updated",),
    ),
    Field(
        "language", ("lang",), Kind.LANGUAGE,
        "a well-formed BCP 47 tag (`es`, `pt-BR`; `es-1` is an error)",
        "the article's language, when it is not the feed's",
        atom=("xml:lang",),
    ),
    Field(
        "categories", ("tags", "category"), Kind.TEXT_LIST,
        "a list of text, or one text of names separated by `,` or `;`",
        "its sections and tags",
        separator="[,;]", json=True, rss=("category",), atom=("category",),
    ),
    Field(
        "image", ("thumbnail",), Kind.IMAGE, "an image, or its URL as text (see *Images*)",
        "the lead picture",
        json=True, rss=("enclosure", "media:thumbnail"), atom=("media:thumbnail",),
    ),
)  # fmt: skip

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
#: Each field's names: its own, then its aliases.
NAMES: dict[str, tuple[str, ...]] = {f.name: f.names for f in FIELDS}
#: Every name a record may give a field under, and the field's own name.
ALIASES: dict[str, str] = {alias: f.name for f in FIELDS for alias in f.names}
#: What separates the items of a list field given as text, the same in every
#: source: categories `,` or `;`, authors `;` only, since a name may hold a
#: comma ("Quispe, Ana").
LIST_SEPARATORS: dict[str, re.Pattern[str]] = {
    f.name: re.compile(f.separator) for f in FIELDS if f.separator is not None
}
LIST_FIELDS = frozenset(LIST_SEPARATORS)
#: Fields whose database column may hold a JSON array or object.
JSON_FIELDS = frozenset(f.name for f in FIELDS if f.json)


def split_list(field: str, text: str) -> list[str]:
    """The items of a list field given as text (LIST_SEPARATORS), without empty ones."""
    return [item.strip() for item in LIST_SEPARATORS[field].split(text) if item.strip()]


def field_of_element(fields: Iterable[Field] = FIELDS) -> dict[str, str]:
    """The field each RSS and Atom element carries, by the element's local name (`encoded`
    for `content:encoded`, `lang` for `xml:lang`), as findings name elements."""
    found: dict[str, str] = {}
    for f in fields:
        for element in (*f.rss, *f.atom):
            local = element.rpartition(":")[2]
            if found.setdefault(local, f.name) != f.name:
                raise ValueError(f"{local!r} is given to both {found[local]} and {f.name}")
    return found


# -- how the site index stores an Article ------------------------------------------
# Values that marshal writes (str, int, bool, None, tuple), one per attribute,
# in the order of the table; an Article's place is stored apart.

_Codec = tuple[str, Callable[[Any], Any], Callable[[Any], Any]]


def _same(value: Any) -> Any:
    return value


def _plain_codec(name: str) -> _Codec:
    return name, _same, _same


def _date_codec(name: str) -> _Codec:
    return name, datetime.isoformat, datetime.fromisoformat


def _values_of(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """The values of an instance of the dataclass `cls`, in the order of its fields: those
    of `Author` and `Image` are plain values, which `dataclasses.astuple` would copy deeply,
    at several times the cost."""
    return operator.attrgetter(*(f.name for f in dataclasses.fields(cls)))


_AUTHOR_VALUES = _values_of(Author)
_IMAGE_VALUES = _values_of(Image)


def _authors_codec(name: str) -> _Codec:
    return (
        name,
        lambda authors: tuple(_AUTHOR_VALUES(a) for a in authors),
        lambda values: tuple(Author(*a) for a in values),
    )


def _image_codec(name: str) -> _Codec:
    return (
        name,
        lambda image: None if image is None else _IMAGE_VALUES(image),
        lambda values: None if values is None else Image(*values),
    )


_CODEC_OF_KIND: dict[Kind, Callable[[str], _Codec]] = {
    Kind.DATE: _date_codec,
    Kind.AUTHORS: _authors_codec,
    Kind.IMAGE: _image_codec,
}
_CODECS: tuple[_Codec, ...] = tuple(
    _CODEC_OF_KIND.get(f.kind, _plain_codec)(name) for f in FIELDS for name in f.attributes
)


def article_values(article: Article) -> tuple[Any, ...]:
    """Every attribute of `article` but its place, as values marshal writes."""
    return tuple(encode(getattr(article, name)) for name, encode, _ in _CODECS)


def article_from(values: Iterable[Any], place: Place) -> Article:
    """The Article whose `article_values` are `values`, read at `place`."""
    return Article(
        place=place,
        **{name: decode(value) for (name, _, decode), value in zip(_CODECS, values, strict=True)},
    )


# -- the documentation ---------------------------------------------------------------


def markdown_table(fields: Iterable[Field] = FIELDS) -> str:
    """The table of fields in docs/records.md."""
    lines = [
        "| field | aliases | type | required | what it is |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in fields:
        aliases = ", ".join(f"`{alias}`" for alias in f.aliases)
        required = "no"
        if f.required:
            required = "yes, except in `.txt` files" if f.from_source else "**yes**"
        cells = (f"`{f.name}`", aliases, f.type, required, f.meaning)
        lines.append("|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
