"""The site index: what a rebuild needs to cost only what changed, in one SQLite file.

It holds each source as it was last read (its size, modification time and a
digest of its bytes, and for a JSON Lines or CSV file where reading ended),
each article read from it (its id, place, order in a feed, a digest of its
values, and the values themselves, compressed), the facets a `Selection` reads
(categories, authors, language) in feed order, so that "the newest 50 of
category X" is one index read, and each document written (its path, a digest
of what it was rendered from, a digest of its bytes, their size and time).

Every change to a source's articles is one transaction, and a document is
recorded only once its file is in place, so that a run killed at any moment
leaves an index that at worst renders a document again. The index lives in
write-ahead-log mode under the output folder's lock. A file of another
schema version, or one SQLite cannot read, is `DamagedIndex`: the caller
removes it and builds again (`remove`).

The article digest (SHA-256, cut to 16 bytes) is over the article's values
without its place, in a form that depends on nothing but those values
(marshal version 2 has no references to objects met earlier), so an
unchanged article has the same digest in every run.

Internal modules (imported only through this one): `_database` (the file, its
tables, transactions, temporary indexes), `_sources` (sources and their
articles), `_feeds` (reading feeds' entries and articles back), `_documents`
(the documents written) and `_stored` (what the tables store, as values).
"""

from __future__ import annotations

from newsfeed.index._database import (
    INDEX_NAME,
    SCHEMA_VERSION,
    TEMPORARY_PREFIX,
    DamagedIndex,
    remove,
    remove_abandoned_temporaries,
)
from newsfeed.index._documents import Documents, DocumentState
from newsfeed.index._feeds import Entries, Entry, Feeds
from newsfeed.index._sources import SourceRead, Sources, SourceState
from newsfeed.index._stored import (
    AUTHOR,
    CATEGORY,
    LANGUAGE,
    Stored,
    article_digest,
    order_key,
    stored,
)

__all__ = [
    "AUTHOR",
    "CATEGORY",
    "INDEX_NAME",
    "LANGUAGE",
    "SCHEMA_VERSION",
    "TEMPORARY_PREFIX",
    "DamagedIndex",
    "DocumentState",
    "Entries",
    "Entry",
    "SiteIndex",
    "SourceRead",
    "SourceState",
    "Stored",
    "article_digest",
    "order_key",
    "remove",
    "remove_abandoned_temporaries",
    "stored",
]


class SiteIndex(Sources, Feeds, Documents):
    """One site's index, open for one run, or a temporary one (`temporary`)."""
