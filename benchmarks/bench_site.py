"""A newsroom's site: a fresh build, and the rebuild cron runs after one new article.

    python benchmarks/bench_site.py --dir /var/tmp/newsfeed-site
    PYTHONPATH=/path/to/other/src python benchmarks/bench_site.py --dir ...  # other code

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


def article(index: int) -> dict[str, Any]:
    """Record `index` of `records.py` in the site's 1,000 categories and 300 authors."""
    item = synthetic.record(index)
    item["categories"] = [
        f"Sección {index % CATEGORIES}",
        f"Sección {(index * 7 + 3) % CATEGORIES}",
    ]
    item["authors"] = [{"name": f"Autora {index % AUTHORS}"}]
    return item


def write_site(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "site.jsonl"
    marker = folder / f"site.jsonl.{count}.done"
    if not marker.exists():
        with source.open("w", encoding="utf-8") as handle:
            for index in range(count, 0, -1):  # oldest first, as an export grows
                handle.write(json.dumps(article(index), ensure_ascii=False) + "\n")
        marker.touch()
    kw = synthetic.settings_kwargs()
    config = folder / "site.toml"
    config.write_text(
        'sources = ["site.jsonl"]\nout = "public"\ncache = "cache"\n\n[site]\n'
        f"title = {json.dumps(kw['title'])}\nlink = {json.dumps(kw['link'])}\n"
        f"language = {json.dumps(kw['language'])}\ntimezone = {json.dumps(kw['timezone'])}\n"
        "limit = 50\n\n"
        "[[feeds]]\narchive = true\npage_size = 100\n\n"
        '[[feeds]]\npath = "seccion"\nfan_out = "category"\nformats = ["rss", "atom"]\n\n'
        '[[feeds]]\npath = "autora"\nfan_out = "author"\nformats = ["rss", "atom"]\n',
        encoding="utf-8",
    )
    return config


def compile_package() -> None:
    """Compile the measured package's bytecode once, as installing it does, so that no
    build pays for compiling it and every code measured runs the same way."""
    command = [sys.executable, "-c", "import newsfeed; print(newsfeed.__file__)"]
    package = Path(
        subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()
    )
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package.parent)], check=True)


def run_build(config: Path) -> Build:
    command = [sys.executable, "-m", "newsfeed", "build", "--config", str(config), "--quiet"]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(command, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status):
            errors.seek(0)
            raise SystemExit(f"build failed: {errors.read()[-2000:]}")
    return Build(seconds, usage.ru_maxrss / 1024)


def snapshot(out: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("/var/tmp/newsfeed-site"))
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args()
    folder: Path = args.dir
    config = write_site(folder, args.articles)
    compile_package()
    out = folder / "public"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(folder / "cache", ignore_errors=True)
    fresh = run_build(config)
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
