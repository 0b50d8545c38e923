"""Validate RSS 2.0, Atom 1.0 and JSON Feed, ours or anyone's, as the W3C validator reports.

`validate(data)` takes a document (bytes, text, a path or a stream), parses
it safely and returns its findings (JSON Feed when it starts with "{");
`validate_tree(root)` checks a tree already parsed with lxml, without
touching it. Findings come sorted by line, path and code.
This package imports nothing from the rest of newsfeed but its rules
(`newsfeed.rules`, which reading uses too) and the bounded reads of
`newsfeed.files`: the feed writer imports it, never the other way round.

The public surface is what `__all__` names. Every module is internal: those
named with a leading underscore, and `findings` (the `Finding` value and the
cap of findings per code), `xml` (safe parsing; `safe_parser` also serves
`show`), `rss`, `atom`, `jsonfeed` (`names_json_feed_part` also serves the
command line), `itunes` and `podcasting`, each the checks of its format or
namespace. In the order a document goes through them: `xml`, `_walk` (the
walk that feeds each format's checks one entry at a time), `rss`/`atom` with
their `_rss_parts`/`_atom_parts`/`_atom_schema`, `_extensions`, `_webfeeds`,
`itunes`, `podcasting`; all report through `_report` and judge values with
`_values`.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from . import _memo
from ._walk import walk_bytes, walk_tree
from .findings import Finding, Level
from .jsonfeed import is_json_document, validate_json_feed
from .xml import MAX_DOCUMENT_BYTES, Source, detect_format, read_input

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "Finding",
    "Level",
    "clean_entries",
    "detect_format",
    "restore_clean_entries",
    "validate",
    "validate_json_feed",
    "validate_tree",
]


def validate(data: Source) -> list[Finding]:
    """Validate a feed document.

    `bytes` is the document; a `str` is document text when it starts (after
    whitespace and a BOM) with "<" or "{", else a path; a path-like is a path;
    a binary stream (`sys.stdin.buffer`) is read to its end. A document over
    `MAX_DOCUMENT_BYTES` is refused with a `ValidatorLimit` error, unread when
    its size is known, after the limit and one byte otherwise (a device, a
    pipe); one that is not well-formed yields a single error (`SAXError`,
    `UndefinedNamedEntity`, `EntityDeclaration`, `ValidatorLimit` for a
    parser limit, `UnicodeError`, `UnknownEncoding`). Raises OSError when a
    path cannot be read, `newsfeed.files.ReadTimeout` (an OSError) when a pipe
    or device stays silent for `newsfeed.files.READ_TIMEOUT` seconds.
    """
    raw, encoding, refused = read_input(data)
    if raw is None:
        return refused
    if is_json_document(raw):
        return validate_json_feed(raw)
    return walk_bytes(raw, encoding)


def validate_tree(
    root: etree._Element, *, made_of: Sequence[bytes] | None = None
) -> list[Finding]:
    """Validate an already-parsed feed: an `<rss>` or Atom `<feed>` element.

    The tree is not modified (the schema check of an Atom entry briefly points
    the entry's children at a stand-in parent, as lxml does to validate a
    subtree, and puts them back before returning), so it must not be read by
    another thread meanwhile. An item or entry this process has found clean
    before, the same in the same context, has only its contextual checks run
    again (a publisher checks each article in several documents).

    A renderer that builds each entry from an article's values alone may give
    `made_of`, a digest of each entry's values, in document order: an entry is
    then known by that digest rather than by its canonical form, which costs
    far more to compute (a ValueError when the count differs from the entries').
    """
    return walk_tree(root, clean=_memo.IN_PROCESS, made_of=made_of)


def clean_entries() -> bytes:
    """The items and entries that `validate_tree` found clean in this process and
    those forked from it, as bytes for `restore_clean_entries` in a later one.

    They are digests of each entry and its context, valid for the code that
    checked them (and, for those given by `made_of`, the code and settings
    that built them): keep them with a digest of those, and restore them only
    for the same.
    """
    return _memo.IN_PROCESS.table()


def restore_clean_entries(table: bytes) -> bool:
    """Take the entries of `table` (from `clean_entries`) as found clean, in place of
    those found so far, before forking the processes that validate; False, and
    nothing changed, for bytes that are no such table."""
    return _memo.IN_PROCESS.restore(table)
