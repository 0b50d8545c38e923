"""Publishing a site's feeds from cron: plans, size budgets, archives, locks, WebSub.

A `Site` names any number of `FeedPlan`s (the main feed, feeds selected by
category, author or language, and fan-outs that make one feed per value);
`publish` renders each, keeps it under its size budget, splits older
entries into RFC 5005 archive pages, and writes only what changed, each file
atomically, under a lock so that two runs never interleave (the run that holds
it first removes the temporary files a killed run left). `ping_hub` then tells
the site's WebSub hub which feeds changed, and keeps the pings that failed for
the next run.

Archive pages hold a fixed number of entries, counted from the oldest:
page 1 holds the oldest `page_size` entries, page 2 the next, and so on.
A new article therefore changes the subscription feed and at most the
newest page; full pages never change again, which lets aggregators cache
them forever. A back-dated article (published before entries already
archived) takes its place by date and shifts the pages after it, which
are rewritten once. Pages are fixed-size rather than monthly so that one
busy month can never make a page larger than readers accept.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import math
import os
import threading
import time
import urllib.error
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Literal

from newsfeed.feed import (
    FILE_NAMES,
    FORMATS,
    Document,
    Feed,
    Format,
    Written,
    write_document,
)
from newsfeed.files import is_temporary, write_if_changed
from newsfeed.model import (
    ArchiveLinks,
    Article,
    FeedSettings,
    InputWarning,
    Problem,
    SettingError,
)
from newsfeed.plans import ARCHIVE_FOLDER, PlanCollision, check_plans, fan_out_folders
from newsfeed.store import ArticleStore, Entry, Facets
from newsfeed.store import digest as article_digest

#: The smallest cap among common readers (CommaFeed refuses feeds over 5 MiB).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
LOCK_NAME = ".newsfeed.lock"
MANIFEST_NAME = ".newsfeed-archive.json"
PENDING_PINGS_NAME = ".newsfeed-websub-pending.json"
ARCHIVE_FORMATS: tuple[Format, ...] = ("rss", "atom")


@dataclass(frozen=True, slots=True)
class Selection:
    """Which articles a feed takes; empty sets select everything.

    Values are compared case-insensitively; an article without a language
    has the site's.
    """

    categories: frozenset[str] = frozenset()
    authors: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()

    def matches(self, facets: Facets, site_language: str | None) -> bool:
        if self.categories and not self.categories & {c.casefold() for c in facets.categories}:
            return False
        if self.authors and not self.authors & {name.casefold() for name in facets.authors}:
            return False
        language = (facets.language or site_language or "").casefold()
        return not self.languages or language in self.languages


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
    lock_timeout: float = 60.0

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
    """What one publish run did: every file, and every problem met on the way."""

    files: list[Written] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    entries: dict[Path, int] = field(default_factory=dict)

    @property
    def changed(self) -> list[Written]:
        return [w for w in self.files if w.status == "written"]

    @property
    def failed(self) -> bool:
        return any(w.status == "invalid" for w in self.files)


class LockTimeout(Exception):
    """Another run holds the output folder's lock for longer than we wait."""


class _Held(threading.local):
    """The lock files this thread holds: `locked` inside `locked` holds on. Per
    thread, as flock is per open file: another thread of a web app waits."""

    def __init__(self) -> None:
        self.paths: set[str] = set()


_held = _Held()


@contextlib.contextmanager
def locked(folder: Path, timeout: float) -> Iterator[None]:
    """Hold `folder/.newsfeed.lock` (an advisory lock released if the process dies).

    A run takes it before it reads any source and holds it to its end, or a
    run that stalled after reading could overwrite a later run's output with
    older articles; `publish` and `ping_hub` take it again inside at no cost.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    key = os.path.realpath(path)
    if key in _held.paths:
        yield
        return
    with path.open("a") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"{path}: another newsfeed run is writing here; gave up after {timeout:g}s"
                    ) from None
                time.sleep(0.1)
        _held.paths.add(key)
        try:
            yield
        finally:
            _held.paths.discard(key)
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(site: Site, articles: Iterable[Article] | ArticleStore) -> Outcome:
    """Render and write every feed of `site` from `articles`, under the folder's lock.

    `articles` may be a stream of any length: they are set aside in an
    `ArticleStore` first (or pass one already filled), so that only the
    articles of the document being rendered are in memory at once.
    """
    if isinstance(articles, ArticleStore):
        return _publish(site, articles)
    with ArticleStore() as store:
        store.extend(articles)
        return _publish(site, store)


def _publish(site: Site, store: ArticleStore) -> Outcome:
    outcome = Outcome()
    with locked(site.out, site.lock_timeout):
        _remove_stale_temporaries(site.out)
        for plan in expand(site, store.facets):
            selected = store.entries(
                partial(plan.selection.matches, site_language=site.settings.language)
            )
            _publish_feed(site, plan, store, selected, outcome)
    return outcome


def _remove_stale_temporaries(out: Path) -> None:
    """Delete temporary files that a killed run left: under the lock, no one writes them."""
    # One walk for every name: a site with archives has a folder per page.
    for folder, _, names in os.walk(out):
        for name in names:
            if is_temporary(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))


def expand(site: Site, facets: Sequence[Facets]) -> list[FeedPlan]:
    """The plans with each fan-out replaced by one plan per value found in `facets`
    (in the order the articles were read), in slug order.

    Values that are one name spelled two ways ("Economía", "economia") share
    one feed, named after the first one met; other values never share a folder.
    """
    plans: list[FeedPlan] = []
    for plan in site.plans:
        if plan.fan_out is None:
            plans.append(plan)
            continue
        names = [
            name
            for found in facets
            for name in (found.categories if plan.fan_out == "category" else found.authors)
        ]
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


def _publish_feed(
    site: Site, plan: FeedPlan, store: ArticleStore, entries: list[Entry], outcome: Outcome
) -> None:
    settings = replace(
        site.settings,
        title=plan.title or site.settings.title,
        base_url=folder_url(site.settings, plan.path),
        id=site.settings.id if not plan.path else None,
    )
    folder = site.out / plan.path
    page_size = plan.page_size or settings.limit
    archived = [f for f in plan.formats if plan.archive and f in ARCHIVE_FORMATS]
    wanted = keep = min(settings.limit, len(entries))
    newest = store.load(entries[:keep])
    while True:
        # With archives, the entries that the size budget leaves out of the
        # subscription feed go to the archive instead: none is ever lost.
        older = entries[keep:] if plan.archive else []
        pages = math.ceil(len(older) / page_size)
        links = ArchiveLinks(prev_archive=_page_url(settings, pages)) if pages else None
        feed = Feed(settings, newest[:keep], links)
        documents = {format: fit(feed, format, plan.max_bytes) for format in plan.formats}
        moved = max((documents[f][1] for f in archived), default=0)
        if not moved:
            break
        keep -= moved
    if plan.archive:
        _write_archive(site, plan, settings, store, older, page_size, outcome)
    for format, (document, dropped) in documents.items():
        path = folder / document.name
        if format in archived and keep < wanted:
            message = f"moved the {wanted - keep} oldest entries to the archive"
        elif dropped or keep < wanted:
            message = f"left out the {wanted - keep + dropped} oldest entries"
        else:
            message = ""
        if message:
            outcome.problems.append(
                InputWarning(
                    str(path), None, None, f"{message} to stay under {plan.max_bytes} bytes"
                )
            )
        outcome.entries[path] = keep - dropped
        _write(path, document, outcome)


def fit(feed: Feed, format: Format, max_bytes: int) -> tuple[Document, int]:
    """The document of `format` within `max_bytes` (0: no budget), and how many
    of the oldest entries were left out to get there."""
    document = feed.render(format)
    if not max_bytes or len(document.data) <= max_bytes:
        return document, 0
    articles = feed.articles
    keep = len(articles)
    while keep > 0 and len(document.data) > max_bytes:
        # Entries are about the same size: aim below the budget, then step down.
        keep = min(keep - 1, int(keep * max_bytes / len(document.data) * 0.98))
        keep = max(keep, 0)
        smaller = Feed(feed.settings, articles[:keep], feed.archive)
        document = smaller.render(format)
    return document, len(articles) - keep


def _write(path: Path, document: Document, outcome: Outcome) -> None:
    outcome.problems.extend(document.problems)
    outcome.files.append(write_document(path, document))


# -- archives ----------------------------------------------------------------


def _page_url(settings: FeedSettings, page: int) -> str:
    return folder_url(settings, f"{ARCHIVE_FOLDER}/{page}")


def _write_archive(
    site: Site,
    plan: FeedPlan,
    settings: FeedSettings,
    store: ArticleStore,
    older: list[Entry],
    page_size: int,
    outcome: Outcome,
) -> None:
    """Write the archive pages of `older` (newest first) that changed.

    A manifest beside the feed keeps a digest of each page's input, so that
    pages whose entries did not change are not even loaded; a page that
    failed validation is left out of it, so that the next run tries again.
    Pages beyond the count (the archive shrank: a larger `limit`, deleted
    articles) are removed, or their entries would be there twice.
    """
    oldest_first = older[::-1]
    pages = [oldest_first[i : i + page_size] for i in range(0, len(oldest_first), page_size)]
    folder = site.out / plan.path
    manifest_path = folder / MANIFEST_NAME
    manifest = _read_manifest(manifest_path)
    digests: dict[str, str] = {}
    for number, entries in enumerate(pages, start=1):
        full = len(entries) == page_size
        links = ArchiveLinks(
            current=folder_url(settings, ""),
            prev_archive=_page_url(settings, number - 1) if number > 1 else None,
            # A full page links to the next one even before it exists, so that
            # it never has to be rewritten when the next page starts.
            next_archive=_page_url(settings, number + 1) if full else None,
        )
        page_settings = replace(
            settings,
            base_url=_page_url(settings, number),
            limit=page_size,
            id=None,
        )
        digest = _digest(page_settings, links, entries)
        key = str(number)
        digests[key] = digest
        page_folder = folder / ARCHIVE_FOLDER / key
        unchanged = manifest.get(key) == digest and all(
            (page_folder / FILE_NAMES[f]).exists() for f in ARCHIVE_FORMATS if f in plan.formats
        )
        feed = None if unchanged else Feed(page_settings, store.load(entries), links)
        for format in ARCHIVE_FORMATS:
            if format not in plan.formats:
                continue
            path = page_folder / FILE_NAMES[format]
            if feed is None:
                outcome.files.append(Written(path, "unchanged"))
                continue
            _write(path, feed.render(format), outcome)
            if outcome.files[-1].status == "invalid":
                digests.pop(key, None)
    _remove_pages_after(folder / ARCHIVE_FOLDER, len(pages))
    if digests != manifest:
        write_if_changed(manifest_path, (json.dumps(digests, indent=1) + "\n").encode())


def _remove_pages_after(archive: Path, count: int) -> None:
    """Remove the files of archive pages numbered above `count`, and their folders."""
    if not archive.is_dir():
        return
    for page_folder in archive.iterdir():
        if not (page_folder.name.isdigit() and int(page_folder.name) > count):
            continue
        for format in ARCHIVE_FORMATS:
            (page_folder / FILE_NAMES[format]).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            page_folder.rmdir()  # kept if someone put other files there


def _digest(settings: FeedSettings, links: ArchiveLinks, entries: Sequence[Entry]) -> str:
    """A digest of everything a page is rendered from (not where records were read)."""
    hasher = hashlib.sha256(repr((settings, links)).encode())
    for entry in entries:
        hasher.update(article_digest(entry))
    return hasher.hexdigest()


def _read_json(path: Path) -> object:
    """What one of our state files holds, or None if it is missing or damaged:
    the state is then rebuilt, at the cost of some work done again."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _read_manifest(path: Path) -> dict[str, str]:
    data = _read_json(path)
    return data if isinstance(data, dict) else {}


# -- WebSub ------------------------------------------------------------------

Poster = Callable[[str, bytes, float], int]


def _post(url: str, body: bytes, timeout: float) -> int:
    # Imported here: HTTP, TLS and email parsing cost a build that pings no hub.
    import urllib.request

    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        status: int = response.status
        return status


def notify_hub(
    hub: str,
    feed_urls: Sequence[str],
    *,
    timeout: float = 10.0,
    attempts: int = 3,
    backoff: float = 1.0,
    post: Poster = _post,
) -> list[Problem]:
    """Tell a WebSub hub that `feed_urls` changed; problems for pings that failed.

    Each URL is pinged with `hub.mode=publish`, retried with a growing pause
    on a network error or a 5xx answer. Nothing on disk depends on it.
    """
    failures = {url: _ping(hub, url, timeout, attempts, backoff, post) for url in feed_urls}
    return [
        InputWarning(hub, None, None, f"WebSub ping for {url} failed: {failure}")
        for url, failure in failures.items()
        if failure
    ]


def ping_hub(site: Site, outcome: Outcome, **options: Any) -> list[Problem]:
    """Ping the site's hub for the feeds this run changed and those whose ping
    failed before, so that a hub that was down hears of them on the next run.

    The URLs still unheard are kept in `.newsfeed-websub-pending.json` in the
    output folder; `options` go to `notify_hub`.
    """
    hub = site.settings.websub_hub
    if not hub:
        return []
    pending_path = site.out / PENDING_PINGS_NAME
    with locked(site.out, site.lock_timeout):
        stored = _read_json(pending_path)
        pending = (
            [url for url in stored if isinstance(url, str)] if isinstance(stored, list) else []
        )
        urls = list(dict.fromkeys([*pending, *changed_feed_urls(site, outcome)]))
        problems: list[Problem] = []
        failed = []
        for url in urls:
            found = notify_hub(hub, [url], **options)
            if found:
                failed.append(url)
                problems.extend(found)
        if failed:
            write_if_changed(pending_path, (json.dumps(failed, indent=1) + "\n").encode())
        else:
            with contextlib.suppress(FileNotFoundError):
                pending_path.unlink()
    return problems


def _ping(hub: str, url: str, timeout: float, attempts: int, backoff: float, post: Poster) -> str:
    """Why pinging `hub` for `url` failed, or "" when the hub took it."""
    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": url}).encode()
    failure = ""
    for attempt in range(attempts):
        try:
            status = post(hub, body, timeout)
        except urllib.error.HTTPError as error:
            status, failure = error.code, f"HTTP {error.code}"
        except (OSError, ValueError) as error:
            status, failure = 0, str(getattr(error, "reason", error))
        if 200 <= status < 300:
            return ""
        failure = failure or f"HTTP {status}"
        if 400 <= status < 500:
            break  # the hub refuses this request; asking again will not help
        if attempt + 1 < attempts:
            time.sleep(backoff * 2**attempt)
    return failure


def changed_feed_urls(site: Site, outcome: Outcome) -> list[str]:
    """The public URLs of the subscription files this run wrote (archives are not pinged)."""
    base = folder_url(site.settings, "")
    urls = []
    for written in outcome.changed:
        parts = written.path.relative_to(site.out).parts
        if len(parts) >= 3 and parts[-3] == ARCHIVE_FOLDER and parts[-2].isdigit():
            continue
        urls.append(base + "/".join(urllib.parse.quote(part) for part in parts))
    return urls
