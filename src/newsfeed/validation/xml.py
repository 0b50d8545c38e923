"""Safe parsing of untrusted feed documents, and the checks that concern XML itself.

A feed may come from anyone, so the parser never expands an entity into the
tree, never reads a DTD, never opens a URL and keeps libxml2's size limits
(`huge_tree=False`: no text node over 10 MB, no nesting deeper than 256).
libxml2 still refuses a document whose entities would amplify beyond its
limit, which is how a billion-laughs document fails: at once, as a finding.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from typing import BinaryIO, Literal, TypedDict, cast

from lxml import etree

from newsfeed.files import TooLarge, read_limited
from newsfeed.rules import ATOM_NS

from .findings import Finding

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
"""Documents larger than this are refused with a `ValidatorLimit` error, unread."""

# What a libxml2 error is, as (code, explanation): a resource limit is told
# apart by its message, since libxml2 gives depth, text size and entity
# amplification one error type. The W3C validator's names where it has one:
# ValidatorLimit for hardcoded limits, UnicodeError and UnknownEncoding for
# bytes that do not decode.
_LIMITS = (
    ("depth", "ValidatorLimit", "elements nested deeper than the parser's limit of 256"),
    ("text node", "ValidatorLimit", "a text node larger than the parser's limit of 10 MB"),
    ("buffer size", "ValidatorLimit", "a value larger than the parser's limit of 10 MB"),
    ("huge input", "ValidatorLimit", "a value larger than the parser's limit of 10 MB"),
    ("name too long", "ValidatorLimit", "a name longer than the parser's limit"),
    ("amplification", "EntityDeclaration", ""),
    ("entity", "EntityDeclaration", ""),
)
_TYPES = {
    "ERR_ENTITY_LOOP": "EntityDeclaration",
    "ERR_UNDECLARED_ENTITY": "UndefinedNamedEntity",
    "ERR_INVALID_ENCODING": "UnicodeError",
    "ERR_UNSUPPORTED_ENCODING": "UnknownEncoding",
    "ERR_UNKNOWN_ENCODING": "UnknownEncoding",
}
_ENTITY_MESSAGE = (
    "Entity declarations are not allowed in a feed; this document's entities "
    "would expand beyond the parser's limits and were not expanded"
)


class _SafeOptions(TypedDict):
    resolve_entities: bool
    load_dtd: bool
    no_network: bool
    huge_tree: bool
    dtd_validation: bool


SAFE_OPTIONS: _SafeOptions = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,
    "dtd_validation": False,
}
"""The options of every parse of a document from anyone (see above), by a
parser or by `iterparse`."""


def safe_parser(encoding: str | None = None) -> etree.XMLParser:
    """A parser for a document from anyone; a fresh one for each document, since
    parsers keep an error log and are not thread-safe."""
    return etree.XMLParser(encoding=encoding, **SAFE_OPTIONS)


Source = bytes | str | os.PathLike[str] | BinaryIO
"""What `validate` takes: a document's bytes or text, a path, or a binary stream."""


def read_input(data: Source) -> tuple[bytes | None, str, list[Finding]]:
    """Return the document's bytes, the encoding to force (or "") and any refusal.

    A `str` that starts with "<" or "{" (after whitespace and a BOM) is
    document text, anything else a path. Text is parsed as UTF-8 whatever its
    XML declaration says, since the declaration described bytes that no longer
    exist. A path or a stream (standard input) is read with a bound whatever
    it is (a device or a pipe has no size to check first), and with a timeout
    if it is not a regular file.
    """
    if isinstance(data, str) and data.lstrip("\ufeff \t\r\n")[:1] in ("<", "{"):
        raw = data.encode("utf-8", "surrogatepass")
        return _limited(raw), "utf-8", _too_large(len(raw))
    if isinstance(data, bytes):
        return _limited(data), "", _too_large(len(data))
    try:
        if isinstance(data, (str, os.PathLike)):
            return read_limited(data, MAX_DOCUMENT_BYTES), "", []
        return _read_stream(data), "", []
    except TooLarge:
        return None, "", [too_large_finding()]


def _read_stream(stream: BinaryIO) -> bytes:
    try:
        descriptor = stream.fileno()
    except (OSError, AttributeError, io.UnsupportedOperation):
        raw = stream.read(MAX_DOCUMENT_BYTES + 1)
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise TooLarge(MAX_DOCUMENT_BYTES) from None
        return raw
    return read_limited(descriptor, MAX_DOCUMENT_BYTES)


def _limited(raw: bytes) -> bytes | None:
    return None if len(raw) > MAX_DOCUMENT_BYTES else raw


def _too_large(size: int) -> list[Finding]:
    return [] if size <= MAX_DOCUMENT_BYTES else [too_large_finding(size)]


def too_large_finding(size: int | None = None) -> Finding:
    """The refusal of a document over `MAX_DOCUMENT_BYTES` (its size, when known)."""
    known = "" if size is None else f"document of {size} bytes; "
    message = (
        f"Unable to validate, due to hardcoded resource limits "
        f"({known}the limit is {MAX_DOCUMENT_BYTES} bytes)"
    )
    return Finding("error", "ValidatorLimit", message, None, "/")


def syntax_finding(exc: etree.XMLSyntaxError, log: etree._ErrorLog, raw: bytes) -> Finding:
    """The one error of a document that is not well-formed, from its parser's `log`
    (the exception's may also hold earlier documents' errors)."""
    entries = [e for e in log_entries(log) if e.level >= etree.ErrorLevels.ERROR]
    if not entries:
        return Finding("error", "SAXError", f"XML parsing error: {exc}", exc.lineno, "/")
    # An entity problem anywhere wins: the errors after it are its consequences.
    for entry in entries:
        if _code_of(entry)[0] == "EntityDeclaration":
            return Finding(
                "error", "EntityDeclaration", _ENTITY_MESSAGE, _line_of(raw, b"<!ENTITY"), "/"
            )
    first = entries[0]
    code, explanation = _code_of(first)
    message = first.message.strip()
    if code == "ValidatorLimit":
        text = f"Unable to validate, due to hardcoded resource limits ({explanation})"
    elif code == "UndefinedNamedEntity":
        text = f"Undefined named entity: {message}"
    elif code == "UnicodeError":
        text = f"The document's bytes are not valid in its encoding: {message}"
    elif code == "UnknownEncoding":
        text = f"Unknown character encoding: {message}"
    else:
        text = f"XML parsing error: {message}"
    return Finding("error", code, text, first.line, "/")


def _code_of(entry: etree._LogEntry) -> tuple[str, str]:
    if entry.type_name == "ERR_RESOURCE_LIMIT":
        lower = entry.message.lower()
        for needle, code, explanation in _LIMITS:
            if needle in lower:
                return code, explanation
        return "ValidatorLimit", entry.message.strip()
    return _TYPES.get(entry.type_name, "SAXError"), ""


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
    tag = element.tag
    if not isinstance(tag, str):
        return str(tag)
    if not tag.startswith("{"):
        return tag  # no namespace, so no prefix
    # Cut from the tag rather than through QName: this runs once per finding.
    local = tag[tag.index("}") + 1 :]
    prefix = element.prefix
    return f"{prefix}:{local}" if prefix else local


class Paths:
    """Element paths, remembering each parent's numbering: a feed with thousands
    of faulty items would otherwise number its siblings once per finding.

    Given the elements whose paths will be asked (`wanted`), only those and
    their ancestors are remembered: numbering every child of a channel of
    millions of items would hold a string per item.
    """

    __slots__ = ("_steps", "_wanted")

    def __init__(self, wanted: Iterable[etree._Element] | None = None) -> None:
        self._steps: dict[etree._Element, str] = {}
        self._wanted: set[etree._Element] | None = None
        if wanted is not None:
            self._wanted = set()
            for element in wanted:
                node: etree._Element | None = element
                while node is not None and node not in self._wanted:
                    self._wanted.add(node)
                    node = node.getparent()

    def of(self, element: etree._Element, top: etree._Element | None = None) -> str:
        """The element's path from the root, or from inside `top` (its ancestor,
        or itself for "") when given: an entry's findings are placed within it."""
        steps = []
        node: etree._Element | None = element
        while node is not None and node is not top:
            step = self._steps.get(node)
            parent = node.getparent()
            if step is None:
                if parent is None:
                    step = self._steps[node] = step_name(node)
                else:
                    self._number(parent, node)
                    step = self._steps[node]
            steps.append(step)
            node = parent
        return "".join("/" + step for step in reversed(steps))

    def _number(self, parent: etree._Element, asked: etree._Element) -> None:
        counts: dict[object, int] = {}
        for child in parent.iterchildren(etree.Element):
            counts[child.tag] = counts.get(child.tag, 0) + 1
        wanted = self._wanted
        seen: dict[object, int] = {}
        for child in parent.iterchildren(etree.Element):
            tag = child.tag
            seen[tag] = seen.get(tag, 0) + 1
            if wanted is None or child in wanted or child is asked:
                name = step_name(child)
                self._steps[child] = f"{name}[{seen[tag]}]" if counts[tag] > 1 else name
