"""A newsroom's site: a fresh build, and the rebuild cron runs after one new article.

    python benchmarks/bench_site.py --dir /var/tmp/newsfeed-site
    PYTHONPATH=/path/to/other/src python benchmarks/bench_site.py --dir ...  # other code
    python benchmarks/bench_site.py --dir ... --against /path/to/other/src --rounds 5

The site of issue 11: 20,000 articles (`records.py`, with two of 1,000
categories and one of 300 authors each) in one JSON Lines file, a main feed
(RSS, Atom, JSON Feed; limit 50) with RFC 5005 archives of 100 entries a
page, and a feed per category and per author in RSS and Atom. Each build is
a fresh `newsfeed build --config` process, as cron runs it:

1. the fresh build, into an empty output folder with an empty cache;
2. the rebuild after one new article appended to the file (removed after).

It prints each build's wall time and peak memory, the rebuild's share of
the fresh build, how many files the rebuild wrote, and whether they are the
ones that hold the new article.

With `--against`, it first times fresh builds of this code and of the code
in that source folder (another checkout's `src`) in turn, `--rounds` times
each, into folders of their own: a shared machine's speed drifts by a third
from one minute to the next, so each round's ratio is of two builds run one
after the other, and the ratio of the fastest builds of each is given too.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import records as synthetic

CATEGORIES = 1_000
AUTHORS = 300


@dataclass
class Build:
    seconds: float
    peak_mb: float
    cpu_seconds: float  # user and system time, the build's processes together


def article(index: int) -> dict[str, Any]:
    """Record `index` of `records.py` in the site's 1,000 categories and 300 authors."""
    item = synthetic.record(index)
    item["categories"] = [
        f"Sección {index % CATEGORIES}",
        f"Sección {(index * 7 + 3) % CATEGORIES}",
    ]
    item["authors"] = [{"name": f"Autora {index % AUTHORS}"}]
    return item


def built_folders(name: str) -> tuple[str, str]:
    """The output and cache folders of configuration `name`."""
    return ("public", "cache") if name == "site" else (f"public-{name}", f"cache-{name}")


def write_site(folder: Path, count: int, name: str = "site") -> Path:
    """The site's source (written once) and its configuration `name`.toml, which
    writes `name`'s output and cache folders."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "site.jsonl"
    marker = folder / f"site.jsonl.{count}.done"
    if not marker.exists():
        with source.open("w", encoding="utf-8") as handle:
            for index in range(count, 0, -1):  # oldest first, as an export grows
                handle.write(json.dumps(article(index), ensure_ascii=False) + "\n")
        marker.touch()
    kw = synthetic.settings_kwargs()
    out, cache = built_folders(name)
    config = folder / f"{name}.toml"
    config.write_text(
        f'sources = ["site.jsonl"]\nout = "{out}"\ncache = "{cache}"\n\n[site]\n'
        f"title = {json.dumps(kw['title'])}\nlink = {json.dumps(kw['link'])}\n"
        f"language = {json.dumps(kw['language'])}\ntimezone = {json.dumps(kw['timezone'])}\n"
        "limit = 50\n\n"
        "[[feeds]]\narchive = true\npage_size = 100\n\n"
        '[[feeds]]\npath = "seccion"\nfan_out = "category"\nformats = ["rss", "atom"]\n\n'
        '[[feeds]]\npath = "autora"\nfan_out = "author"\nformats = ["rss", "atom"]\n',
        encoding="utf-8",
    )
    return config


def code_env(source: Path | None) -> dict[str, str]:
    """The environment that runs the code in `source` (None: the code this runs)."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    return env


def compile_package(source: Path | None = None) -> None:
    """Compile the measured package's bytecode once, as installing it does, so that no
    build pays for compiling it and every code measured runs the same way."""
    command = [sys.executable, "-c", "import newsfeed; print(newsfeed.__file__)"]
    found = subprocess.run(
        command, check=True, capture_output=True, text=True, env=code_env(source)
    )
    package = Path(found.stdout.strip())
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package.parent)], check=True)


def run_build(config: Path, source: Path | None = None) -> Build:
    command = [sys.executable, "-m", "newsfeed", "build", "--config", str(config), "--quiet"]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(command, stderr=errors, env=code_env(source))
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status):
            errors.seek(0)
            raise SystemExit(f"build failed: {errors.read()[-2000:]}")
    return Build(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def snapshot(out: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def fresh_build(folder: Path, config: Path, source: Path | None = None) -> Build:
    for made in built_folders(config.stem):
        shutil.rmtree(folder / made, ignore_errors=True)
    return run_build(config, source)


def compare(folder: Path, count: int, against: Path, rounds: int) -> None:
    """Fresh builds of this code and of the code in `against`, in turn, `rounds` each."""
    ours, theirs = write_site(folder, count), write_site(folder, count, "against")
    compile_package(against)
    print("| round | this code s | its CPU s | other code s | its CPU s | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    builds = []
    for number in range(1, rounds + 1):
        mine, other = fresh_build(folder, ours), fresh_build(folder, theirs, against)
        builds.append((mine, other))
        print(
            f"| {number} | {mine.seconds:.1f} | {mine.cpu_seconds:.1f} | {other.seconds:.1f} | "
            f"{other.cpu_seconds:.1f} | {mine.seconds / other.seconds:.2f} |",
            flush=True,
        )
    fastest = min(m.seconds for m, _ in builds), min(o.seconds for _, o in builds)
    print(
        f"\nfastest builds: {fastest[0]:.1f} s and {fastest[1]:.1f} s, "
        f"ratio {fastest[0] / fastest[1]:.2f}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("/var/tmp/newsfeed-site"))
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--against", type=Path, help="another checkout's src folder")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder: Path = args.dir
    config = write_site(folder, args.articles)
    compile_package()
    if args.against is not None:
        compare(folder, args.articles, args.against, args.rounds)
    out = folder / "public"
    fresh = fresh_build(folder, config)
    before = snapshot(out)
    new = article(0)
    new["id"] = new["url"] = synthetic.SITE + "la-nueva.html"
    with synthetic.appended(folder / "site.jsonl", new):
        rebuild = run_build(config)
    after = snapshot(out)
    written = sorted(p for p in after if before.get(p) != after[p])
    marker = new["url"].encode()
    holding = sorted(
        p for p in after if p.suffix in (".xml", ".json") and marker in p.read_bytes()
    )
    files = [p for p in written if not p.name.startswith(".")]
    print(
        "| articles | files | fresh build s | fresh peak MB | rebuild s | rebuild / fresh | "
        "rebuild peak MB | files the rebuild wrote | files holding the new article |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.articles:,} | {len(after):,} | {fresh.seconds:.1f} | {fresh.peak_mb:.0f} | "
        f"{rebuild.seconds:.2f} | {rebuild.seconds / fresh.seconds:.3f} | "
        f"{rebuild.peak_mb:.0f} | {len(files)} | {len(holding)} |"
    )
    print()
    print("written:", ", ".join(str(p.relative_to(out)) for p in files))
    extra = sorted(set(files) - set(holding))
    print("written but not holding it:", ", ".join(str(p.relative_to(out)) for p in extra) or "-")


if __name__ == "__main__":
    main()
