"""Articles as the values the site index stores, and back (internal to the index)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newsfeed.model import Article, Author, Image, Place

# Articles become tuples of the values marshal writes (str, int, bool, None,
# tuple) and back; the round-trip test names every field, so a field added to
# the model and forgotten here fails it.


def _values(article: Article) -> tuple[Any, ...]:
    image = article.image
    return (
        article.id,
        article.atom_id,
        article.title,
        article.published.isoformat(),
        article.updated.isoformat(),
        article.id_is_url,
        article.url,
        article.kicker,
        article.summary,
        article.body_html,
        article.body_text,
        tuple((a.name, a.email, a.url, a.bio) for a in article.authors),
        article.language,
        article.categories,
        None
        if image is None
        else (
            image.url,
            image.type,
            image.length,
            image.width,
            image.height,
            image.caption,
            image.credit,
        ),
    )


def _article(values: tuple[Any, ...], place: Place) -> Article:
    (
        id,
        atom_id,
        title,
        published,
        updated,
        id_is_url,
        url,
        kicker,
        summary,
        body_html,
        body_text,
        authors,
        language,
        categories,
        image,
    ) = values
    return Article(
        id=id,
        atom_id=atom_id,
        title=title,
        published=datetime.fromisoformat(published),
        updated=datetime.fromisoformat(updated),
        place=place,
        id_is_url=id_is_url,
        url=url,
        kicker=kicker,
        summary=summary,
        body_html=body_html,
        body_text=body_text,
        authors=tuple(Author(*author) for author in authors),
        language=language,
        categories=categories,
        image=None if image is None else Image(*image),
    )
