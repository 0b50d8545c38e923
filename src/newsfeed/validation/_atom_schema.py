"""RFC 4287's RELAX NG schema for Atom (internal): a pool of compiled schemas, and
libxml2's schema errors reported on the original elements, for `atom`."""

from __future__ import annotations

import queue
import re
from importlib import resources

from lxml import etree

from ._report import Report, Scope
from .xml import log_entries

# lxml's RelaxNG keeps its error log on the object, so one instance serves one
# validation at a time; a pool keeps concurrent callers apart without
# recompiling the schema for each document.
_SCHEMAS: queue.SimpleQueue[etree.RelaxNG] = queue.SimpleQueue()


def give_back(schema: etree.RelaxNG) -> None:
    """Return a schema from `take_schema` to the pool, for the next document."""
    _SCHEMAS.put(schema)


def take_schema() -> etree.RelaxNG:
    try:
        return _SCHEMAS.get_nowait()
    except queue.Empty:
        source = resources.files(__package__).joinpath("atom.rng").read_bytes()
        return etree.RelaxNG(etree.fromstring(source))


# libxml2 reports one fault as a cascade; these entries only repeat, for each
# enclosing element, that something inside it failed.
_CASCADE = frozenset(
    {
        "RELAXNG_ERR_CONTENTVALID",
        "RELAXNG_ERR_INTERSEQ",
        "RELAXNG_ERR_INTEREXTRA",
        "RELAXNG_ERR_INTERNODATA",
        "RELAXNG_ERR_EXTRADATA",
        "RELAXNG_ERR_ELEMEXTRANS",
    }
)
_CODES = {
    "RELAXNG_ERR_INVALIDATTR": "UnexpectedAttribute",
    "RELAXNG_ERR_NOELEM": "MissingElement",
    "RELAXNG_ERR_ELEMWRONG": "UndefinedElement",
    "RELAXNG_ERR_EXTRACONTENT": "UndefinedElement",
    "RELAXNG_ERR_ELEMNOTEMPTY": "UndefinedElement",
    "RELAXNG_ERR_DATATYPE": "InvalidValue",
    "RELAXNG_ERR_VALUE": "InvalidValue",
}
_STEP = re.compile(r"/\*\[(\d+)\]")


def report_schema_errors(
    log: etree._ListErrorLog,
    top: etree._Element,
    children: list[etree._Element],
    scope: Scope,
    report: Report,
) -> None:
    """Report libxml2's schema errors on the original elements.

    The log's paths are positional (`/*/*[3]/*[1]`) and relative to the part
    validated, whose element children are `children` in order.
    """
    errors = [e for e in log_entries(log) if e.level >= etree.ErrorLevels.ERROR]
    specific = [e for e in errors if e.type_name not in _CASCADE] or errors[:1]
    for error in specific:
        report.error(
            _locate(error.path or "", top, children),
            _CODES.get(error.type_name, "InvalidAtomSchema"),
            f"Atom schema (RFC 4287): {error.message}",
            scope,
            line=error.line or None,
        )


def _locate(path: str, top: etree._Element, children: list[etree._Element]) -> etree._Element:
    steps = [int(n) for n in _STEP.findall(path)]
    if not steps or steps[0] > len(children):
        return top
    element = children[steps[0] - 1]
    for n in steps[1:]:
        nested = list(element.iterchildren(etree.Element))
        if n > len(nested):
            break
        element = nested[n - 1]
    return element
