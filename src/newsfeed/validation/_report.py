"""How the checks report (internal): findings gathered cheaply, placed when needed.

Every check of an XML feed takes the element, a `Report` and the `Scope` of
the item or entry it is in. A finding's message may be given as a callable,
built only if the finding is listed (a code's findings past the cap are
counted, not kept); its line and path are worked out at the end, or, for
one inside an entry, when the entry is settled (see `_walk`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, Protocol, TypeVar

from lxml import etree

from .findings import Cap, Finding, Level
from .xml import Freed, Paths, line_of, step_name


class Scope:
    """The item or entry being checked (or the channel/feed itself), for `entry_id`."""

    __slots__ = ("entry_id", "failed")

    def __init__(self, entry_id: str | None = None) -> None:
        self.entry_id = entry_id
        self.failed = False


Message = str | Callable[[], str]
"""A finding's message, or how to build it: a finding past its code's cap is
counted and never built, so a check run a million times builds no message."""


class Entries:
    """The entries of a feed (an RSS channel's items, an Atom feed's entries), counted
    as they are checked: an entry's place is its number among them, and its step
    is numbered only when there is more than one, which is known at the end."""

    __slots__ = ("container", "count")

    def __init__(self, container: etree._Element) -> None:
        self.container = container
        self.count = 0


class Place:
    """Where in the document an entry is, once the entry itself may be gone: its
    number among the entries, and (from `fix`, while it is there) its step and line."""

    __slots__ = ("entries", "line", "ordinal", "step")

    def __init__(self, entries: Entries) -> None:
        self.entries = entries
        self.ordinal = entries.count
        self.step = ""
        self.line: int | None = None

    def fix(self, entry: etree._Element) -> None:
        if not self.step:
            self.step = step_name(entry)
            self.line = line_of(entry)

    def path(self, container_path: str, rest: str) -> str:
        number = f"[{self.ordinal}]" if self.entries.count > 1 else ""
        return f"{container_path}/{self.step}{number}{rest}"


_Pending = tuple[Level, str, Message, etree._Element, str | None, Scope, int | None]
_Settled = tuple[Level, str, str, int | None, Place, str, Scope]


class Report:
    """Collects findings cheaply; lines and paths are worked out only when needed.

    A finding on the feed's own elements is resolved at the end: paths walk
    parent pointers, which is slow and, while a RELAX NG check of one entry
    has diverted them, wrong. A finding inside an entry is settled when the
    entry's checks are done (`settle`), with its place inside the entry, so
    that the walk may free the entry (see `_walk`).
    """

    __slots__ = ("_cap", "_mark", "_pending", "_placed", "_settled", "found", "freed")

    def __init__(self) -> None:
        self._pending: list[_Pending] = []
        self._settled: list[_Settled] = []
        self._placed: list[Finding] = []
        self.freed: Freed | None = None  # the numbering of siblings freed by the walk
        self._cap = Cap()
        self._mark = 0
        # Every error and warning of the checks, listed or past its cap: an
        # entry whose checks left it unchanged found nothing (see `_memo`).
        self.found = 0

    def error(
        self,
        element: etree._Element,
        code: str,
        message: Message,
        scope: Scope,
        attr: str | None = None,
        line: int | None = None,
    ) -> None:
        scope.failed = True
        self._add("error", element, code, message, scope, attr, line)

    def warning(
        self,
        element: etree._Element,
        code: str,
        message: Message,
        scope: Scope,
        attr: str | None = None,
    ) -> None:
        self._add("warning", element, code, message, scope, attr, None)

    def _add(
        self,
        level: Level,
        element: etree._Element,
        code: str,
        message: Message,
        scope: Scope,
        attr: str | None,
        line: int | None,
    ) -> None:
        self.found += 1
        if self._cap.keep(level, code):
            self._pending.append((level, code, message, element, attr, scope, line))

    def at(self, place: Place, level: Level, code: str, message: Message, scope: Scope) -> None:
        """A finding on an entry already settled (a duplicate found at the end)."""
        if level == "error":
            scope.failed = True
        if self._cap.keep(level, code):
            self._settled.append((level, code, _built(message), place.line, place, "", scope))

    def placed(
        self, level: Level, code: str, message: Message, line: int | None, path: str, scope: Scope
    ) -> None:
        """A finding on an element the walk has freed, placed when it was."""
        if level == "error":
            scope.failed = True
        if self._cap.keep(level, code):
            self._placed.append(Finding(level, code, _built(message), line, path, scope.entry_id))

    def tally(self, level: Level, code: str, count: int) -> None:
        """Count `count` more findings of `code` past its cap, without listing them."""
        if count > 0:
            self._cap.keep(level, code, count)

    def begin(self) -> None:
        """Mark the start of an entry's checks: what follows is `settle`d with it."""
        self._mark = len(self._pending)

    def settle(self, entry: etree._Element, place: Place) -> None:
        """Resolve the findings since `begin`, all inside `entry`, at their place in it."""
        mark = self._mark
        if len(self._pending) == mark:
            return
        pending = self._pending[mark:]
        del self._pending[mark:]
        place.fix(entry)
        paths = Paths(item[3] for item in pending)
        for level, code, message, element, attr, scope, line in pending:
            rest = paths.of(element, entry)
            if attr is not None:
                rest = f"{rest}/@{attr}"
            line = line or line_of(element)
            self._settled.append((level, code, _built(message), line, place, rest, scope))

    def findings(self) -> list[Finding]:
        containers = {item[4].entries.container for item in self._settled}
        paths = Paths([*(item[3] for item in self._pending), *containers], self.freed)
        out = []
        for level, code, message, element, attr, scope, line in self._pending:
            path = paths.of(element)
            if attr is not None:
                path = f"{path}/@{attr}"
            out.append(
                Finding(
                    level,
                    code,
                    _built(message),
                    line or line_of(element),
                    path,
                    scope.entry_id,
                )
            )
        of_container = {container: paths.of(container) for container in containers}
        for level, code, text, line, place, rest, scope in self._settled:
            path = place.path(of_container[place.entries.container], rest)
            out.append(Finding(level, code, text, line, path, scope.entry_id))
        out.extend(self._placed)
        out.extend(self._cap.omitted())
        return out


def _built(message: Message) -> str:
    return message if isinstance(message, str) else message()


Check = Callable[[etree._Element, Report, Scope], None]
"""A check of one element, reporting on the item's or entry's scope."""


def text_of(element: etree._Element) -> str:
    """The element's text, stripped ("" when it has none)."""
    return (element.text or "").strip()


def value_check(
    valid: Callable[[str], bool], code: str, message: str, stripped: bool = True
) -> Check:
    """The check that an element's text (stripped, unless not `stripped`) is `valid`,
    else an error of `code`; `message` names the element `{name}` and the text `{value}`.

    Most checks of a value have this shape: one table row each instead of a function.
    """

    def check(element: etree._Element, report: Report, scope: Scope) -> None:
        value = text_of(element) if stripped else element.text or ""
        if not valid(value):
            report.error(
                element, code, lambda: message.format(name=step_name(element), value=value), scope
            )

    return check


class Part(Protocol):
    """What the checks of one part of a feed (a channel, item, feed, entry or
    source) share: where they report, and the names of the children seen."""

    report: Report
    scope: Scope
    seen: set[str]


P = TypeVar("P", bound=Part)
Foreign = Callable[[etree._Element, etree._Element, Report, Scope], None]
"""The check of a child in a namespace other than the format's own (child, parent, ...)."""


class ChildChecks(Generic[P]):
    """How a format checks the children of its parts: each child gets its check
    from the part's table (once, if it may appear once); a child in the format's
    `own` namespace without one is undefined; any other goes to `foreign`."""

    __slots__ = ("_foreign", "_own")

    def __init__(self, own: Callable[[str], bool], foreign: Foreign) -> None:
        self._own = own
        self._foreign = foreign

    def all(
        self,
        element: etree._Element,
        part: P,
        checks: Mapping[str, Callable[[etree._Element, P], None]],
        single: frozenset[str],
    ) -> None:
        for child in element.iterchildren(etree.Element):
            self.one(child, element, part, checks, single)

    def one(
        self,
        child: etree._Element,
        parent: etree._Element,
        part: P,
        checks: Mapping[str, Callable[[etree._Element, P], None]],
        single: frozenset[str],
    ) -> None:
        report, scope, seen = part.report, part.scope, part.seen
        tag = child.tag
        check = checks.get(tag)
        if check is not None:
            if tag in single:
                if tag in seen:
                    report.error(
                        child,
                        "DuplicateElement",
                        lambda: f"{step_name(parent)} contains more than one {step_name(child)}",
                        scope,
                    )
                seen.add(tag)
            check(child, part)
        elif self._own(tag):
            undefined_element(child, parent, report, scope)
        else:
            self._foreign(child, parent, report, scope)


def check_attribute(
    element: etree._Element,
    attr: str,
    valid: Callable[[str], bool],
    code: str,
    message: str,
    report: Report,
    scope: Scope,
) -> None:
    """An attribute that, where present, must be `valid`, else an error of `code`;
    `message` names the element `{name}` and the attribute's value `{value}`."""
    value = element.get(attr)
    if value is not None and not valid(value):
        report.error(
            element,
            code,
            lambda: message.format(name=step_name(element), value=value),
            scope,
            attr,
        )


def found_check(find: Callable[[str], str | None], code: str, message: str) -> Check:
    """The check that `find` finds nothing in an element's text, else a warning of
    `code`; `message` names the element `{name}` and what was found `{found}`."""

    def check(element: etree._Element, report: Report, scope: Scope) -> None:
        found = find(element.text or "")
        if found is not None:
            report.warning(
                element, code, lambda: message.format(name=step_name(element), found=found), scope
            )

    return check


def missing_attribute(element: etree._Element, attr: str, report: Report, scope: Scope) -> None:
    report.error(
        element,
        "MissingAttribute",
        lambda: f"Missing {step_name(element)} attribute: {attr}",
        scope,
        attr,
    )


def undefined_element(
    element: etree._Element, parent: etree._Element, report: Report, scope: Scope
) -> None:
    report.error(
        element,
        "UndefinedElement",
        lambda: f"Undefined {step_name(parent)} element: {step_name(element)}",
        scope,
    )
