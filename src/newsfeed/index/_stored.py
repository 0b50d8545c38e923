"""What the site index stores (internal): articles as the field table's values and back,
their digest, their order in a feed and facets, and problems as values."""

from __future__ import annotations

import hashlib
import marshal
import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, TypeAlias

from newsfeed.fields import article_from, article_values
from newsfeed.index._database import DamagedIndex
from newsfeed.model import (
    Article,
    InputError,
    InputWarning,
    Place,
    Problem,
    SourceError,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
#: Subtracting from this orders newest first; every year 1-9999 stays positive.
_NEWEST_FIRST = 1 << 62
#: The bytes of an article's digest.
DIGEST_SIZE = 16

#: The facet kinds a `Selection` reads: categories, author names, language.
CATEGORY, AUTHOR, LANGUAGE = "c", "a", "l"


def order_key(article: Article) -> int:
    """Newest `published` first (ties are broken by id as a second key)."""
    return _NEWEST_FIRST - (article.published - _EPOCH) // _MICROSECOND


def facets_of(article: Article) -> list[tuple[str, str, str]]:
    """The facets of `article`: (kind, casefolded value, spelling), each value once."""
    found: dict[tuple[str, str], str] = {}
    for name in article.categories:
        found.setdefault((CATEGORY, name.casefold()), name)
    for author in article.authors:
        found.setdefault((AUTHOR, author.name.casefold()), author.name)
    # Without a language of its own an article has the site's: selections ask for "" then.
    language = article.language or ""
    found[(LANGUAGE, language.casefold())] = language
    return [(kind, value, spelling) for (kind, value), spelling in found.items()]


def problem_values(n: int, problem: Problem) -> tuple[Any, ...]:
    kind = "S" if isinstance(problem, SourceError) else problem.level[0]
    return (n, kind, problem.source, problem.position, problem.field, problem.message)


def problem_of(values: Sequence[Any]) -> Problem:
    kind, source, position, field, message = values
    cls = {"S": SourceError, "e": InputError, "w": InputWarning}[kind]
    problem: Problem = cls(source, position, field, message)
    return problem


def article_digest(article: Article) -> bytes:
    """A digest of everything the article renders from (not its place)."""
    return hashlib.sha256(marshal.dumps(article_values(article), 2)).digest()[:DIGEST_SIZE]


#: An article made ready for the index: its id (UTF-8), order key, place (source and
#: position), values (marshal's bytes, see `packed`) and facets; plain values, which
#: pickle cheaply.
Stored: TypeAlias = tuple[bytes, int, str, str | None, bytes, list[tuple[str, str, str]]]


def stored(article: Article) -> Stored:
    """`article` made ready for the index."""
    return (
        article.id.encode("utf-8", "surrogatepass"),
        order_key(article),
        article.place.source,
        article.place.position,
        marshal.dumps(article_values(article), 2),
        facets_of(article),
    )


def packed(values: bytes) -> tuple[bytes, bytes]:
    """The digest of an article's `values`, and the values as the index keeps them."""
    digest = hashlib.sha256(values).digest()[:DIGEST_SIZE]
    # Article text compresses about fourfold even at the fastest level: a quarter of
    # the disk, and of the bytes a large first build writes twice (log, then file).
    return digest, zlib.compress(values, 1)


def decoded(stored: bytes, digest: bytes, source: str, position: str | None) -> Article:
    """The article stored as `stored`, checked against its `digest`, read at that place."""
    try:
        values = zlib.decompress(stored)
    except zlib.error:
        values = b""
    if hashlib.sha256(values).digest()[:DIGEST_SIZE] != digest:
        raise DamagedIndex("an article's values do not match their digest")
    return article_from(marshal.loads(values), Place(source, position))
