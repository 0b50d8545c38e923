"""newsfeed: publish article records as RSS 2.0, Atom 1.0 and JSON Feed 1.1.

import newsfeed

settings = newsfeed.FeedSettings(title="Periodista Digital", link="https://example.org/")
reading = newsfeed.read_articles("articles/", settings)
for problem in reading.problems:
    print(problem)
feed = newsfeed.Feed(settings, reading.articles)
feed.write("public/")        # rss.xml, atom.xml, feed.json; atomic, validated

# A whole site, as `newsfeed build` publishes it (index, archives, fan-outs):
site = newsfeed.Site(settings, Path("public"), (newsfeed.FeedPlan(archive=True),))
outcome = newsfeed.publish(site, "articles/")

What users import is named in `__all__` here, plus `newsfeed.validation`
(`validate_tree`, `Finding`) and `newsfeed.publishing` (`locked`, `ping_hub`),
and the limits the README's table names (`text.MAX_HTML_DEPTH`,
`records.MAX_VALUE_NESTING`, `files.READ_TIMEOUT`, `validation.MAX_DOCUMENT_BYTES`).
Every other module is the library's own, free to change between releases; the
modules follow the stages of the flow (tests/test_layout.py holds the order):
rules, text, dates, model, fields, files -> sources -> records -> index,
reading -> feed -> render -> validation, documents -> publishing -> config,
cli, serve, show, discovery.
"""

from __future__ import annotations

import importlib

from newsfeed.version import __version__

# typing.TYPE_CHECKING without importing typing; type checkers take this name as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from newsfeed.discovery import discovery_links
    from newsfeed.documents import Document, Feed, InvalidFeed, Written
    from newsfeed.feed import FORMATS
    from newsfeed.model import (
        Article,
        Author,
        FeedSettings,
        Image,
        InputError,
        InputWarning,
        Place,
        Problem,
        RawRecord,
        Reading,
        SettingError,
        SourceError,
        WebFeeds,
    )
    from newsfeed.publishing import FeedPlan, Outcome, Selection, Site, publish
    from newsfeed.reading import read_articles
    from newsfeed.serve import Response, respond
    from newsfeed.sources.readers import (
        FileReader,
        RecordSource,
        register_reader,
        unregister_reader,
    )
    from newsfeed.sources.sql import SqlSource
    from newsfeed.validation import Finding, validate

#: The module that defines each public name. A name is imported when first used, so
#: that `import newsfeed` (and the command's --version) costs no feedgen, lxml,
#: dateutil, validator, database or serving code until a program needs it.
_DEFINED_IN = {
    "newsfeed.discovery": ("discovery_links",),
    "newsfeed.documents": ("Document", "Feed", "InvalidFeed", "Written"),
    "newsfeed.feed": ("FORMATS",),
    "newsfeed.model": (
        "Article",
        "Author",
        "FeedSettings",
        "Image",
        "InputError",
        "InputWarning",
        "Place",
        "Problem",
        "RawRecord",
        "Reading",
        "SettingError",
        "SourceError",
        "WebFeeds",
    ),
    "newsfeed.publishing": ("FeedPlan", "Outcome", "Selection", "Site", "publish"),
    "newsfeed.reading": ("read_articles",),
    "newsfeed.serve": ("Response", "respond"),
    "newsfeed.sources.readers": (
        "FileReader",
        "RecordSource",
        "register_reader",
        "unregister_reader",
    ),
    "newsfeed.sources.sql": ("SqlSource",),
    "newsfeed.validation": ("Finding", "validate"),
}
_EXPORTS = {name: module for module, names in _DEFINED_IN.items() for name in names}


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'newsfeed' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "FORMATS",
    "Article",
    "Author",
    "Document",
    "Feed",
    "FeedPlan",
    "FeedSettings",
    "FileReader",
    "Finding",
    "Image",
    "InputError",
    "InputWarning",
    "InvalidFeed",
    "Outcome",
    "Place",
    "Problem",
    "RawRecord",
    "Reading",
    "RecordSource",
    "Response",
    "Selection",
    "SettingError",
    "Site",
    "SourceError",
    "SqlSource",
    "WebFeeds",
    "Written",
    "__version__",
    "discovery_links",
    "publish",
    "read_articles",
    "register_reader",
    "respond",
    "unregister_reader",
    "validate",
]
