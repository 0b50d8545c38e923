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
"""

from newsfeed.discovery import discovery_links
from newsfeed.feed import FORMATS, Document, Feed, InvalidFeed, Written
from newsfeed.model import (
    Article,
    Author,
    FeedSettings,
    Image,
    InputError,
    InputWarning,
    Place,
    Problem,
    SourceError,
)
from newsfeed.publish import FeedPlan, Outcome, Selection, Site, publish
from newsfeed.reading import read_articles
from newsfeed.records import Reading
from newsfeed.serve import Response, respond
from newsfeed.sources.sql import SqlSource
from newsfeed.validate import Finding, validate
from newsfeed.version import __version__

__all__ = [
    "FORMATS",
    "Article",
    "Author",
    "Document",
    "Feed",
    "FeedPlan",
    "FeedSettings",
    "Finding",
    "Image",
    "InputError",
    "InputWarning",
    "InvalidFeed",
    "Outcome",
    "Place",
    "Problem",
    "Reading",
    "Response",
    "Selection",
    "Site",
    "SourceError",
    "SqlSource",
    "Written",
    "__version__",
    "discovery_links",
    "publish",
    "read_articles",
    "respond",
    "validate",
]
