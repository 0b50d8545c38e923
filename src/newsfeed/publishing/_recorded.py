"""The documents the index recorded, against their files (internal): whether a file
is still the bytes recorded, what to record of a file just written, the archive pages
recorded, and the digest of what a whole site's documents depend on."""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path

from newsfeed.documents import Written
from newsfeed.index import DocumentState
from newsfeed.publishing._jobs import Done, bytes_digest
from newsfeed.publishing.plans import ARCHIVE_FOLDER, path_parts
from newsfeed.publishing.site import Site
from newsfeed.reading import CODE_DIGEST


class Recorded:
    """The documents of the output folder `out` as the index recorded them (by key: the
    path below `out`), and the new status of those found unchanged but moved or touched."""

    def __init__(self, states: dict[str, DocumentState], out: Path) -> None:
        self.states, self.out = states, out
        self.prefix = os.path.join(out, "")
        self.restat: list[DocumentState] = []
        self._archives: dict[str, dict[str, list[str]]] | None = None

    def key(self, path: Path) -> str:
        name = str(path)
        # The paths of documents are made under the output folder: cutting its name
        # off costs a tenth of `relative_to`, thousands of times a run.
        if name.startswith(self.prefix) and os.sep == "/":
            return name[len(self.prefix) :]
        return path.relative_to(self.out).as_posix()

    def in_place(self, key: str, state: DocumentState) -> bool:
        """Whether the file of `key` holds the bytes recorded.

        Its size, modification and change times and inode are as recorded once it
        was in place, or else its bytes are read and their digest compared. Any
        write to the file, or a file put in its place, changes the change time (no
        program can set it back) or the inode: only a file edited while the system
        clock is set back to the moment of our write passes for ours.
        """
        path = self.prefix + key
        try:
            status = os.stat(path)
        except OSError:
            return False
        if _status(status) == (state.size, state.mtime_ns, state.ctime_ns, state.inode):
            return True
        try:
            with open(path, "rb") as file:
                same = bytes_digest(file.read()) == state.bytes_digest
        except OSError:
            return False
        if same:
            size, mtime_ns, ctime_ns, inode = _status(status)
            self.restat.append(
                replace(state, size=size, mtime_ns=mtime_ns, ctime_ns=ctime_ns, inode=inode)
            )
        return same

    def as_before(self, key: str) -> Done:
        """The document of `key`, unchanged: what the index recorded of it."""
        state = self.states[key]
        return Done(
            Written(self.out / key, "unchanged", state.problems),
            state.problems,
            state.shown or 0,
            state.kept or 0,
            state.bytes_digest,
        )

    def state_of(self, digest: bytes, done: Done) -> DocumentState:
        """What to record of a document rendered from what `digest` digests."""
        key = self.key(done.written.path)
        if done.data_digest is None:  # invalid: the old file stays; render it again next time
            return DocumentState(key, *(None,) * 8, ())
        size, mtime_ns, ctime_ns, inode = _status(os.stat(done.written.path))
        return DocumentState(
            key,
            digest,
            done.data_digest,
            size,
            mtime_ns,
            ctime_ns,
            inode,
            done.kept,
            done.shown,
            done.problems,
        )

    def in_place_as_recorded(self, key: str) -> bool:
        """Whether the document of `key` was recorded valid and its file is as written."""
        state = self.states.get(key)
        return state is not None and state.digest is not None and self.in_place(key, state)

    def page_count(self, archive: str) -> int:
        """How many archive pages the folder `archive` (a key) holds."""
        return len(self._pages().get(archive, ()))

    def pages_in_place(
        self, archive: str, names: list[str], count: int | None = None
    ) -> list[str] | None:
        """The keys of the first `count` (or all) archive pages in the folder `archive`,
        in page order, when the pages recorded are numbered from 1 without a gap, each
        has the files `names`, and every one is `in_place_as_recorded`; else None."""
        recorded = self._pages().get(archive, {})
        if set(recorded) != {str(number) for number in range(1, len(recorded) + 1)}:
            return None
        keys = []
        for number in range(1, (len(recorded) if count is None else count) + 1):
            if sorted(recorded.get(str(number), ())) != sorted(names):
                return None
            keys += [f"{archive}/{number}/{name}" for name in names]
        return keys if all(self.in_place_as_recorded(key) for key in keys) else None

    def _pages(self) -> dict[str, dict[str, list[str]]]:
        """The archive pages recorded: archive folder -> page number -> file names."""
        if self._archives is None:
            self._archives = {}
            for key in self.states:
                page_folder, _, name = key.rpartition("/")
                archive, _, number = page_folder.rpartition("/")
                if number.isdigit() and archive.rpartition("/")[2] == ARCHIVE_FOLDER:
                    self._archives.setdefault(archive, {}).setdefault(number, []).append(name)
        return self._archives


def archive_key(path: str) -> str:
    """The key of the archive folder of the feed of a plan's `path`."""
    folder = "/".join(path_parts(path))
    return f"{folder}/{ARCHIVE_FOLDER}" if folder else ARCHIVE_FOLDER


def digest_of_site(site: Site) -> bytes:
    """What every document of `site` depends on besides its entries and fan-out values."""
    return hashlib.sha256(
        CODE_DIGEST + repr((site.settings, site.plans, site.out)).encode()
    ).digest()


def _status(status: os.stat_result) -> tuple[int, int, int, int]:
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino
