"""Reading the forms machines write: ISO 8601 / RFC 3339 and RFC 822 / RFC 2822,
by regular expressions, since they are most of the input and must be fast
(internal)."""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo

from ._common import MONTH_ABBR, WEEKDAY_ABBR, expand_year, named_zone, offset_zone

_ISO_8601 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?",
    re.ASCII,
)

_RFC_822 = re.compile(
    r"(?:([A-Za-z]{3})(?:\s*,\s*|\s+))?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2,4})\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"(?:\s*(?:([+-])(\d{2}):?(\d{2})|([A-Za-z]{1,5})))?",
    re.ASCII,
)
_RFC_822_WEEKDAYS = frozenset(name.lower() for name in WEEKDAY_ABBR)
_RFC_822_MONTHS = {name.lower(): number for number, name in enumerate(MONTH_ABBR, 1)}


def parse_iso_8601(text: str, tz: tzinfo) -> datetime | None:
    match = _ISO_8601.fullmatch(text)
    if match is None:
        return None
    offset_minutes = match[11]
    # fromisoformat would read "+01:75" as +02:15.
    if offset_minutes and int(offset_minutes) > 59:
        raise ValueError("the zone offset is out of range")
    try:
        # Several times faster than building from the groups; the regex above
        # has already limited the input to the forms we accept.
        parsed = datetime.fromisoformat(text)
    except ValueError:
        # Lowercase "t"/"z", and on Python 3.10 "Z" and "+0100", which
        # fromisoformat refuses; an impossible date raises again, with its reason.
        parsed = _build_iso_8601(match)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)


def _build_iso_8601(match: re.Match[str]) -> datetime:
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    zone: tzinfo | None = None
    if zulu:
        zone = timezone.utc
    elif sign:
        zone = offset_zone(sign, off_h, off_m)
    return datetime(
        int(year),
        int(month),
        int(day),
        int(hour) if hour else 0,
        int(minute) if minute else 0,
        int(second) if second else 0,
        int(fraction[:6].ljust(6, "0")) if fraction else 0,
        tzinfo=zone,
    )


def parse_rfc_822(text: str, tz: tzinfo) -> datetime | None:
    match = _RFC_822.fullmatch(text)
    if match is None:
        return None
    weekday, day, month_name, year, hour, minute, second, sign, off_h, off_m, name = match.groups()
    month = _RFC_822_MONTHS.get(month_name.lower())
    # Other names ("26 dic 2026 ...", "Jue, ...") may still be a human date.
    if month is None or (weekday is not None and weekday.lower() not in _RFC_822_WEEKDAYS):
        return None
    zone: tzinfo
    if sign:
        zone = offset_zone(sign, off_h, off_m)
    elif name:
        # Not necessarily a zone: "26 nov 2026 14:30 hs" is Spanish for 14:30.
        named = named_zone(name)
        if named is None:
            return None
        zone = named
    else:
        zone = tz
    # The weekday is not checked against the date: feeds get it wrong often,
    # and the day, month and year are what readers sort by.
    return datetime(
        expand_year(int(year)),
        month,
        int(day),
        int(hour),
        int(minute),
        int(second) if second else 0,
        tzinfo=zone,
    )
