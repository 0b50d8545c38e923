"""The entry ids read so far, each with the place of its record: internal."""

from __future__ import annotations

import hashlib
import re
from array import array

from newsfeed.model import Place

#: A place's position as text and number: at most 18 digits (an int64), without
#: a leading zero, so that the number written again gives the same text.
_MAX_DIGITS = 18
_ENDS_IN_NUMBER = re.compile(r"(.*?)(0|[1-9][0-9]{0,17})", re.DOTALL)


class SeenIds:
    """The entry ids read so far, each with the place of its record, in about 40
    bytes per id, so that a site of a million records can name both places of a
    duplicate without keeping a million ids and places as objects (250 bytes each).

    An id is kept as its 128-bit BLAKE2b digest: two different ids of a million
    share one with a probability of about 1e-27. A place is kept as a number
    and a "kind": its source and the text before the number, of which a source
    has one or a few, from which the same place is made again.
    """

    __slots__ = ("_highs", "_index", "_kind_list", "_kind_numbers", "_kinds", "_lows", "_numbers")

    def __init__(self) -> None:
        # Open addressing: each slot holds 1 + the number of an entry, or 0 when
        # free; the entries are appended to the parallel arrays below.
        self._index = array("i", bytes(4 * 1024))
        self._lows = array("Q")
        self._highs = array("Q")
        self._kinds = array("I")
        self._numbers = array("q")
        self._kind_numbers: dict[tuple[str, str | None], int] = {}
        self._kind_list: list[tuple[str, str | None]] = []

    def __len__(self) -> int:
        return len(self._kinds)

    def __contains__(self, entry_id: str) -> bool:
        return self._find(*_digest(entry_id))[0] >= 0

    def add(self, entry_id: str, place: Place) -> Place | None:
        """Remember `entry_id` as read at `place`; if it was read before, the place then."""
        low, high = _digest(entry_id)
        entry, slot = self._find(low, high)
        if entry >= 0:
            return self._place(entry)
        lows, index = self._lows, self._index
        lows.append(low)
        self._highs.append(high)
        kind, number = self._encode(place)
        self._kinds.append(kind)
        self._numbers.append(number)
        index[slot] = len(lows)
        if 3 * len(lows) > 2 * len(index):
            self._grow()
        return None

    def _find(self, low: int, high: int) -> tuple[int, int]:
        """(the entry of the digest or -1, the slot where it is or would go)."""
        index, lows = self._index, self._lows
        mask = len(index) - 1
        slot = low & mask
        while entry := index[slot]:
            if lows[entry - 1] == low and self._highs[entry - 1] == high:
                return entry - 1, slot
            slot = (slot + 1) & mask
        return -1, slot

    def _encode(self, place: Place) -> tuple[int, int]:
        """(kind, number): the place is the kind's source, and its text then `number`
        (-1: no number; a None text: no position)."""
        position = place.position
        text: str | None
        if position is None:
            text, number = None, -1
        elif (
            position.isdigit()
            and position.isascii()
            and len(position) <= _MAX_DIGITS
            and (position[0] != "0" or position == "0")
        ):
            text, number = "", int(position)
        elif match := _ENDS_IN_NUMBER.fullmatch(position):
            text, number = match.group(1), int(match.group(2))
        else:
            text, number = position, -1
        key = (place.source, text)
        kind = self._kind_numbers.get(key)
        if kind is None:
            kind = self._kind_numbers[key] = len(self._kind_list)
            self._kind_list.append(key)
        return kind, number

    def _place(self, entry: int) -> Place:
        source, text = self._kind_list[self._kinds[entry]]
        if text is None:
            return Place(source)
        number = self._numbers[entry]
        return Place(source, text if number < 0 else f"{text}{number}")

    def _grow(self) -> None:
        # Four times larger: each growth walks every entry in Python.
        index = array("i", bytes(16 * len(self._index)))
        mask = len(index) - 1
        for entry, low in enumerate(self._lows, start=1):
            slot = low & mask
            while index[slot]:
                slot = (slot + 1) & mask
            index[slot] = entry
        self._index = index


def _digest(entry_id: str) -> tuple[int, int]:
    """The two 64-bit halves of the id's 128-bit BLAKE2b digest."""
    digest = int.from_bytes(
        hashlib.blake2b(entry_id.encode("utf-8", "surrogatepass"), digest_size=16).digest(),
        "little",
    )
    return digest & 0xFFFF_FFFF_FFFF_FFFF, digest >> 64
