"""Feed settings are checked once, by FeedSettings: the library, a site's config and the
command line refuse the same values with the same words, each naming its own key or option."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsfeed import Author, Feed, FeedSettings
from newsfeed.cli import main
from newsfeed.config import ConfigError, load
from newsfeed.model import SettingError, WebFeeds

SITE = "https://noticias.example.org/"

# (keyword, a bad value, the same value in TOML, on the command line (None: no option),
#  the setting named, what the message says)
BAD: list[tuple[str, Any, str, list[str] | None, str, str]] = [
    ("title", "  ", '"  "', ["--title", "  "], "title", "must not be empty"),
    ("title", 7, "7", None, "title", "must be text, not int"),
    ("link", "noticias.example.org", '"noticias.example.org"', ["--link", "noticias.example.org"],
     "link", "'noticias.example.org' is not an absolute http(s) URL"),
    ("base_url", "/feeds/", '"/feeds/"', ["--base-url", "/feeds/"], "base_url",
     "'/feeds/' is not an absolute http(s) URL"),
    ("description", "", '""', ["--description", ""], "description", "must not be empty"),
    ("language", 5, "5", None, "language", "5 is not a BCP 47 language tag"),
    ("language", "español", '"español"', ["--language", "español"], "language",
     "'español' is not a BCP 47 language tag such as es or pt-BR"),
    ("timezone", "Mars/Olympus", '"Mars/Olympus"', ["--timezone", "Mars/Olympus"], "timezone",
     "unknown time zone 'Mars/Olympus'"),
    ("authors", [3], "[3]", None, "authors", "each author is 'Name <email>', a mapping"),
    ("authors", ["Ana <ana-at-example.org>"], '["Ana <ana-at-example.org>"]',
     ["--author", "Ana <ana-at-example.org>"], "authors", "'ana-at-example.org' is not an email"),
    ("authors", [{"name": "Ana", "bio": "b"}], '[{name = "Ana", bio = "b"}]', None, "authors",
     "unknown author key 'bio'; expected name, email, url"),
    ("authors", [{"email": "ana@example.org"}], '[{email = "ana@example.org"}]', None,
     "authors", "an author has no name"),
    ("authors", [{"name": "Ana", "url": "ana"}], '[{name = "Ana", url = "ana"}]', None,
     "authors", "'ana' is not an absolute http(s) URL"),
    ("image", "logo.png", '"logo.png"', None, "image", "is not an absolute http(s) URL"),
    ("ttl", "30", '"30"', None, "ttl", "must be a whole number of minutes, not the text '30'"),
    ("ttl", -1, "-1", None, "ttl", "must be at least 0, not -1"),
    ("ttl", 1.5, "1.5", None, "ttl", "must be a whole number of minutes, not float"),
    ("limit", "10", '"10"', None, "limit", "must be a whole number of entries, not the text"),
    ("limit", "ten", '"ten"', ["--limit", "ten"], "limit",
     "must be a whole number of entries, not the text 'ten'"),
    ("limit", True, "true", None, "limit", "must be a whole number of entries, not bool"),
    ("limit", 0, "0", ["--limit", "0"], "limit", "must be at least 1, not 0"),
    ("id", "feed-1", '"feed-1"', None, "id", "'feed-1' is not an absolute IRI"),
    ("websub_hub", "hub", '"hub"', None, "websub_hub", "is not an absolute http(s) URL"),
    ("webfeeds", {"icon": "icon.png"}, '{ icon = "icon.png" }', None, "webfeeds.icon",
     "'icon.png' is not an absolute http(s) URL"),
    ("webfeeds", {"accent_color": "blue"}, '{ accent_color = "blue" }', None,
     "webfeeds.accent_color", "'blue' is not six hex digits"),
    ("webfeeds", {"colour": "2563EB"}, '{ colour = "2563EB" }', None, "webfeeds.colour",
     "unknown key; expected one of icon, logo"),
    ("webfeeds", "yes", '"yes"', None, "webfeeds", "must be a WebFeeds or a mapping, not str"),
    ("accept_url_ids", "yes", '"yes"', None, "accept_url_ids", "must be True or False"),
    # RSS and Atom cannot hold these characters: refused here, not a ValueError when written.
    ("title", "Noticias\x01", '"Noticias\\u0001"', ["--title", "Noticias\x01"], "title",
     "'Noticias\\x01' holds a control character or a code point XML 1.0 forbids"),
    ("description", "a\x00b", '"a\\u0000b"', ["--description", "a\x00b"], "description",
     "holds a control character"),
    ("rights", "\ufffe", '"\\ufffe"', None, "rights", "holds a control character"),
    ("authors", ["An\x01a <ana@example.org>"], '["An\\u0001a <ana@example.org>"]',
     ["--author", "An\x01a <ana@example.org>"], "authors", "holds a control character"),
]  # fmt: skip
IDS = [f"{keyword}={value!r}" for keyword, value, *_ in BAD]


def settings(**changes: Any) -> FeedSettings:
    return FeedSettings(**{"title": "Noticias", "link": SITE, **changes})


def reason_of(keyword: str, value: Any) -> str:
    with pytest.raises(SettingError) as info:
        settings(**{keyword: value})
    return info.value.reason


# -- the library ------------------------------------------------------------------------------


@pytest.mark.parametrize(("keyword", "value", "toml", "cli", "setting", "message"), BAD, ids=IDS)
def test_a_bad_setting_is_a_value_error_naming_it(
    keyword: str, value: Any, toml: str, cli: list[str] | None, setting: str, message: str
) -> None:
    with pytest.raises(ValueError) as info:
        settings(**{keyword: value})
    assert isinstance(info.value, SettingError)
    assert info.value.setting == setting
    assert str(info.value).startswith(f"FeedSettings.{setting}: ")
    assert message in str(info.value)


def test_authors_may_be_name_and_email_text_mappings_or_authors() -> None:
    given = settings(
        authors=[
            "Redacción <redaccion@example.org>",
            {"name": " Ana Quispe ", "url": "https://noticias.example.org/ana"},
            Author("Paul Monzón"),
        ]
    )
    assert given.authors == (
        Author("Redacción", "redaccion@example.org"),
        Author("Ana Quispe", url="https://noticias.example.org/ana"),
        Author("Paul Monzón"),
    )


def test_one_author_alone_is_one_author_not_its_characters() -> None:
    assert settings(authors="Redacción <r@example.org>").authors == (
        Author("Redacción", "r@example.org"),
    )


def test_a_feed_with_authors_given_as_text_renders_every_format() -> None:
    feed = Feed(settings(authors=["Redacción <redaccion@example.org>"]), [])
    assert b"redaccion@example.org" in feed.rss()
    assert b"<name>Redacci\xc3\xb3n</name>" in feed.atom()
    assert json.loads(feed.json())["authors"] == [{"name": "Redacción"}]


def test_the_link_is_required_not_none() -> None:
    with pytest.raises(SettingError, match=r"^FeedSettings\.link: must be text, not NoneType$"):
        settings(link=None)


def test_no_authors_may_be_given_as_none() -> None:
    assert settings(authors=None).authors == ()


def test_text_is_stripped_and_a_language_written_in_its_conventional_case() -> None:
    given = settings(title="  Noticias ", link=f" {SITE} ", language="pt_br")
    assert (given.title, given.link, given.language) == ("Noticias", SITE, "pt-BR")


def test_webfeeds_may_be_a_mapping() -> None:
    given = settings(webfeeds={"accent_color": "#2563EB", "related": True})
    assert given.webfeeds == WebFeeds(accent_color="2563EB", related=True)


def test_settings_rechecked_by_replace_keep_their_normal_form() -> None:
    from dataclasses import replace

    given = settings(authors=["Ana <ana@example.org>"], language="pt_br")
    assert replace(given) == given


def test_derived_settings_equal_those_replace_makes() -> None:
    from dataclasses import replace

    given = settings(authors=["Ana <ana@example.org>"], language="pt_br")
    changes = {"title": " Deportes ", "base_url": SITE + "deportes/", "id": None, "limit": 7}
    assert given.derived(**changes) == replace(given, **changes)


@pytest.mark.parametrize(("keyword", "value", "toml", "cli", "setting", "message"), BAD, ids=IDS)
def test_a_bad_value_in_derived_settings_is_refused_as_in_new_ones(
    keyword: str, value: Any, toml: str, cli: list[str] | None, setting: str, message: str
) -> None:
    with pytest.raises(SettingError) as info:
        settings().derived(**{keyword: value})
    assert info.value.setting == setting
    assert message in str(info.value)


def test_derived_settings_refuse_an_unknown_setting() -> None:
    with pytest.raises(TypeError, match="no setting 'titel'"):
        settings().derived(titel="Deportes")


# -- a site's configuration -------------------------------------------------------------------


@pytest.mark.parametrize(("keyword", "value", "toml", "cli", "setting", "message"), BAD, ids=IDS)
def test_a_bad_setting_in_a_config_names_the_key_and_line_in_the_same_words(
    tmp_path: Path,
    keyword: str,
    value: Any,
    toml: str,
    cli: list[str] | None,
    setting: str,
    message: str,
) -> None:
    lines = ['out = "public"', "[site]", 'title = "Noticias"', f'link = "{SITE}"']
    lines = [line for line in lines if not line.startswith(f"{keyword} =")]
    lines.insert(3, f"{keyword} = {toml}")  # line 4
    path = tmp_path / "site.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(path)
    assert str(info.value) == f"{path}:4: error: site.{setting}: {reason_of(keyword, value)}"


def test_a_webfeeds_table_mistake_names_the_line_in_the_table(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(
        f'out = "p"\n[site]\ntitle = "N"\nlink = "{SITE}"\n[site.webfeeds]\n'
        'related = true\nicon = "icon.png"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r":7: error: site\.webfeeds\.icon: 'icon\.png' is not"):
        load(path)


# -- the command line -------------------------------------------------------------------------

CLI_BAD = [entry for entry in BAD if entry[3] is not None]


@pytest.mark.parametrize(
    ("keyword", "value", "toml", "cli", "setting", "message"),
    CLI_BAD,
    ids=[f"{' '.join(entry[3] or [])}" for entry in CLI_BAD],
)
def test_a_bad_setting_on_the_command_line_names_the_option_in_the_same_words(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    keyword: str,
    value: Any,
    toml: str,
    cli: list[str],
    setting: str,
    message: str,
) -> None:
    records = tmp_path / "a.jsonl"
    records.write_text('{"title": "T", "published": "2026-11-26"}\n', encoding="utf-8")
    argv = ["build", str(records), "--out", str(tmp_path / "out"), "--title", "N"]
    with pytest.raises(SystemExit) as exit:
        main([*argv, "--link", SITE, *cli])
    assert exit.value.code == 2
    error = capsys.readouterr().err
    assert f"newsfeed build: error: {cli[0]}: {reason_of(keyword, value)}\n" in error
    assert not (tmp_path / "out").exists()


def test_a_bad_option_over_a_config_is_named_as_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "site.toml"
    path.write_text(f'out = "p"\n[site]\ntitle = "N"\nlink = "{SITE}"\n', encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["build", "--config", str(path), "--language", "español"])
    assert "error: --language: 'español' is not a BCP 47" in capsys.readouterr().err
