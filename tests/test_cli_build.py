"""`newsfeed build` (README, "The command line"): files, messages, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from newsfeed import __version__, validate
from newsfeed.cli import main

ROOT = Path(__file__).resolve().parents[1]
SITE = "https://noticias.example.org/"
GOOD = {"id": "ja-1", "title": "Sube el cobre", "published": "2026-11-26T14:30:00-05:00"}
OTHER = {"id": "ja-2", "title": "Baja el oro", "published": "2026-11-25T09:00:00-05:00"}
BAD_DATE = {"id": "ja-3", "title": "Fecha imposible", "published": "31 de febrero de 2026"}
MESSAGE = re.compile(r"^(?P<source>[^\s:]+(?::\d+)?): (?P<level>error|warning): (?:\w+: )?\S.*$")
ATOM = "{http://www.w3.org/2005/Atom}"


def jsonl(path: Path, *records: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path


def feeds_in(folder: Path) -> list[str]:
    """The files a reader may fetch: the lock file and other hidden files are not feeds."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def build_args(source: Path, out: Path, *options: str) -> list[str]:
    return [
        "build",
        str(source),
        "--out",
        str(out),
        "--title",
        "Noticias",
        "--link",
        SITE,
        *options,
    ]


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return jsonl(tmp_path / "noticias.jsonl", GOOD, OTHER)


@pytest.fixture
def with_bad(tmp_path: Path) -> Path:
    return jsonl(tmp_path / "noticias.jsonl", GOOD, BAD_DATE, OTHER)


def test_build_writes_the_three_feeds(good: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert main(build_args(good, out)) == 0
    assert feeds_in(out) == ["atom.xml", "feed.json", "rss.xml"]


def test_build_names_what_it_wrote_on_stdout(good: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "public"
    main(build_args(good, out))
    assert capsys.readouterr().out.splitlines() == [
        f"{out / 'rss.xml'}: written (2 entries)",
        f"{out / 'atom.xml'}: written (2 entries)",
        f"{out / 'feed.json'}: written (2 entries)",
        "newsfeed: 3 written, 0 unchanged, skipped 0 records",
    ]


def test_second_build_of_the_same_records_reports_unchanged(
    good: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "public"
    main(build_args(good, out))
    capsys.readouterr()
    assert main(build_args(good, out)) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{out / 'rss.xml'}: unchanged (2 entries)",
        f"{out / 'atom.xml'}: unchanged (2 entries)",
        f"{out / 'feed.json'}: unchanged (2 entries)",
        "newsfeed: 0 written, 3 unchanged, skipped 0 records",
    ]


def test_quiet_build_prints_nothing_on_stdout(good: Path, tmp_path: Path, capsys) -> None:
    main(build_args(good, tmp_path / "public", "--quiet"))
    assert capsys.readouterr().out == ""


def test_build_exits_0_when_every_record_publishes(good: Path, tmp_path: Path, capsys) -> None:
    assert main(build_args(good, tmp_path / "public")) == 0
    assert capsys.readouterr().err == ""


def test_problems_go_to_stderr_as_source_line_level_field_message(
    with_bad: Path, tmp_path: Path, capsys
) -> None:
    jsonl(with_bad, {**GOOD, "tittle": "x"}, BAD_DATE, OTHER)
    main(build_args(with_bad, tmp_path / "public"))
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{with_bad}:1: warning: tittle: unknown field, left out of the feed",
        f"{with_bad}:2: error: published: cannot read '31 de febrero de 2026' as a date: "
        "day is out of range for month",
    ]
    assert "error" not in captured.out


def test_every_message_line_has_the_documented_shape(tmp_path: Path, capsys) -> None:
    source = jsonl(tmp_path / "x.jsonl", {"title": "Sin fecha"}, {**GOOD, "tittle": 1}, OTHER)
    (tmp_path / "x.csv").write_text("title,published\nSin fecha nunca,\n")
    main(
        ["build", str(tmp_path), "--out", str(tmp_path / "public"), "--title", "N", "--link", SITE]
    )
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) >= 3
    for line in lines:
        assert MESSAGE.match(line.replace(str(tmp_path), "DIR")), line
    assert f"{source}:1: error: published: missing; every article needs a date" in lines


def test_build_exits_3_when_a_bad_record_was_skipped(with_bad: Path, tmp_path: Path) -> None:
    assert main(build_args(with_bad, tmp_path / "public")) == 3


def test_build_with_a_skipped_record_still_writes_the_others(
    with_bad: Path, tmp_path: Path
) -> None:
    out = tmp_path / "public"
    main(build_args(with_bad, out))
    items = json.loads((out / "feed.json").read_bytes())["items"]
    assert [item["id"] for item in items] == ["ja-1", "ja-2"]


def test_build_summary_counts_the_skipped_records(with_bad: Path, tmp_path: Path, capsys) -> None:
    main(build_args(with_bad, tmp_path / "public"))
    assert capsys.readouterr().out.splitlines()[-1] == (
        "newsfeed: 3 written, 0 unchanged, skipped 1 records"
    )


def test_strict_build_exits_1_with_a_bad_record(with_bad: Path, tmp_path: Path) -> None:
    assert main(build_args(with_bad, tmp_path / "public", "--strict")) == 1


def test_strict_build_with_a_bad_record_writes_nothing(with_bad: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    main(build_args(with_bad, out, "--strict"))
    assert not out.exists() or feeds_in(out) == []


def test_strict_build_exits_0_when_every_record_publishes(good: Path, tmp_path: Path) -> None:
    assert main(build_args(good, tmp_path / "public", "--strict")) == 0


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--link", "noticias.example.org"], "--link"),
        (["--link", "ftp://noticias.example.org/"], "--link"),
        (["--formats", "rss,pdf"], "--formats"),
        (["--base-url", "/feeds/"], "--base-url"),
        (["--timezone", "Lima/Perú"], "--timezone"),
        (["--limit", "0"], "--limit"),
    ],
)
def test_usage_error_exits_2(
    options: list[str], named: str, good: Path, tmp_path: Path, capsys
) -> None:
    with pytest.raises(SystemExit) as exit:
        main([*build_args(good, tmp_path / "public"), *options])
    assert exit.value.code == 2
    assert named in capsys.readouterr().err
    assert not (tmp_path / "public").exists()


def test_missing_required_option_exits_2(good: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["build", str(good), "--out", str(tmp_path / "public"), "--link", SITE])
    assert exit.value.code == 2


def test_formats_rss_writes_only_rss(good: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert main(build_args(good, out, "--formats", "rss")) == 0
    assert feeds_in(out) == ["rss.xml"]


def test_base_url_sets_the_self_links(good: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    main(build_args(good, out, "--base-url", "https://cdn.example.org/feeds/"))
    rss = etree.parse(str(out / "rss.xml")).getroot()
    atom = etree.parse(str(out / "atom.xml")).getroot()
    rss_self = [e.get("href") for e in rss.iter(f"{ATOM}link") if e.get("rel") == "self"]
    atom_self = [e.get("href") for e in atom.findall(f"{ATOM}link") if e.get("rel") == "self"]
    assert rss_self == ["https://cdn.example.org/feeds/rss.xml"]
    assert atom_self == ["https://cdn.example.org/feeds/atom.xml"]
    feed_url = json.loads((out / "feed.json").read_bytes())["feed_url"]
    assert feed_url == "https://cdn.example.org/feeds/feed.json"


def test_author_sets_the_feed_author(good: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    main(build_args(good, out, "--author", "Redacción <redaccion@example.org>"))
    rss = etree.parse(str(out / "rss.xml")).getroot()
    atom = etree.parse(str(out / "atom.xml")).getroot()
    assert rss.findtext("channel/managingEditor") == "redaccion@example.org (Redacción)"
    assert [a.findtext(f"{ATOM}name") for a in atom.findall(f"{ATOM}author")] == ["Redacción"]
    assert json.loads((out / "feed.json").read_bytes())["authors"] == [{"name": "Redacción"}]


def test_readme_first_command_builds_three_valid_feeds(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "public"
    code = main(
        [
            "build", "examples/articles", "--out", str(out),
            "--title", "Noticias de ejemplo", "--link", "https://noticias.example.org/",
            "--language", "es", "--timezone", "America/Lima",
        ]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert validate(out / "rss.xml") == []
    assert validate(out / "atom.xml") == []
    items = json.loads((out / "feed.json").read_bytes())["items"]
    assert len(items) == 3


def test_readme_first_command_reads_the_seed_article_as_documented(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "public"
    main(
        [
            "build", "examples/articles", "--out", str(out), "--quiet",
            "--title", "Noticias de ejemplo", "--link", "https://noticias.example.org/",
            "--language", "es", "--timezone", "America/Lima",
        ]
    )  # fmt: skip
    item = etree.parse(str(out / "rss.xml")).getroot().find("channel/item")
    assert item is not None
    assert item.findtext("link") == (
        "https://noticias.example.org/mundo/2026/11/26/estados-unidos-reafirma-alianza-con-peru.shtml"
    )
    assert item.findtext("pubDate") == "Thu, 26 Nov 2026 14:30:00 -0500"
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Paul Monzón"


# -- as a real process ------------------------------------------------------------------------


def test_python_m_newsfeed_prints_the_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsfeed", "--version"], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout) == (0, f"newsfeed {__version__}\n")


def test_a_build_as_a_process_leaves_its_whole_report_in_the_pipes(tmp_path: Path) -> None:
    # The program leaves without finalising the interpreter: its streams are flushed first.
    source = jsonl(tmp_path / "a.jsonl", GOOD, BAD_DATE)
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    result = subprocess.run(
        [sys.executable, "-m", "newsfeed", *build_args(source, tmp_path / "out"), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=120,
        env=buffered,
    )
    assert result.returncode == 3
    assert result.stdout.endswith("newsfeed: 3 written, 0 unchanged, skipped 1 records\n")
    assert result.stderr.count("\n") == 1
    assert "published" in result.stderr


def test_console_script_prints_help_with_the_exit_codes() -> None:
    script = Path(sys.executable).with_name("newsfeed")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "build" in result.stdout
    assert "3  feeds written, but some records were skipped" in result.stdout


def test_an_unknown_encoding_is_a_usage_error(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["build", str(tmp_path), "--out", str(tmp_path / "out"), "--title", "T",
              "--link", "https://example.org/", "--encoding", "klingon"])  # fmt: skip
    assert exit_info.value.code == 2
    assert "--encoding: unknown encoding 'klingon'" in capsys.readouterr().err


def test_a_source_that_cannot_be_read_writes_nothing_and_keeps_the_old_feeds(
    tmp_path: Path, capsys
) -> None:
    records = tmp_path / "records"
    records.mkdir()
    jsonl(records / "x.jsonl", GOOD, OTHER)
    out = tmp_path / "public"
    main(["build", str(records), "--out", str(out), "--title", "N", "--link", SITE])
    before = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    (records / "roto.json").write_text("[{]")
    capsys.readouterr()

    code = main(["build", str(records), "--out", str(out), "--title", "N", "--link", SITE])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err[0].startswith(f"{records / 'roto.json'}:1: error: not valid JSON: ")
    assert err[-1] == (
        "newsfeed: 1 source(s) could not be read: nothing written, "
        "so the feeds keep their last good version"
    )
    assert {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")} == before


def test_a_title_given_with_spaces_is_written_without_them(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "x.jsonl", GOOD)
    out = tmp_path / "public"
    main(["build", str(source), "--out", str(out), "--title", "  Noticias  ", "--link", SITE])
    assert json.loads((out / "feed.json").read_bytes())["title"] == "Noticias"


def test_a_wrong_config_value_is_one_line_naming_file_line_and_key(tmp_path: Path, capsys) -> None:
    config = tmp_path / "site.toml"
    config.write_text('out = "public"\n\n[site]\ntitle = "T"\nlink = "noticias"\n')

    assert main(["build", "--config", str(config)]) == 2
    assert capsys.readouterr().err == (
        f"{config}:5: error: site.link: 'noticias' is not an absolute http(s) URL\n"
    )


def test_an_output_folder_that_cannot_be_made_is_one_clear_error(tmp_path: Path, capsys) -> None:
    source = jsonl(tmp_path / "x.jsonl", GOOD)
    taken = tmp_path / "a-file"
    taken.write_text("not a folder")

    code = main(["build", str(source), "--out", str(taken), "--title", "N", "--link", SITE])
    assert code == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"newsfeed: cannot write {taken}: File exists"
    )
