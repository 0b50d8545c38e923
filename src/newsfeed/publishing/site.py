"""The site model: a site's feeds (`Site`, `FeedPlan`, `Selection`), their URLs,
the plans a fan-out expands to, and what one publish run did (`Outcome`)."""

from __future__ import annotations

import marshal
import math
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from newsfeed.documents import Written
from newsfeed.feed import FORMATS, Format
from newsfeed.index import AUTHOR, CATEGORY, LANGUAGE, Entries, SiteIndex
from newsfeed.model import FeedSettings, Problem, SettingError, SourceError
from newsfeed.publishing._budget import DEFAULT_MAX_BYTES
from newsfeed.publishing.lock import DEFAULT_LOCK_TIMEOUT
from newsfeed.publishing.plans import (
    ARCHIVE_FOLDER,
    PlanCollision,
    check_plans,
    fan_out_folder,
    fan_out_folders,
)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which articles a feed takes; empty sets select everything.

    Values are compared case-insensitively; an article without a language
    has the site's.
    """

    categories: frozenset[str] = frozenset()
    authors: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()

    def entries(
        self, index: SiteIndex, site_language: str | None, limit: int | None = None
    ) -> Entries:
        """The entries of the articles it takes, in feed order (the first `limit`)."""
        return index.entries(*self.facets(site_language), limit=limit)

    def count(
        self, index: SiteIndex, site_language: str | None, older_than: int | None = None
    ) -> int:
        """How many articles it takes (of those older than the order key `older_than`)."""
        return index.count(*self.facets(site_language), older_than=older_than)

    def facets(
        self, site_language: str | None
    ) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """The categories, authors and languages it takes, as the index keeps facets."""
        languages = frozenset(language.casefold() for language in self.languages)
        if (site_language or "").casefold() in languages:
            languages |= {""}  # an article without a language of its own
        return (
            frozenset(c.casefold() for c in self.categories),
            frozenset(a.casefold() for a in self.authors),
            languages,
        )


@dataclass(frozen=True, slots=True)
class FeedPlan:
    """One feed of a site: where it goes, what it selects, how it is written.

    `path` is the feed's folder below the output folder ("" for the main
    feed). `fan_out` ("category" or "author") makes one feed per value found
    instead, in `path/{folder}/` (`plans.fan_out_folder`).
    """

    path: str = ""
    title: str | None = None
    selection: Selection = field(default_factory=Selection)
    fan_out: Literal["category", "author"] | None = None
    formats: tuple[Format, ...] = FORMATS
    archive: bool = False
    page_size: int | None = None
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True, slots=True)
class Site:
    settings: FeedSettings
    out: Path
    plans: tuple[FeedPlan, ...] = (FeedPlan(),)
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT

    def __post_init__(self) -> None:
        collision = check_plans(self.plans)
        if collision:
            raise PlanCollision(collision)
        timeout: object = self.lock_timeout
        # NaN would wait for ever, as infinity does.
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise SettingError("lock_timeout", f"must be a number of seconds, not {timeout!r}")
        if not 0 <= timeout < math.inf:
            raise SettingError(
                "lock_timeout", f"must be a number of seconds, 0 or more, not {timeout}"
            )


@dataclass(slots=True)
class Outcome:
    """What one publish run did: every file, and every problem met on the way
    (those of reading first, as `read_articles` gives them)."""

    files: list[Written] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    entries: dict[Path, int] = field(default_factory=dict)
    #: Files of documents the site no longer has, removed.
    removed: list[Path] = field(default_factory=list)
    #: Why nothing was written, if it was not: "unreadable" (a source could not be
    #: read: the feeds keep their last good version) or "strict" (a bad record).
    stopped: Literal["unreadable", "strict"] | None = None
    #: The records reading skipped (each error of reading skipped one).
    skipped: int = 0

    @property
    def changed(self) -> list[Written]:
        return [w for w in self.files if w.status == "written"]

    @property
    def failed(self) -> bool:
        return self.stopped is not None or any(w.status == "invalid" for w in self.files)

    @property
    def unreadable(self) -> list[SourceError]:
        return [p for p in self.problems if isinstance(p, SourceError)]


def may_take(
    facets: tuple[frozenset[str], frozenset[str], frozenset[str]],
    changes: Mapping[str, frozenset[str]],
) -> bool:
    """Whether a feed of these `facets` (`Selection.facets`) could take an article that
    `changes` (`SiteIndex.changes`, of sources in the same order) added, removed or
    edited: its entries are the same as before otherwise."""
    if "" not in changes:
        return False  # no article changed
    # Each kind it selects by must meet a changed value of that kind (perhaps of
    # different articles: a cheap test that errs only towards taking).
    return all(
        not values or values & changes.get(kind, frozenset())
        for kind, values in zip((CATEGORY, AUTHOR, LANGUAGE), facets, strict=True)
    )


#: Each fan-out's feeds (by the number of its plan in `Site.plans`): the folder of each,
#: and the name it is titled by with the values (casefolded) it selects.
FanOuts = dict[int, dict[str, tuple[str, frozenset[str]]]]


def expand(site: Site, index: SiteIndex) -> list[FeedPlan]:
    """The plans with each fan-out replaced by one plan per value the published
    articles carry (in the order they were read), in slug order.

    Values that are one name spelled two ways ("Economía", "economia") share
    one feed, named after the first one met; other values never share a folder.
    """
    return expanded(site, fan_outs(site, index))


def fan_outs(site: Site, index: SiteIndex) -> FanOuts:
    """The feeds of each fan-out of `site`, from every value the index holds."""
    found: FanOuts = {}
    for number, plan in enumerate(site.plans):
        if plan.fan_out is not None:
            names = index.spellings(fan_out_kind(plan))
            folders = fan_out_folders(names)
            found[number] = _feeds_of((folders[name], name) for name in names)
    return found


def fan_outs_after(
    site: Site, index: SiteIndex, last: FanOuts, changes: Mapping[str, frozenset[str]]
) -> FanOuts | None:
    """`fan_outs` from `last` (what it was when the index held the articles before
    `changes`), looking again only at the folders of the values changed; None when a
    changed name takes a folder named by its digest, which other names decide
    (`fan_out_folders`)."""
    found: FanOuts = {}
    for number, plan in enumerate(site.plans):
        if plan.fan_out is None:
            continue
        feeds = dict(last[number])
        changed = changes.get(fan_out_kind(plan), frozenset())
        if changed:
            folder_of = {
                value: folder for folder, (_, values) in feeds.items() for value in values
            }
            again = {folder_of[value] for value in changed if value in folder_of}
            while True:
                # Every spelling of these folders' values and of the values changed, in
                # the order read: the first of each folder names it, as in `fan_outs`.
                asked = changed.union(*(feeds[folder][1] for folder in again))
                spellings = [name for name, _ in index.first_spellings(fan_out_kind(plan), asked)]
                named = [(fan_out_folder(name), name) for name in spellings]
                if any("_" in folder for folder, _ in named):
                    return None
                # A new value's folder may be one that other values already have.
                joined = {folder for folder, _ in named if folder in feeds} - again
                if not joined:
                    break
                again |= joined
            for folder in again:
                del feeds[folder]
            feeds.update(_feeds_of(named))
        found[number] = feeds
    return found


def fan_outs_by_path(site: Site, found: FanOuts) -> dict[str, tuple[str, frozenset[str]]]:
    """The name and values of each fan-out feed `found`, by its path."""
    return {
        fan_out_path(plan, feed[0]): feed[1:]
        for plan, feed in fan_out_feeds(site, found)
        if feed is not None
    }


def fan_out_kind(plan: FeedPlan) -> str:
    """The facet kind of the values of fan-out `plan`."""
    return CATEGORY if plan.fan_out == "category" else AUTHOR


def _feeds_of(named: Iterable[tuple[str, str]]) -> dict[str, tuple[str, frozenset[str]]]:
    """Each folder's first name and its names' values, from (folder, name) in the order read."""
    names: dict[str, str] = {}
    values: dict[str, set[str]] = {}
    for folder, name in named:
        names.setdefault(folder, name)
        values.setdefault(folder, set()).add(name.casefold())
    return {folder: (name, frozenset(values[folder])) for folder, name in names.items()}


def dump_fan_outs(found: FanOuts) -> bytes:
    return marshal.dumps(
        sorted(
            (number, sorted((f, name, sorted(values)) for f, (name, values) in feeds.items()))
            for number, feeds in found.items()
        )
    )


def load_fan_outs(data: bytes) -> FanOuts:
    return {
        number: {f: (name, frozenset(values)) for f, name, values in feeds}
        for number, feeds in marshal.loads(data)
    }


def expanded(site: Site, found: FanOuts) -> list[FeedPlan]:
    """The plans of `site` with each fan-out replaced by the feeds `found`, in folder order."""
    return [
        plan if feed is None else fan_out_plan(site, plan, *feed)
        for plan, feed in fan_out_feeds(site, found)
    ]


def fan_out_feeds(
    site: Site, found: FanOuts
) -> Iterator[tuple[FeedPlan, tuple[str, str, frozenset[str]] | None]]:
    """Each plan of `site` (with None), or for a fan-out each of its feeds `found` in folder
    order (with its folder, name and values), as `expanded` makes them into plans."""
    for number, plan in enumerate(site.plans):
        if plan.fan_out is None:
            yield plan, None
        else:
            for folder, (name, values) in sorted(found[number].items()):
                yield plan, (folder, name, values)


def fan_out_plan(
    site: Site, plan: FeedPlan, folder: str, name: str, values: frozenset[str]
) -> FeedPlan:
    """The plan of the feed of fan-out `plan` in `folder`, titled by `name`, of `values`."""
    selection = (
        replace(plan.selection, categories=values)
        if plan.fan_out == "category"
        else replace(plan.selection, authors=values)
    )
    return replace(
        plan,
        path=fan_out_path(plan, folder),
        title=f"{plan.title or site.settings.title}: {name}",
        selection=selection,
        fan_out=None,
    )


def fan_out_path(plan: FeedPlan, folder: str) -> str:
    return f"{plan.path.strip('/')}/{folder}".strip("/")


def fan_out_facets(
    plan: FeedPlan, values: frozenset[str], site_language: str | None
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """`Selection.facets` of the feed of fan-out `plan` of `values`, without its plan."""
    # The values are casefolded already, and casefolding again changes nothing.
    categories, authors, languages = plan.selection.facets(site_language)
    if plan.fan_out == "category":
        return values, authors, languages
    return categories, values, languages


def folder_url(settings: FeedSettings, path: str) -> str:
    base = (settings.base_url or settings.link).rstrip("/") + "/"
    if not path:
        return base
    quoted = "/".join(urllib.parse.quote(part) for part in path.strip("/").split("/"))
    return base + quoted + "/"


def page_url(settings: FeedSettings, page: int) -> str:
    """The URL of archive page `page` of the feed whose folder URL `settings` give."""
    return folder_url(settings, f"{ARCHIVE_FOLDER}/{page}")
