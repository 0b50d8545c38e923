"""The output folder's lock: one run at a time, from before it reads any source to
its end; the run that holds it removes the temporary files a killed run left (the
lock file is empty but while a run writes documents, so that they are looked for
only after a run that was killed then)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from newsfeed.files import is_temporary

LOCK_NAME = ".newsfeed.lock"
#: How long a run waits for another run of the same site to end, in seconds.
DEFAULT_LOCK_TIMEOUT = 60.0


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


def remove_stale_temporaries(out: Path, *, everywhere: bool) -> None:
    """Delete the temporary files that a killed run left: under the lock, no one writes
    them. Below the output folder's own files, only a run that began writing documents
    and did not end (`begin_writing_documents`) can have left them, so the folders (a
    site with archives has thousands) are walked only after such a run, or when told
    to look `everywhere` (nothing is known of the runs before)."""
    try:
        interrupted = (out / LOCK_NAME).stat().st_size > 0
    except OSError:
        interrupted = True
    if everywhere or interrupted:
        for folder, _, names in os.walk(out):
            _remove_temporaries(folder, names)
        end_writing_documents(out)
        return
    with contextlib.suppress(OSError):
        _remove_temporaries(str(out), os.listdir(out))


def _remove_temporaries(folder: str, names: list[str]) -> None:
    for name in names:
        if is_temporary(name):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))


def begin_writing_documents(out: Path) -> None:
    """Note in the lock file, durably, that this run is about to write documents below
    `out`: if it is killed before `end_writing_documents`, the next run looks for its
    temporary files in every folder."""
    # A disk that cannot take these bytes cannot take a document's either: the
    # first document's write says so, naming its file, and leaves no temporary file.
    with contextlib.suppress(OSError):
        descriptor = os.open(out / LOCK_NAME, os.O_WRONLY | os.O_CREAT, 0o666)
        try:
            os.write(descriptor, b"writing\n")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def end_writing_documents(out: Path) -> None:
    """No temporary file of a run is left below `out`: every one was renamed or removed."""
    with contextlib.suppress(FileNotFoundError):
        os.truncate(out / LOCK_NAME, 0)
