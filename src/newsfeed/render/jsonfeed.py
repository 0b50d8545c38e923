"""JSON Feed 1.1, from the same Articles, with the standard `json` module."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from newsfeed.dates import format_rfc3339
from newsfeed.model import Article, Author, FeedSettings

VERSION = "https://jsonfeed.org/version/1.1"
MEDIA_TYPE = "application/feed+json"


def render_json(
    settings: FeedSettings, articles: Sequence[Article], contents: Sequence[str], self_url: str
) -> bytes:
    feed: dict[str, Any] = {"version": VERSION, "title": settings.title}
    feed["home_page_url"] = settings.link
    feed["feed_url"] = self_url
    _put(feed, "description", settings.description)
    _put(feed, "icon", settings.image)
    _put(feed, "favicon", settings.icon)
    _put(feed, "language", settings.language)
    if settings.authors:
        feed["authors"] = [_author(a) for a in settings.authors]
    if settings.websub_hub:
        feed["hubs"] = [{"type": "WebSub", "url": settings.websub_hub}]
    feed["items"] = [_item(a, c) for a, c in zip(articles, contents, strict=True)]
    text = json.dumps(feed, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def _item(article: Article, content: str) -> dict[str, Any]:
    item: dict[str, Any] = {"id": article.id}
    _put(item, "url", article.url)
    item["title"] = article.title
    _put(item, "summary", article.summary)
    item["content_html"] = content
    _put(item, "content_text", article.body_text)
    if article.image is not None:
        item["image"] = article.image.url
    item["date_published"] = format_rfc3339(article.published)
    item["date_modified"] = format_rfc3339(article.updated)
    if article.authors:
        item["authors"] = [_author(a) for a in article.authors]
    if article.categories:
        item["tags"] = list(article.categories)
    _put(item, "language", article.language)
    if article.image is not None:
        attachment: dict[str, Any] = {"url": article.image.url, "mime_type": article.image.type}
        _put(attachment, "title", article.image.caption)
        _put(attachment, "size_in_bytes", article.image.length)
        item["attachments"] = [attachment]
    return item


def _author(author: Author) -> dict[str, str]:
    person = {"name": author.name}
    _put(person, "url", author.url)
    return person


def _put(target: dict[str, Any], key: str, value: object) -> None:
    if value is not None:
        target[key] = value
