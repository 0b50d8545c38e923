"""Start-up: a command imports what it needs when it needs it. The times themselves are
measured by benchmarks/bench_startup.py; here, which modules each command loads."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import newsfeed

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "seed" / "000_3849fbab3ae65f18.txt"
#: What costs start-up time and a quick command needs none of.
HEAVY = (
    "feedgen", "lxml", "dateutil", "nh3", "sqlite3", "sqlalchemy", "markdown", "http.client",
    "urllib.request", "newsfeed.feed", "newsfeed.records", "newsfeed.validation", "newsfeed.serve",
    "newsfeed.sources", "newsfeed.publishing", "newsfeed.config", "newsfeed.show", "cmarkgfm",
    "multiprocessing", "uuid", "tomllib", "tomli",
)  # fmt: skip
#: What a build of text files from the command line's options never uses: the Markdown
#: renderer, a worker pool (one feed is too small for one), UUID keys (a database's),
#: TOML (a configuration file's), the podcast checks (its feeds have no podcast elements).
NOT_IN_A_SEED_BUILD = {
    "cmarkgfm", "multiprocessing", "uuid", "tomllib", "tomli", "newsfeed.validation.itunes",
    "newsfeed.validation.podcasting",
}  # fmt: skip


def loaded_after(code: str) -> set[str]:
    """The modules of HEAVY loaded in a fresh interpreter once `code` has run."""
    script = (
        "import json, sys\n"
        f"try:\n    exec({code!r})\nexcept SystemExit:\n    pass\n"
        f"heavy = {HEAVY!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(heavy))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_importing_the_package_loads_nothing_heavy() -> None:
    assert loaded_after("import newsfeed") == set()


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["build", "--help"], ["build"]])
def test_version_help_and_usage_errors_load_nothing_heavy(argv: list[str]) -> None:
    assert loaded_after(f"from newsfeed.cli import main; main({argv!r})") == set()


def test_a_build_of_files_loads_no_database_server_or_http_code(tmp_path: Path) -> None:
    argv = ["build", str(SEED), "--out", str(tmp_path), "--title", "N"]
    argv += ["--link", "https://noticias.example.org/", "--no-cache", "--quiet"]
    loaded = loaded_after(f"from newsfeed.cli import main; main({argv!r})")
    assert "newsfeed.feed" in loaded  # it did build
    assert loaded.isdisjoint(
        {"sqlalchemy", "newsfeed.serve", "newsfeed.show", "http.client", "urllib.request"}
    )


@pytest.mark.parametrize("cache", [["--no-cache"], ["--cache", "cache"]])
def test_a_build_of_the_seed_article_loads_only_what_it_uses(
    tmp_path: Path, cache: list[str]
) -> None:
    argv = ["build", str(SEED), "--out", str(tmp_path / "out"), "--title", "N"]
    argv += ["--link", "https://noticias.example.org/", "--quiet"]
    argv += [cache[0], *(str(tmp_path / name) for name in cache[1:])]
    loaded = loaded_after(f"from newsfeed.cli import main; main({argv!r})")
    assert "newsfeed.feed" in loaded  # it did build
    assert loaded.isdisjoint(NOT_IN_A_SEED_BUILD)


def test_markdown_and_a_configuration_file_load_what_they_need(tmp_path: Path) -> None:
    record = {"id": "a", "title": "A", "url": "https://noticias.example.org/a"}
    record |= {"published": "2026-01-01T00:00:00Z", "body": "*b*", "body_format": "markdown"}
    (tmp_path / "a.jsonl").write_text(json.dumps(record))
    site = tmp_path / "site.toml"
    site.write_text(
        'sources = ["a.jsonl"]\nout = "out"\ncache = false\n'
        '[site]\ntitle = "N"\nlink = "https://noticias.example.org/"\n'
    )
    code = f"from newsfeed.cli import main; main(['build', '--config', {str(site)!r}, '--quiet'])"
    loaded = loaded_after(code)
    toml = "tomllib" if sys.version_info >= (3, 11) else "tomli"
    assert {"newsfeed.feed", "cmarkgfm", toml} <= loaded
    assert "<em>b</em>" in (tmp_path / "out" / "feed.json").read_text()


@pytest.mark.parametrize("name", newsfeed.__all__)
def test_every_public_name_is_the_object_its_module_defines(name: str) -> None:
    value = getattr(newsfeed, name)
    if name == "__version__":
        assert value == importlib.import_module("newsfeed.version").__version__
        return
    module = importlib.import_module(newsfeed._EXPORTS[name])
    assert value is getattr(module, name)
    assert name in dir(newsfeed)


def test_the_exports_are_exactly_the_public_api() -> None:
    assert sorted(newsfeed.__all__) == sorted([*newsfeed._EXPORTS, "__version__"])


def test_validate_stays_the_function_after_its_package_is_imported() -> None:
    checks = importlib.import_module("newsfeed.validation")
    assert callable(newsfeed.validate)
    assert newsfeed.validate is checks.validate


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Feeds'"):
        newsfeed.Feeds  # noqa: B018


def test_the_help_budget_is_the_publishing_default() -> None:
    from newsfeed import cli
    from newsfeed.publishing import DEFAULT_MAX_BYTES

    assert cli.DEFAULT_MAX_BYTES == DEFAULT_MAX_BYTES
