"""Writing an aware datetime as RFC 822 (RSS) and RFC 3339 (Atom, JSON Feed)
(internal)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ._common import MONTH_ABBR, WEEKDAY_ABBR

_MINUTE = timedelta(minutes=1)


def _with_offset(dt: datetime) -> tuple[datetime, timedelta]:
    """Return `dt` and its UTC offset, in whole minutes.

    Neither format can write an offset with seconds (the local mean time that
    tzdata gives most zones before 1900), so such a time is moved to UTC,
    which keeps the instant exact.
    """
    offset = dt.utcoffset()
    if offset is None:
        raise ValueError(f"cannot format {dt.isoformat()}: it has no time zone")
    if offset % _MINUTE:
        return dt.astimezone(timezone.utc), timedelta(0)
    return dt, offset


def format_rfc822(dt: datetime) -> str:
    """Write an aware `dt` as RFC 822 (RSS): 'Thu, 26 Nov 2026 14:30:00 -0500'."""
    dt, offset = _with_offset(dt)
    minutes = offset // _MINUTE
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return (
        f"{WEEKDAY_ABBR[dt.weekday()]}, {dt.day:02d} {MONTH_ABBR[dt.month - 1]} {dt.year:04d} "
        f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} {sign}{hours:02d}{minutes:02d}"
    )


def format_rfc3339(dt: datetime) -> str:
    """Write an aware `dt` as RFC 3339 (Atom, JSON Feed): '2026-11-26T14:30:00-05:00'."""
    # isoformat writes exactly this for a whole-minute offset, twice as fast as by hand.
    return _with_offset(dt)[0].isoformat(timespec="seconds")
