"""The HTML content of an entry, the same in every format (docs/formats.md).

Kicker first, then the lead image as a figure (readers that ignore Media RSS
still show it), the body, and a note with each author's bio at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import overload

from newsfeed.model import Article, Image


class Contents(Sequence[str]):
    """The HTML of each of `articles`, composed when first asked for and kept: a
    document whose entries are all taken from others built before composes none."""

    __slots__ = ("_articles", "_composed")

    def __init__(self, articles: Sequence[Article]) -> None:
        self._articles = articles
        self._composed: list[str | None] = [None] * len(articles)

    def __len__(self) -> int:
        return len(self._articles)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        composed = self._composed[index]
        if composed is None:
            composed = self._composed[index] = content_html(self._articles[index])
        return composed


def content_html(article: Article) -> str:
    """The entry's HTML; never empty, since JSON Feed items must have content."""
    parts: list[str] = []
    if article.kicker:
        parts.append(f"<p><strong>{escape(article.kicker)}</strong></p>")
    if article.image is not None:
        parts.append(_figure(article.image))
    if article.body_html:
        parts.append(article.body_html)
    notes = [a for a in article.authors if a.bio]
    if notes:
        parts.append("<hr>")
        parts.extend(
            f"<p><strong>{escape(a.name)}</strong>: {escape(a.bio or '')}</p>" for a in notes
        )
    if not article.body_html:
        # Without a body, the summary (or the title) is what a reader shows.
        parts.insert(
            1 if article.kicker else 0, f"<p>{escape(article.summary or article.title)}</p>"
        )
    return "\n".join(parts)


def _figure(image: Image) -> str:
    alt = escape(image.caption or "")
    size = ""
    if image.width is not None and image.height is not None:
        size = f' width="{image.width}" height="{image.height}"'
    caption = " — ".join(escape(text) for text in (image.caption, image.credit) if text)
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure><img src="{escape(image.url)}" alt="{alt}"{size}>{figcaption}</figure>'
