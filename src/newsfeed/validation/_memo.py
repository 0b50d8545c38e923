"""The entries this process has already checked and found clean (internal), for `_walk`.

The publisher validates every document it writes, and an article is in
several of them (its archive page, its categories' feeds, its author's):
the same item or entry, checked again in the same context, would find
nothing again. So the walk over a built tree asks here first.

An entry's checks split in two. Its entry-local checks read only the entry's
own subtree and a little context, and are skipped for an entry remembered
clean: the checks of its elements and attributes, what it must contain, and
(in Atom) the RELAX NG schema. Its contextual checks run for every entry of
every document: its place, duplicate ids or guids across the document, text
between entries, the extensions' checks and everything in `finish`.

Only an entry whose entry-local checks found nothing (no error, no warning,
none past a cap) and that holds no iTunes or Podcasting 2.0 element is
remembered, so a hit has no finding to place: nothing depends on where the
entry is. The key is a SHA-256 digest of the entry's context and its
exclusive canonical form (C14N with comments): its names with their
prefixes, namespace declarations it uses, attributes, text, comments and
processing instructions, everything a check can read in the subtree; what
the form leaves out (attribute order, declarations in scope that nothing in
the entry uses, how characters were escaped, the line it is on) no check of
a clean entry reads. The context is all an entry-local check reads outside
the entry, named by each format (`atom`: the feed's absolute xml:base and
whether the feed has an author so far; `rss`: nothing).

A document rendered from articles whose values the caller knows by digest
(the site index keeps one an article) gives those digests instead, one an
entry (`made_of`): newsfeed builds an item or entry from its article's values
alone, so the same values make the same subtree in every document of a
format. That key is a digest of the context (which names the format) and the
values' digest; it costs nothing like the canonical form, to which a tenth of
a publisher's time went. The two kinds of key never meet: they start
differently.

Remembered are at most `size` digests, the least recently seen forgotten
first: about 170 bytes each (some 11 MB in all), so the memory is bounded
whatever the size of the build.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from lxml import etree

Context = tuple[str | bool | None, ...]
"""What an entry's entry-local checks read outside the entry (see above)."""

DEFAULT_SIZE = 1 << 16
#: How a key made from an entry's values starts; one made from its canonical form
#: starts with the repr of its context, "(".
_MADE_OF = b"\0"


class CleanEntries:
    """The digests of the entries found clean, least recently seen first."""

    __slots__ = ("_digests", "_lock", "size")

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._digests: OrderedDict[bytes, None] = OrderedDict()
        # Documents may be validated in several threads at once.
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._digests)

    @staticmethod
    def key(entry: etree._Element, context: Context, made_of: bytes | None = None) -> bytes | None:
        """The digest of `entry` in `context`; None for an entry that has no
        canonical form (a relative namespace URI), which is never remembered.
        With `made_of` (the digest of the values the entry was built from), the
        digest of that and the context instead (see above)."""
        if made_of is not None:
            built = hashlib.sha256(_MADE_OF)
            built.update(repr(context).encode("utf-8", "surrogatepass") + b"\n")
            built.update(made_of)
            return built.digest()
        try:
            canonical = etree.tostring(
                entry, method="c14n", exclusive=True, with_comments=True, with_tail=False
            )
        except (etree.C14NError, ValueError):
            return None
        # The repr of the context has no newline in it: the two parts cannot run together.
        digest = hashlib.sha256(repr(context).encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
        digest.update(canonical)
        return digest.digest()

    def seen(self, key: bytes | None) -> bool:
        """Whether the entry of `key` was found clean (and now is the most recent)."""
        if key is None:
            return False
        with self._lock:
            if key not in self._digests:
                return False
            self._digests.move_to_end(key)
            return True

    def add(self, key: bytes | None) -> None:
        """Remember the entry of `key` as found clean."""
        if key is None:
            return
        with self._lock:
            digests = self._digests
            digests[key] = None
            digests.move_to_end(key)
            while len(digests) > self.size:
                digests.popitem(last=False)


IN_PROCESS = CleanEntries()
"""The entries found clean by `validate_tree` in this process."""
