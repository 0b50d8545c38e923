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

The digests are kept in a table of `size` slots in memory shared with every
process forked from this one once it exists: the publisher's workers, each
rendering documents that hold the same articles, and the pools of archive
pages after them, which find the entries of the subscription feeds already
checked. Kept apart, each worker checked again what the other had found
clean: most of an article's entries were checked more than once. A slot is a
digest's 32 bytes (4 MB in all, one copy that every process shares), so the memory is
bounded whatever the size of the build: a digest goes to one of two slots
chosen by its bytes, and when both are taken it replaces one of them, also
chosen by its bytes.

A table is kept from one run to the next as its bytes (`table`, `restore`):
the publisher keeps them in its site index with a digest of the code and
settings that built and checked the entries, and restores them only for the
same. A
digest names an entry and its context, so a table restored holds nothing
that this code would find otherwise; the first entries of a rebuild are spared
the checks that the run before already ran on them.

Processes and threads write the table without a lock: one may read a slot while
another writes it, and see some of the old digest's bytes and some of the new
one's. That mixture equals the digest it looks for only if that is the old
digest or the new one (each byte matches by chance with a probability of 1 in
128 at most, 2**-224 for all 32), so a write seen half-done can make an entry
be checked again but never makes one seem clean that was not found clean.
"""

from __future__ import annotations

import hashlib
import mmap

from lxml import etree

Context = tuple[str | bool | None, ...]
"""What an entry's entry-local checks read outside the entry (see above)."""

#: Slots in the table of a process (the default `size`).
DEFAULT_SIZE = 1 << 17
#: How a key made from an entry's values starts; one made from its canonical form
#: starts with the repr of its context, "(".
_MADE_OF = b"\0"
_DIGEST = hashlib.sha256().digest_size
#: The slots a digest may take: as many as fit in a line of the processor's cache.
_WAYS = 2
_EMPTY = bytes(_DIGEST)


class CleanEntries:
    """The digests of the entries found clean, shared with the processes forked since."""

    __slots__ = ("_buckets", "_table", "size")

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._buckets = max(1, size // _WAYS)
        self.size = self._buckets * _WAYS
        # Anonymous and shared: a forked process writes into the same pages.
        self._table = mmap.mmap(-1, self.size * _DIGEST)

    def __len__(self) -> int:
        table = self._table
        return sum(
            table[start : start + _DIGEST] != _EMPTY
            for start in range(0, self.size * _DIGEST, _DIGEST)
        )

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
        """Whether the entry of `key` was found clean."""
        return key is not None and self._slot_of(key) is not None

    def add(self, key: bytes | None) -> None:
        """Remember the entry of `key` as found clean."""
        if key is None or self._slot_of(key) is not None:
            return
        first = self._first_slot(key)
        table = self._table
        slots = range(first, first + _WAYS * _DIGEST, _DIGEST)
        free = next((s for s in slots if table[s : s + _DIGEST] == _EMPTY), None)
        # A full bucket gives up the slot the digest's last byte picks: any is as good.
        slot = free if free is not None else slots[key[-1] % _WAYS]
        table[slot : slot + _DIGEST] = key

    def table(self) -> bytes:
        """The digests remembered, as the table holds them, for `restore` in another process."""
        return self._table[:]

    def restore(self, table: bytes) -> bool:
        """Remember the digests of `table` (what `table` gave, of a table this size) in
        place of those remembered now; False, and nothing changed, for other bytes."""
        if len(table) != len(self._table):
            return False
        self._table[:] = table
        return True

    def _first_slot(self, key: bytes) -> int:
        bucket = int.from_bytes(key[:8], "little") % self._buckets
        return bucket * _WAYS * _DIGEST

    def _slot_of(self, key: bytes) -> int | None:
        first = self._first_slot(key)
        table = self._table
        for slot in range(first, first + _WAYS * _DIGEST, _DIGEST):
            if table[slot : slot + _DIGEST] == key:
                return slot
        return None


IN_PROCESS = CleanEntries()
"""The entries found clean by `validate_tree` in this process and those forked from it."""
