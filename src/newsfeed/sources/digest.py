"""The digest of a file's bytes and of its first bytes (internal), on several cores.

Reading proves a file's earlier bytes unchanged by digesting them again, which
for a large export is most of a rebuild: SHA-256 digests some 1.8 GB a second
on one core. So a file is digested in blocks of `BLOCK` bytes, several at a
time (hashlib lets go of the interpreter's lock while it digests), and its
digest is the SHA-256 of its blocks' digests in order. A prefix is digested
the same way, its last block cut where it ends, so the digest of a file's first
N bytes is the digest that file had when it held N bytes.

Blocks start at multiples of `BLOCK`, and the last is the first one shorter
(empty in a file of whole blocks), so two digests are equal only when the bytes
are: a file that changes while it is digested can only seem changed.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

#: The bytes of a block: enough blocks to share among the cores for a file of a
#: hundred megabytes, few enough digests to join for one of gigabytes.
BLOCK = 1 << 23
_READ = 1 << 20


def file_digests(
    path: Path, prefix_size: int | None = None, workers: int = 1
) -> tuple[bytes | None, bytes | None]:
    """The digest of the file's first `prefix_size` bytes (None when not given, or
    when the file is shorter) and of all of them, with up to `workers` threads;
    (None, None) when it cannot be read."""
    cut = None if prefix_size is None else prefix_size // BLOCK
    try:
        with open(path, "rb") as file:
            descriptor = file.fileno()

            def block(number: int) -> tuple[bytes, bytes | None, int]:
                return _block(descriptor, number, prefix_size if number == cut else None)

            full = os.fstat(descriptor).st_size // BLOCK
            if workers > 1 and full > 1:
                with ThreadPoolExecutor(min(workers, full), "newsfeed-digest") as pool:
                    blocks = list(pool.map(block, range(full)))
            else:
                blocks = [block(number) for number in range(full)]
            # Then one after another to the end, however far the file grew meanwhile:
            # the last block is the first one shorter than `BLOCK` (empty in a file
            # of whole blocks).
            while not blocks or blocks[-1][2] == BLOCK:
                blocks.append(block(len(blocks)))
    except OSError:
        return None, None
    digests = [digest for digest, _, _ in blocks]
    whole = hashlib.sha256(b"".join(digests)).digest()
    if cut is None or cut >= len(blocks) or (before := blocks[cut][1]) is None:
        return None, whole
    return hashlib.sha256(b"".join([*digests[:cut], before])).digest(), whole


def _block(descriptor: int, number: int, cut: int | None) -> tuple[bytes, bytes | None, int]:
    """The digest of block `number` (to the end of the file if that comes first), of
    its bytes before the offset `cut` if given and reached, and how many bytes it has."""
    sha = hashlib.sha256()
    before = None
    start = offset = number * BLOCK
    stop = start + BLOCK
    while True:
        if offset == cut:
            before = sha.digest()
        if offset == stop:
            break
        end = cut if cut is not None and offset < cut else stop
        chunk = os.pread(descriptor, min(_READ, end - offset), offset)
        if not chunk:
            break
        sha.update(chunk)
        offset += len(chunk)
    return sha.digest(), before, offset - start
