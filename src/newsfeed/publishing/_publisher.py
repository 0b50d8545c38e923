"""The publisher (internal): `publish` reads the sources into the site index
(again only those that changed) and writes every feed of a site.

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
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from newsfeed.documents import Written
from newsfeed.feed import FILE_NAMES
from newsfeed.index import (
    DamagedIndex,
    DocumentState,
    Entries,
    SiteIndex,
    remove,
    remove_abandoned_temporaries,
)
from newsfeed.model import FeedSettings, Place, Problem
from newsfeed.progress import Progress
from newsfeed.publishing._archives import page_jobs
from newsfeed.publishing._jobs import Done, Job, bytes_digest, digest
from newsfeed.publishing._rendering import render, render_in_worker, start_worker
from newsfeed.publishing._site_index import IndexUnwritable, index_path, opened
from newsfeed.publishing.lock import locked, remove_stale_temporaries
from newsfeed.publishing.site import FeedPlan, Outcome, Selection, Site, expand, folder_url
from newsfeed.publishing.websub import changed_feed_urls, feed_url, queue_pings, queued_pings
from newsfeed.reading import Input, read_into

#: Fewer documents than this to render are rendered in this process: starting
#: workers costs more than it saves.
_POOL_FROM = 16
#: How many rendered documents are recorded in one transaction.
_RECORD_EVERY = 64


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
        remove_stale_temporaries(site.out)
        remove_abandoned_temporaries()
        problems: list[Problem] = []
        path = index_path(site, cache, problems)
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
        except IndexUnwritable as error:
            assert path is not None
            warning = Place(str(path)).warning(
                "index", f"cannot write it ({error.strerror}): built without it"
            )
            return _publish_indexed(
                site, sources, None, [*problems, warning], encoding, jobs, strict, progress
            )


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
    jobs = jobs or os.cpu_count() or 1
    with opened(path) as index:
        read_into(
            index,
            sources,
            site.settings,
            outcome.problems,
            encoding=encoding,
            progress=progress,
            jobs=jobs,
        )
        outcome.skipped = sum(p.level == "error" for p in outcome.problems)
        if outcome.unreadable:
            outcome.stopped = "unreadable"
        elif strict and outcome.skipped:
            outcome.stopped = "strict"
        else:
            _Publisher(site, index, outcome, jobs, progress).run()
    return outcome


class _Publisher:
    """One run's publishing: which documents to render, rendering them, recording them."""

    def __init__(
        self, site: Site, index: SiteIndex, outcome: Outcome, jobs: int, progress: Progress
    ) -> None:
        self.site, self.index, self.outcome = site, index, outcome
        self.jobs, self.progress = jobs, progress
        self.recorded = index.documents()
        self.prefix = os.path.join(site.out, "")
        #: Every document of this run, in the order reported: path -> what became of it.
        self.results: dict[Path, Done | None] = {}
        self.restat: list[DocumentState] = []
        self.subscriptions: set[Path] = set()
        #: With a hub, the feeds whose ping was queued before this run: still unheard.
        self.unheard = queued_pings(site) if site.settings.websub_hub else None
        #: And those queued now: the unheard ones and every feed about to be written.
        self.queued = list(self.unheard or ())

    def run(self) -> None:
        plans = expand(self.site, self.index)
        feeds = []
        for plan in plans:
            settings = self.site.settings.derived(
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
            queue_pings(self.site, [*self.unheard, *changed_feed_urls(self.site, self.outcome)])

    def _feed_job(self, plan: FeedPlan, settings: FeedSettings, entries: Entries) -> Job:
        head = entries[: settings.limit]
        folder = self.site.out / plan.path
        job = Job(
            tuple((f, folder / FILE_NAMES[f]) for f in plan.formats),
            settings,
            head.rows,
            digest(
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

    def _publish_jobs(self, jobs: list[Job]) -> list[int]:
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

    def _pages(self, plan: FeedPlan, settings: FeedSettings, older: Entries) -> list[Job]:
        """The archive page jobs of `older` (newest first) in page order."""
        jobs, removed = page_jobs(self.site.out, plan, settings, older)
        for job in jobs:
            for _, path in job.paths:
                self.results[path] = None
        self.outcome.removed += removed
        return jobs

    def _key(self, path: Path) -> str:
        name = str(path)
        # The paths of documents are made under the output folder: cutting its name
        # off costs a tenth of `relative_to`, thousands of times a run.
        if name.startswith(self.prefix) and os.sep == "/":
            return name[len(self.prefix) :]
        return path.relative_to(self.site.out).as_posix()

    def _current(self, job: Job) -> bool:
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
            same = bytes_digest(path.read_bytes()) == state.bytes_digest
        except OSError:
            return False
        if same:
            self.restat.append(replace(state, size=status.st_size, mtime_ns=status.st_mtime_ns))
        return same

    def _unchanged(self, job: Job) -> int:
        """Note the documents of `job` as unchanged; how many entries its feed kept."""
        kept = 0
        for _, path in job.paths:
            state = self.recorded[self._key(path)]
            self.results[path] = Done(
                Written(path, "unchanged", state.problems),
                state.problems,
                state.shown or 0,
                state.kept or 0,
                state.bytes_digest,
            )
            kept = state.kept or 0
        return kept

    def _render_all(self, jobs: list[Job]) -> list[list[Done]]:
        """Render and write `jobs`, recording each document once its file is in place."""
        if not jobs:
            return []
        if self.unheard is not None:
            urls = (feed_url(self.site, path) for job in jobs for _, path in job.paths)
            new = [url for url in dict.fromkeys(urls) if url and url not in self.queued]
            if new:
                self.queued += new
                queue_pings(self.site, self.queued)
        self.index.intend(
            self._key(path)
            for job in jobs
            for _, path in job.paths
            if self._key(path) not in self.recorded
        )
        self.progress.start("publishing", len(jobs), "documents")
        finished: list[list[Done] | None] = [None] * len(jobs)
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

    def _rendered(self, jobs: list[Job], workers: int) -> Iterator[tuple[int, list[Done]]]:
        if workers <= 1 or len(jobs) < _POOL_FROM or "fork" not in _start_methods():
            for number, job in enumerate(jobs):
                yield number, render(self.index, job)
            return
        # Workers are forked: they share the loaded code, and each opens the index
        # for reading (the write-ahead log lets them read while this process records).
        import multiprocessing  # only a build big enough for a pool pays its import

        context = multiprocessing.get_context("fork")
        chunk = max(1, len(jobs) // (workers * 8))
        with context.Pool(workers, start_worker, (self.index.path,)) as pool:
            numbered = pool.imap(render_in_worker, jobs, chunksize=chunk)
            yield from enumerate(numbered)

    def _state(self, job: Job, done: Done) -> DocumentState:
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


def _remove_empty_folders(folder: Path, out: Path) -> None:
    while folder != out and out in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty, or not ours to remove
        folder = folder.parent
