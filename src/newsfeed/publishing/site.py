"""The site model: a site's feeds (`Site`, `FeedPlan`, `Selection`), their URLs,
the plans a fan-out expands to, and what one publish run did (`Outcome`)."""

from __future__ import annotations

import math
import urllib.parse
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from newsfeed.documents import Written
from newsfeed.feed import FORMATS, Format
from newsfeed.index import AUTHOR, CATEGORY, Entries, SiteIndex
from newsfeed.model import FeedSettings, Problem, SettingError, SourceError
from newsfeed.publishing._budget import DEFAULT_MAX_BYTES
from newsfeed.publishing.lock import DEFAULT_LOCK_TIMEOUT
from newsfeed.publishing.plans import ARCHIVE_FOLDER, PlanCollision, check_plans, fan_out_folders


@dataclass(frozen=True, slots=True)
class Selection:
    """Which articles a feed takes; empty sets select everything.

    Values are compared case-insensitively; an article without a language
    has the site's.
    """

    categories: frozenset[str] = frozenset()
    authors: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()

    def entries(self, index: SiteIndex, site_language: str | None) -> Entries:
        """The entries of the articles it takes, in feed order."""
        languages = frozenset(language.casefold() for language in self.languages)
        if (site_language or "").casefold() in languages:
            languages |= {""}  # an article without a language of its own
        return index.entries(
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


def expand(site: Site, index: SiteIndex) -> list[FeedPlan]:
    """The plans with each fan-out replaced by one plan per value the published
    articles carry (in the order they were read), in slug order.

    Values that are one name spelled two ways ("Economía", "economia") share
    one feed, named after the first one met; other values never share a folder.
    """
    plans: list[FeedPlan] = []
    for plan in site.plans:
        if plan.fan_out is None:
            plans.append(plan)
            continue
        names = index.spellings(CATEGORY if plan.fan_out == "category" else AUTHOR)
        folders = fan_out_folders(names)
        values: dict[str, str] = {}
        spellings: dict[str, set[str]] = {}
        for name in names:
            slug = folders[name]
            values.setdefault(slug, name)
            spellings.setdefault(slug, set()).add(name.casefold())
        for slug, name in sorted(values.items()):
            chosen = frozenset(spellings[slug])
            selection = (
                replace(plan.selection, categories=chosen)
                if plan.fan_out == "category"
                else replace(plan.selection, authors=chosen)
            )
            plans.append(
                replace(
                    plan,
                    path=f"{plan.path.strip('/')}/{slug}".strip("/"),
                    title=f"{plan.title or site.settings.title}: {name}",
                    selection=selection,
                    fan_out=None,
                )
            )
    return plans


def folder_url(settings: FeedSettings, path: str) -> str:
    base = (settings.base_url or settings.link).rstrip("/") + "/"
    if not path:
        return base
    quoted = "/".join(urllib.parse.quote(part) for part in path.strip("/").split("/"))
    return base + quoted + "/"


def page_url(settings: FeedSettings, page: int) -> str:
    """The URL of archive page `page` of the feed whose folder URL `settings` give."""
    return folder_url(settings, f"{ARCHIVE_FOLDER}/{page}")
