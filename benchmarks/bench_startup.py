"""Start-up: how long the `newsfeed` command takes to answer, measured as a user runs it.

python benchmarks/bench_startup.py [--runs 21]

Each command runs `--runs` times in a fresh process (interleaved, so that a burst of load
on a shared machine hits every command alike); the report is the median wall time of each,
and its ratio to `python -c pass` measured the same way, which is what start-up costs on
this machine at this moment, and the median CPU time (user+sys) of each, which a
loaded machine inflates far less than the wall time. Targets: --version and --help under
0.1 s, a build of the seed article (with no cache, and with a warm one) under 0.25 s,
everything included. The package runs from .pyc files, as an installed copy does; the
first round, which writes them, is not counted. Nothing here is a test: it only reports.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "seed" / "000_3849fbab3ae65f18.txt"
#: (name, arguments after the interpreter, target in seconds or None)
COMMANDS: list[tuple[str, list[str], float | None]] = [
    ("python -c pass", ["-c", "pass"], None),
    ("newsfeed --version", ["-m", "newsfeed", "--version"], 0.1),
    ("newsfeed --help", ["-m", "newsfeed", "--help"], 0.1),
    ("newsfeed build --help", ["-m", "newsfeed", "build", "--help"], 0.1),
    # Arguments made per run (a fresh output folder): without a cache, and with one
    # that earlier runs filled, as a site's repeated builds have.
    ("newsfeed build --no-cache (seed article)", ["--no-cache"], 0.25),
    ("newsfeed build --cache (seed article)", ["--cache"], 0.25),
]


def build_args(cache: str, folder: Path, run: int) -> list[str]:
    caching = ["--no-cache"] if cache == "--no-cache" else ["--cache", str(folder / "cache")]
    return [
        "-m", "newsfeed", "build", str(SEED), "--out", str(folder / f"out{run}-{cache}"),
        "--title", "Noticias", "--link", "https://noticias.example.org/", *caching, "--quiet",
        "--accept-url-ids",
    ]  # fmt: skip


#: The installed `newsfeed` script, as a user runs it; else `python -m newsfeed`.
SCRIPT = Path(sys.executable).with_name("newsfeed")


def command_line(arguments: list[str]) -> list[str]:
    if arguments[:2] == ["-m", "newsfeed"] and SCRIPT.exists():
        return [str(SCRIPT), *arguments[2:]]
    return [sys.executable, *arguments]


def run_once(arguments: list[str], environ: dict[str, str]) -> tuple[float, float]:
    """(wall time, CPU time of the process): on a machine shared with other work the CPU
    time is near what the wall time would be on an idle one."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command_line(arguments),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environ,
        check=False,
        timeout=60,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each command (default 21)")
    options = parser.parse_args()
    wall: dict[str, list[float]] = {name: [] for name, _, _ in COMMANDS}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in COMMANDS}
    with tempfile.TemporaryDirectory() as folder:
        # An installed copy runs from .pyc files (pip writes them; Python does on a
        # first run): with PYTHONDONTWRITEBYTECODE set, every run would compile the
        # package again and time that instead. They go to a folder of this run's own.
        environ = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        environ.pop("PYTHONDONTWRITEBYTECODE", None)
        environ["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        for run in range(options.runs + 1):
            for name, arguments, _ in COMMANDS:
                if arguments[0].startswith("--"):
                    arguments = build_args(arguments[0], Path(folder), run)
                elapsed, used = run_once(arguments, environ)
                if run:  # the first round warms the disk cache and .pyc files
                    wall[name].append(elapsed)
                    cpu[name].append(used)
    baseline = statistics.median(wall["python -c pass"])
    how = SCRIPT if SCRIPT.exists() else "python -m newsfeed"
    print(f"{options.runs} runs each, medians (python {sys.version.split()[0]}, {how})\n")
    print("| command | wall | ratio to `python -c pass` | CPU (user+sys) | target | met |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, _, target in COMMANDS:
        median = statistics.median(wall[name])
        met = "" if target is None else ("yes" if median < target else "no")
        shown = "" if target is None else f"{target:.2f} s"
        print(
            f"| {name} | {median:.3f} s | {median / baseline:.1f} "
            f"| {statistics.median(cpu[name]):.3f} s | {shown} | {met} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
