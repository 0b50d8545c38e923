"""Reading and writing the dates of article records.

`parse_datetime` turns whatever a record holds into an aware datetime, or
raises `DateError`; nothing else escapes it, whatever the input, so a bad
date is an error on one record and never a crashed build or a silent "now".

Strings are read in this order:

1. ISO 8601 / RFC 3339 and RFC 822 / RFC 2822, the forms that machines write,
   by regular expressions: they are most of the input and must be fast.
2. Anything else by python-dateutil, with month and weekday names of the
   record's language (es, pt, fr, de, it, nl, ca) plus English. With no
   language, or one not listed, English comes first and the other languages'
   names are accepted too.

Numeric dates are day-first (26/11/2026) except for `en`, `en-US` and no
language at all, which are month-first (11/26/2026); a year written first
(2026/11/26) always means year, month, day. Two-digit years follow RFC 2822:
00-49 are 20xx, 50-99 are 19xx, so the same text means the same date every
year. Named zones are UT, UTC, GMT, Z and the US ones (EST ... PDT); any
other abbreviation is refused rather than guessed. A date without a zone is
read in the feed's time zone.

Every module of this package is internal; import from `newsfeed.dates`.
`_machine` reads the machine formats, `_human` the rest, `_writing` writes
both formats, and `_common` holds what they share (the error, zones, the
English names and the two-digit year rule).
"""

from __future__ import annotations

import math
import zoneinfo
from datetime import date, datetime, timezone, tzinfo

from ._common import DateError, unreadable
from ._human import parse_human
from ._machine import parse_iso_8601, parse_rfc_822
from ._writing import format_rfc822, format_rfc3339

__all__ = ["DateError", "format_rfc822", "format_rfc3339", "get_timezone", "parse_datetime"]


def get_timezone(name: str) -> tzinfo:
    """Return the IANA time zone `name` (e.g. "America/Lima", "UTC")."""
    try:
        return zoneinfo.ZoneInfo(name)
    # Malformed keys raise ValueError, and directories ("America") OSError.
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise DateError(f"unknown time zone {name!r}") from None


def parse_datetime(value: object, tz: tzinfo, language: str | None = None) -> datetime:
    """Read a record's date-time as an aware datetime.

    `value` is a datetime, a date (midnight), a Unix timestamp (UTC) or a
    string; `tz` is the feed's time zone, in which values without a zone are
    read; `language` (a BCP 47 tag) names the language of month and day names.
    Raises `DateError`, and nothing else, for anything that is not a date.
    """
    if isinstance(value, str):
        return _parse_text(value.strip(), tz, language)
    if isinstance(value, datetime):
        return value if value.utcoffset() is not None else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    # bool is an int, but True is far likelier a mistaken field than 1970-01-01T00:00:01.
    if isinstance(value, bool):
        raise unreadable(value, "a true/false value is not a date")
    if isinstance(value, (int, float)):
        return _parse_timestamp(value)
    raise unreadable(
        value,
        f"expected a date-time, a date, a Unix timestamp or a string, not {type(value).__name__}",
    )


def _parse_timestamp(value: float) -> datetime:
    if not math.isfinite(value):
        raise unreadable(value, "a Unix timestamp must be a finite number")
    try:
        return datetime.fromtimestamp(value, timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise unreadable(value, "the Unix timestamp is out of range") from None


def _parse_text(text: str, tz: tzinfo, language: str | None) -> datetime:
    if not text:
        raise unreadable(text, "it is empty")
    try:
        parsed = parse_iso_8601(text, tz)
        if parsed is None:
            parsed = parse_rfc_822(text, tz)
    except ValueError as exc:
        # Only a recognised format gets here, so the reason (an impossible day,
        # an unknown zone) is the useful message, not "unknown format".
        raise unreadable(text, str(exc)) from None
    return parsed if parsed is not None else parse_human(text, tz, language)
