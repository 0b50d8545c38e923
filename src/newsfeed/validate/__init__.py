"""Validate RSS 2.0 and Atom 1.0 feeds, ours or anyone's, the way the W3C validator reports.

`validate(data)` takes a document (bytes, text or a path), parses it safely
and returns its findings; `validate_tree(root)` checks a tree already parsed
with lxml, without touching it. Findings come sorted by line, path and code.
This package imports nothing from the rest of newsfeed but its rules
(`newsfeed.rules`, which reading uses too): the feed writer imports it,
never the other way round.
"""

from __future__ import annotations

import os

from lxml import etree

from .atom import validate_atom
from .findings import Finding, Level
from .rss import validate_rss
from .xml import (
    MAX_DOCUMENT_BYTES,
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
    "validate_tree",
]


def validate(data: bytes | str | os.PathLike[str]) -> list[Finding]:
    """Validate a feed document.

    `bytes` is the document; a `str` is document text when it starts (after
    whitespace and a BOM) with "<", else a path; a path-like is a path. A
    document over `MAX_DOCUMENT_BYTES` is refused with a `ValidatorLimit` error
    and one that is not well-formed yields a single `SAXError` (or
    `UndefinedNamedEntity`, `EntityDeclaration`). Raises OSError when a path
    cannot be read.
    """
    raw, encoding, refused = read_input(data)
    if raw is None:
        return refused
    root, broken = parse(raw, encoding)
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
    findings.sort(key=Finding.sort_key)
    return findings
