"""Where reading an append-only file stands, so that a later run goes on from there."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Position:
    """A place in a JSON Lines or CSV file: the byte `offset` at the end of a whole line,
    the `line`s before it, and a CSV file's `columns` (None: its header is still to read).

    A reader given one starts there and leaves it at the end of the last whole
    line it read; `whole` stays True only if every byte up to the end of the
    file was read as whole lines, so that bytes appended later start a record.
    """

    offset: int = 0
    line: int = 0
    columns: tuple[str, ...] | None = None
    whole: bool = True
