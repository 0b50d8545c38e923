"""Where a site's index is kept between runs, and opening it (internal): SQLite's
errors become a damaged index (built again) or a disk that cannot take it (the
run goes on with a temporary index)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from newsfeed.index import INDEX_NAME, DamagedIndex, SiteIndex
from newsfeed.model import Place, Problem
from newsfeed.publishing.site import Site


def default_cache_folder(out: Path) -> Path:
    """The user's cache folder for a site written to `out`: one per output folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    site = hashlib.sha256(str(out.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return Path(base, "newsfeed", site[:16])


class IndexUnwritable(OSError):
    """The disk of the site index is full (or failing): a build goes on without it."""


def index_path(site: Site, cache: Path | bool, problems: list[Problem]) -> Path | None:
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
def opened(path: Path | None) -> Iterator[SiteIndex]:
    """The index at `path` (a temporary one for None). SQLite's own errors become
    `DamagedIndex`, or, when the disk is full or fails, `IndexUnwritable` naming the
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
        raise IndexUnwritable(code, os.strerror(code), str(path)) from None
    finally:
        if index is not None:
            index.close()


#: What SQLite says when the disk, not the index, is the trouble.
_DISK_TROUBLE = ("full", "disk I/O", "unable to open", "readonly")
