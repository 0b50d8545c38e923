"""Time parse_datetime against dateutil.parser.parse on machine-written dates.

Run as `python benchmarks/bench_dates.py`. Feeds are mostly ISO 8601 and
RFC 822 dates, so those must be read at least ten times faster than dateutil
reads them; the script prints microseconds per string and the ratio, and
exits non-zero if the two parsers disagree on any string.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from dateutil.parser import parse as dateutil_parse

from newsfeed.dates import format_rfc822, parse_datetime

COUNT = 10_000
REPEATS = 5
UTC = timezone.utc
OFFSET_MINUTES = (0, 60, -180, -300, 330, 345, 540, -570)
US_ZONES = {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8}
# dateutil needs the US zones spelled out; without them it warns and returns naive values.
DATEUTIL_ZONES = {"UT": 0} | {name: hours * 3600 for name, hours in US_ZONES.items()}


def iso_8601(rng: random.Random, dt: datetime) -> str:
    minutes = rng.choice(OFFSET_MINUTES)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    offset = f"{sign}{hours:02d}:{minutes:02d}"
    forms = (
        f"{dt:%Y-%m-%d}",
        f"{dt:%Y-%m-%dT%H:%M}",
        f"{dt:%Y-%m-%dT%H:%M:%S}Z",
        f"{dt:%Y-%m-%d %H:%M:%S}{offset}",
        f"{dt:%Y-%m-%dT%H:%M:%S.%f}{offset}",
        f"{dt:%Y-%m-%dT%H:%M:%S}{offset.replace(':', '')}",
    )
    return rng.choice(forms)


def rfc_822(rng: random.Random, dt: datetime) -> str:
    minutes = rng.choice(OFFSET_MINUTES)
    aware = dt.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    full = format_rfc822(aware)
    without_weekday = full[5:]
    named = f"{full[:-6]} {rng.choice(('GMT', 'UT', *US_ZONES))}"
    without_seconds = f"{full[:-9]} {full[-5:]}"
    return rng.choice((full, without_weekday, named, without_seconds))


def sample(count: int) -> tuple[list[str], list[str]]:
    """`count` ISO 8601 and RFC 822 strings between 1990 and 2035, the same on every run."""
    rng = random.Random(20261126)
    start = datetime(1990, 1, 1)
    span = int((datetime(2035, 12, 31) - start).total_seconds())
    moments = [
        start + timedelta(seconds=rng.randrange(span), microseconds=rng.randrange(10**6))
        for _ in range(count)
    ]
    half = count // 2
    return (
        [iso_8601(rng, dt) for dt in moments[:half]],
        [rfc_822(rng, dt) for dt in moments[half:]],
    )


def ours(text: str) -> datetime:
    return parse_datetime(text, UTC)


def theirs(text: str) -> datetime:
    return dateutil_parse(text, tzinfos=DATEUTIL_ZONES)


def microseconds_per_string(parse: Callable[[str], datetime], texts: list[str]) -> float:
    """Best of REPEATS runs, so that a busy moment on the machine does not count."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for text in texts:
            parse(text)
        best = min(best, time.perf_counter() - start)
    return best / len(texts) * 1e6


def disagreements(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        expected = theirs(text)
        if expected.tzinfo is None:
            expected = expected.replace(tzinfo=UTC)
        got = ours(text)
        if got != expected or got.utcoffset() != expected.utcoffset():
            found.append(f"{text!r}: newsfeed {got.isoformat()}, dateutil {expected.isoformat()}")
    return found


def main() -> int:
    iso, rfc = sample(COUNT)
    wrong = disagreements(iso + rfc)
    for line in wrong[:10]:
        print(line, file=sys.stderr)
    if wrong:
        print(f"{len(wrong)} strings read differently", file=sys.stderr)
        return 1
    print(f"{COUNT} strings, best of {REPEATS} runs, microseconds per string")
    print(f"{'':12}{'newsfeed':>10}{'dateutil':>10}{'speed-up':>10}")
    for name, texts in (("ISO 8601", iso), ("RFC 822", rfc), ("all", iso + rfc)):
        fast = microseconds_per_string(ours, texts)
        slow = microseconds_per_string(theirs, texts)
        print(f"{name:12}{fast:10.2f}{slow:10.2f}{slow / fast:9.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
