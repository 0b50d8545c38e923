"""Reading dates as people write them, by python-dateutil, with the month and
weekday names of the record's language (internal)."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import datetime, tzinfo

from dateutil.parser import ParserError, parser, parserinfo

from ._common import expand_year, fixed_zone, named_zone, unreadable

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
        return year if century_specified else expand_year(year)


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
        return fixed_zone(offset)
    if name is None:
        return None
    zone = named_zone(name)
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


def parse_human(text: str, tz: tzinfo, language: str | None) -> datetime:
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
        raise unreadable(text, reason) from None
    # A huge number makes dateutil's arithmetic fail: OverflowError (which it
    # documents) or decimal's InvalidOperation (which it does not).
    except ArithmeticError:
        raise unreadable(text, "a number in it is too large") from None
    # Our zone lookup refuses unknown abbreviations with ValueError.
    except ValueError as exc:
        raise unreadable(text, str(exc)) from None
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
        raise unreadable(
            text, f"it has no {', '.join(others)} or {last}" if others else f"it has no {last}"
        )
    return first if first.tzinfo is not None else first.replace(tzinfo=tz)
