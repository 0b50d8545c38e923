"""The output folder's lock: one run at a time, from before it reads any source to
its end; the run that holds it removes the temporary files a killed run left."""

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


def remove_stale_temporaries(out: Path) -> None:
    """Delete temporary files that a killed run left: under the lock, no one writes them."""
    # One walk for every name: a site with archives has a folder per page.
    for folder, _, names in os.walk(out):
        for name in names:
            if is_temporary(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))
