"""Atomic file replacement: a reader sees the old file or the new one, never a part.

The new bytes go to a temporary file in the same folder (so that the rename
stays on one file system), are flushed and fsynced, take the old file's
permissions (or the umask's), and are renamed over the old file; the folder
is fsynced so that the rename itself survives a crash. Identical bytes are
not written at all, so the file keeps its modification time and web servers
keep answering 304.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_if_changed(path: str | os.PathLike[str], data: bytes) -> bool:
    """Replace `path` with `data` atomically; False (and nothing touched) if unchanged."""
    target = Path(path)
    try:
        if target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(target)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX, dir=target.parent
        )
    except OSError as error:
        raise _naming(error, target) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise _naming(error, target) from None
        raise
    _fsync_folder(target.parent)
    return True


#: How every temporary file of `write_if_changed` ends (`.rss.xml.k2j4x9q1.newsfeed-tmp`),
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


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


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
