"""Validate RSS 2.0, Atom 1.0 and JSON Feed, ours or anyone's, as the W3C validator reports.

`validate(data)` takes a document (bytes, text, a path or a stream), parses
it safely and returns its findings (JSON Feed when it starts with "{");
`validate_tree(root)` checks a tree already parsed with lxml, without
touching it. Findings come sorted by line, path and code.
This package imports nothing from the rest of newsfeed but its rules
(`newsfeed.rules`, which reading uses too) and the bounded reads of
`newsfeed.files`: the feed writer imports it, never the other way round.
"""

from __future__ import annotations

from lxml import etree

from .atom import validate_atom
from .common import ITUNES_NAMESPACES, PODCAST_NAMESPACE
from .findings import Finding, Level
from .jsonfeed import is_json_document, validate_json_feed
from .rss import validate_rss
from .xml import (
    MAX_DOCUMENT_BYTES,
    Source,
    detect_format,
    entity_findings,
    parse,
    read_input,
    root_finding,
)

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "Finding",
    "Level",
    "detect_format",
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
    root, broken = parse(raw, encoding)
    del raw  # the tree is all that is needed now: a copy of the document less
    if root is None:
        return broken
    return validate_tree(root)


def validate_tree(root: etree._Element) -> list[Finding]:
    """Validate an already-parsed feed: an `<rss>` or Atom `<feed>` element.

    The tree is not modified (the schema check of an Atom entry briefly points
    the entry's children at a stand-in parent, as lxml does to validate a
    subtree, and puts them back before returning), so it must not be read by
    another thread meanwhile.
    """
    findings = entity_findings(root)
    kind = detect_format(root)
    if kind == "rss":
        findings.extend(validate_rss(root))
    elif kind == "atom":
        findings.extend(validate_atom(root))
    else:
        findings.append(root_finding(root))
    if kind is not None:
        # Their checks (and tables) are loaded only for a document that uses them:
        # neither finds anything where no element of its namespace is.
        if _uses(root, _ITUNES_TAGS):
            from .itunes import validate_itunes

            findings.extend(validate_itunes(root, kind))
        if _uses(root, _PODCAST_TAGS):
            from .podcasting import validate_podcasting

            findings.extend(validate_podcasting(root, kind))
    findings.sort(key=Finding.sort_key)
    return findings


_ITUNES_TAGS = tuple(f"{{{namespace}}}*" for namespace in sorted(ITUNES_NAMESPACES))
_PODCAST_TAGS = (f"{{{PODCAST_NAMESPACE}}}*",)


def _uses(root: etree._Element, tags: tuple[str, ...]) -> bool:
    # lxml filters the elements: no Python work per element of a document without any.
    return next(root.iter(*tags), None) is not None
