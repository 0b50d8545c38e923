"""Rendering jobs (internal): the documents made from one set of entries, what
became of each, and the digests that tell whether a document is current."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsfeed.documents import Written
from newsfeed.feed import Format
from newsfeed.index import Entries
from newsfeed.model import ArchiveLinks, FeedSettings, Problem
from newsfeed.publishing.site import FeedPlan
from newsfeed.reading import CODE_DIGEST

_DIGEST_SIZE = 16


@dataclass(frozen=True, slots=True)
class Job:
    """Documents rendered from one set of entries: a feed's subscription documents
    (`plan` set: they fit its budget together), or one archive page's."""

    paths: tuple[tuple[Format, Path], ...]
    #: The documents' settings are these with `changes`, derived only for a job that
    #: is rendered (the digest is of both, which decide them).
    base: FeedSettings
    changes: tuple[tuple[str, Any], ...]
    ids: Sequence[int]
    digest: bytes
    links: ArchiveLinks | None = None
    plan: FeedPlan | None = None
    total: int = 0

    @property
    def settings(self) -> FeedSettings:
        return self.base.derived(**dict(self.changes)) if self.changes else self.base


@dataclass(frozen=True, slots=True)
class Done:
    """One document a job rendered: what was done with its file, and what to record."""

    written: Written
    problems: tuple[Problem, ...]
    shown: int
    kept: int
    data_digest: bytes | None


def digest(what: tuple[Any, ...], count: int, entries: Entries) -> bytes:
    """A digest of everything a document is rendered from: the code, its settings and
    links, and its entries' digests (not where their records were read)."""
    hasher = hashlib.sha256(CODE_DIGEST + repr((what, count)).encode())
    hasher.update(entries.digests)
    return hasher.digest()


def bytes_digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()[:_DIGEST_SIZE]
