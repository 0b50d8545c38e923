"""Rendering a job's documents (internal): a feed's subscription documents within
its size budget (with archives, what the budget leaves out goes to the archive),
or an archive page; in this process or in a forked worker."""

from __future__ import annotations

import math
from pathlib import Path

from newsfeed.documents import Document, Feed, write_document
from newsfeed.files import folders_synced_once
from newsfeed.index import SiteIndex
from newsfeed.model import ArchiveLinks, InputWarning, Problem
from newsfeed.publishing._archives import ARCHIVE_FORMATS
from newsfeed.publishing._budget import fit
from newsfeed.publishing._jobs import Done, Job, bytes_digest
from newsfeed.publishing.site import page_url
from newsfeed.records import gc_paused


def render(index: SiteIndex, job: Job) -> list[Done]:
    # A job's documents share a folder: it is synced once, before the job is done
    # and the index records them. The collector waits for the whole job: what it
    # made is freed when it ends, and a collection at the end of each document
    # would walk all of that document's objects first.
    with folders_synced_once(), gc_paused():
        return _render(index, job)


def _render(index: SiteIndex, job: Job) -> list[Done]:
    loaded = index.load(job.ids)
    articles = [article for article, _ in loaded]
    # Validation knows an entry checked in another document by its article's digest.
    made_of = {article.id: digest for article, digest in loaded}
    if job.plan is None:
        feed = Feed(job.settings, articles, job.links, made_of=made_of)
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
        links = ArchiveLinks(prev_archive=page_url(settings, pages)) if pages else None
        feed = Feed(settings, articles[:keep], links, made_of=made_of)
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
) -> Done:
    written = write_document(path, document)
    digest = None if written.status == "invalid" else bytes_digest(document.data)
    return Done(written, budget + document.problems, shown, kept, digest)


#: The index a rendering process reads, opened once per process.
_worker_index: list[SiteIndex] = []


def start_worker(path: Path) -> None:
    _worker_index.append(SiteIndex(path, read_only=True))


def render_in_worker(job: Job) -> list[Done]:
    return render(_worker_index[0], job)
