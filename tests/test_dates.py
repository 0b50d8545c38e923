"""Tests for newsfeed.dates: reading record dates, time zones, RFC 822 and RFC 3339 output."""

from __future__ import annotations

import locale
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsfeed.dates import DateError, format_rfc822, format_rfc3339, get_timezone, parse_datetime

UTC = timezone.utc
LIMA = ZoneInfo("America/Lima")  # UTC-5 all year: offsets in expectations are fixed
MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")


def read(value: object, language: str | None = None, tz: timezone | ZoneInfo = LIMA) -> str:
    """The ISO form of what parse_datetime reads, so a test sees the offset too."""
    return parse_datetime(value, tz, language).isoformat()


def offset(hours: int, minutes: int = 0) -> timezone:
    return timezone(timedelta(hours=hours, minutes=minutes))


# --- get_timezone -------------------------------------------------------------


def test_get_timezone_returns_the_iana_zone() -> None:
    zone = get_timezone("America/Lima")
    assert datetime(2026, 11, 26, tzinfo=zone).utcoffset() == timedelta(hours=-5)


def test_get_timezone_accepts_utc() -> None:
    assert datetime(2026, 11, 26, tzinfo=get_timezone("UTC")).utcoffset() == timedelta(0)


def test_get_timezone_rejects_an_unknown_name_naming_it() -> None:
    with pytest.raises(DateError, match=r"^unknown time zone 'Mars/Base'$"):
        get_timezone("Mars/Base")


@pytest.mark.parametrize("name", ["", "America", "../etc/passwd", "/etc/localtime", "Lima\x00"])
def test_get_timezone_rejects_malformed_names_as_unknown(name: str) -> None:
    with pytest.raises(DateError, match="unknown time zone"):
        get_timezone(name)


# --- values that are not strings ----------------------------------------------


def test_aware_datetime_is_kept_as_given() -> None:
    value = datetime(2026, 11, 26, 14, 30, 15, 123456, tzinfo=offset(5, 30))
    assert parse_datetime(value, LIMA) is value


def test_naive_datetime_is_read_in_feed_timezone() -> None:
    assert read(datetime(2026, 11, 26, 14, 30)) == "2026-11-26T14:30:00-05:00"


def test_naive_datetime_in_a_repeated_hour_takes_its_first_occurrence() -> None:
    # 2026-11-01 01:30 happens twice in New York; fold=0 is the earlier, EDT one.
    assert read(datetime(2026, 11, 1, 1, 30), tz=NEW_YORK) == "2026-11-01T01:30:00-04:00"


def test_naive_datetime_follows_daylight_saving_of_feed_timezone() -> None:
    assert read(datetime(2026, 7, 1, 12), tz=MADRID) == "2026-07-01T12:00:00+02:00"
    assert read(datetime(2026, 12, 1, 12), tz=MADRID) == "2026-12-01T12:00:00+01:00"


def test_date_is_midnight_in_feed_timezone() -> None:
    assert read(date(2026, 11, 26)) == "2026-11-26T00:00:00-05:00"


def test_integer_timestamp_is_utc() -> None:
    assert read(1795703400) == "2026-11-26T14:30:00+00:00"


def test_float_timestamp_keeps_its_fraction() -> None:
    assert read(1795703400.25) == "2026-11-26T14:30:00.250000+00:00"


@pytest.mark.parametrize("value", [True, False])
def test_bool_is_rejected_rather_than_read_as_a_timestamp(value: bool) -> None:
    with pytest.raises(DateError, match="true/false"):
        parse_datetime(value, LIMA)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_timestamp_is_rejected(value: float) -> None:
    with pytest.raises(DateError, match="finite"):
        parse_datetime(value, LIMA)


@pytest.mark.parametrize("value", [10**20, -(10**20), 1e300])
def test_out_of_range_timestamp_is_rejected(value: float) -> None:
    with pytest.raises(DateError, match="out of range"):
        parse_datetime(value, LIMA)


@pytest.mark.parametrize("value", [None, [2026, 11, 26], b"2026-11-26", 3j])
def test_other_types_are_rejected_naming_the_type(value: object) -> None:
    with pytest.raises(DateError, match=type(value).__name__):
        parse_datetime(value, LIMA)


# --- ISO 8601 / RFC 3339 --------------------------------------------------------


def test_iso_date_is_midnight_in_feed_timezone() -> None:
    assert read("2026-11-26") == "2026-11-26T00:00:00-05:00"


def test_iso_datetime_without_zone_is_read_in_feed_timezone() -> None:
    assert read("2026-11-26T14:30") == "2026-11-26T14:30:00-05:00"


def test_iso_datetime_with_z_is_utc() -> None:
    assert read("2026-11-26T14:30:00Z") == "2026-11-26T14:30:00+00:00"


def test_iso_datetime_with_space_and_offset_keeps_the_offset() -> None:
    assert read("2026-11-26 14:30:00+01:00") == "2026-11-26T14:30:00+01:00"


@pytest.mark.parametrize("text", ["2026-11-26T14:30:00+0530", "2026-11-26T14:30+05:30"])
def test_iso_offset_is_read_with_or_without_colon(text: str) -> None:
    assert read(text) == "2026-11-26T14:30:00+05:30"


def test_iso_offset_of_hours_alone_is_read() -> None:
    assert read("2026-11-26T14:30:00-03") == "2026-11-26T14:30:00-03:00"


def test_iso_fractional_seconds_are_kept_to_the_microsecond() -> None:
    assert read("2026-11-26T14:30:00.123456789Z") == "2026-11-26T14:30:00.123456+00:00"


def test_iso_fractional_seconds_may_use_a_comma() -> None:
    assert read("2026-11-26T14:30:00,5Z") == "2026-11-26T14:30:00.500000+00:00"


def test_iso_lowercase_t_and_z_are_read() -> None:
    assert read("2026-11-26t14:30:00z") == "2026-11-26T14:30:00+00:00"


def test_surrounding_whitespace_is_ignored() -> None:
    assert read("  2026-11-26T14:30:00Z\n") == "2026-11-26T14:30:00+00:00"


def test_impossible_iso_date_is_rejected_not_shifted() -> None:
    with pytest.raises(
        DateError, match=r"^cannot read '2026-02-30' as a date: day is out of range"
    ):
        parse_datetime("2026-02-30", LIMA)


def test_impossible_iso_time_is_rejected() -> None:
    with pytest.raises(DateError, match="hour"):
        parse_datetime("2026-11-26T25:00:00Z", LIMA)


@pytest.mark.parametrize("text", ["2026-11-26T14:30:00+24:00", "2026-11-26T14:30:00+01:75"])
def test_iso_offset_out_of_range_is_rejected(text: str) -> None:
    with pytest.raises(DateError, match="zone offset is out of range"):
        parse_datetime(text, LIMA)


# --- RFC 822 / RFC 2822 -------------------------------------------------------


def test_rfc822_with_negative_offset_keeps_it() -> None:
    assert read("Thu, 26 Nov 2026 14:30:00 -0500", tz=UTC) == "2026-11-26T14:30:00-05:00"


def test_rfc822_without_weekday_or_seconds_is_read() -> None:
    assert read("26 Nov 2026 14:30 +0100") == "2026-11-26T14:30:00+01:00"


def test_rfc822_single_digit_day_is_read() -> None:
    assert read("Sun, 1 Nov 2026 08:05:09 +0000") == "2026-11-01T08:05:09+00:00"


@pytest.mark.parametrize("zone", ["GMT", "UT", "UTC", "Z", "gmt"])
def test_rfc822_universal_zone_names_are_utc(zone: str) -> None:
    assert read(f"Thu, 26 Nov 2026 14:30:00 {zone}") == "2026-11-26T14:30:00+00:00"


@pytest.mark.parametrize(
    ("zone", "hours"),
    [
        ("EST", -5),
        ("EDT", -4),
        ("CST", -6),
        ("CDT", -5),
        ("MST", -7),
        ("MDT", -6),
        ("PST", -8),
        ("PDT", -7),
    ],
)
def test_rfc822_us_zone_names_have_their_offsets(zone: str, hours: int) -> None:
    parsed = parse_datetime(f"Thu, 26 Nov 2026 14:30:00 {zone}", UTC)
    assert parsed.utcoffset() == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("year", "expected"), [("26", 2026), ("00", 2000), ("49", 2049), ("50", 1950), ("99", 1999)]
)
def test_rfc822_two_digit_year_follows_rfc2822(year: str, expected: int) -> None:
    assert parse_datetime(f"Thu, 26 Nov {year} 14:30:00 GMT", UTC).year == expected


def test_rfc822_three_digit_year_is_from_1900() -> None:
    assert parse_datetime("Thu, 26 Nov 126 14:30:00 GMT", UTC).year == 2026


def test_rfc822_without_zone_is_read_in_feed_timezone() -> None:
    assert read("Thu, 26 Nov 2026 14:30:00") == "2026-11-26T14:30:00-05:00"


def test_rfc822_names_are_case_insensitive() -> None:
    assert read("THU, 26 NOV 2026 14:30:00 +0000") == "2026-11-26T14:30:00+00:00"


def test_rfc822_wrong_weekday_is_tolerated() -> None:
    # Feeds often get the weekday wrong; the date itself decides.
    assert read("Mon, 26 Nov 2026 14:30:00 +0000") == "2026-11-26T14:30:00+00:00"


def test_impossible_rfc822_date_is_rejected() -> None:
    with pytest.raises(DateError, match="day is out of range for month"):
        parse_datetime("Sat, 31 Feb 2026 14:30:00 +0000", LIMA)


@pytest.mark.parametrize(
    "text", ["Thu, 26 Nov 2026 14:30:00 CET", "November 26, 2026 2:30 PM CET"]
)
def test_unknown_zone_abbreviation_is_rejected_not_guessed(text: str) -> None:
    with pytest.raises(DateError, match="unknown time zone abbreviation 'CET'"):
        parse_datetime(text, LIMA, "en")


# --- human dates, per language ------------------------------------------------


def test_spanish_human_date_with_time_is_read_in_feed_timezone() -> None:
    assert read("26 de noviembre de 2026, 14:30", "es") == "2026-11-26T14:30:00-05:00"


def test_spanish_date_with_weekday_is_read() -> None:
    assert read("jueves, 26 de noviembre de 2026", "es") == "2026-11-26T00:00:00-05:00"


def test_spanish_names_are_read_without_accents_and_in_capitals() -> None:
    assert read("MIERCOLES, 25 DE NOVIEMBRE DE 2026", "es") == "2026-11-25T00:00:00-05:00"


def test_spanish_a_las_and_horas_are_ignored() -> None:
    text = "miércoles 25 de noviembre de 2026 a las 14:30 horas"
    assert read(text, "es") == "2026-11-25T14:30:00-05:00"


def test_spanish_dotted_pm_is_read() -> None:
    assert read("26 de noviembre de 2026, 2:30 p. m.", "es") == "2026-11-26T14:30:00-05:00"


def test_spanish_abbreviated_month_is_read() -> None:
    assert read("26 dic 2026 14:30 hs", "es") == "2026-12-26T14:30:00-05:00"


def test_region_subtag_selects_the_language() -> None:
    assert read("26/11/2026 14:30 hs", "es-AR") == "2026-11-26T14:30:00-05:00"


def test_spanish_abbreviated_weekday_in_rfc822_shape_is_read() -> None:
    assert read("jue, 26 nov 2026 14:30:00 -0500", "es") == "2026-11-26T14:30:00-05:00"


def test_portuguese_date_is_read() -> None:
    assert read("26 de novembro de 2026", "pt") == "2026-11-26T00:00:00-05:00"


def test_portuguese_weekday_feira_and_as_are_read() -> None:
    text = "quinta-feira, 26 de novembro de 2026 às 14h30"
    assert read(text, "pt-BR") == "2026-11-26T14:30:00-05:00"


@pytest.mark.parametrize("text", ["26 de março de 2026", "26 de marco de 2026"])
def test_portuguese_month_is_read_with_or_without_cedilla(text: str) -> None:
    assert read(text, "pt") == "2026-03-26T00:00:00-05:00"


def test_french_date_is_read() -> None:
    assert read("26 novembre 2026", "fr") == "2026-11-26T00:00:00-05:00"


def test_french_le_a_and_h_time_are_read() -> None:
    assert read("le 26 novembre 2026 à 14h30", "fr") == "2026-11-26T14:30:00-05:00"


def test_french_premier_and_spaced_hours_are_read() -> None:
    assert read("jeudi 1er octobre 2026 à 14 h 30", "fr") == "2026-10-01T14:30:00-05:00"


@pytest.mark.parametrize("text", ["26 févr. 2026", "26 fevr 2026", "26 FÉVRIER 2026"])
def test_french_february_is_read_in_any_spelling(text: str) -> None:
    assert read(text, "fr") == "2026-02-26T00:00:00-05:00"


def test_german_date_is_read() -> None:
    assert read("26. November 2026", "de") == "2026-11-26T00:00:00-05:00"


def test_german_weekday_um_and_uhr_are_read() -> None:
    text = "Donnerstag, 26. November 2026 um 14:30 Uhr"
    assert read(text, "de") == "2026-11-26T14:30:00-05:00"


def test_german_dotted_time_is_read_as_a_time() -> None:
    text = "Donnerstag, 26. November 2026, 14.30 Uhr"
    assert read(text, "de") == "2026-11-26T14:30:00-05:00"


@pytest.mark.parametrize("text", ["am 26. März 2026", "26. Maerz 2026", "26. Marz 2026"])
def test_german_march_is_read_in_any_spelling(text: str) -> None:
    assert read(text, "de") == "2026-03-26T00:00:00-05:00"


def test_german_numeric_date_is_day_first() -> None:
    assert read("05.11.2026", "de") == "2026-11-05T00:00:00-05:00"


def test_italian_date_with_ore_is_read() -> None:
    assert read("26 novembre 2026 ore 14:30", "it") == "2026-11-26T14:30:00-05:00"


def test_italian_weekday_and_alle_are_read() -> None:
    text = "giovedì 26 novembre 2026 alle 14:30"
    assert read(text, "it") == "2026-11-26T14:30:00-05:00"


def test_dutch_date_with_om_and_uur_is_read() -> None:
    text = "donderdag 26 november 2026 om 14:30 uur"
    assert read(text, "nl") == "2026-11-26T14:30:00-05:00"


@pytest.mark.parametrize("text", ["dijous, 26 d'octubre de 2026", "dijous, 26 d’octubre de 2026"])
def test_catalan_date_with_elided_de_is_read(text: str) -> None:
    assert read(text, "ca") == "2026-10-26T00:00:00-05:00"


def test_english_date_with_weekday_and_pm_is_read() -> None:
    text = "Thursday, November 26, 2026 2:30 PM"
    assert read(text, "en") == "2026-11-26T14:30:00-05:00"


def test_other_languages_also_read_english_names() -> None:
    assert read("November 26, 2026", "es") == "2026-11-26T00:00:00-05:00"


def test_no_language_reads_english() -> None:
    assert read("Thursday, November 26, 2026 2:30 PM") == "2026-11-26T14:30:00-05:00"


@pytest.mark.parametrize("language", [None, "ja"])
def test_no_or_unknown_language_also_reads_other_languages_names(language: str | None) -> None:
    assert read("26 de noviembre de 2026", language) == "2026-11-26T00:00:00-05:00"


@pytest.mark.parametrize("language", ["es", "fr", "de", "pt", "it", "en-GB", "ja"])
def test_numeric_date_is_day_first_outside_us_english(language: str) -> None:
    assert read("05/11/2026", language) == "2026-11-05T00:00:00-05:00"


@pytest.mark.parametrize("language", ["en", "en-US", None])
def test_numeric_date_is_month_first_in_us_english_and_without_language(
    language: str | None,
) -> None:
    assert read("05/11/2026", language) == "2026-05-11T00:00:00-05:00"


def test_numeric_date_written_year_first_is_year_month_day_even_day_first() -> None:
    assert read("2026/11/05 14:30", "es") == "2026-11-05T14:30:00-05:00"


def test_two_digit_year_in_human_date_does_not_depend_on_today() -> None:
    assert read("26/11/26", "es") == "2026-11-26T00:00:00-05:00"
    assert read("26/11/75", "es") == "1975-11-26T00:00:00-05:00"


def test_human_date_with_offset_keeps_it() -> None:
    text = "26 de noviembre de 2026 14:30 -0300"
    assert read(text, "es") == "2026-11-26T14:30:00-03:00"


def test_gmt_plus_hours_means_ahead_of_utc() -> None:
    text = "26 de noviembre de 2026 14:30 GMT-3"
    assert read(text, "es") == "2026-11-26T14:30:00-03:00"


def test_human_date_with_us_zone_name_has_its_offset() -> None:
    assert read("November 26, 2026 2:30 PM EST", "en", UTC) == "2026-11-26T14:30:00-05:00"


def test_rfc822_with_comment_zone_is_read() -> None:
    text = "Thu, 26 Nov 2026 14:30:00 +0000 (UTC)"
    assert read(text) == "2026-11-26T14:30:00+00:00"


# --- what is refused ------------------------------------------------------------


def test_impossible_human_date_is_rejected_naming_text_and_reason() -> None:
    with pytest.raises(DateError) as caught:
        parse_datetime("31 de febrero de 2026", LIMA, "es")
    assert str(caught.value) == (
        "cannot read '31 de febrero de 2026' as a date: day is out of range for month"
    )


def test_date_error_is_a_value_error() -> None:
    assert issubclass(DateError, ValueError)


def test_human_date_without_year_is_rejected() -> None:
    with pytest.raises(DateError, match=r"it has no year$"):
        parse_datetime("26 de noviembre", LIMA, "es")


def test_february_29_without_year_is_rejected_for_the_missing_year() -> None:
    with pytest.raises(DateError, match=r"it has no year$"):
        parse_datetime("29 de febrero", LIMA, "es")


def test_month_alone_is_rejected() -> None:
    with pytest.raises(DateError, match=r"it has no day or year$"):
        parse_datetime("noviembre", LIMA, "es")


def test_month_and_year_without_day_are_rejected() -> None:
    with pytest.raises(DateError, match=r"it has no day$"):
        parse_datetime("noviembre de 2026", LIMA, "es")


def test_time_alone_is_rejected() -> None:
    with pytest.raises(DateError, match=r"it has no day, month or year$"):
        parse_datetime("14:30", LIMA, "es")


def test_weekday_and_time_without_date_are_rejected() -> None:
    with pytest.raises(DateError, match="it has no"):
        parse_datetime("jueves 14:30", LIMA, "es")


def test_leftover_words_are_rejected_not_skipped() -> None:
    with pytest.raises(DateError, match="not a date format"):
        parse_datetime("26 de noviembre de 2026 en Lima", LIMA, "es")


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_rejected(text: str) -> None:
    with pytest.raises(DateError, match="it is empty"):
        parse_datetime(text, LIMA)


def test_words_that_are_no_date_are_rejected() -> None:
    with pytest.raises(DateError, match=r"^cannot read 'mañana' as a date"):
        parse_datetime("mañana", LIMA, "es")


@pytest.mark.parametrize("text", ["99999999999", "999999999999999999999999999999999m"])
def test_huge_numbers_are_rejected(text: str) -> None:
    with pytest.raises(DateError, match="too large"):
        parse_datetime(text, LIMA)


def test_long_text_is_shortened_in_the_message() -> None:
    with pytest.raises(DateError) as caught:
        parse_datetime("palabra " * 100, LIMA, "es")
    assert len(str(caught.value)) < 200


# --- format_rfc822 --------------------------------------------------------------


def test_rfc822_output_of_negative_offset() -> None:
    dt = datetime(2026, 11, 26, 14, 30, tzinfo=offset(-5))
    assert format_rfc822(dt) == "Thu, 26 Nov 2026 14:30:00 -0500"


def test_rfc822_output_of_half_hour_offset() -> None:
    dt = datetime(2026, 11, 26, 14, 30, 5, tzinfo=offset(5, 30))
    assert format_rfc822(dt) == "Thu, 26 Nov 2026 14:30:05 +0530"


def test_rfc822_output_of_negative_half_hour_offset() -> None:
    dt = datetime(2026, 11, 26, 14, 30, tzinfo=offset(-3, -30))
    assert format_rfc822(dt) == "Thu, 26 Nov 2026 14:30:00 -0330"


@pytest.mark.parametrize("zone", [UTC, ZoneInfo("UTC")])
def test_rfc822_output_of_utc_is_plus_zero(zone: timezone | ZoneInfo) -> None:
    dt = datetime(2026, 1, 4, 9, 5, 7, tzinfo=zone)
    assert format_rfc822(dt) == "Sun, 04 Jan 2026 09:05:07 +0000"


def test_rfc822_output_uses_zoneinfo_offset_of_that_day() -> None:
    dt = datetime(2026, 7, 1, 12, tzinfo=MADRID)
    assert format_rfc822(dt) == "Wed, 01 Jul 2026 12:00:00 +0200"


def test_rfc822_output_drops_microseconds() -> None:
    dt = datetime(2026, 11, 26, 14, 30, 59, 999999, tzinfo=UTC)
    assert format_rfc822(dt) == "Thu, 26 Nov 2026 14:30:59 +0000"


def test_rfc822_output_pads_early_years_to_four_digits() -> None:
    dt = datetime(999, 12, 31, tzinfo=UTC)
    assert format_rfc822(dt) == "Tue, 31 Dec 0999 00:00:00 +0000"


def test_rfc822_output_moves_offsets_with_seconds_to_utc() -> None:
    # New York's local mean time before 1883 was UTC-4:56:02.
    dt = datetime(1880, 1, 1, 12, tzinfo=NEW_YORK)
    assert format_rfc822(dt) == "Thu, 01 Jan 1880 16:56:02 +0000"


def test_rfc822_output_rejects_naive_datetime() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        format_rfc822(datetime(2026, 11, 26, 14, 30))


def test_rfc822_output_does_not_touch_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object) -> str:
        raise AssertionError("format_rfc822 must not change the locale")

    monkeypatch.setattr(locale, "setlocale", forbidden)
    dt = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)
    assert format_rfc822(dt) == "Thu, 26 Nov 2026 14:30:00 +0000"


# --- format_rfc3339 -------------------------------------------------------------


def test_rfc3339_output_of_negative_offset() -> None:
    dt = datetime(2026, 11, 26, 14, 30, tzinfo=offset(-5))
    assert format_rfc3339(dt) == "2026-11-26T14:30:00-05:00"


def test_rfc3339_output_of_half_hour_offset() -> None:
    dt = datetime(2026, 11, 26, 14, 30, tzinfo=offset(5, 30))
    assert format_rfc3339(dt) == "2026-11-26T14:30:00+05:30"


@pytest.mark.parametrize("zone", [UTC, ZoneInfo("UTC")])
def test_rfc3339_output_of_utc_is_plus_zero_not_z(zone: timezone | ZoneInfo) -> None:
    assert format_rfc3339(datetime(2026, 11, 26, tzinfo=zone)) == "2026-11-26T00:00:00+00:00"


def test_rfc3339_output_always_has_seconds_and_drops_microseconds() -> None:
    dt = datetime(2026, 11, 26, 14, 30, 0, 999999, tzinfo=UTC)
    assert format_rfc3339(dt) == "2026-11-26T14:30:00+00:00"


def test_rfc3339_output_moves_offsets_with_seconds_to_utc() -> None:
    dt = datetime(1880, 1, 1, 12, tzinfo=NEW_YORK)
    assert format_rfc3339(dt) == "1880-01-01T16:56:02+00:00"


def test_rfc3339_output_rejects_naive_datetime() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        format_rfc3339(datetime(2026, 11, 26, 14, 30))


# --- properties -------------------------------------------------------------------

LANGUAGES = st.sampled_from(
    [None, "en", "en-GB", "es", "pt-BR", "fr", "de", "it", "nl", "ca", "ja"]
)
NUMBERS = ("2026", "26", "11", "0", "99", "99999999999", "+0300", "-03:00", "14.30", "24:00", "²")
MARKS = ("-", "/", ".", ":", ",", "+", " ", "(", ")", "T", "Z")
WORDS = ("de", "noviembre", "Nov", "Thu", "jueves", "am", "p.m.", "a", "h", "mar", "di", "nan")
ZONES = ("GMT", "EST", "CET", "GMT+3", "UT")
DATE_PIECES = st.sampled_from((*NUMBERS, *MARKS, *WORDS, *ZONES))


@given(st.text(), LANGUAGES)
def test_arbitrary_text_gives_an_aware_datetime_or_a_date_error(
    text: str, language: str | None
) -> None:
    try:
        parsed = parse_datetime(text, LIMA, language)
    except DateError:
        return
    assert parsed.utcoffset() is not None


@given(st.lists(DATE_PIECES, max_size=12).map("".join), LANGUAGES)
def test_date_like_text_gives_an_aware_datetime_or_a_date_error(
    text: str, language: str | None
) -> None:
    try:
        parsed = parse_datetime(text, LIMA, language)
    except DateError:
        return
    assert parsed.utcoffset() is not None


FIXED_OFFSETS = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
AWARE_SECONDS = st.datetimes(
    min_value=datetime(1900, 1, 1),
    max_value=datetime(2100, 12, 31, 23, 59, 59),
    timezones=FIXED_OFFSETS,
).map(lambda dt: dt.replace(microsecond=0))


@given(AWARE_SECONDS)
def test_rfc822_output_reads_back_as_the_same_instant_and_offset(dt: datetime) -> None:
    parsed = parse_datetime(format_rfc822(dt), LIMA)
    assert parsed == dt
    assert parsed.utcoffset() == dt.utcoffset()


@given(AWARE_SECONDS)
def test_rfc3339_output_reads_back_as_the_same_instant_and_offset(dt: datetime) -> None:
    parsed = parse_datetime(format_rfc3339(dt), LIMA)
    assert parsed == dt
    assert parsed.utcoffset() == dt.utcoffset()
