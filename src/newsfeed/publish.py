"""Publishing a site's feeds from cron: plans, size budgets, archives, locks, WebSub.

A `Site` names any number of `FeedPlan`s (the main feed, feeds selected by
category, author or language, and fan-outs that make one feed per value);
`publish` reads the sources into the site index (again only those that
changed), renders each feed, keeps it under its size budget, splits older
entries into RFC 5005 archive pages, and writes only what changed, each file
atomically, under a lock so that two runs never interleave (the run that holds
it first removes the temporary files a killed run left). With a WebSub hub,
the feeds a run is about to write are queued for a ping before they are
written (`.newsfeed-websub-pending.json`), so that a run killed before its
pings leaves them to the next; `ping_hub` then tells the hub of every feed
queued and keeps those whose ping failed queued.

A document is rendered only when the digest of what it is made from (its
settings, links and the digests of its entries) differs from the one the
index recorded when it was last written, or its file is gone or not the bytes
written then; documents are rendered in parallel (`jobs`) with the same
bytes as one at a time. A file is recorded only once it is in place, and
noted before it is written, so that a run killed at any moment leaves at
worst a document to render again, and never a file the next run does not
know. Documents that the site no longer has (a fan-out value no article
carries any more, pages of an archive that shrank, a feed taken out of the
configuration) are removed, as a fresh build would not make them.

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
import errno
import fcntl
import hashlib
import json
import math
import os
import sqlite3
import tempfile
import threading
import time
import urllib.error
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from newsfeed.documents import Document, Feed, Written, write_document
from newsfeed.feed import FILE_NAMES, FORMATS, Format
from newsfeed.files import is_temporary, write_if_changed
from newsfeed.index import (
    AUTHOR,
    CATEGORY,
    INDEX_NAME,
    DamagedIndex,
    DocumentState,
    Entry,
    SiteIndex,
    remove,
    remove_abandoned_temporaries,
)
from newsfeed.model import (
    ArchiveLinks,
    FeedSettings,
    InputWarning,
    Place,
    Problem,
    SettingError,
    SourceError,
)
from newsfeed.plans import ARCHIVE_FOLDER, PlanCollision, check_plans, fan_out_folders
from newsfeed.progress import Progress
from newsfeed.reading import CODE_DIGEST, Input, read_into

#: The smallest cap among common readers (CommaFeed refuses feeds over 5 MiB).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
LOCK_NAME = ".newsfeed.lock"
PENDING_PINGS_NAME = ".newsfeed-websub-pending.json"
ARCHIVE_FORMATS: tuple[Format, ...] = ("rss", "atom")
#: Fewer documents than this to render are rendered in this process: starting
#: workers costs more than it saves.
_POOL_FROM = 16
#: How many rendered documents are recorded in one transaction.
_RECORD_EVERY = 64
_DIGEST_SIZE = 16


@dataclass(frozen=True, slots=True)
class Selection:
    """Which articles a feed takes; empty sets select everything.

    Values are compared case-insensitively; an article without a language
    has the site's.
    """

    categories: frozenset[str] = frozenset()
    authors: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()

    def entries(self, index: SiteIndex, site_language: str | None) -> list[Entry]:
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


def _remove_stale_temporaries(out: Path) -> None:
    """Delete temporary files that a killed run left: under the lock, no one writes them."""
    # One walk for every name: a site with archives has a folder per page.
    for folder, _, names in os.walk(out):
        for name in names:
            if is_temporary(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))


def default_cache_folder(out: Path) -> Path:
    """The user's cache folder for a site written to `out`: one per output folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    site = hashlib.sha256(str(out.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return Path(base, "newsfeed", site[:16])


def publish(
    site: Site,
    sources: Input,
    *,
    encoding: str = "utf-8",
    cache: Path | bool = True,
    jobs: int | None = None,
    strict: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """Read `sources` and write every feed of `site`, under the output folder's lock,
    as `newsfeed build` does.

    `sources` is anything `read_articles` reads, or a stream of Articles.
    `cache` is where the site index is kept between runs: True for the
    user's cache folder (one per output folder), a folder, or False for a
    temporary one (every source read, every document rendered). `jobs`
    documents are rendered at once (default: the machine's cores). Nothing
    is written when a source could not be read at all, or with `strict` when
    a record was skipped (`Outcome.stopped` says which).
    """
    with locked(site.out, site.lock_timeout):
        _remove_stale_temporaries(site.out)
        remove_abandoned_temporaries()
        problems: list[Problem] = []
        path = _index_path(site, cache, problems)
        try:
            return _publish_indexed(
                site, sources, path, problems, encoding, jobs, strict, progress
            )
        except DamagedIndex as damage:
            assert path is not None  # a temporary index is new
            warning = Place(str(path)).warning(
                "index", f"{damage}: building it again from the sources"
            )
            remove(path)
            return _publish_indexed(
                site, sources, path, [warning], encoding, jobs, strict, progress
            )
        except _IndexUnwritable as error:
            assert path is not None
            warning = Place(str(path)).warning(
                "index", f"cannot write it ({error.strerror}): built without it"
            )
            return _publish_indexed(
                site, sources, None, [*problems, warning], encoding, jobs, strict, progress
            )


class _IndexUnwritable(OSError):
    """The disk of the site index is full (or failing): a build goes on without it."""


def _index_path(site: Site, cache: Path | bool, problems: list[Problem]) -> Path | None:
    """Where the site index is kept, or None for a temporary one (with a warning
    if the folder cannot be made)."""
    if cache is False:
        return None
    folder = default_cache_folder(site.out) if cache is True else Path(cache)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        problems.append(
            Place(str(folder)).warning(
                "cache", f"cannot use it ({error.strerror or error}): every source is read"
            )
        )
        return None
    # Saved sources of the cache that the index replaced: of no use any more.
    for saved in folder.glob("*.articles"):
        with contextlib.suppress(OSError):
            saved.unlink()
    return folder / INDEX_NAME


@contextlib.contextmanager
def _opened(path: Path | None) -> Iterator[SiteIndex]:
    """The index at `path` (a temporary one for None). SQLite's own errors become
    `DamagedIndex`, or, when the disk is full or fails, `_IndexUnwritable` naming the
    index (an `OSError` naming the temporary folder for a temporary index)."""
    index = None
    try:
        index = SiteIndex.temporary() if path is None else SiteIndex(path)
        yield index
    except sqlite3.DatabaseError as error:
        message = str(error)
        if not any(sign in message for sign in _DISK_TROUBLE):
            raise DamagedIndex(message) from None
        code = errno.ENOSPC if "full" in message else errno.EIO
        if path is None:
            raise OSError(code, os.strerror(code), tempfile.gettempdir()) from None
        raise _IndexUnwritable(code, os.strerror(code), str(path)) from None
    finally:
        if index is not None:
            index.close()


#: What SQLite says when the disk, not the index, is the trouble.
_DISK_TROUBLE = ("full", "disk I/O", "unable to open", "readonly")


def _publish_indexed(
    site: Site,
    sources: Input,
    path: Path | None,
    problems: list[Problem],
    encoding: str,
    jobs: int | None,
    strict: bool,
    progress: Progress | None,
) -> Outcome:
    outcome = Outcome(problems=problems)
    progress = progress or Progress(enabled=False)
    with _opened(path) as index:
        read_into(
            index, sources, site.settings, outcome.problems, encoding=encoding, progress=progress
        )
        outcome.skipped = sum(p.level == "error" for p in outcome.problems)
        if outcome.unreadable:
            outcome.stopped = "unreadable"
        elif strict and outcome.skipped:
            outcome.stopped = "strict"
        else:
            _Publisher(site, index, outcome, jobs or os.cpu_count() or 1, progress).run()
    return outcome


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


# -- rendering jobs ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Job:
    """Documents rendered from one set of entries: a feed's subscription documents
    (`plan` set: they fit its budget together), or one archive page's."""

    paths: tuple[tuple[Format, Path], ...]
    settings: FeedSettings
    ids: tuple[int, ...]
    digest: bytes
    links: ArchiveLinks | None = None
    plan: FeedPlan | None = None
    total: int = 0


@dataclass(frozen=True, slots=True)
class _Done:
    """One document a job rendered: what was done with its file, and what to record."""

    written: Written
    problems: tuple[Problem, ...]
    shown: int
    kept: int
    data_digest: bytes | None


def _render(index: SiteIndex, job: _Job) -> list[_Done]:
    articles = index.load(job.ids)
    if job.plan is None:
        feed = Feed(job.settings, articles, job.links)
        return [
            _write(path, feed.render(format), (), len(articles), 0) for format, path in job.paths
        ]
    plan, settings = job.plan, job.settings
    page_size = plan.page_size or settings.limit
    archived = [f for f in plan.formats if plan.archive and f in ARCHIVE_FORMATS]
    wanted = keep = len(articles)
    while True:
        # With archives, the entries that the size budget leaves out of the
        # subscription feed go to the archive instead: none is ever lost.
        pages = math.ceil((job.total - keep) / page_size) if plan.archive else 0
        links = ArchiveLinks(prev_archive=_page_url(settings, pages)) if pages else None
        feed = Feed(settings, articles[:keep], links)
        documents = {format: fit(feed, format, plan.max_bytes) for format in plan.formats}
        moved = max((documents[f][1] for f in archived), default=0)
        if not moved:
            break
        keep -= moved
    done = []
    for format, path in job.paths:
        document, dropped = documents[format]
        if format in archived and keep < wanted:
            message = f"moved the {wanted - keep} oldest entries to the archive"
        elif dropped or keep < wanted:
            message = f"left out the {wanted - keep + dropped} oldest entries"
        else:
            message = ""
        budget = (
            (
                InputWarning(
                    str(path), None, None, f"{message} to stay under {plan.max_bytes} bytes"
                ),
            )
            if message
            else ()
        )
        done.append(_write(path, document, budget, keep - dropped, keep))
    return done


def _write(
    path: Path, document: Document, budget: tuple[Problem, ...], shown: int, kept: int
) -> _Done:
    written = write_document(path, document)
    digest = None if written.status == "invalid" else _bytes_digest(document.data)
    return _Done(written, budget + document.problems, shown, kept, digest)


def _bytes_digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()[:_DIGEST_SIZE]


#: The index a rendering process reads, opened once per process.
_worker_index: list[SiteIndex] = []


def _start_worker(path: Path) -> None:
    _worker_index.append(SiteIndex(path, read_only=True))


def _render_in_worker(job: _Job) -> list[_Done]:
    return _render(_worker_index[0], job)


class _Publisher:
    """One run's publishing: which documents to render, rendering them, recording them."""

    def __init__(
        self, site: Site, index: SiteIndex, outcome: Outcome, jobs: int, progress: Progress
    ) -> None:
        self.site, self.index, self.outcome = site, index, outcome
        self.jobs, self.progress = jobs, progress
        self.recorded = index.documents()
        #: Every document of this run, in the order reported: path -> what became of it.
        self.results: dict[Path, _Done | None] = {}
        self.restat: list[DocumentState] = []
        self.subscriptions: set[Path] = set()
        #: With a hub, the feeds whose ping was queued before this run: still unheard.
        self.unheard = _queued_pings(site) if site.settings.websub_hub else None
        #: And those queued now: the unheard ones and every feed about to be written.
        self.queued = list(self.unheard or ())

    def run(self) -> None:
        plans = expand(self.site, self.index)
        feeds = []
        for plan in plans:
            settings = replace(
                self.site.settings,
                title=plan.title or self.site.settings.title,
                base_url=folder_url(self.site.settings, plan.path),
                id=self.site.settings.id if not plan.path else None,
            )
            entries = plan.selection.entries(self.index, self.site.settings.language)
            feeds.append((plan, settings, entries))
        # The subscription documents first: their size budgets decide what is archived.
        subscriptions = [self._feed_job(*feed) for feed in feeds]
        kept = self._publish_jobs(subscriptions)
        pages = []
        for (plan, settings, entries), count in zip(feeds, kept, strict=True):
            if plan.archive:
                pages += self._pages(plan, settings, entries[count:])
        self._publish_jobs(pages)
        self._remove_unwanted()
        self._report()
        if self.unheard is not None:
            # Queued before writing were all the feeds rendered; of those, only the
            # ones whose bytes changed need the hub.
            _queue_pings(self.site, [*self.unheard, *changed_feed_urls(self.site, self.outcome)])

    def _feed_job(self, plan: FeedPlan, settings: FeedSettings, entries: list[Entry]) -> _Job:
        head = entries[: settings.limit]
        folder = self.site.out / plan.path
        job = _Job(
            tuple((f, folder / FILE_NAMES[f]) for f in plan.formats),
            settings,
            tuple(row for row, _ in head),
            _digest(
                ("feed", settings, replace(plan, selection=Selection())),
                len(entries) if plan.archive else 0,
                head,
            ),
            plan=plan,
            total=len(entries),
        )
        for _, path in job.paths:
            self.results[path] = None
            self.subscriptions.add(path)
        return job

    def _publish_jobs(self, jobs: list[_Job]) -> list[int]:
        """Render the jobs whose documents are not current; how many entries each kept."""
        kept: list[int] = []
        stale: list[int] = []
        for number, job in enumerate(jobs):
            if self._current(job):
                kept.append(self._unchanged(job))
            else:
                kept.append(0)
                stale.append(number)
        for number, done in zip(stale, self._render_all([jobs[n] for n in stale]), strict=True):
            kept[number] = done[0].kept if done else 0
        return kept

    def _pages(self, plan: FeedPlan, settings: FeedSettings, older: list[Entry]) -> list[_Job]:
        """The archive page jobs of `older` (newest first) in page order."""
        page_size = plan.page_size or settings.limit
        oldest_first = older[::-1]
        folder = self.site.out / plan.path
        jobs = []
        for start in range(0, len(oldest_first), page_size):
            entries = oldest_first[start : start + page_size]
            number = start // page_size + 1
            full = len(entries) == page_size
            links = ArchiveLinks(
                current=folder_url(settings, ""),
                prev_archive=_page_url(settings, number - 1) if number > 1 else None,
                # A full page links to the next one even before it exists, so that
                # it never has to be rewritten when the next page starts.
                next_archive=_page_url(settings, number + 1) if full else None,
            )
            page_settings = replace(
                settings, base_url=_page_url(settings, number), limit=page_size, id=None
            )
            page_folder = folder / ARCHIVE_FOLDER / str(number)
            paths = tuple(
                (f, page_folder / FILE_NAMES[f]) for f in ARCHIVE_FORMATS if f in plan.formats
            )
            for _, path in paths:
                self.results[path] = None
            jobs.append(
                _Job(
                    paths,
                    page_settings,
                    tuple(row for row, _ in entries),
                    _digest(("page", page_settings, links), 0, entries),
                    links=links,
                )
            )
        # Pages beyond the count that the index does not know (built without it).
        self.outcome.removed += _remove_pages_after(
            folder / ARCHIVE_FOLDER, math.ceil(len(older) / page_size)
        )
        return jobs

    def _key(self, path: Path) -> str:
        return path.relative_to(self.site.out).as_posix()

    def _current(self, job: _Job) -> bool:
        """Whether every document of `job` is as the index recorded, from the same input."""
        return all(
            (state := self.recorded.get(self._key(path))) is not None
            and state.digest == job.digest
            and self._in_place(path, state)
            for _, path in job.paths
        )

    def _in_place(self, path: Path, state: DocumentState) -> bool:
        """Whether the file at `path` holds the bytes recorded: by its size and time, or
        when those changed (a copy, a touch), by its bytes."""
        try:
            status = path.stat()
        except OSError:
            return False
        if (status.st_size, status.st_mtime_ns) == (state.size, state.mtime_ns):
            return True
        try:
            same = _bytes_digest(path.read_bytes()) == state.bytes_digest
        except OSError:
            return False
        if same:
            self.restat.append(replace(state, size=status.st_size, mtime_ns=status.st_mtime_ns))
        return same

    def _unchanged(self, job: _Job) -> int:
        """Note the documents of `job` as unchanged; how many entries its feed kept."""
        kept = 0
        for _, path in job.paths:
            state = self.recorded[self._key(path)]
            self.results[path] = _Done(
                Written(path, "unchanged", state.problems),
                state.problems,
                state.shown or 0,
                state.kept or 0,
                state.bytes_digest,
            )
            kept = state.kept or 0
        return kept

    def _render_all(self, jobs: list[_Job]) -> list[list[_Done]]:
        """Render and write `jobs`, recording each document once its file is in place."""
        if not jobs:
            return []
        if self.unheard is not None:
            urls = (_feed_url(self.site, path) for job in jobs for _, path in job.paths)
            new = [url for url in dict.fromkeys(urls) if url and url not in self.queued]
            if new:
                self.queued += new
                _queue_pings(self.site, self.queued)
        self.index.intend(
            self._key(path)
            for job in jobs
            for _, path in job.paths
            if self._key(path) not in self.recorded
        )
        self.progress.start("publishing", len(jobs), "documents")
        finished: list[list[_Done] | None] = [None] * len(jobs)
        pending: list[DocumentState] = []
        workers = min(self.jobs, len(jobs))
        for number, done in self._rendered(jobs, workers):
            finished[number] = done
            for item in done:
                pending.append(self._state(jobs[number], item))
                self.results[item.written.path] = item
            if len(pending) >= _RECORD_EVERY:
                self.index.record(pending)
                pending = []
            self.progress.advance()
        self.index.record(pending)
        self.progress.finish()
        return [done for done in finished if done is not None]

    def _rendered(self, jobs: list[_Job], workers: int) -> Iterator[tuple[int, list[_Done]]]:
        if workers <= 1 or len(jobs) < _POOL_FROM or "fork" not in _start_methods():
            for number, job in enumerate(jobs):
                yield number, _render(self.index, job)
            return
        # Workers are forked: they share the loaded code, and each opens the index
        # for reading (the write-ahead log lets them read while this process records).
        import multiprocessing  # only a build big enough for a pool pays its import

        context = multiprocessing.get_context("fork")
        chunk = max(1, len(jobs) // (workers * 8))
        with context.Pool(workers, _start_worker, (self.index.path,)) as pool:
            numbered = pool.imap(_render_in_worker, jobs, chunksize=chunk)
            yield from enumerate(numbered)

    def _state(self, job: _Job, done: _Done) -> DocumentState:
        path = done.written.path
        if done.data_digest is None:  # invalid: the old file stays; render it again next time
            return DocumentState(self._key(path), None, None, None, None, None, None, ())
        status = path.stat()
        return DocumentState(
            self._key(path),
            job.digest,
            done.data_digest,
            status.st_size,
            status.st_mtime_ns,
            done.kept,
            done.shown,
            done.problems,
        )

    def _remove_unwanted(self) -> None:
        """Remove the files of recorded documents this run did not make."""
        wanted = {self._key(path) for path in self.results}
        # What the index held when the run began: a document noted since is wanted.
        unwanted = sorted(key for key in self.recorded if key not in wanted)
        for key in unwanted:
            path = self.site.out / key
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                self.outcome.removed.append(path)
            _remove_empty_folders(path.parent, self.site.out)
        self.index.forget(unwanted)
        self.index.record(self.restat)

    def _report(self) -> None:
        for path, done in self.results.items():
            assert done is not None
            self.outcome.files.append(done.written)
            self.outcome.problems.extend(done.problems)
            if done.written.status != "invalid" and path in self.subscriptions:
                self.outcome.entries[path] = done.shown


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


def _digest(what: tuple[Any, ...], count: int, entries: Sequence[Entry]) -> bytes:
    """A digest of everything a document is rendered from: the code, its settings and
    links, and its entries' digests (not where their records were read)."""
    hasher = hashlib.sha256(CODE_DIGEST + repr((what, count)).encode())
    for _, digest in entries:
        hasher.update(digest)
    return hasher.digest()


def _remove_empty_folders(folder: Path, out: Path) -> None:
    while folder != out and out in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty, or not ours to remove
        folder = folder.parent


# -- archives ----------------------------------------------------------------


def _page_url(settings: FeedSettings, page: int) -> str:
    return folder_url(settings, f"{ARCHIVE_FOLDER}/{page}")


def _remove_pages_after(archive: Path, count: int) -> list[Path]:
    """Remove the files of archive pages numbered above `count`, and their folders."""
    if not archive.is_dir():
        return []
    removed = []
    for page_folder in sorted(archive.iterdir()):
        if not (page_folder.name.isdigit() and int(page_folder.name) > count):
            continue
        for format in ARCHIVE_FORMATS:
            path = page_folder / FILE_NAMES[format]
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
        with contextlib.suppress(OSError):
            page_folder.rmdir()  # kept if someone put other files there
    return removed


def _read_json(path: Path) -> object:
    """What one of our state files holds, or None if it is missing or damaged:
    the state is then rebuilt, at the cost of some work done again."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


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
    """Ping the site's hub for every feed queued (by this run, or by one that was
    killed or whose ping failed) and those `outcome` changed; keep queued those
    whose ping failed, so that a hub that was down hears of them on the next run.

    The queue is `.newsfeed-websub-pending.json` in the output folder;
    `options` go to `notify_hub`.
    """
    hub = site.settings.websub_hub
    if not hub:
        return []
    with locked(site.out, site.lock_timeout):
        urls = [*_queued_pings(site), *changed_feed_urls(site, outcome)]
        problems: list[Problem] = []
        failed = []
        for url in dict.fromkeys(urls):
            found = notify_hub(hub, [url], **options)
            if found:
                failed.append(url)
                problems.extend(found)
        _queue_pings(site, failed)
    return problems


def _queued_pings(site: Site) -> list[str]:
    """The feed URLs queued for a ping (a damaged queue is an empty one)."""
    stored = _read_json(site.out / PENDING_PINGS_NAME)
    return [url for url in stored if isinstance(url, str)] if isinstance(stored, list) else []


def _queue_pings(site: Site, urls: Sequence[str]) -> None:
    """Make the feeds `urls` (in that order, once each) what is queued for a ping."""
    path = site.out / PENDING_PINGS_NAME
    if urls:
        # Atomic and fsynced: a queue that a crash lost would leave a hub unaware.
        write_if_changed(path, (json.dumps(list(dict.fromkeys(urls)), indent=1) + "\n").encode())
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


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
    urls = (_feed_url(site, written.path) for written in outcome.changed)
    return [url for url in urls if url]


def _feed_url(site: Site, path: Path) -> str | None:
    """The public URL of the subscription file at `path`, or None for an archive page."""
    parts = path.relative_to(site.out).parts
    if len(parts) >= 3 and parts[-3] == ARCHIVE_FOLDER and parts[-2].isdigit():
        return None
    return folder_url(site.settings, "") + "/".join(urllib.parse.quote(p) for p in parts)
