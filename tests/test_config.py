"""A site described in TOML: every key read, every mistake named with its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsfeed.cli import main
from newsfeed.config import FEED_KEYS, SITE_KEYS, TOP_KEYS, ConfigError, load, with_overrides
from newsfeed.model import Author
from newsfeed.publishing import FeedPlan, Selection
from newsfeed.validation import validate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "site.toml"

BASE = """\
sources = ["articles"]
out = "public"

[site]
title = "Noticias"
link = "https://noticias.example.org/"
timezone = "America/Lima"

[[feeds]]
path = ""
archive = true

[[feeds]]
path = "category"
title = "Por sección"
fan_out = "category"
"""


def write_config(folder: Path, text: str) -> Path:
    path = folder / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(folder: Path, text: str) -> str:
    path = write_config(folder, text)
    with pytest.raises(ConfigError) as info:
        load(path)
    return str(info.value).removeprefix(str(path))


# -- the example ------------------------------------------------------------------


def test_the_example_sets_every_site_setting() -> None:
    settings = load(EXAMPLE).site.settings
    assert settings.title == "Noticias de ejemplo"
    assert settings.link == "https://noticias.example.org/"
    assert settings.base_url == "https://noticias.example.org/feeds/"
    assert settings.description == "Noticias de Perú y del mundo"
    assert settings.language == "es"
    assert settings.timezone == "America/Lima"
    assert settings.authors == (Author("Redacción", "redaccion@example.org"),)
    assert settings.image == "https://noticias.example.org/logo.png"
    assert settings.icon == "https://noticias.example.org/favicon.png"
    assert settings.rights == "© 2026 Noticias de ejemplo"
    assert settings.ttl == 30
    assert settings.limit == 50


def test_the_example_sets_sources_out_encoding_and_lock_timeout() -> None:
    config = load(EXAMPLE)
    assert config.sources == (str(EXAMPLE.parent / "articles"),)
    assert config.site.out == EXAMPLE.parent.parent / "public"
    assert config.encoding == "utf-8"
    assert config.site.lock_timeout == 60.0


def test_the_example_describes_four_feeds() -> None:
    assert load(EXAMPLE).site.plans == (
        FeedPlan(path="", formats=("rss", "atom", "json"), archive=True, page_size=50),
        FeedPlan(path="category", fan_out="category", formats=("rss", "atom")),
        FeedPlan(path="author", fan_out="author", formats=("atom",)),
        FeedPlan(
            path="ciencia",
            title="Noticias de ejemplo: ciencia",
            selection=Selection(categories=frozenset({"ciencia", "astronomía"})),
            formats=("rss",),
            max_bytes=1048576,
        ),
    )


def test_the_example_shows_every_key_set_or_commented_out() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    shown = set(re.findall(r"^(?:# )?(\w+) = ", text, re.MULTILINE))
    shown |= set(re.findall(r"^\[\[?(\w+)\]\]?$", text, re.MULTILINE))
    assert shown >= SITE_KEYS | TOP_KEYS | FEED_KEYS


def test_the_readmes_first_command_builds_the_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"\bnewsfeed build[^\n`]*", readme)
    assert first is not None
    assert first.group() == "newsfeed build --config examples/site.toml"


def test_the_example_builds_files_that_validate_without_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--config", str(EXAMPLE), "--out", str(tmp_path), "--quiet"]) == 0
    documents = sorted(tmp_path.rglob("*.xml"))
    assert len(documents) == 15
    assert {str(p): validate(p) for p in documents} == {str(p): [] for p in documents}
    assert capsys.readouterr().out == ""


# -- sources ------------------------------------------------------------------------


def test_sources_expand_globs_in_path_order_relative_to_the_file(tmp_path: Path) -> None:
    for name in ("exports/b.jsonl", "exports/a.jsonl", "exports/old/c.jsonl", "notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    path = write_config(
        tmp_path, BASE.replace('["articles"]', '["exports/**/*.jsonl", "notes.txt"]')
    )
    assert load(path).sources == tuple(
        str(tmp_path / name)
        for name in ("exports/a.jsonl", "exports/b.jsonl", "exports/old/c.jsonl", "notes.txt")
    )


def test_a_glob_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    text = BASE.replace('["articles"]', '["exports/*.jsonl"]')
    assert error_of(tmp_path, text) == (
        ":1: error: sources: 'exports/*.jsonl' matches no file "
        "(an empty source would empty every feed)"
    )


# -- mistakes, each one error naming the key and its line ------------------------------

MISTAKES = [
    # (line replaced, its replacement, key named, message)
    ('out = "public"', 'out = "public"\ncolour = "red"', "colour", "unknown key; expected"),
    ('title = "Noticias"', 'titel = "Noticias"', "site.titel", "unknown key; expected"),
    (
        'link = "https://noticias.example.org/"',
        'link = "noticias.example.org"',
        "site.link",
        "'noticias.example.org' is not an absolute http(s) URL",
    ),
    ('timezone = "America/Lima"', 'timezone = "Mars/Olympus"', "site.timezone", "Mars/Olympus"),
    ('timezone = "America/Lima"', 'language = "español"', "site.language", "BCP 47"),
    ('timezone = "America/Lima"', 'ttl = "30"', "site.ttl", "must be a whole number"),
    ('timezone = "America/Lima"', "limit = 0", "site.limit", "at least 1"),
    ('timezone = "America/Lima"', "authors = [3]", "site.authors", "each author is"),
    (
        'timezone = "America/Lima"',
        'authors = [{name = "Ana", email = 3}]',
        "site.authors",
        "email must be text, not int",
    ),
    ('out = "public"', "out = 3", "out", "must be a non-empty string"),
    ('out = "public"', 'out = "public"\nmax_bytes = -1', "max_bytes", "at least 0"),
    ('out = "public"', 'out = "public"\nlock_timeout = "soon"', "lock_timeout", "seconds"),
    ('out = "public"', 'out = "public"\nlock_timeout = -1', "lock_timeout", "seconds"),
    ('out = "public"', 'out = "public"\nencoding = "klingon"', "encoding", "unknown encoding"),
    ('out = "public"', 'out = "public"\ncache = 3', "cache", "a folder, or true or false"),
    ('out = "public"', 'out = "public"\njobs = 0', "jobs", "at least 1"),
    ('out = "public"', 'out = "public"\njobs = "all"', "jobs", "whole number"),
    ('out = "public"', 'out = "public"\ncache = " "', "cache", "a folder, or true or false"),
    ('sources = ["articles"]', "sources = 3", "sources", "list of paths"),
    ('fan_out = "category"', 'fan_out = "tag"', "feeds[2].fan_out", "'category' or 'author'"),
    ('fan_out = "category"', 'formats = ["rss", "pdf"]', "feeds[2].formats", "'rss', 'atom'"),
    ('fan_out = "category"', 'colour = "red"', "feeds[2].colour", "unknown key"),
    ('fan_out = "category"', "categories = [1]", "feeds[2].categories", "list of strings"),
    ('fan_out = "category"', "max_bytes = 1.5", "feeds[2].max_bytes", "whole number"),
    ('title = "Por sección"', 'title = ""', "feeds[2].title", "non-empty string"),
    ("archive = true", 'archive = "yes"', "feeds[1].archive", "true or false"),
    ("archive = true", "archive = true\npage_size = 0", "feeds[1].page_size", "at least 1"),
    ('path = "category"', 'path = "../etc"', "feeds[2].path", "without '..'"),
    (
        'fan_out = "category"',
        'fan_out = "category"\n\n[[feeds]]\npath = "category/"\nfan_out = "category"',
        "feeds[3].path",
        "could also be the folder of the category fan-out at 'category' in feeds[2] (line 14)",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "key", "message"), MISTAKES, ids=[m[1].split("\n")[-1] for m in MISTAKES]
)
def test_a_mistake_is_one_error_naming_the_key_and_its_line(
    tmp_path: Path, old: str, new: str, key: str, message: str
) -> None:
    text = BASE.replace(old, new, 1)
    line = text[: text.index(new) + len(new)].count("\n") + 1
    if key.endswith("path") and "\n" in new:
        line -= 1  # the wrong path, not the line after it
    error = error_of(tmp_path, text)
    assert error.startswith(f":{line}: error: {key}: ")
    assert message in error
    assert "\n" not in error


def test_cache_is_on_by_default_a_folder_relative_to_the_file_or_off(tmp_path: Path) -> None:
    assert load(write_config(tmp_path, BASE)).cache is True
    folder = load(write_config(tmp_path, 'cache = "state/cache"\n' + BASE)).cache
    assert folder == tmp_path / "state" / "cache"
    assert load(write_config(tmp_path, "cache = false\n" + BASE)).cache is False


def test_a_missing_required_key_names_its_table(tmp_path: Path) -> None:
    text = BASE.replace('title = "Noticias"\n', "")
    assert error_of(tmp_path, text) == ":4: error: site.title: is required"


def test_a_missing_required_top_level_key_names_no_line_of_a_table(tmp_path: Path) -> None:
    assert error_of(tmp_path, BASE.replace('out = "public"\n', "")) == ": error: out: is required"


def test_a_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    text = BASE.replace("archive = true", "archive = ")
    assert error_of(tmp_path, text).startswith(":11: error: file: not valid TOML: Invalid value")


# -- the command line over the file -------------------------------------------------------


def test_values_given_to_with_overrides_win_and_none_keeps_the_files(tmp_path: Path) -> None:
    config = load(write_config(tmp_path, BASE))
    changed = with_overrides(config, title="Otro título", limit=3, out=None, language=None)
    assert changed.site.settings.title == "Otro título"
    assert changed.site.settings.limit == 3
    assert changed.site.out == config.site.out
    assert changed.site.settings.language is None


def test_command_line_options_override_the_file(tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    code = main(
        [
            "build",
            "--config",
            str(EXAMPLE),
            "--out",
            str(out),
            "--title",
            "Otro título",
            "--limit",
            "2",
            "--formats",
            "rss",
            "--quiet",
        ]
    )
    assert code == 0
    assert sorted(p.name for p in out.glob("*.*") if p.is_file() and p.name[0] != ".") == [
        "rss.xml"
    ]
    rss = (out / "rss.xml").read_text(encoding="utf-8")
    assert "<title>Otro título</title>" in rss
    assert rss.count("<item>") == 2
