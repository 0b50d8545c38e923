"""Rendering a job's documents (internal): a feed's subscription documents within
its size budget (with archives, what the budget leaves out goes to the archive),
or an archive page; in this process or in a forked worker, which keeps what it
loaded and built of its last subscription feeds' articles for the next ones.
A job's files are written by a second thread while the next job is rendered."""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from newsfeed.documents import Document, Feed, write_document
from newsfeed.files import folders_synced_once
from newsfeed.index import SiteIndex
from newsfeed.model import ArchiveLinks, Article, InputWarning, Problem
from newsfeed.publishing._archives import ARCHIVE_FORMATS
from newsfeed.publishing._budget import fit
from newsfeed.publishing._jobs import Done, Job, bytes_digest
from newsfeed.publishing._order import sharing_order
from newsfeed.publishing.site import page_url
from newsfeed.records import gc_paused
from newsfeed.render import BuiltEntries

#: How many articles a rendering process keeps, each with its entries: some 30 KB
#: an article. Its jobs come in an order that meets them again (`_order`).
KEPT_ARTICLES = 1_000


class Recent:
    """The articles of the last subscription feeds a process rendered, as loaded and
    with the entries feedgen built of them, for the next feeds that hold them (an
    article is in its categories' feeds and its author's). An archive page's
    articles are in no other page: those are neither looked for nor kept."""

    def __init__(self, size: int = KEPT_ARTICLES) -> None:
        self.size = size
        self._loaded: OrderedDict[int, tuple[Article, bytes]] = OrderedDict()
        self.built = BuiltEntries(2 * size)  # an RSS item and an Atom entry each

    def load(self, index: SiteIndex, ids: Sequence[int]) -> list[tuple[Article, bytes]]:
        """The articles of the rows `ids` (see `SiteIndex.load`), those not kept loaded."""
        loaded = self._loaded
        missing = [row for row in ids if row not in loaded]
        for row, found in zip(missing, index.load(missing), strict=True):
            loaded[row] = found
        articles = []
        for row in ids:
            loaded.move_to_end(row)
            articles.append(loaded[row])
        while len(loaded) > self.size:
            loaded.popitem(last=False)
        return articles


@dataclass(frozen=True, slots=True)
class Rendered:
    """A document rendered and not yet written: where it goes, and what to record."""

    path: Path
    document: Document
    budget: tuple[Problem, ...]
    shown: int
    kept: int


#: How many jobs' files may wait to be written while the next job is rendered: the
#: documents held in memory stay a few, however many jobs a worker is given.
_WRITES_AHEAD = 2


def written(index: SiteIndex, jobs: Iterable[Job], recent: Recent) -> Iterator[list[Done]]:
    """Each of `jobs` rendered, in turn, once its files are in place.

    A file's fsync waits for the disk, a tenth of a build's time: the files of
    each job are written (and their folders synced) by a second thread while
    this one renders the next, and a job is given back only when they are in
    place, so that the index never records a document before its file.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="newsfeed-write") as writer:
        pending: deque[Future[list[Done]]] = deque()
        for job in jobs:
            # The collector waits for the whole job: what it made is freed when it
            # ends, and a collection at the end of each document would walk all of
            # that document's objects first.
            with gc_paused():
                documents = _render(index, job, recent)
            pending.append(writer.submit(_write_job, documents))
            while len(pending) > _WRITES_AHEAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _write_job(documents: list[Rendered]) -> list[Done]:
    # A job's documents share a folder: it is synced once, before the job is done.
    with folders_synced_once():
        return [_write(rendered) for rendered in documents]


def _render(index: SiteIndex, job: Job, recent: Recent) -> list[Rendered]:
    loaded = index.load(job.ids) if job.plan is None else recent.load(index, job.ids)
    articles = [article for article, _ in loaded]
    # Validation knows an entry checked in another document by its article's digest.
    made_of = {article.id: digest for article, digest in loaded}
    if job.plan is None:
        feed = Feed(job.settings, articles, job.links, made_of=made_of)
        return [
            Rendered(path, feed.render(format), (), len(articles), 0) for format, path in job.paths
        ]
    plan, settings = job.plan, job.settings
    page_size = plan.page_size or settings.limit
    archived = [f for f in plan.formats if plan.archive and f in ARCHIVE_FORMATS]
    wanted = keep = len(articles)
    while True:
        # With archives, the entries that the size budget leaves out of the
        # subscription feed go to the archive instead: none is ever lost.
        pages = math.ceil((job.total - keep) / page_size) if plan.archive else 0
        links = ArchiveLinks(prev_archive=page_url(settings, pages)) if pages else None
        feed = Feed(settings, articles[:keep], links, made_of=made_of, built=recent.built)
        documents = {format: fit(feed, format, plan.max_bytes) for format in plan.formats}
        moved = max((documents[f][1] for f in archived), default=0)
        if not moved:
            break
        keep -= moved
    made = []
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
        made.append(Rendered(path, document, budget, keep - dropped, keep))
    return made


def _write(rendered: Rendered) -> Done:
    document = rendered.document
    outcome = write_document(rendered.path, document)
    digest = None if outcome.status == "invalid" else bytes_digest(document.data)
    return Done(
        outcome, rendered.budget + document.problems, rendered.shown, rendered.kept, digest
    )


#: Fewer jobs than this are rendered in this process: starting workers costs more
#: than it saves.
_POOL_FROM = 16


def rendered(index: SiteIndex, jobs: list[Job], workers: int) -> Iterator[tuple[int, list[Done]]]:
    """Each of `jobs` rendered, by its number, with up to `workers` processes."""
    # The subscription feeds in an order that meets an article again while the process
    # still keeps it; archive pages share no article, and keep their order.
    feeds = [number for number, job in enumerate(jobs) if job.plan is not None]
    order = [feeds[n] for n in sharing_order([jobs[n].ids for n in feeds], KEPT_ARTICLES)]
    order += (number for number, job in enumerate(jobs) if job.plan is None)
    if workers <= 1 or len(jobs) < _POOL_FROM or "fork" not in _start_methods():
        yield from zip(order, written(index, (jobs[n] for n in order), Recent()), strict=True)
        return
    # Workers are forked: they share the loaded code, and each opens the index
    # for reading (the write-ahead log lets them read while this process records).
    # Each is given its jobs a chunk at a time, rendered and written in turn.
    import multiprocessing  # only a build big enough for a pool pays its import

    context = multiprocessing.get_context("fork")
    size = max(1, len(jobs) // (workers * 8))
    chunks = [order[start : start + size] for start in range(0, len(order), size)]
    with context.Pool(workers, start_worker, (index.path,)) as pool:
        by_chunk = pool.imap(render_in_worker, [[jobs[n] for n in chunk] for chunk in chunks])
        for chunk, done in zip(chunks, by_chunk, strict=True):
            yield from zip(chunk, done, strict=True)


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


#: The index a rendering process reads, opened once per process, and what it keeps.
_worker: list[tuple[SiteIndex, Recent]] = []


def start_worker(path: Path) -> None:
    _worker.append((SiteIndex(path, read_only=True), Recent()))


def render_in_worker(jobs: list[Job]) -> list[list[Done]]:
    index, recent = _worker[0]
    return list(written(index, jobs, recent))
