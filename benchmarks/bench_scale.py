"""A whole site from JSON Lines, at growing sizes: time per entry, peak memory, rebuild cost.

    python benchmarks/bench_scale.py --sizes 10000,100000 --dir /var/tmp/newsfeed-scale

For each size, writes that many benchmark records (`records.py`, oldest
first, as a site's export grows; kept between runs) to `DIR/N/site.jsonl`,
then runs the command line as cron would, in a fresh process:

1. the full build: `newsfeed build` of a subscription feed (limit 50, RSS,
   Atom and JSON Feed) with RFC 5005 archives of 100 entries a page (RSS and
   Atom), from an empty output folder, right after the file was written (its
   modification time is set to now);
2. the rebuild: the same site with one new article in a second file, as
   cron runs it (the unchanged file comes from the site index);
3. the same rebuild with `--no-cache`, reading every record again;
4. the rebuild after one article appended to the large file (read from
   where the index says the last run ended; the line is removed after);
5. the rebuild after one letter of an article in the middle of the large
   file was changed (the file is read again whole, its articles replaced in
   one transaction; the letter is put back after).

It reports each build's wall time and the process's peak resident memory
(`ru_maxrss` of the child), time per entry, how the time per entry compares
with the smallest size, the rebuild's share of the full build, and which
files the rebuild wrote. `--profile` also runs the largest (cached)
rebuild under cProfile and prints where its time goes. 1,000,000 records take about
4.5 GB of disk, plus as much again in the build's temporary file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import records as synthetic  # noqa: E402

LIMIT = 50
PAGE_SIZE = 100


@dataclass
class Build:
    seconds: float
    peak_mb: float
    exit_code: int
    stderr: str


def write_config(folder: Path, sources: list[str], name: str) -> Path:
    kw = synthetic.settings_kwargs()
    config = folder / name
    config.write_text(
        f"sources = {json.dumps(sources)}\n"
        'out = "public"\n'
        'cache = "cache"\n'
        "\n[site]\n"
        f"title = {json.dumps(kw['title'])}\n"
        f"link = {json.dumps(kw['link'])}\n"
        f"language = {json.dumps(kw['language'])}\n"
        f"timezone = {json.dumps(kw['timezone'])}\n"
        f"limit = {LIMIT}\n"
        "\n[[feeds]]\n"
        "archive = true\n"
        f"page_size = {PAGE_SIZE}\n",
        encoding="utf-8",
    )
    return config


def run_build(config: Path, *options: str, profile: Path | None = None) -> Build:
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", "newsfeed", "build", "--config", str(config), "--quiet", *options]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(command, stderr=errors)
        # wait4 gives this child's own peak memory (ru_maxrss), not the
        # maximum over every child the benchmark has run.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        errors.seek(0)
        stderr = errors.read()
    return Build(seconds, usage.ru_maxrss / 1024, process.returncode, stderr)


def snapshot(out: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def measure(size: int, root: Path, profile: bool, uncached_too: bool) -> dict[str, object]:
    folder = root / str(size)
    folder.mkdir(parents=True, exist_ok=True)
    synthetic.write_jsonl(folder / "site.jsonl", size)
    # As an export written just before cron runs, however old the data kept here: the
    # full build then reads a file changed within the file system clock's last tick.
    os.utime(folder / "site.jsonl")
    newest = synthetic.record(-1)
    newest["id"] = "the-new-article"
    (folder / "new.jsonl").write_text(json.dumps(newest, ensure_ascii=False) + "\n")
    full_config = write_config(folder, ["site.jsonl"], "full.toml")
    again_config = write_config(folder, ["site.jsonl", "new.jsonl"], "again.toml")
    out = folder / "public"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(folder / "cache", ignore_errors=True)

    full = run_build(full_config)
    before = snapshot(out)
    again = run_build(again_config, profile=folder / "rebuild.prof" if profile else None)
    after = snapshot(out)
    written = sorted(p for p in after if before.get(p) != after[p])
    # The same rebuild reading every record again, as without the cache.
    uncached = run_build(again_config, "--no-cache") if uncached_too else None
    appended_record = synthetic.record(-2)
    appended_record["id"] = "the-appended-article"
    with synthetic.appended(folder / "site.jsonl", appended_record):
        appended = run_build(again_config)
    with synthetic.edited(folder / "site.jsonl"):
        edited = run_build(again_config)
    for build in (full, again, uncached, appended, edited):
        if build is not None and build.exit_code:
            raise SystemExit(f"build failed ({build.exit_code}): {build.stderr[-2000:]}")
    return {
        "size": size,
        "full": full,
        "again": again,
        "uncached": uncached,
        "appended": appended,
        "edited": edited,
        "written": [str(p.relative_to(out)) for p in written],
        "per_format": Counter(p.name for p in written),
        "files": len(after),
    }


def report(results: list[dict[str, object]]) -> str:
    smallest = results[0]
    base = smallest["full"].seconds / smallest["size"]  # type: ignore[attr-defined,operator]
    lines = [
        "| records | full build s | µs/entry | × smallest | peak MB | rebuild s | "
        "rebuild / full | rebuild peak MB | rebuild without cache s | without cache / full | "
        "appended rebuild s | appended / full | appended peak MB | "
        "edited rebuild s | edited / full | edited peak MB | files written by the rebuild |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in results:
        size: int = result["size"]  # type: ignore[assignment]
        full: Build = result["full"]  # type: ignore[assignment]
        again: Build = result["again"]  # type: ignore[assignment]
        uncached: Build | None = result["uncached"]  # type: ignore[assignment]
        appended: Build = result["appended"]  # type: ignore[assignment]
        edited: Build = result["edited"]  # type: ignore[assignment]
        per_entry = full.seconds / size
        written = ", ".join(result["written"]) or "none"  # type: ignore[arg-type]
        lines.append(
            f"| {size:,} | {full.seconds:.1f} | {per_entry * 1e6:.0f} | {per_entry / base:.2f} | "
            f"{full.peak_mb:.0f} | {again.seconds:.2f} | {again.seconds / full.seconds:.3f} | "
            f"{again.peak_mb:.0f} | {_seconds(uncached)} | {_share(uncached, full)} | "
            f"{appended.seconds:.2f} | "
            f"{appended.seconds / full.seconds:.3f} | {appended.peak_mb:.0f} | "
            f"{edited.seconds:.1f} | {edited.seconds / full.seconds:.3f} | {edited.peak_mb:.0f} | "
            f"{written} |"
        )
    return "\n".join(lines)


def _seconds(build: Build | None) -> str:
    return "-" if build is None else f"{build.seconds:.1f}"


def _share(build: Build | None, full: Build) -> str:
    return "-" if build is None else f"{build.seconds / full.seconds:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--dir", type=Path, default=Path("/var/tmp/newsfeed-scale"))
    parser.add_argument("--profile", action="store_true", help="profile the largest rebuild")
    parser.add_argument(
        "--skip-uncached",
        action="store_true",
        help="leave out the rebuild with --no-cache (as long as the full build)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for size in sizes:
        result = measure(
            size, args.dir, args.profile and size == max(sizes), not args.skip_uncached
        )
        results.append(result)
        print(report(results).splitlines()[-1], flush=True)
    print()
    print(report(results))
    if args.profile:
        import pstats

        stats = pstats.Stats(str(args.dir / str(max(sizes)) / "rebuild.prof"))
        stats.sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
