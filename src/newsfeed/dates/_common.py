"""What reading and writing dates share: the error, the English names RFC 822
fixes, fixed-offset zones and RFC 2822's rule for short years (internal)."""

from __future__ import annotations

import functools
import reprlib
from datetime import timedelta, timezone, tzinfo


class DateError(ValueError):
    """A value that cannot be read as a date-time, or an unknown time zone."""


_SHORT = reprlib.Repr()
_SHORT.maxstring = 80
_SHORT.maxother = 80


def unreadable(value: object, reason: str) -> DateError:
    return DateError(f"cannot read {_SHORT.repr(value)} as a date: {reason}")


# Fixed English names: RFC 822 requires them, and strftime's %a/%b follow the
# process locale and are slower.
WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@functools.lru_cache(maxsize=256)
def fixed_zone(seconds: int) -> tzinfo:
    if seconds == 0:
        return timezone.utc
    if abs(seconds) >= 86400:
        raise ValueError("the zone offset is out of range")
    return timezone(timedelta(seconds=seconds))


def offset_zone(sign: str, hours: str, minutes: str | None) -> tzinfo:
    minute_count = int(minutes) if minutes else 0
    if minute_count > 59:
        raise ValueError("the zone offset is out of range")
    seconds = int(hours) * 3600 + minute_count * 60
    return fixed_zone(-seconds if sign == "-" else seconds)


# RFC 822's named zones; military letters other than Z are left out because
# RFC 2822 itself says their meaning was never agreed on.
ZONE_OFFSETS = {
    "UT": 0,
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5 * 3600,
    "EDT": -4 * 3600,
    "CST": -6 * 3600,
    "CDT": -5 * 3600,
    "MST": -7 * 3600,
    "MDT": -6 * 3600,
    "PST": -8 * 3600,
    "PDT": -7 * 3600,
}


def named_zone(name: str) -> tzinfo | None:
    seconds = ZONE_OFFSETS.get(name.upper())
    return None if seconds is None else fixed_zone(seconds)


def expand_year(year: int) -> int:
    """Apply RFC 2822's rule to a year written with two or three digits."""
    if year < 50:
        return year + 2000
    if year < 1000:
        return year + 1900
    return year
