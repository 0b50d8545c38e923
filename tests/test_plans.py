"""Plans that cannot collide: fan-out folders of their own, and feeds that would
write the same files refused before anything is read."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import feedparser  # type: ignore[import-untyped]
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import newsfeed
from newsfeed.cli import main
from newsfeed.config import ConfigError, load
from newsfeed.model import FeedSettings
from newsfeed.publishing import FeedPlan, Site, plans, publish
from newsfeed.publishing.plans import (
    MAX_FOLDER_BYTES,
    PlanCollision,
    could_be_fan_out_folder,
    fan_out_folder,
    fan_out_folders,
)
from newsfeed.text import fold_name

SITE = "https://noticias.example.org/"
SETTINGS = FeedSettings(title="Noticias", link=SITE, language="es")
#: A letter of four bytes in UTF-8 (CJK Extension B) that NFKD leaves alone.
WIDE = "\U00020000"


def record(n: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"n-{n}",
        "url": f"{SITE}n/{n}.shtml",
        "title": f"Noticia {n}",
        "published": f"2026-11-{n:02d}T10:00:00-05:00",
        **fields,
    }


def build_fan_out(tmp_path: Path, names: list[str]) -> Path:
    """A category fan-out of one article per name, in RSS; the fan-out's folder."""
    reading = newsfeed.read_articles(
        [record(n, categories=[name]) for n, name in enumerate(names, 1)], SETTINGS
    )
    assert reading.errors == []
    plan = FeedPlan(path="category", fan_out="category", formats=("rss",))
    publish(Site(SETTINGS, tmp_path, (plan,)), reading.articles)
    return tmp_path / "category"


def ids_in(path: Path) -> list[str]:
    return [entry.id for entry in feedparser.parse(path.read_bytes()).entries]


# -- fan-out folders ------------------------------------------------------------------


def test_a_name_whose_slug_loses_only_case_accents_and_spacing_is_its_slug() -> None:
    assert fan_out_folder("Política Internacional") == "politica-internacional"
    assert fan_out_folder("e-commerce") == fan_out_folder("E commerce") == "e-commerce"
    assert fan_out_folder("Политика") == "политика"


def test_punctuation_between_words_is_spacing() -> None:
    assert fan_out_folder("Arts & Culture") == fan_out_folder("arts, culture") == "arts-culture"
    assert fan_out_folder("Women’s Rights") == "women-s-rights"
    assert fan_out_folder("U.S. Politics") == "u-s-politics"
    assert fan_out_folder("Opinión | Editorial") == "opinion-editorial"


def test_a_name_whose_slug_drops_other_characters_gets_a_digest() -> None:
    assert fan_out_folder("Yahoo!") == "yahoo_a8799672c1240582"
    assert fan_out_folder("100%") == "100_32e48995f98ce3b7"


def test_names_that_slug_alike_but_differ_get_folders_of_their_own(tmp_path: Path) -> None:
    folder = build_fan_out(tmp_path, ["C", "C++", "C#"])
    assert fan_out_folder("C") == "c"
    # The digest is of the name's fold: the same folder on every run, on every machine.
    assert fan_out_folder("C++") == "c_cedb1bac7efcd7db"
    assert fan_out_folder("C#") == "c_951a4d36e0a9018b"
    assert ids_in(folder / "c" / "rss.xml") == ["n-1"]
    assert ids_in(folder / "c_cedb1bac7efcd7db" / "rss.xml") == ["n-2"]
    assert ids_in(folder / "c_951a4d36e0a9018b" / "rss.xml") == ["n-3"]


def test_names_without_any_slug_get_folders_of_their_own(tmp_path: Path) -> None:
    folder = build_fan_out(tmp_path, ["!!!", "???"])
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [fan_out_folder("!!!"), fan_out_folder("???")]
    )
    assert fan_out_folder("!!!") != fan_out_folder("???")
    assert fan_out_folder("!!!").startswith("_")


def test_names_made_only_of_punctuation_between_words_get_folders_of_their_own(
    tmp_path: Path,
) -> None:
    names = [".", "..", "/", "-", "&"]
    folder = build_fan_out(tmp_path, names)
    folders = [fan_out_folder(name) for name in names]
    assert len(set(folders)) == len(names)
    assert sorted(p.name for p in folder.iterdir()) == sorted(folders)
    for n, name in enumerate(names, 1):
        assert ids_in(folder / fan_out_folder(name) / "rss.xml") == [f"n-{n}"]


def test_a_punctuation_name_has_a_digest_of_the_name_and_never_moves() -> None:
    # The SHA-256 of "." and of "..": fixed, on every run, on every machine.
    assert fan_out_folder(".") == "_cdb4ee2aea69cc6a"
    assert fan_out_folder("..") == "_5ec1f7e700f37c3d"
    assert could_be_fan_out_folder(fan_out_folder("."))


def test_a_punctuation_name_and_a_name_with_a_fold_never_share_a_folder() -> None:
    # "-" folds to nothing; no fold is made of punctuation between words alone.
    assert len(set(fan_out_folders(["-", "--", "!", "a-b", "a"]).values())) == 5


def test_a_category_of_64_four_byte_letters_is_shortened_to_fit(tmp_path: Path) -> None:
    name = WIDE * 64
    folder = build_fan_out(tmp_path, [name])
    (written,) = folder.iterdir()
    assert len(written.name.encode()) <= MAX_FOLDER_BYTES
    assert written.name == fan_out_folder(name)
    assert written.name.startswith(WIDE * 59) and written.name[-17] == "_"
    assert ids_in(written / "rss.xml") == ["n-1"]


def test_a_name_that_fits_in_255_bytes_keeps_its_slug() -> None:
    assert fan_out_folder(WIDE * 63) == WIDE * 63  # 252 bytes


def test_long_names_that_begin_alike_get_folders_of_their_own(tmp_path: Path) -> None:
    names = ["a" * 300 + "x", "a" * 300 + "y"]
    folder = build_fan_out(tmp_path, names)
    assert len(list(folder.iterdir())) == 2
    for n, name in enumerate(names, 1):
        assert ids_in(folder / fan_out_folder(name) / "rss.xml") == [f"n-{n}"]


def test_one_name_spelled_two_ways_shares_one_folder(tmp_path: Path) -> None:
    folder = build_fan_out(tmp_path, ["Economía", "ECONOMIA", "C++", "c++"])
    assert sorted(p.name for p in folder.iterdir()) == sorted(["economia", fan_out_folder("c++")])
    assert ids_in(folder / "economia" / "rss.xml") == ["n-2", "n-1"]


def test_names_whose_short_digests_agree_take_the_whole_digest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = plans.fan_out_folder
    # One hex digit: among 40 names with symbols, some digests must agree.
    monkeypatch.setattr(plans, "fan_out_folder", lambda name, digits=1: real(name, digits))
    names = [f"C{'+' * n}" for n in range(1, 41)]
    folders = fan_out_folders(names)
    assert len(set(folders.values())) == 40
    assert any(len(folder) == 2 + 64 for folder in folders.values())


@given(st.text(max_size=120))
def test_every_folder_is_one_short_visible_path_component(name: str) -> None:
    folder = fan_out_folder(name)
    assert 0 < len(folder.encode("utf-8", "surrogatepass")) <= MAX_FOLDER_BYTES
    assert "/" not in folder and "\0" not in folder and not folder.startswith(".")
    assert could_be_fan_out_folder(folder)


@given(st.text(max_size=20), st.text(max_size=20))
def test_names_share_a_folder_only_when_they_fold_alike(a: str, b: str) -> None:
    assume(fold_name(a) or fold_name(b))
    assert (fan_out_folder(a) == fan_out_folder(b)) == (fold_name(a) == fold_name(b))


@given(st.text(" .,/:;|&·-–—'\"()[]«»\u0301", max_size=6), st.text(" ./-", max_size=6))
def test_names_that_fold_to_nothing_share_a_folder_only_when_they_are_one_name(
    a: str, b: str
) -> None:
    assume(not fold_name(a) and not fold_name(b))
    one_name = unicodedata.normalize("NFC", a.casefold()) == unicodedata.normalize(
        "NFC", b.casefold()
    )
    assert (fan_out_folder(a) == fan_out_folder(b)) == one_name


@given(st.text(max_size=20))
def test_every_folder_a_fan_out_writes_is_one_it_is_known_to_write(name: str) -> None:
    # Else a fixed feed in that folder would not be refused beside the fan-out.
    assert could_be_fan_out_folder(fan_out_folder(name))


def test_a_feed_in_the_folder_of_a_letter_that_casefold_decomposes_is_refused() -> None:
    # casefold("ᾶ") is "ᾶ" decomposed, which no folder is.
    with pytest.raises(PlanCollision, match="could also be the folder of the category fan-out"):
        Site(
            SETTINGS,
            Path("public"),
            (FeedPlan("category", fan_out="category"), FeedPlan("category/\u1fb6")),
        )


# -- collisions in a site's configuration -------------------------------------------

MAIN = """\
sources = ["missing.jsonl"]
out = "public"

[site]
title = "Noticias"
link = "https://noticias.example.org/"

[[feeds]]
path = ""
archive = true
"""

COLLISIONS = [
    # (the second feed's table, the message)
    (
        'path = "archive"\nfan_out = "category"',
        "the folder of the category fan-out at 'archive' could also be an archive page "
        "of the main feed in feeds[1] (line 9)",
    ),
    (
        'path = ""\nfan_out = "author"',
        "the folder of the author fan-out at '' could also be the archive folder "
        "of the main feed in feeds[1] (line 9)",
    ),
    (
        'path = "archive/3"',
        "the folder of 'archive/3' could also be an archive page of the main feed "
        "in feeds[1] (line 9)",
    ),
    (
        'path = "rss.xml/extra"',
        "'rss.xml' is a folder of this feed but a file of the main feed in feeds[1] (line 9)",
    ),
    (
        'path = "./"',
        "the folder of the main feed could also be the folder of the main feed in feeds[1] "
        "(line 9)",
    ),
    (
        'path = "cache/.state"',
        "'.state' begins with '.', as the names newsfeed keeps its state in",
    ),
]


@pytest.mark.parametrize(("table", "message"), COLLISIONS, ids=[c[0] for c in COLLISIONS])
def test_a_feed_that_could_write_another_feeds_files_is_an_error_naming_both(
    tmp_path: Path, table: str, message: str
) -> None:
    config = tmp_path / "site.toml"
    config.write_text(MAIN + "\n[[feeds]]\n" + table + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(config)
    assert str(info.value) == f"{config}:13: error: feeds[2].path: {message}"


FAN_OUTS = """\
sources = ["missing.jsonl"]
out = "public"

[site]
title = "Noticias"
link = "https://noticias.example.org/"

[[feeds]]
path = "category"
fan_out = "category"

[[feeds]]
"""


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'path = "category/ana"',
            "the folder of 'category/ana' could also be the folder of the category fan-out "
            "at 'category' in feeds[1] (line 9)",
        ),
        (
            'path = "Category/2026"',
            "the folder of 'Category/2026' could also be the folder of the category fan-out "
            "at 'category' in feeds[1] (line 9)",
        ),
        (
            'path = "category"\nfan_out = "author"',
            "the folder of the author fan-out at 'category' could also be the folder of the "
            "category fan-out at 'category' in feeds[1] (line 9)",
        ),
    ],
)
def test_a_fan_out_owns_every_folder_below_its_path_a_value_could_name(
    tmp_path: Path, table: str, message: str
) -> None:
    config = tmp_path / "site.toml"
    config.write_text(FAN_OUTS + table + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(config)
    assert str(info.value) == f"{config}:13: error: feeds[2].path: {message}"


@pytest.mark.parametrize(
    "table",
    [
        'path = "category"',  # every categorised article, beside one feed per category
        'path = "category/v1.0"',  # a fan-out folder never holds a "."
        'path = "category/ana/extra"',  # below a fan-out feed's folder, not in it
        'path = ""\narchive = true',  # the main feed's archive is not a fan-out's folder
        'path = "author"\nfan_out = "author"',
    ],
)
def test_feeds_that_cannot_write_the_same_files_are_fine(tmp_path: Path, table: str) -> None:
    config = tmp_path / "site.toml"
    config.write_text(FAN_OUTS + table + "\n", encoding="utf-8")
    assert len(load(config).site.plans) == 2


def test_a_collision_is_found_before_any_source_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "site.toml"
    config.write_text(FAN_OUTS + 'path = "category/ana"\n', encoding="utf-8")
    assert main(["build", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{config}:13: error: feeds[2].path: ")
    assert err.count("\n") == 1 and "missing.jsonl" not in err
    assert not (tmp_path / "public").exists()


def test_a_site_made_in_python_with_colliding_plans_is_refused() -> None:
    with pytest.raises(PlanCollision) as info:
        Site(SETTINGS, Path("public"), (FeedPlan(archive=True), FeedPlan(path="archive/1")))
    assert str(info.value) == (
        "feeds[2].path: the folder of 'archive/1' could also be an archive page "
        "of the main feed in feeds[1]"
    )


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/srv/www", "must be a folder below `out`, without '..'"),
        ("news/../../etc", "must be a folder below `out`, without '..'"),
        ("a\x00b", "'a\\x00b' holds a control character"),
        (
            "news/" + "a" * 256,
            "'aaaaaaaaaaaaaaaa'... is longer than 255 bytes, the most a name can be",
        ),
    ],
    ids=["absolute", "dot-dot", "nul", "long name"],
)
def test_a_site_made_in_python_with_a_path_no_folder_below_out_can_have_is_refused(
    path: str, message: str
) -> None:
    # An absolute path was written outside the output folder; the others failed mid-run.
    with pytest.raises(PlanCollision) as info:
        Site(SETTINGS, Path("public"), (FeedPlan(path=path),))
    assert str(info.value) == f"feeds[1].path: {message}"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('"a\\u0000b"', "'a\\x00b' holds a control character"),
        (
            f'"{"a" * 256}"',
            "'aaaaaaaaaaaaaaaa'... is longer than 255 bytes, the most a name can be",
        ),
    ],
    ids=["nul", "long name"],
)
def test_a_path_no_file_system_takes_is_a_config_error_before_anything_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str, message: str
) -> None:
    # Before: "internal error: ValueError: embedded null byte", and "File name too long" mid-run.
    config = tmp_path / "site.toml"
    config.write_text(FAN_OUTS + f"path = {toml}\n", encoding="utf-8")
    assert main(["build", "--config", str(config)]) == 2
    assert capsys.readouterr().err == f"{config}:13: error: feeds[2].path: {message}\n"
    assert not (tmp_path / "public").exists()


def test_the_paths_of_a_configuration_are_written_as_a_file_system_reads_them(
    tmp_path: Path,
) -> None:
    config = tmp_path / "site.toml"
    config.write_text(FAN_OUTS.replace('"category"\nfan', '"./category//"\nfan') + 'path = "x"\n')
    assert [plan.path for plan in load(config).site.plans] == ["category", "x"]


def test_the_fan_out_folders_a_build_writes_are_those_it_reports(tmp_path: Path) -> None:
    records = tmp_path / "records.json"
    records.write_text(json.dumps([record(1, categories=["C++", WIDE * 64])]))
    config = tmp_path / "site.toml"
    config.write_text(
        FAN_OUTS.replace('"missing.jsonl"', '"records.json"') + 'path = ""\n', encoding="utf-8"
    )
    assert main(["build", "--config", str(config), "--quiet", "--no-cache"]) == 0
    written = sorted(p.name for p in (tmp_path / "public" / "category").iterdir())
    assert written == sorted([fan_out_folder("C++"), fan_out_folder(WIDE * 64)])


def test_formats_given_on_the_command_line_that_make_a_collision_are_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The main feed in RSS only leaves `feed.json/` free, until --formats asks for JSON.
    config = tmp_path / "site.toml"
    config.write_text(
        f'sources = ["missing.jsonl"]\nout = "public"\n[site]\ntitle = "N"\nlink = "{SITE}"\n'
        '[[feeds]]\nformats = ["rss"]\n[[feeds]]\npath = "feed.json/x"\nformats = ["rss"]\n',
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as exit:
        main(["build", "--config", str(config), "--formats", "json"])
    assert exit.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "newsfeed build: error: --formats: feeds[2].path: 'feed.json' is a folder of this feed "
        "but a file of the main feed in feeds[1]"
    )
    assert not (tmp_path / "public").exists()
