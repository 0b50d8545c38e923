"""Safe parsing of untrusted feed documents, and the checks that concern XML itself.

A feed may come from anyone, so the parser never expands an entity into the
tree, never reads a DTD, never opens a URL and keeps libxml2's size limits
(`huge_tree=False`: no text node over 10 MB, no nesting deeper than 256).
libxml2 still refuses a document whose entities would amplify beyond its
limit, which is how a billion-laughs document fails: at once, as a finding.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Literal, cast

from lxml import etree

from newsfeed.rules import ATOM_NS

from .findings import Finding

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
"""Documents larger than this are refused with a `ValidatorLimit` error, unread."""

# libxml2 error types that mean the document leans on entity declarations,
# which a feed has no business with (and which the parser will not expand).
_ENTITY_ERRORS = frozenset({"ERR_RESOURCE_LIMIT", "ERR_ENTITY_LOOP"})
_UNDEFINED_ENTITY = "ERR_UNDECLARED_ENTITY"


def safe_parser(encoding: str | None = None) -> etree.XMLParser:
    """A parser for a document from anyone (see above); a fresh one for each
    document, since parsers keep an error log and are not thread-safe."""
    return etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        dtd_validation=False,
    )


def read_input(data: bytes | str | os.PathLike[str]) -> tuple[bytes | None, str, list[Finding]]:
    """Return the document's bytes, the encoding to force (or "") and any refusal.

    A `str` that starts with "<" (after whitespace and a BOM) is document text,
    anything else a path. Text is parsed as UTF-8 whatever its XML declaration
    says, since the declaration described bytes that no longer exist.
    """
    if isinstance(data, str) and data.lstrip("\ufeff \t\r\n").startswith("<"):
        raw = data.encode("utf-8", "surrogatepass")
        return _limited(raw), "utf-8", _too_large(len(raw))
    if isinstance(data, bytes):
        return _limited(data), "", _too_large(len(data))
    path = os.fspath(data)
    size = os.stat(path).st_size
    if size > MAX_DOCUMENT_BYTES:
        return None, "", _too_large(size)
    with open(path, "rb") as handle:
        return handle.read(), "", []


def _limited(raw: bytes) -> bytes | None:
    return None if len(raw) > MAX_DOCUMENT_BYTES else raw


def _too_large(size: int) -> list[Finding]:
    if size <= MAX_DOCUMENT_BYTES:
        return []
    message = (
        f"Unable to validate, due to hardcoded resource limits "
        f"(document of {size} bytes; the limit is {MAX_DOCUMENT_BYTES})"
    )
    return [Finding("error", "ValidatorLimit", message, None, "/")]


def parse(raw: bytes, encoding: str) -> tuple[etree._Element | None, list[Finding]]:
    """Parse without trusting the document; a failure becomes one error finding."""
    parser = safe_parser(encoding or None)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        return None, [_syntax_finding(exc, parser, raw)]
    if root is None:
        return None, [Finding("error", "SAXError", "XML parsing error: no root element", 1, "/")]
    return root, []


def _syntax_finding(exc: etree.XMLSyntaxError, parser: etree.XMLParser, raw: bytes) -> Finding:
    # The parser's own log: the exception's may also hold earlier documents' errors.
    entries = [e for e in log_entries(parser.error_log) if e.level >= etree.ErrorLevels.ERROR]
    types = {e.type_name for e in entries}
    if types & _ENTITY_ERRORS:
        return Finding(
            "error",
            "EntityDeclaration",
            "Entity declarations are not allowed in a feed; this document's entities "
            "would expand beyond the parser's limits and were not expanded",
            _line_of(raw, b"<!ENTITY"),
            "/",
        )
    first = entries[0] if entries else None
    line = first.line if first is not None else exc.lineno
    if first is not None and first.type_name == _UNDEFINED_ENTITY:
        return Finding(
            "error", "UndefinedNamedEntity", f"Undefined named entity: {first.message}", line, "/"
        )
    message = first.message if first is not None else str(exc)
    return Finding("error", "SAXError", f"XML parsing error: {message}", line, "/")


def log_entries(log: etree._ErrorLog) -> Iterable[etree._LogEntry]:
    """The entries of an lxml error log (which lxml-stubs does not declare iterable)."""
    return cast("Iterable[etree._LogEntry]", log)


def line_of(element: etree._Element) -> int | None:
    """The element's line in its document (lxml-stubs types `sourceline` loosely)."""
    line = element.sourceline
    return line if isinstance(line, int) else None


def _line_of(raw: bytes, needle: bytes) -> int | None:
    at = raw.find(needle)
    return None if at < 0 else raw.count(b"\n", 0, at) + 1


def entity_findings(root: etree._Element) -> list[Finding]:
    """Report entity declarations in the internal subset; they are never expanded."""
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is None:
        return []
    findings = []
    # lxml-stubs lacks DTD.iterentities (lxml >= 2.3).
    for entity in dtd.iterentities():  # type: ignore[attr-defined]
        if entity.system_url:
            findings.append(
                Finding(
                    "error",
                    "ContainsSystemEntity",
                    f"Feeds must not contain SYSTEM entities: {entity.name} refers to "
                    f"{entity.system_url}, which was not fetched",
                    None,
                    "/",
                )
            )
        else:
            findings.append(
                Finding(
                    "error",
                    "EntityDeclaration",
                    f"Entity declarations are not allowed in a feed: {entity.name} "
                    "was not expanded",
                    None,
                    "/",
                )
            )
    return findings


FeedFormat = Literal["rss", "atom"]

_ROOTS: dict[object, FeedFormat] = {"rss": "rss", f"{{{ATOM_NS}}}feed": "atom"}


def detect_format(root: etree._Element) -> FeedFormat | None:
    """ "rss" for an `<rss>` root, "atom" for an Atom 1.0 `<feed>`, else None."""
    return _ROOTS.get(root.tag)


def root_finding(root: etree._Element) -> Finding:
    """The error for a document that is neither RSS 2.0 nor Atom 1.0."""
    qname = etree.QName(root)
    if qname.namespace == "http://purl.org/atom/ns#":
        return Finding(
            "error",
            "ObsoleteNamespace",
            "This feed uses an obsolete namespace (Atom 0.3); use Atom 1.0",
            line_of(root),
            "/" + step_name(root),
        )
    return Finding(
        "error",
        "UndefinedElement",
        f"Undefined root element: {step_name(root)} (expected rss or an Atom 1.0 feed)",
        line_of(root),
        "/" + step_name(root),
    )


def step_name(element: etree._Element) -> str:
    """The element's name as written in the document (`pubDate`, `media:content`)."""
    local = etree.QName(element).localname
    return f"{element.prefix}:{local}" if element.prefix else local


class Paths:
    """Element paths, remembering each parent's numbering: a feed with thousands
    of faulty items would otherwise number its siblings once per finding."""

    __slots__ = ("_steps",)

    def __init__(self) -> None:
        self._steps: dict[etree._Element, str] = {}

    def of(self, element: etree._Element) -> str:
        steps = []
        node: etree._Element | None = element
        while node is not None:
            step = self._steps.get(node)
            parent = node.getparent()
            if step is None:
                if parent is None:
                    step = self._steps[node] = step_name(node)
                else:
                    self._number(parent)
                    step = self._steps[node]
            steps.append(step)
            node = parent
        return "/" + "/".join(reversed(steps))

    def _number(self, parent: etree._Element) -> None:
        children = list(parent.iterchildren(etree.Element))
        counts: dict[str, int] = {}
        for child in children:
            counts[child.tag] = counts.get(child.tag, 0) + 1
        seen: dict[str, int] = {}
        for child in children:
            name = step_name(child)
            if counts[child.tag] > 1:
                seen[child.tag] = seen.get(child.tag, 0) + 1
                name = f"{name}[{seen[child.tag]}]"
            self._steps[child] = name
