"""newsfeed against its peers: time per entry, ratios to raw feedgen, peak memory.

    python benchmarks/run.py --sizes 50,1000,10000 --out benchmarks/results.md

Every case builds feeds from the same deterministic records
(`benchmarks/records.py`, about 3.8 KB of text per entry). In one process,
cases run interleaved (one sample of each case per round, the order rotating
every round, a full collection between samples), and each case's time is the
median of its rounds, so a slow moment of the machine lands on every case
alike. Each case's peak memory is measured once per size in a fresh
subprocess: its maximum resident set size minus what the process held
before the case started (the records themselves are not counted).

The cases:

- newsfeed end to end: record dicts -> `read_articles` -> `Feed` -> validated
  RSS, Atom and JSON Feed bytes (and the same for RSS + Atom only);
- newsfeed render: `Article`s already read -> the same validated bytes;
- the peers of `benchmarks/baselines.py`.

Ratios are to "feedgen RSS+Atom" (raw feedgen producing RSS and Atom from the
same records). The issue's targets are checked at the end, and the date
parser's speed-up over dateutil comes from `bench_dates.py`.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import baselines  # noqa: E402
import records as synthetic  # noqa: E402

import newsfeed  # noqa: E402

Case = Callable[[Any], list[bytes]]
REFERENCE = "feedgen RSS+Atom"
DEFAULT_SIZES = (50, 1000, 10_000)
#: Rounds per size: enough for a stable median, few enough for a few minutes in all.
ROUNDS = {50: 15, 1000: 9, 10_000: 5, 100_000: 3}
#: A sample of a small size repeats its case until it takes at least this long.
MIN_SAMPLE_SECONDS = 0.05


def _settings(size: int) -> newsfeed.FeedSettings:
    return newsfeed.FeedSettings(**synthetic.settings_kwargs(), limit=max(size, 1))


def _end_to_end(formats: Sequence[str]) -> Case:
    def run(data: Any) -> list[bytes]:
        records, settings = data["records"], data["settings"]
        reading = newsfeed.read_articles(records, settings)
        feed = newsfeed.Feed(settings, reading.articles)
        return [getattr(feed, f)() for f in formats]

    return run


def _render(formats: Sequence[str]) -> Case:
    def run(data: Any) -> list[bytes]:
        feed = newsfeed.Feed(data["settings"], data["articles"])
        return [getattr(feed, f)() for f in formats]

    return run


def _peer(baseline: baselines.Baseline) -> Case:
    def run(data: Any) -> list[bytes]:
        return baseline(data["records"])

    return run


CASES: dict[str, Case] = {
    "newsfeed end to end (RSS+Atom+JSON)": _end_to_end(("rss", "atom", "json")),
    "newsfeed end to end (RSS+Atom)": _end_to_end(("rss", "atom")),
    "newsfeed render (RSS+Atom+JSON)": _render(("rss", "atom", "json")),
    "newsfeed render (RSS+Atom)": _render(("rss", "atom")),
    **{name: _peer(baseline) for name, baseline in baselines.BASELINES.items()},
}


def prepare(size: int) -> dict[str, Any]:
    """The inputs of every case: the record dicts and, for render, their Articles."""
    records = synthetic.records(size)
    settings = _settings(size)
    reading = newsfeed.read_articles(records, settings)
    if reading.errors or len(reading.articles) != size:
        raise SystemExit(f"the synthetic records do not read cleanly: {reading.problems[:3]}")
    return {"records": records, "settings": settings, "articles": reading.articles}


@dataclass
class Result:
    size: int
    seconds: dict[str, list[float]] = field(default_factory=dict)
    output_bytes: dict[str, int] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)

    def per_entry_us(self, case: str) -> float:
        return statistics.median(self.seconds[case]) / self.size * 1e6

    def ratio(self, case: str) -> float:
        return statistics.median(self.seconds[case]) / statistics.median(self.seconds[REFERENCE])


def time_size(size: int, cases: Sequence[str], rounds: int) -> Result:
    data = prepare(size)
    result = Result(size)
    # The first call of each case pays for imports and caches; it is not counted.
    repeats: dict[str, int] = {}
    for name in cases:
        start = time.perf_counter()
        outputs = CASES[name](data)
        once = time.perf_counter() - start
        result.output_bytes[name] = sum(len(o) for o in outputs)
        repeats[name] = max(1, int(MIN_SAMPLE_SECONDS / max(once, 1e-9)))
    _check_determinism(data)
    for round_number in range(rounds):
        shift = round_number % len(cases)
        for name in [*cases[shift:], *cases[:shift]]:
            gc.collect()
            start = time.perf_counter()
            for _ in range(repeats[name]):
                CASES[name](data)
            elapsed = (time.perf_counter() - start) / repeats[name]
            result.seconds.setdefault(name, []).append(elapsed)
        print(f"  size {size}: round {round_number + 1}/{rounds} done", file=sys.stderr)
    return result


def _check_determinism(data: dict[str, Any]) -> None:
    """newsfeed's bytes must not change between two builds of the same records."""
    name = "newsfeed end to end (RSS+Atom+JSON)"
    if CASES[name](data) != CASES[name](data):
        raise SystemExit("newsfeed gave different bytes for the same records")


# -- memory, in a subprocess ----------------------------------------------------


def _rss_kb() -> int:
    """The resident set size now, in KiB (Linux)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def _peak_kb() -> int:
    """The resident high-water mark (VmHWM), in KiB (Linux)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory_child(case: str, size: int) -> None:
    if case not in CASES:
        raise SystemExit(f"no case {case!r}")
    data = prepare(size)
    gc.collect()
    before = _rss_kb()
    # Reset the high-water mark (Linux 4.0+) so that making the records does
    # not hide the case's own peak; where that fails, count from the mark.
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        before = _peak_kb()
    outputs = CASES[case](data)
    peak = _peak_kb()
    print(json.dumps({"peak_kb": peak - before, "output": sum(len(o) for o in outputs)}))


def measure_memory(result: Result, cases: Sequence[str]) -> None:
    for name in cases:
        completed = subprocess.run(
            [sys.executable, __file__, "--memory-child", name, "--sizes", str(result.size)],
            capture_output=True,
            text=True,
            check=True,
        )
        report = json.loads(completed.stdout.strip().splitlines()[-1])
        result.peak_mb[name] = report["peak_kb"] / 1024


# -- dates ----------------------------------------------------------------------


def dates_speedup() -> dict[str, tuple[float, float]]:
    """(newsfeed µs, dateutil µs) per string, by kind, from the colleague's bench_dates."""
    import bench_dates

    iso, rfc = bench_dates.sample(bench_dates.COUNT)
    found = {}
    for name, texts in (("ISO 8601", iso), ("RFC 822", rfc)):
        found[name] = (
            bench_dates.microseconds_per_string(bench_dates.ours, texts),
            bench_dates.microseconds_per_string(bench_dates.theirs, texts),
        )
    return found


# -- report -----------------------------------------------------------------------


def _versions() -> str:
    names = ("feedgen", "lxml", "Django", "PyRSS2Gen", "python-dateutil", "nh3")
    found = []
    for name in names:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found.append(f"{name} {metadata.version(name)}")
    return ", ".join(found)


def report(
    results: Sequence[Result],
    cases: Sequence[str],
    dates: dict[str, tuple[float, float]] | None,
) -> str:
    lines = [
        "# newsfeed benchmark",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, {_versions()}.",
        f"Command: `python benchmarks/run.py {' '.join(sys.argv[1:])}`",
        "",
        "Time per entry is the median of interleaved rounds; × feedgen is the ratio to raw "
        f"feedgen producing RSS and Atom (`{REFERENCE}`) in the same run; peak MB is the "
        "extra resident memory of the case in a fresh process.",
        "",
    ]
    sizes = [r.size for r in results]
    header = "| case | " + " | ".join(
        f"{s:,} µs/entry | {s:,} × feedgen | {s:,} peak MB" for s in sizes
    )
    lines += [header + " |", "|---|" + "---:|---:|---:|" * len(sizes)]
    for name in cases:
        cells = []
        for result in results:
            peak = result.peak_mb.get(name)
            cells += [
                f"{result.per_entry_us(name):.1f}",
                f"{result.ratio(name):.2f}",
                "" if peak is None else f"{peak:.0f}",
            ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Output (all documents of a case, MB):", ""]
    lines += ["| case | " + " | ".join(f"{s:,}" for s in sizes) + " |"]
    lines += ["|---|" + "---:|" * len(sizes)]
    for name in cases:
        cells = [f"{r.output_bytes[name] / 1e6:.2f}" for r in results]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## Targets", ""]
    lines += [f"- {line}" for line in targets(results, dates)]
    if dates:
        lines += ["", "## Dates (bench_dates.py's sample)", ""]
        lines += ["| kind | newsfeed µs | dateutil µs | speed-up |", "|---|---:|---:|---:|"]
        for kind, (ours, theirs) in dates.items():
            lines.append(f"| {kind} | {ours:.2f} | {theirs:.2f} | {theirs / ours:.1f}× |")
    return "\n".join(lines) + "\n"


def targets(results: Sequence[Result], dates: dict[str, tuple[float, float]] | None) -> list[str]:
    by_size = {r.size: r for r in results}
    found = []

    def check(size: int, case: str, limit: float, what: str) -> None:
        result = by_size.get(size)
        if result is None or case not in result.seconds:
            found.append(f"{what}: not measured")
            return
        ratio = result.ratio(case)
        verdict = "met" if ratio <= limit else "NOT met"
        found.append(f"{what}: {ratio:.2f}× (at most {limit}×) — {verdict}")

    check(50, "newsfeed end to end (RSS+Atom+JSON)", 1.5, "50 entries, all three formats")
    check(10_000, "newsfeed end to end (RSS+Atom+JSON)", 1.0, "10,000 entries, end to end")
    check(10_000, "newsfeed end to end (RSS+Atom)", 1.0, "10,000 entries, end to end, RSS+Atom")
    check(10_000, "newsfeed render (RSS+Atom+JSON)", 0.7, "10,000 entries, rendering alone")
    check(10_000, "newsfeed render (RSS+Atom)", 0.7, "10,000 entries, rendering alone, RSS+Atom")
    for kind, (ours, theirs) in (dates or {}).items():
        verdict = "met" if theirs / ours >= 10 else "NOT met"
        found.append(f"{kind} dates: {theirs / ours:.1f}× dateutil (at least 10×) — {verdict}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--rounds", type=int, help="rounds per size (default: by size)")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    parser.add_argument("--no-dates", action="store_true", help="skip the date parser check")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.memory_child:
        memory_child(args.memory_child, sizes[0])
        return 0
    cases = args.cases.split(",") if args.cases else list(CASES)
    if REFERENCE not in cases:
        cases.insert(0, REFERENCE)
    results = []
    for size in sizes:
        rounds = args.rounds or ROUNDS.get(size, 3)
        result = time_size(size, cases, rounds)
        if not args.no_memory:
            measure_memory(result, cases)
        results.append(result)
    dates = None if args.no_dates else dates_speedup()
    text = report(results, cases, dates)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
