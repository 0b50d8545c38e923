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
"""

from __future__ import annotations

import functools
import math
import re
import reprlib
import unicodedata
import zoneinfo
from datetime import date, datetime, timedelta, timezone, tzinfo

from dateutil.parser import ParserError, parser, parserinfo

__all__ = ["DateError", "format_rfc822", "format_rfc3339", "get_timezone", "parse_datetime"]


class DateError(ValueError):
    """A value that cannot be read as a date-time, or an unknown time zone."""


_SHORT = reprlib.Repr()
_SHORT.maxstring = 80
_SHORT.maxother = 80


def _unreadable(value: object, reason: str) -> DateError:
    return DateError(f"cannot read {_SHORT.repr(value)} as a date: {reason}")


def get_timezone(name: str) -> tzinfo:
    """Return the IANA time zone `name` (e.g. "America/Lima", "UTC")."""
    try:
        return zoneinfo.ZoneInfo(name)
    # Malformed keys raise ValueError, and directories ("America") OSError.
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise DateError(f"unknown time zone {name!r}") from None


# --- writing ----------------------------------------------------------------

# Fixed English names: RFC 822 requires them, and strftime's %a/%b follow the
# process locale and are slower.
_WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
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
        f"{_WEEKDAY_ABBR[dt.weekday()]}, {dt.day:02d} {_MONTH_ABBR[dt.month - 1]} {dt.year:04d} "
        f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} {sign}{hours:02d}{minutes:02d}"
    )


def format_rfc3339(dt: datetime) -> str:
    """Write an aware `dt` as RFC 3339 (Atom, JSON Feed): '2026-11-26T14:30:00-05:00'."""
    # isoformat writes exactly this for a whole-minute offset, twice as fast as by hand.
    return _with_offset(dt)[0].isoformat(timespec="seconds")


# --- reading: values and machine formats ------------------------------------


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
        raise _unreadable(value, "a true/false value is not a date")
    if isinstance(value, (int, float)):
        return _parse_timestamp(value)
    raise _unreadable(
        value,
        f"expected a date-time, a date, a Unix timestamp or a string, not {type(value).__name__}",
    )


def _parse_timestamp(value: float) -> datetime:
    if not math.isfinite(value):
        raise _unreadable(value, "a Unix timestamp must be a finite number")
    try:
        return datetime.fromtimestamp(value, timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise _unreadable(value, "the Unix timestamp is out of range") from None


@functools.lru_cache(maxsize=256)
def _fixed_zone(seconds: int) -> tzinfo:
    if seconds == 0:
        return timezone.utc
    if abs(seconds) >= 86400:
        raise ValueError("the zone offset is out of range")
    return timezone(timedelta(seconds=seconds))


def _offset_zone(sign: str, hours: str, minutes: str | None) -> tzinfo:
    minute_count = int(minutes) if minutes else 0
    if minute_count > 59:
        raise ValueError("the zone offset is out of range")
    seconds = int(hours) * 3600 + minute_count * 60
    return _fixed_zone(-seconds if sign == "-" else seconds)


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
_RFC_822_WEEKDAYS = frozenset(name.lower() for name in _WEEKDAY_ABBR)
_RFC_822_MONTHS = {name.lower(): number for number, name in enumerate(_MONTH_ABBR, 1)}

# RFC 822's named zones; military letters other than Z are left out because
# RFC 2822 itself says their meaning was never agreed on.
_ZONE_OFFSETS = {
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


def _named_zone(name: str) -> tzinfo | None:
    seconds = _ZONE_OFFSETS.get(name.upper())
    return None if seconds is None else _fixed_zone(seconds)


def _expand_year(year: int) -> int:
    """Apply RFC 2822's rule to a year written with two or three digits."""
    if year < 50:
        return year + 2000
    if year < 1000:
        return year + 1900
    return year


def _parse_text(text: str, tz: tzinfo, language: str | None) -> datetime:
    if not text:
        raise _unreadable(text, "it is empty")
    try:
        parsed = _parse_iso_8601(text, tz)
        if parsed is None:
            parsed = _parse_rfc_822(text, tz)
    except ValueError as exc:
        # Only a recognised format gets here, so the reason (an impossible day,
        # an unknown zone) is the useful message, not "unknown format".
        raise _unreadable(text, str(exc)) from None
    return parsed if parsed is not None else _parse_human(text, tz, language)


def _parse_iso_8601(text: str, tz: tzinfo) -> datetime | None:
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
        zone = _offset_zone(sign, off_h, off_m)
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


def _parse_rfc_822(text: str, tz: tzinfo) -> datetime | None:
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
        zone = _offset_zone(sign, off_h, off_m)
    elif name:
        # Not necessarily a zone: "26 nov 2026 14:30 hs" is Spanish for 14:30.
        named = _named_zone(name)
        if named is None:
            return None
        zone = named
    else:
        zone = tz
    # The weekday is not checked against the date: feeds get it wrong often,
    # and the day, month and year are what readers sort by.
    return datetime(
        _expand_year(int(year)),
        month,
        int(day),
        int(hour),
        int(minute),
        int(second) if second else 0,
        tzinfo=zone,
    )


# --- reading: human dates ----------------------------------------------------

# Names of the months (January first) and weekdays (Monday first), space
# separated; accentless spellings are added automatically.
_MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "jan january",
        "feb febr february",
        "mar march",
        "apr april",
        "may",
        "jun june",
        "jul july",
        "aug august",
        "sep sept september",
        "oct october",
        "nov november",
        "dec december",
    ),
    "es": (
        "ene enero",
        "feb febrero",
        "mar marzo",
        "abr abril",
        "may mayo",
        "jun junio",
        "jul julio",
        "ago agosto",
        "sep sept set septiembre setiembre",
        "oct octubre",
        "nov noviembre",
        "dic diciembre",
    ),
    "pt": (
        "jan janeiro",
        "fev fevereiro",
        "mar março",
        "abr abril",
        "mai maio",
        "jun junho",
        "jul julho",
        "ago agosto",
        "set setembro",
        "out outubro",
        "nov novembro",
        "dez dezembro",
    ),
    "fr": (
        "jan janv janvier",
        "fév févr février",
        "mars",
        "avr avril",
        "mai",
        "juin",
        "juil juillet",
        "août",
        "sep sept septembre",
        "oct octobre",
        "nov novembre",
        "déc décembre",
    ),
    "de": (
        "jan januar jän jänner",
        "feb februar feber",
        "mär märz maerz mrz",
        "apr april",
        "mai",
        "jun juni",
        "jul juli",
        "aug august",
        "sep sept september",
        "okt oktober",
        "nov november",
        "dez dezember",
    ),
    "it": (
        "gen gennaio",
        "feb febbraio",
        "mar marzo",
        "apr aprile",
        "mag maggio",
        "giu giugno",
        "lug luglio",
        "ago agosto",
        "set sett settembre",
        "ott ottobre",
        "nov novembre",
        "dic dicembre",
    ),
    "nl": (
        "jan januari",
        "feb februari",
        "mrt maart",
        "apr april",
        "mei",
        "jun juni",
        "jul juli",
        "aug augustus",
        "sep sept september",
        "okt oktober",
        "nov november",
        "dec december",
    ),
    "ca": (
        "gen gener",
        "feb febr febrer",
        "mar març",
        "abr abril",
        "maig",
        "juny",
        "jul juliol",
        "ag ago agost",
        "set setembre",
        "oct octubre",
        "nov novembre",
        "des desembre",
    ),
}
_WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": (
        "mon monday",
        "tue tues tuesday",
        "wed wednesday",
        "thu thur thurs thursday",
        "fri friday",
        "sat saturday",
        "sun sunday",
    ),
    "es": (
        "lun lunes",
        "mar martes",
        "mié miércoles",
        "jue jueves",
        "vie viernes",
        "sáb sábado",
        "dom domingo",
    ),
    # "quinta-feira" splits into "quinta", "-" and "feira"; "feira" is a filler.
    "pt": (
        "seg segunda",
        "ter terça",
        "qua quarta",
        "qui quinta",
        "sex sexta",
        "sáb sábado",
        "dom domingo",
    ),
    "fr": (
        "lun lundi",
        "mar mardi",
        "mer mercredi",
        "jeu jeudi",
        "ven vendredi",
        "sam samedi",
        "dim dimanche",
    ),
    "de": (
        "mo montag",
        "di dienstag",
        "mi mittwoch",
        "do donnerstag",
        "fr freitag",
        "sa samstag sonnabend",
        "so sonntag",
    ),
    "it": (
        "lun lunedì",
        "mar martedì",
        "mer mercoledì",
        "gio giovedì",
        "ven venerdì",
        "sab sabato",
        "dom domenica",
    ),
    "nl": (
        "ma maandag",
        "di dinsdag",
        "wo woensdag",
        "do donderdag",
        "vr vrijdag",
        "za zaterdag",
        "zo zondag",
    ),
    "ca": (
        "dl dilluns",
        "dt dimarts",
        "dc dimecres",
        "dj dijous",
        "dv divendres",
        "ds dissabte",
        "dg diumenge",
    ),
}
# Words around the date that carry no part of it ("26 de noviembre a las
# 14:30 horas", "26. November 2026 um 14:30 Uhr").
_FILLERS: dict[str, str] = {
    "en": "",
    "es": "de del el a la las h hs horas",
    "pt": "de da a às feira h horas",
    "fr": "le à h heures er",
    "de": "am um uhr den der vom",
    "it": "il del di alle ore h",
    "nl": "de van om uur",
    "ca": "de d del el a la les l h hores",
}
# News sites separate date and time with these.
_SEPARATORS = ("|", "·", "–", "—", "’")
# Only English writes bare "a"/"p" for am/pm; elsewhere "a" is a word ("a las
# 14:30") and dotted forms are rewritten to "am"/"pm" first. German "am" is a
# word ("am 26. November"), and German times are 24-hour.
_MERIDIEMS: dict[str, dict[str, int]] = {
    "en": {"am": 0, "a": 0, "pm": 1, "p": 1},
    "de": {},
}
_MERIDIEMS_ELSEWHERE = {"am": 0, "pm": 1}


def _spellings(name: str) -> set[str]:
    lowered = name.lower()
    decomposed = unicodedata.normalize("NFKD", lowered)
    return {lowered, "".join(c for c in decomposed if not unicodedata.combining(c))}


def _name_table(tables: dict[str, tuple[str, ...]], languages: tuple[str, ...]) -> dict[str, int]:
    """Map every spelling to its index; a language listed earlier wins a clash."""
    found: dict[str, int] = {}
    for language in languages:
        for index, names in enumerate(tables[language]):
            for name in names.split():
                for spelling in _spellings(name):
                    found.setdefault(spelling, index)
    return found


class _LanguageInfo(parserinfo):
    """dateutil's vocabulary for a set of languages, the first one leading."""

    def __init__(self, languages: tuple[str, ...], dayfirst: bool) -> None:
        # Adds RFC 822's "UT"; set before parserinfo builds its lookups from it.
        self.UTCZONE = ["UT", "UTC", "GMT", "Z", "z"]
        super().__init__(dayfirst=dayfirst)
        self._month_index = _name_table(_MONTHS, languages)
        # A name that is both ("mar": marzo, martes) is taken as the month: a
        # weekday next to a full date adds nothing, a lost month loses the date.
        self._weekday_index = {
            name: index
            for name, index in _name_table(_WEEKDAYS, languages).items()
            if name not in self._month_index
        }
        self._meridiem_index = _MERIDIEMS.get(languages[0], _MERIDIEMS_ELSEWHERE)
        fillers = {
            spelling
            for language in languages
            for word in _FILLERS[language].split()
            for spelling in _spellings(word)
        }
        self._jump_words = (
            {*parserinfo.JUMP, *_SEPARATORS, *fillers}
            - self._month_index.keys()
            - self._weekday_index.keys()
            - self._meridiem_index.keys()
        )

    def jump(self, name: str) -> bool:
        return name.lower() in self._jump_words

    def weekday(self, name: str) -> int | None:
        return self._weekday_index.get(name.lower())

    def month(self, name: str) -> int | None:
        index = self._month_index.get(name.lower())
        return None if index is None else index + 1

    def ampm(self, name: str) -> int | None:
        return self._meridiem_index.get(name.lower())

    def convertyear(self, year: int, century_specified: bool = False) -> int:
        # dateutil's default window moves with today's date; a feed must not.
        return year if century_specified else _expand_year(year)


@functools.cache
def _reader(language: str, dayfirst: bool) -> parser:
    languages = (language, "en") if language in _MONTHS else ("en", *_MONTHS)
    return parser(_LanguageInfo(tuple(dict.fromkeys(languages)), dayfirst))


def _reading_of(language: str | None) -> tuple[str, bool]:
    """Return the table to read `language` with, and whether days come first."""
    if language is None:
        return "", False
    primary, *subtags = language.strip().replace("_", "-").lower().split("-")
    if primary == "en":
        month_first = not subtags or "us" in subtags
        return "en", not month_first
    return (primary if primary in _MONTHS else ""), True


def _zone_for(name: str | None, offset: int | None) -> tzinfo | None:
    """Give dateutil the zone of a parsed string (None: no zone written)."""
    if offset is not None:
        return _fixed_zone(offset)
    if name is None:
        return None
    zone = _named_zone(name)
    if zone is None:
        raise ValueError(f"unknown time zone abbreviation {name!r}")
    return zone


# "a. m."/"p.m." -> "am"/"pm", since outside English a bare "a" is a word.
_DOTTED_MERIDIEM = re.compile(r"\b([ap])\.\s?m\.?(?!\w)", re.IGNORECASE)
# "14.30" is how German, Italian or Dutch write 14:30; dateutil would take
# it for a number. Digits or dots around it mean a date (26.11.2026) instead.
_DOTTED_TIME = re.compile(r"(?<![\d.:])([01]?\d|2[0-3])\.([0-5]\d)(?![\d.])")
# dateutil reads "GMT+3" the POSIX way (three hours *behind* GMT); people
# writing it in a news page mean UTC+3.
_GMT_OFFSET = re.compile(r"\b(?:GMT|UTC|UT)\s*(?=[+-]\d)")
_YEAR_FIRST = re.compile(r"\d{4}\s*[-/.]")
# Two defaults that share no year, month or day, so any part that dateutil
# filled in from them shows up as a difference; both are leap years and
# 31-day months so that every written day fits in both.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2004, 3, 3))


def _parse_human(text: str, tz: tzinfo, language: str | None) -> datetime:
    table, dayfirst = _reading_of(language)
    reader = _reader(table, dayfirst)
    prepared = unicodedata.normalize("NFC", text)
    prepared = _DOTTED_MERIDIEM.sub(r"\1m", prepared)
    prepared = _DOTTED_TIME.sub(r"\1:\2", prepared)
    prepared = _GMT_OFFSET.sub("", prepared)
    # With dayfirst, dateutil reads 2026/11/05 as 11 May; nobody writes that.
    if _YEAR_FIRST.match(prepared):
        dayfirst = False
    try:
        first, second = (
            reader.parse(prepared, default=default, tzinfos=_zone_for, dayfirst=dayfirst)
            for default in _DEFAULTS
        )
    except ParserError as exc:
        # dateutil's message repeats the text; the cause, when there is one,
        # is the reason alone ("day is out of range for month").
        reason = str(exc.__cause__) if exc.__cause__ else "it is not a date format newsfeed knows"
        raise _unreadable(text, reason) from None
    # A huge number makes dateutil's arithmetic fail: OverflowError (which it
    # documents) or decimal's InvalidOperation (which it does not).
    except ArithmeticError:
        raise _unreadable(text, "a number in it is too large") from None
    # Our zone lookup refuses unknown abbreviations with ValueError.
    except ValueError as exc:
        raise _unreadable(text, str(exc)) from None
    missing = [
        part
        for part, one, other in (
            ("day", first.day, second.day),
            ("month", first.month, second.month),
            ("year", first.year, second.year),
        )
        if one != other
    ]
    if missing:
        *others, last = missing
        raise _unreadable(
            text, f"it has no {', '.join(others)} or {last}" if others else f"it has no {last}"
        )
    return first if first.tzinfo is not None else first.replace(tzinfo=tz)
