"""The publisher (internal): `publish` reads the sources into the site index
(again only those that changed) and writes every feed of a site.

A document is rendered only when the digest of what it is made from (its
settings, links and the digests of its entries) differs from the one the
index recorded when it was last written, or its file is gone or not the bytes
written then (`Recorded.in_place`: its size, times and inode as they were
once it was in place, or else its bytes' digest). A feed whose entries no
change can have reached is not even read: when the last run that began
writing also ended, with the same code, settings and plans, the index's log
of the facets that articles added, removed or edited carried
(`SiteIndex.changes`) names every feed whose entries may differ, and each
other feed keeps the documents the index holds of it, once their files are
found in place (any that is not sends its feed through the whole check).
Documents are rendered in parallel (`jobs`) with the same bytes as one at a
time. A file is recorded only once it is in place, and noted before it is
written, so that a run killed at any moment leaves at worst a document to
render again, and never a file the next run does not know. Documents that
the site no longer has (a fan-out value no article carries any more, pages of
an archive that shrank, a feed taken out of the configuration) are removed,
as a fresh build would not make them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsfeed.feed import FILE_NAMES, Format
from newsfeed.files import remove_empty_folders
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
from newsfeed.publishing._archives import ARCHIVE_FORMATS, page_jobs
from newsfeed.publishing._jobs import Done, Job, digest
from newsfeed.publishing._recorded import Recorded, archive_key, digest_of_site
from newsfeed.publishing._rendering import rendered
from newsfeed.publishing._site_index import IndexUnwritable, index_path, opened
from newsfeed.publishing.lock import (
    begin_writing_documents,
    end_writing_documents,
    locked,
    remove_stale_temporaries,
)
from newsfeed.publishing.plans import path_parts
from newsfeed.publishing.site import (
    FeedPlan,
    Outcome,
    Selection,
    Site,
    dump_fan_outs,
    fan_out_facets,
    fan_out_feeds,
    fan_out_kind,
    fan_out_path,
    fan_out_plan,
    fan_outs,
    fan_outs_after,
    fan_outs_by_path,
    folder_url,
    load_fan_outs,
    may_take,
)
from newsfeed.publishing.websub import changed_feed_urls, feed_url, queue_pings, queued_pings
from newsfeed.reading import Input, read_into
from newsfeed.validation import clean_entries, restore_clean_entries

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
        # An index that knows no run that published (a first run, an index built again,
        # a build without one) knows nothing of the runs before either.
        remove_stale_temporaries(site.out, everywhere=index.published() is None)
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
        self.recorded = Recorded(index.documents(), site.out)
        #: Every document of this run, in the order reported: key -> what became of it.
        self.results: dict[str, Done | None] = {}
        self.subscriptions: set[str] = set()
        #: With a hub, the feeds whose ping was queued before this run: still unheard.
        self.unheard = queued_pings(site) if site.settings.websub_hub else None
        #: And those queued now: the unheard ones and every feed about to be written.
        self.queued = list(self.unheard or ())
        #: Whether this run changed a file or the index's documents yet.
        self.writing = False
        #: What every document depends on besides its entries and fan-out values.
        self.site_digest = digest_of_site(site)
        #: Whether this run rendered a document yet, and the table of entries found
        #: clean that the index gave it then (see `_recall_clean_entries`).
        self.rendering = False
        self.clean: bytes | None = None

    def run(self) -> None:
        site_digest = self.site_digest
        changes = self.index.changes()
        last = self.index.published()
        found, before = None, {}
        # With the sources in another order, any article may win a tie of ids or name a
        # fan-out feed where it did not: nothing is as the last run left it.
        if last is not None and last[0] == site_digest and "*" not in changes:
            last_found = load_fan_outs(last[1])
            found = fan_outs_after(self.site, self.index, last_found, changes)
            before = fan_outs_by_path(self.site, last_found)
        #: Whether the documents are as the last run left them, but where `changes` reach.
        trusted = found is not None
        if found is None:
            found = fan_outs(self.site, self.index)
        #: Every article older than this is as the last run found it.
        oldest = self.index.oldest_change() if trusted else None
        language = self.site.settings.language
        limit = self.site.settings.limit
        feeds: list[tuple[FeedPlan, Job | None, Entries | None, list[str]]] = []
        for plan, feed in fan_out_feeds(self.site, found):
            # A feed no change reached is checked by its recorded files alone, and
            # its plan is not even made.
            if trusted and not self._reached(plan, feed, changes, before):
                path = plan.path if feed is None else fan_out_path(plan, feed[0])
                recorded = self._as_recorded(path, plan)
                if recorded is not None:
                    feeds.append((plan, None, None, recorded))
                    continue
            if feed is not None:
                plan = fan_out_plan(self.site, plan, *feed)
            everything = None
            if not plan.archive:
                head, total = plan.selection.entries(self.index, language, limit), 0
            elif oldest is not None:  # its archive is read from where a change can be
                head = plan.selection.entries(self.index, language, limit)
                total = plan.selection.count(self.index, language)
            else:
                everything = plan.selection.entries(self.index, language)
                head, total = everything[:limit], len(everything)
            feeds.append((plan, self._feed_job(plan, head, total), everything, []))
        # The documents of the feeds with archives first: their size budgets decide
        # what is archived. Then the other feeds' with the archive pages, by the same
        # processes: a pool each would leave a core idle as the first one ends.
        jobs = [(plan.archive, job) for plan, job, _, _ in feeds if job is not None]
        kept = iter(self._publish_jobs([job for archived, job in jobs if archived]))
        pages = []
        for plan, job, everything, recorded in feeds:
            if job is None:
                for key in recorded:
                    self.results[key] = self.recorded.as_before(key)
                continue
            if not plan.archive:
                continue
            count = next(kept)
            if everything is None:
                assert oldest is not None
                skipped = self._pages_before(plan, oldest, job.total, count)
                page_size = plan.page_size or limit
                everything = plan.selection.entries(
                    self.index, language, job.total - skipped * page_size
                )
            else:
                skipped = 0
            pages += self._pages(plan, job.settings, everything[count:], skipped)
        self._publish_jobs([*(job for archived, job in jobs if not archived), *pages])
        self._remove_unwanted()
        self._report()
        if self.unheard is not None:
            # Queued before writing were all the feeds rendered; of those, only the
            # ones whose bytes changed need the hub.
            queue_pings(self.site, [*self.unheard, *changed_feed_urls(self.site, self.outcome)])
        fan_outs_state = dump_fan_outs(found)
        if self.writing or changes or last != (site_digest, fan_outs_state):
            self.index.end_publishing(site_digest, fan_outs_state)
        if self.rendering and not self.index.temporary_file:
            self.index.record_clean_entries(site_digest, clean_entries(), self.clean)
        if self.writing:
            end_writing_documents(self.site.out)

    def _reached(
        self,
        plan: FeedPlan,
        feed: tuple[str, str, frozenset[str]] | None,
        changes: Mapping[str, frozenset[str]],
        before: Mapping[str, tuple[str, frozenset[str]]],
    ) -> bool:
        """Whether `changes` may have changed the entries of the feed of `plan` (or of
        its fan-out `feed`, whose name and values in the last run `before` holds)."""
        language = self.site.settings.language
        if feed is None:
            return may_take(plan.selection.facets(language), changes)
        # An article gone with the last of a spelling or of a value takes it from the
        # feed too: its title or its selection is not the last run's.
        if before.get(fan_out_path(plan, feed[0])) != feed[1:]:
            return True
        # A fan-out's feed takes only articles of its own values: most meet no change.
        values = feed[2]
        return not values.isdisjoint(changes.get(fan_out_kind(plan), ())) and may_take(
            fan_out_facets(plan, values, language), changes
        )

    def _begin_writing(self) -> None:
        """Before this run's first change to a file or to the documents the index holds."""
        if not self.writing:
            self.writing = True
            self.index.begin_publishing()
            begin_writing_documents(self.site.out)

    def _feed_job(self, plan: FeedPlan, head: Entries, total: int) -> Job:
        """The job of the subscription documents of `plan`: the `head` of its entries,
        of `total` (which only an archived feed's documents depend on)."""
        site = self.site.settings
        changes: tuple[tuple[str, Any], ...] = (
            ("title", plan.title or site.title),
            ("base_url", folder_url(site, plan.path)),
            ("id", site.id if not plan.path else None),
        )
        base = site
        if plan.archive:  # the archive pages' links are made from the feed's settings
            base, changes = site.derived(**dict(changes)), ()
        folder = self.site.out / plan.path
        job = Job(
            tuple((f, folder / FILE_NAMES[f]) for f in plan.formats),
            base,
            changes,
            head.rows,
            digest(
                ("feed", base, changes, replace(plan, selection=Selection())),
                total if plan.archive else 0,
                head,
            ),
            plan=plan,
            total=total,
        )
        for _, path in job.paths:
            key = self.recorded.key(path)
            self.results[key] = None
            self.subscriptions.add(key)
        return job

    def _as_recorded(self, path: str, plan: FeedPlan) -> list[str] | None:
        """For the feed of `plan` at `path` whose entries no change reached: its documents
        are those the last run left, noted as unchanged (its subscription documents) or
        returned (its archive pages, for later), or None when one of them is not as the
        index recorded it (then the feed is checked as any other is)."""
        folder = "/".join(path_parts(path))
        own = [f"{folder}/{name}" if folder else name for name in _names(plan.formats)]
        if not all(self.recorded.in_place_as_recorded(key) for key in own):
            return None
        pages = (
            self.recorded.pages_in_place(archive_key(path), _page_names(plan))
            if plan.archive
            else []
        )
        if pages is None:
            return None
        for key in own:
            self.results[key] = self.recorded.as_before(key)
            self.subscriptions.add(key)
        return pages

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

    def _pages_before(self, plan: FeedPlan, oldest: int, total: int, kept: int) -> int:
        """How many of the oldest archive pages of `plan` (of `total` entries, `kept` in its
        subscription documents) no change can have reached, noted as unchanged.

        Such a page was full in the last run and is full now, and holds only articles
        older than the `oldest` changed: the same entries, number and links, so the
        same digest. Each must also be in place, or none is taken as it was.
        """
        page_size = plan.page_size or self.site.settings.limit
        archive = archive_key(plan.path)
        unchanged = plan.selection.count(self.index, self.site.settings.language, oldest)
        recorded = self.recorded.page_count(archive)
        skipped = max(0, min(recorded - 1, min(unchanged, total - kept) // page_size))
        keys = self.recorded.pages_in_place(archive, _page_names(plan), skipped)
        for key in keys or ():
            self.results[key] = self.recorded.as_before(key)
        return skipped if keys is not None else 0

    def _pages(
        self, plan: FeedPlan, settings: FeedSettings, older: Entries, skipped: int
    ) -> list[Job]:
        """The archive page jobs of `older` (newest first) in page order, after the
        `skipped` oldest pages."""
        jobs, removed = page_jobs(self.site.out, plan, settings, older, skipped)
        for job in jobs:
            for _, path in job.paths:
                self.results[self.recorded.key(path)] = None
        self.outcome.removed += removed
        return jobs

    def _current(self, job: Job) -> bool:
        """Whether every document of `job` is as the index recorded, from the same input."""
        return all(
            (state := self.recorded.states.get(key := self.recorded.key(path))) is not None
            and state.digest == job.digest
            and self.recorded.in_place(key, state)
            for _, path in job.paths
        )

    def _unchanged(self, job: Job) -> int:
        """Note the documents of `job` as unchanged; how many entries its feed kept."""
        kept = 0
        for _, path in job.paths:
            key = self.recorded.key(path)
            done = self.recorded.as_before(key)
            self.results[key] = done
            kept = done.kept
        return kept

    def _recall_clean_entries(self) -> None:
        """Before the first document is rendered (a run that renders none reads nothing):
        the entries that runs of the same code and settings found clean are spared their
        own checks again."""
        if self.rendering:
            return
        self.rendering = True
        self.clean = self.index.clean_entries(self.site_digest)
        if self.clean is not None and not restore_clean_entries(self.clean):
            self.clean = None

    def _render_all(self, jobs: list[Job]) -> list[list[Done]]:
        """Render and write `jobs`, recording each document once its file is in place."""
        if not jobs:
            return []
        self._begin_writing()
        self._recall_clean_entries()
        if self.unheard is not None:
            urls = (feed_url(self.site, path) for job in jobs for _, path in job.paths)
            new = [url for url in dict.fromkeys(urls) if url and url not in self.queued]
            if new:
                self.queued += new
                queue_pings(self.site, self.queued)
        self.index.intend(
            self.recorded.key(path)
            for job in jobs
            for _, path in job.paths
            if self.recorded.key(path) not in self.recorded.states
        )
        self.progress.start("publishing", len(jobs), "documents")
        finished: list[list[Done] | None] = [None] * len(jobs)
        pending: list[DocumentState] = []
        workers = min(self.jobs, len(jobs))
        for number, done in rendered(self.index, jobs, workers):
            finished[number] = done
            for item in done:
                pending.append(self.recorded.state_of(jobs[number].digest, item))
                self.results[self.recorded.key(item.written.path)] = item
            if len(pending) >= _RECORD_EVERY:
                self.index.record(pending)
                pending = []
            self.progress.advance()
        self.index.record(pending)
        self.progress.finish()
        return [done for done in finished if done is not None]

    def _remove_unwanted(self) -> None:
        """Remove the files of recorded documents this run did not make."""
        # What the index held when the run began: a document noted since is wanted.
        unwanted = sorted(key for key in self.recorded.states if key not in self.results)
        if unwanted:
            self._begin_writing()
        for key in unwanted:
            path = self.site.out / key
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                self.outcome.removed.append(path)
            remove_empty_folders(path.parent, self.site.out)
        if unwanted:
            self.index.forget(unwanted)
        if self.recorded.restat:
            self.index.record(self.recorded.restat)

    def _report(self) -> None:
        for key, done in self.results.items():
            assert done is not None
            self.outcome.files.append(done.written)
            self.outcome.problems.extend(done.problems)
            if done.written.status != "invalid" and key in self.subscriptions:
                self.outcome.entries[done.written.path] = done.shown


def _names(formats: Iterable[Format]) -> list[str]:
    return [FILE_NAMES[format] for format in formats]


def _page_names(plan: FeedPlan) -> list[str]:
    """The file names of each archive page of `plan`."""
    return _names(f for f in ARCHIVE_FORMATS if f in plan.formats)
