"""Atomic file replacement: a reader sees the old file or the new one, never a part.

The new bytes go to a temporary file in the same folder (so that the rename
stays on one file system), take the old file's permissions (a new file's are
the umask's, as it is created), are fsynced, and are renamed over the old
file; the folder
is fsynced so that the rename itself survives a crash (within
`folders_synced_once`, once per folder at the block's end: a feed's formats
share a folder). Identical bytes are not written at all, so the file keeps its
modification time and web servers keep answering 304.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import select
import stat
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

__all__ = [
    "READ_TIMEOUT",
    "TEMPORARY_SUFFIX",
    "ReadTimeout",
    "TooLarge",
    "folders_synced_once",
    "is_temporary",
    "read_limited",
    "remove_empty_folders",
    "write_if_changed",
]


def remove_empty_folders(folder: Path, top: Path) -> None:
    """Remove `folder` and the folders above it, up to `top` (kept), while they are empty."""
    while folder != top and top in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty, or not ours to remove
        folder = folder.parent


def write_if_changed(path: str | os.PathLike[str], data: bytes) -> bool:
    """Replace `path` with `data` atomically; False (and nothing touched) if unchanged."""
    target = Path(path)
    try:
        with open(target, "rb") as old:
            status = os.fstat(old.fileno())
            if status.st_size == len(data) and old.read() == data:
                return False
        mode: int | None = stat.S_IMODE(status.st_mode)
    except FileNotFoundError:
        mode = None  # created with the umask's permissions
    handle, temporary = _created(target)
    try:
        try:
            if mode is not None:
                os.fchmod(handle, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise _naming(error, target) from None
        raise
    deferred = _deferred_folders.get()
    if deferred is None:
        _fsync_folder(target.parent)
    else:
        deferred[target.parent] = None
    return True


#: Numbers the temporary files of this process: with its id, a name no other has.
_temporary_numbers = itertools.count()
#: A temporary file is opened only if this call creates it.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC


def _created(target: Path) -> tuple[int, Path]:
    """A new temporary file beside `target`, open for writing, with the folders it
    needs: made only when missing, as the creation finds them."""
    made_folders = False
    while True:
        name = f".{target.name}.{os.getpid()}-{next(_temporary_numbers)}{TEMPORARY_SUFFIX}"
        temporary = target.with_name(name)
        try:
            return os.open(temporary, _NEW_FILE, 0o666), temporary
        except FileExistsError:
            continue  # left by a killed process that had this one's id
        except FileNotFoundError as error:
            if made_folders:
                raise _naming(error, target) from None
            target.parent.mkdir(parents=True, exist_ok=True)
            made_folders = True
        except OSError as error:
            raise _naming(error, target) from None


#: Inside `folders_synced_once`: the folders renamed into, in order, each to be synced once.
_deferred_folders: ContextVar[dict[Path, None] | None] = ContextVar(
    "_deferred_folders", default=None
)


@contextlib.contextmanager
def folders_synced_once() -> Iterator[None]:
    """Within the block, `write_if_changed` leaves the fsync of each folder it renamed
    a file into to the block's end, once per folder rather than once per file. Each
    file's bytes are still durable before the rename that publishes it; the renames
    are durable when the block ends, however it ends."""
    folders: dict[Path, None] = {}
    token = _deferred_folders.set(folders)
    try:
        yield
    finally:
        _deferred_folders.reset(token)
        for folder in folders:
            _fsync_folder(folder)


#: How every temporary file of `write_if_changed` ends (`.rss.xml.4242-7.newsfeed-tmp`),
#: so that a run that holds the output folder's lock can remove those a killed run left.
TEMPORARY_SUFFIX = ".newsfeed-tmp"


def is_temporary(name: str) -> bool:
    """Whether `name` is that of a temporary file of `write_if_changed`."""
    return name.startswith(".") and name.endswith(TEMPORARY_SUFFIX)


def _naming(error: OSError, target: Path) -> OSError:
    """`error` naming `target`, not the temporary file or none at all (a write
    to an open file names none), so that a message says where."""
    if error.errno is None:
        return error
    named = OSError(error.errno, error.strerror, str(target))
    return named.with_traceback(error.__traceback__)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some platforms cannot open folders; the rename is still atomic
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


class TooLarge(Exception):
    """A file held more than the reader's limit; `limit` is that limit in bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than the limit of {limit} bytes; not read")
        self.limit = limit


class ReadTimeout(OSError):
    """A pipe, FIFO or device gave nothing for `seconds`: refused rather than waited on."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"nothing to read for {seconds:g} s (a pipe or device with no writer?)")
        self.seconds = seconds


#: How long a pipe, FIFO or device may stay silent before its read is given up.
READ_TIMEOUT = 30.0
_CHUNK = 1 << 16


def read_limited(
    source: str | os.PathLike[str] | int, limit: int, timeout: float | None = None
) -> bytes:
    """At most `limit` bytes of a file, path or open descriptor, whatever kind it is.

    `st_size` says nothing of a device or a pipe (it is 0 for /dev/zero), so
    the bound is on what is read: `limit` + 1 bytes at most, and one byte more
    than `limit` raises TooLarge. A path is opened without blocking, so a FIFO
    with no writer cannot hang the open; anything but a regular file is read
    with `timeout` seconds of silence allowed (default `READ_TIMEOUT`), then
    ReadTimeout. A descriptor passed in (standard input) is read, never closed.
    """
    if timeout is None:
        timeout = READ_TIMEOUT
    if isinstance(source, int):
        return _read_descriptor(source, limit, timeout)
    descriptor = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        return _read_descriptor(descriptor, limit, timeout)
    finally:
        os.close(descriptor)


def _read_descriptor(descriptor: int, limit: int, timeout: float) -> bytes:
    status = os.fstat(descriptor)
    regular = stat.S_ISREG(status.st_mode)
    if regular:
        if status.st_size > limit:
            raise TooLarge(limit)  # refused unread; the loop below still bounds a growing file
        os.set_blocking(descriptor, True)
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        if not regular and not _readable(descriptor, timeout):
            raise ReadTimeout(timeout)
        try:
            chunk = os.read(descriptor, min(_CHUNK, limit + 1 - size))
        except BlockingIOError:
            continue
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise TooLarge(limit)
    return b"".join(chunks)


def _readable(descriptor: int, timeout: float) -> bool:
    try:
        ready, _, _ = select.select([descriptor], [], [], timeout)
    except (OSError, ValueError):
        return True  # not selectable (some platforms' files): read and see
    return bool(ready)
