"""RFC 5005 archives (internal): the archive pages of a feed, and removing pages
beyond the count.

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
import math
from pathlib import Path

from newsfeed.feed import FILE_NAMES, Format
from newsfeed.index import Entries
from newsfeed.model import ArchiveLinks, FeedSettings
from newsfeed.publishing._jobs import Job, digest
from newsfeed.publishing.plans import ARCHIVE_FOLDER
from newsfeed.publishing.site import FeedPlan, folder_url, page_url

ARCHIVE_FORMATS: tuple[Format, ...] = ("rss", "atom")


def page_jobs(
    out: Path, plan: FeedPlan, settings: FeedSettings, older: Entries, skipped: int = 0
) -> tuple[list[Job], list[Path]]:
    """The archive page jobs of `older` (newest first) in page order, numbered after the
    `skipped` pages older still, and the files of pages beyond the count that the
    index does not know (built without it), removed."""
    page_size = plan.page_size or settings.limit
    folder = out / plan.path
    shown = repr(settings)  # once, not once a page
    jobs = []
    for start in range(0, len(older), page_size):
        # Counted from the oldest. The page shows them oldest first; its digest is
        # of them newest first, as they are held (the same entries, not copied).
        end = len(older) - start
        entries = older[max(end - page_size, 0) : end]
        number = skipped + start // page_size + 1
        full = len(entries) == page_size
        links = ArchiveLinks(
            current=folder_url(settings, ""),
            prev_archive=page_url(settings, number - 1) if number > 1 else None,
            # A full page links to the next one even before it exists, so that
            # it never has to be rewritten when the next page starts.
            next_archive=page_url(settings, number + 1) if full else None,
        )
        changes = (("base_url", page_url(settings, number)), ("limit", page_size), ("id", None))
        page_folder = folder / ARCHIVE_FOLDER / str(number)
        paths = tuple(
            (f, page_folder / FILE_NAMES[f]) for f in ARCHIVE_FORMATS if f in plan.formats
        )
        jobs.append(
            Job(
                paths,
                settings,
                changes,
                entries.rows[::-1],
                digest(("page", shown, changes, links), 0, entries),
                links=links,
            )
        )
    count = skipped + math.ceil(len(older) / page_size)
    removed = _remove_pages_after(folder / ARCHIVE_FOLDER, count)
    return jobs, removed


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
