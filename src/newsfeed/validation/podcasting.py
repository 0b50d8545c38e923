"""The Podcasting 2.0 namespace (podcastindex.org/namespace/1.0), as its specification says.

The W3C validator does not know this namespace, so every finding here is a
warning (a feed it calls valid stays valid), with codes of our own:
`UndefinedPodcastElement`, `MisplacedPodcastElement`,
`MissingPodcastAttribute`, `InvalidPodcastValue`. Each element's rules are a
row of `ELEMENTS`: where it may be, its required and optional attributes
and the kind of each value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from newsfeed.rules import ATOM_NS, PODCAST_ELEMENTS, iri_problem, is_http_url

from ._report import Place, Report, Scope, text_of
from ._values import is_email, is_language, is_media_type, rfc822_problem
from .findings import Finding
from .xml import step_name

_MEDIUMS = frozenset(
    kind + suffix
    for kind in (
        "podcast",
        "music",
        "video",
        "film",
        "audiobook",
        "newsletter",
        "blog",
        "publisher",
        "course",
    )
    for suffix in ("", "L")
) | {"mixed"}
_NUMBER = re.compile(r"\d+(?:\.\d+)?\Z")
_INTEGER = re.compile(r"\d+\Z")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z", re.I)
_ISO8601 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)\Z")

# Each kind of value, with what a wrong one should be: (test, explanation).
_KINDS: Mapping[str, tuple[Callable[[str], bool], str]] = {
    "url": (is_http_url, "a full http(s) URL"),
    "uri": (lambda v: iri_problem(v) is None, "an absolute URI"),
    "mime": (is_media_type, "a MIME type"),
    "integer": (lambda v: _INTEGER.match(v) is not None, "a whole number"),
    "number": (lambda v: _NUMBER.match(v) is not None, "a number"),
    "date": (lambda v: rfc822_problem(v) is None, "an RFC 822 date-time"),
    "datetime": (lambda v: _ISO8601.match(v) is not None, "an ISO 8601 date-time"),
    "yesno": (lambda v: v in ("yes", "no"), "yes or no"),
    "boolean": (lambda v: v in ("true", "false"), "true or false"),
    "uuid": (lambda v: _UUID.match(v) is not None, "a UUID"),
    "medium": (_MEDIUMS.__contains__, "one of " + ", ".join(sorted(_MEDIUMS))),
    "email": (is_email, "an email address"),
    "language": (is_language, "a language tag"),
    "status": (lambda v: v in ("pending", "live", "ended"), "pending, live or ended"),
    "integrity": (lambda v: v in ("sri", "pgp-signature"), "sri or pgp-signature"),
    "text": (lambda v: True, ""),
}

_CHANNEL, _ITEM, _LIVE = "channel", "item", "liveItem"


@dataclass(frozen=True)
class Rule:
    """Where an element may be, and the kinds of its text and attributes."""

    parents: frozenset[str]
    text: str | None = None  # the kind of its text; None: no rule on the text
    required: Mapping[str, str] = field(default_factory=dict)
    optional: Mapping[str, str] = field(default_factory=dict)
    max_length: int | None = None


def _rule(
    parents: str, text: str | None = None, max_length: int | None = None, **attrs: str
) -> Rule:
    """Attributes given as `name="kind"` are required, `name="kind?"` optional."""
    required = {k: v for k, v in attrs.items() if not v.endswith("?")}
    optional = {k: v[:-1] for k, v in attrs.items() if v.endswith("?")}
    return Rule(frozenset(parents.split()), text, required, optional, max_length)


ELEMENTS: Mapping[str, Rule] = {
    "locked": _rule(_CHANNEL, "yesno", owner="email?"),
    "funding": _rule(_CHANNEL, "text", 128, url="url"),
    "transcript": _rule(_ITEM, url="url", type="mime", language="language?", rel="text?"),
    "chapters": _rule(_ITEM, url="url", type="mime"),
    "soundbite": _rule(_ITEM, "text", 128, startTime="number", duration="number"),
    "person": _rule(
        f"{_CHANNEL} {_ITEM} {_LIVE}",
        "text",
        128,
        role="text?",
        group="text?",
        img="url?",
        href="url?",
    ),
    "location": _rule(f"{_CHANNEL} {_ITEM} {_LIVE}", "text", 128, geo="text?", osm="text?"),
    "season": _rule(_ITEM, "integer", name="text?"),
    "episode": _rule(_ITEM, "number", display="text?"),
    "trailer": _rule(
        _CHANNEL,
        "text",
        128,
        url="url",
        pubdate="date",
        length="integer?",
        type="mime?",
        season="integer?",
    ),
    "license": _rule(f"{_CHANNEL} {_ITEM}", "text", 128, url="url?"),
    "alternateEnclosure": _rule(
        _ITEM,
        type="mime",
        length="integer?",
        bitrate="number?",
        height="integer?",
        lang="language?",
        title="text?",
        rel="text?",
        codecs="text?",
        default="boolean?",
    ),
    "source": _rule("alternateEnclosure", uri="uri", contentType="mime?"),
    "integrity": _rule("alternateEnclosure", type="integrity", value="text"),
    "guid": _rule(_CHANNEL, "uuid"),
    "value": _rule(f"{_CHANNEL} {_ITEM} {_LIVE}", type="text", method="text", suggested="number?"),
    "valueRecipient": _rule(
        "value",
        name="text?",
        customKey="text?",
        customValue="text?",
        type="text",
        address="text",
        split="integer",
        fee="boolean?",
    ),
    "medium": _rule(_CHANNEL, "medium"),
    "images": _rule(f"{_CHANNEL} {_ITEM}", srcset="text"),
    "liveItem": _rule(_CHANNEL, status="status", start="datetime", end="datetime?"),
    "contentLink": _rule(f"{_ITEM} {_LIVE}", "text", href="url"),
    "socialInteract": _rule(
        _ITEM,
        protocol="text",
        uri="uri?",
        accountId="text?",
        accountUrl="url?",
        priority="integer?",
    ),
    "block": _rule(_CHANNEL, "yesno", id="text?"),
    "txt": _rule(f"{_CHANNEL} {_ITEM}", "text", 4000, purpose="text?"),
    "remoteItem": _rule(
        f"{_CHANNEL} {_ITEM} podroll publisher",
        feedGuid="uuid",
        feedUrl="url?",
        itemGuid="text?",
        medium="medium?",
    ),
    "podroll": _rule(_CHANNEL),
    "publisher": _rule(_CHANNEL),
    "updateFrequency": _rule(
        _CHANNEL, "text", 128, complete="boolean?", dtstart="datetime?", rrule="text?"
    ),
    "podping": _rule(_CHANNEL, usesPodping="boolean?"),
    "chat": _rule(
        f"{_CHANNEL} {_ITEM} {_LIVE}",
        server="text",
        protocol="text",
        accountId="text?",
        space="text?",
    ),
}


class PodcastingWalk:
    """The Podcasting 2.0 findings of an RSS or Atom document (warnings only),
    given its entries one at a time (see `_walk`); `channel` is the RSS channel
    or the Atom feed whose entries are given."""

    def __init__(self, root: etree._Element, kind: str, channel: etree._Element | None) -> None:
        self.report = Report()
        self._root = root
        self._channel = channel
        self._kind = kind
        if kind == "rss":
            self._entry_tag, self._id_tag = "item", "guid"
        else:
            self._entry_tag, self._id_tag = f"{{{ATOM_NS}}}entry", f"{{{ATOM_NS}}}id"

    def metadata(self, child: etree._Element) -> None:
        """The elements outside the entries are checked at the end, all together."""

    def entry(self, entry: etree._Element, place: Place) -> None:
        elements = list(entry.iter(PODCAST_ELEMENTS))
        if not elements:
            return
        report = self.report
        report.begin()
        identifier = entry.find(self._id_tag)
        scope = Scope(None if identifier is None else text_of(identifier) or None)
        for element in elements:
            _check(element, scope, report)
        report.settle(entry, place)

    def finish(self) -> list[Finding]:
        report = self.report
        scopes: dict[etree._Element, Scope] = {}
        for element in self._root.iter(PODCAST_ELEMENTS):
            if not self._in_an_entry(element):
                _check(element, self._scope_of(element, scopes), report)
        return report.findings()

    def _in_an_entry(self, element: etree._Element) -> bool:
        """Whether `element` is inside one of the entries given to `entry`."""
        channel = self._channel
        return any(
            entry.getparent() is channel for entry in element.iterancestors(self._entry_tag)
        )

    def _scope_of(self, element: etree._Element, scopes: dict[etree._Element, Scope]) -> Scope:
        entry = next(element.iterancestors(self._entry_tag), None)
        if entry is None:
            return scopes.setdefault(self._root, Scope())
        if entry not in scopes:
            identifier = entry.find(self._id_tag)
            scopes[entry] = Scope(None if identifier is None else text_of(identifier) or None)
        return scopes[entry]


def _parent_name(element: etree._Element) -> str:
    parent = element.getparent()
    if parent is None:
        return ""
    name = etree.QName(parent).localname
    # An Atom feed and entry stand where an RSS channel and item do.
    return {"feed": _CHANNEL, "entry": _ITEM}.get(name, name)


def _check(element: etree._Element, scope: Scope, report: Report) -> None:
    name = etree.QName(element).localname
    rule = ELEMENTS.get(name)
    if rule is None:
        report.warning(
            element,
            "UndefinedPodcastElement",
            f"Podcasting 2.0 defines no element {step_name(element)}",
            scope,
        )
        return
    parent = _parent_name(element)
    if parent not in rule.parents:
        report.warning(
            element,
            "MisplacedPodcastElement",
            f"{step_name(element)} belongs in {' or '.join(sorted(rule.parents))}, not {parent}",
            scope,
        )
    for attr in rule.required:
        if element.get(attr) is None:
            report.warning(
                element,
                "MissingPodcastAttribute",
                f"Missing {step_name(element)} attribute: {attr}",
                scope,
                attr,
            )
    for attrs in (rule.required, rule.optional):
        for attr, value_kind in attrs.items():
            value = element.get(attr)
            if value is not None:
                _check_value(element, value.strip(), value_kind, report, scope, attr)
    if rule.text is not None:
        text = text_of(element)
        _check_value(element, text, rule.text, report, scope, None)
        if rule.max_length is not None and len(text) > rule.max_length:
            report.warning(
                element,
                "InvalidPodcastValue",
                f"{step_name(element)} should be {rule.max_length} characters or fewer "
                f"({len(text)})",
                scope,
            )


def _check_value(
    element: etree._Element,
    value: str,
    kind: str,
    report: Report,
    scope: Scope,
    attr: str | None,
) -> None:
    test, explanation = _KINDS[kind]
    if not test(value):
        what = step_name(element) if attr is None else f"{attr} attribute of {step_name(element)}"
        report.warning(
            element,
            "InvalidPodcastValue",
            f"{what} should be {explanation}: {value!r}",
            scope,
            attr,
        )
