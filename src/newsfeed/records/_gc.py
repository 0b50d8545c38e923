"""Holding off the garbage collector while many objects are made: internal."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while many objects are made at once.

    Reading records or building a document allocates hundreds of thousands of
    objects that stay alive; each collection of the oldest generation on the
    way walks every live object of the process, which costs a large build a
    quarter of its time. Nothing made there is a cycle that must be freed
    early. The collector's state is restored, however the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
