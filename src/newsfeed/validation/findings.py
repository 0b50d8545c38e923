"""The value every check produces: one thing wrong with a feed, at a place a person can find."""

from __future__ import annotations

from dataclasses import dataclass

from newsfeed.rules import Level

__all__ = ["MAX_FINDINGS_PER_CODE", "Finding", "Level"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a feed document.

    `code` is the W3C Feed Validation Service's message name where it has one
    (`InvalidRFC2822Date`, `MissingSelf`, ...), so that its documentation at
    validator.w3.org/feed/docs/{level}/{code}.html explains the finding.
    `path` is an XPath-like location with the prefixes used in the document
    (`/rss/channel/item[3]/pubDate`, `/feed/entry[2]/link[1]/@href`).
    `entry_id` is the guid or atom:id of the item or entry the finding is in.
    """

    level: Level
    code: str
    message: str
    line: int | None
    path: str
    entry_id: str | None = None

    def __str__(self) -> str:
        place = "-" if self.line is None else str(self.line)
        entry = f" (entry {self.entry_id})" if self.entry_id else ""
        return f"{place}: {self.level}: {self.message} [{self.code}] at {self.path}{entry}"

    def sort_key(self) -> tuple[int, str, str]:
        """Order by line, then path, then code; findings without a line come first."""
        return (self.line or 0, self.path, self.code)


MAX_FINDINGS_PER_CODE = 1000
"""Findings of one code kept per document; the rest are counted, not collected.

A hostile document of millions of empty items would otherwise hold millions
of findings (hundreds of bytes each, many times the document's size) to say
one thing a million times.
"""


class Cap:
    """Counts the findings of each code; past `MAX_FINDINGS_PER_CODE` they are not kept."""

    __slots__ = ("_counts",)

    def __init__(self) -> None:
        self._counts: dict[tuple[Level, str], int] = {}

    def keep(self, level: Level, code: str, count: int = 1) -> bool:
        """Count `count` findings of `code`; whether the (last) one is to be listed."""
        key = (level, code)
        total = self._counts[key] = self._counts.get(key, 0) + count
        return total <= MAX_FINDINGS_PER_CODE

    def omitted(self) -> list[Finding]:
        """One finding per code past the cap, saying how many were not listed."""
        return [
            Finding(
                level,
                code,
                f"... and {count - MAX_FINDINGS_PER_CODE} more {code} {level}s, not listed "
                f"(validation lists the first {MAX_FINDINGS_PER_CODE} of each code)",
                None,
                "/",
            )
            for (level, code), count in self._counts.items()
            if count > MAX_FINDINGS_PER_CODE
        ]
