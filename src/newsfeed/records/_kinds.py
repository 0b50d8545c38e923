"""Reading one field of a record by its kind (see `fields.Kind`): internal.

`READERS` holds one function per kind. Each takes the record being read, the
field, and its value as given (None when absent), and returns the field's
value (for a field of several Article attributes, `Field.attributes`, their
values in order), or raises `RecordRejected`.
A field whose reading needs another field's value asks the record for it
(`Record.value`), which reads that field first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from newsfeed.dates import DateError, parse_datetime
from newsfeed.fields import BODY_FORMATS, Field, Kind, split_list
from newsfeed.model import Place
from newsfeed.records._objects import authors, image
from newsfeed.records._record import Reader, Record, RecordRejected, kind_of, plain, shown
from newsfeed.rules import (
    id_problem,
    id_scheme,
    iri_to_uri,
    is_uri,
    normalise_language,
    tag_uri,
    writable_datetime,
)
from newsfeed.text import (
    MAX_HTML_DEPTH,
    render_markdown,
    sanitize_html,
    slugify,
    text_to_html,
    too_deep,
)


def _id(record: Record, field: Field, value: Any) -> tuple[str, str, bool]:
    """(entry id, Atom id, whether the id is the article's URL)."""
    url = record.value("url")
    published = record.value("published")
    domain = record.context.domain
    if value is not None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise RecordRejected(
                record.place.error(
                    field.name, f"must be text or a whole number, not {kind_of(value)}"
                )
            )
        article_id = str(value).strip()
        if id_scheme(article_id) is None:
            # Opaque text (`ja-2026-0088`, `wp:123`): Atom needs an IRI.
            return article_id, tag_uri(domain, published, article_id), False
        uri = _id_uri(article_id, field.name, record)
        return uri, uri, uri == url
    if url is not None:
        return url, url, True
    made = tag_uri(domain, published, slugify(record.value("title")) or "article")
    return made, made, False


def _id_uri(article_id: str, name: str, record: Record) -> str:
    """An id meant as an IRI (it has a scheme ids use), checked as its RFC says and
    written as its URI; anything else rejects the record."""
    place = record.place
    problem = id_problem(article_id)
    if problem is not None:
        raise RecordRejected(place.error(name, f"{shown(article_id)} {problem[1]}"))
    if article_id[:5].lower() in ("http:", "https"):
        uri = record.context.http_uri(article_id)
    else:
        uri = iri_to_uri(article_id)
        uri = uri if uri is not None and is_uri(uri) else None
    if uri is None:
        raise RecordRejected(place.error(name, f"{shown(article_id)} is not a usable IRI"))
    return uri


def _url(record: Record, field: Field, value: Any) -> str | None:
    return _normal(record, field, value, record.context.http_uri, "an absolute http(s) URL")


def _normal(
    record: Record, field: Field, value: Any, normalise: Callable[[str], str | None], what: str
) -> str | None:
    """Text in its normal form (None when absent), or the error: it is not `what`."""
    if value is None:
        return None
    normal = normalise(value) if isinstance(value, str) else None
    if normal is None:
        raise RecordRejected(record.place.error(field.name, f"{shown(value)} is not {what}"))
    return normal


def _text(record: Record, field: Field, value: Any) -> str | None:
    text = plain(value, field.name, record.place, record.problems)
    if not text and field.required:
        raise RecordRejected(
            record.place.error(field.name, "missing or empty; every article needs one")
        )
    return text or None


def _body_format(record: Record, field: Field, value: Any) -> str:
    given = "text" if value is None else value
    kind = given.strip().lower() if isinstance(given, str) else None
    if kind not in BODY_FORMATS:
        raise RecordRejected(
            record.place.error(
                field.name, f"{shown(given)} is not one of {', '.join(BODY_FORMATS)}"
            )
        )
    return kind


def _body(record: Record, field: Field, value: Any) -> tuple[str | None, str | None]:
    """The sanitised HTML, and the original text of a text body."""
    kind = record.value("body_format")
    html, text = None, None
    if value is None:
        pass
    elif not isinstance(value, str):
        raise RecordRejected(record.place.error(field.name, f"must be text, not {kind_of(value)}"))
    elif kind == "text":
        html, text = text_to_html(value) or None, value.strip() or None
    else:
        html = _sanitised(value, kind, record, field)
    return html, text


def _sanitised(body: str, kind: str, record: Record, field: Field) -> str | None:
    if too_deep(body):
        raise RecordRejected(
            record.place.error(
                field.name, f"HTML nested more than {MAX_HTML_DEPTH} elements deep (the limit)"
            )
        )
    if kind == "markdown":
        # Markdown nests without tags ("> > >"): its HTML is counted too.
        body = render_markdown(body)
        if too_deep(body):
            raise RecordRejected(
                record.place.error(
                    field.name,
                    f"Markdown nested more than {MAX_HTML_DEPTH} levels deep (the limit)",
                )
            )
    # Readers cannot resolve a relative link in a feed; without the article's
    # own page, the site's home page is the nearest base there is.
    base = record.value("url") or record.context.settings.link
    return sanitize_html(body, base) or None


def _date(record: Record, field: Field, value: Any) -> datetime:
    place = record.place
    if value is not None:
        return _parsed_date(record, field.name, value)
    if field.default is not None:
        default: datetime = record.value(field.default)
        return default
    fallback = record.raw.fallback_published if field.from_source else None
    if fallback is None:
        raise RecordRejected(place.error(field.name, "missing; every article needs a date"))
    record.problems.append(
        place.warning(
            field.name, "missing; using the file's modification time, which changes on copy"
        )
    )
    fallback = fallback.astimezone(record.context.tz)
    return _writable(fallback, fallback.isoformat(), field.name, place)


def _parsed_date(record: Record, name: str, value: Any) -> datetime:
    context = record.context
    language = record.value("language") or context.settings.language
    try:
        when = parse_datetime(value, context.tz, language)
    except DateError as error:
        raise RecordRejected(record.place.error(name, str(error))) from None
    return _writable(when, value, name, record.place)


def _writable(when: datetime, value: Any, name: str, place: Place) -> datetime:
    """`when` as every format writes it (see `rules.writable_datetime`), or the error."""
    writable = writable_datetime(when)
    if isinstance(writable, str):
        raise RecordRejected(place.error(name, f"{shown(value)} cannot be published: {writable}"))
    return writable


def _language(record: Record, field: Field, value: Any) -> str | None:
    what = "a BCP 47 language tag (such as es, pt-BR, zh-Hant)"
    tag = _normal(record, field, value, normalise_language, what)
    return None if tag == record.context.settings.language else tag


def _text_list(record: Record, field: Field, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    place = record.place
    if isinstance(value, str):
        items: list[Any] = split_list(field.name, value)
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise RecordRejected(
            place.error(field.name, f"must be a list or text, not {kind_of(value)}")
        )
    seen: dict[str, None] = {}
    for item in items:
        if not isinstance(item, str):
            raise RecordRejected(
                place.error(field.name, f"a category is text, not {kind_of(item)}")
            )
        name = plain(item, field.name, place, record.problems)
        if name:
            seen.setdefault(name, None)
    return tuple(seen)


READERS: dict[Kind, Reader] = {
    Kind.ID: _id,
    Kind.URL: _url,
    Kind.TEXT: _text,
    Kind.BODY: _body,
    Kind.BODY_FORMAT: _body_format,
    Kind.AUTHORS: authors,
    Kind.DATE: _date,
    Kind.LANGUAGE: _language,
    Kind.TEXT_LIST: _text_list,
    Kind.IMAGE: image,
}
