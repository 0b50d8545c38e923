"""Feedly's `webfeeds`: off unless configured, in the RSS channel, known to the validator."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

import newsfeed
from newsfeed.cli import main
from newsfeed.config import ConfigError
from newsfeed.config import load as load_config
from newsfeed.model import WebFeeds

NS = "http://webfeeds.org/rss/1.0"
W = "{" + NS + "}"
SITE = "https://noticias.example.org/"
EVERYTHING = WebFeeds(
    icon=SITE + "icon.svg",
    logo=SITE + "logo.svg",
    accent_color="#2563EB",
    cover=SITE + "cover.jpg",
    related=True,
)


def channel(data: bytes) -> etree._Element:
    found = etree.fromstring(data).find("channel")
    assert found is not None
    return found


def errors_and_warnings(data: bytes) -> list[str]:
    return [f"{f.level}: {f.code}" for f in newsfeed.validate(data)]


def feed_with(items: str) -> bytes:
    return (
        f'<rss version="2.0" xmlns:webfeeds="{NS}" xmlns:atom="http://www.w3.org/2005/Atom">'
        "<channel><title>T</title><link>https://noticias.example.org/</link>"
        "<description>D</description>"
        '<atom:link href="https://noticias.example.org/rss.xml" rel="self" '
        'type="application/rss+xml"/>'
        f"{items}</channel></rss>"
    ).encode()


def test_without_settings_there_are_no_webfeeds_and_no_namespace(build, rich) -> None:
    assert NS.encode() not in build(rich).rss()


def test_the_configured_elements_are_in_the_rss_channel_before_the_items(build, rich) -> None:
    elements = list(channel(build(rich, webfeeds=EVERYTHING).rss()))
    webfeeds = [e for e in elements if str(e.tag).startswith(W)]
    assert [(e.tag.removeprefix(W), e.text, dict(e.attrib)) for e in webfeeds] == [
        ("icon", SITE + "icon.svg", {}),
        ("logo", SITE + "logo.svg", {}),
        ("accentColor", "2563EB", {}),
        ("cover", None, {"image": SITE + "cover.jpg"}),
        ("related", None, {"layout": "card", "target": "browser"}),
    ]
    assert elements.index(webfeeds[-1]) < min(i for i, e in enumerate(elements) if e.tag == "item")


def test_only_the_configured_elements_are_written(build, rich) -> None:
    data = build(rich, webfeeds=WebFeeds(accent_color="2563eb")).rss()
    assert [e.tag for e in channel(data) if str(e.tag).startswith(W)] == [W + "accentColor"]


def test_the_namespace_is_declared_once_on_the_root(build, rich) -> None:
    data = build(rich, webfeeds=EVERYTHING).rss()
    assert etree.fromstring(data).nsmap["webfeeds"] == NS
    assert data.count(b"xmlns:webfeeds") == 1


def test_atom_and_json_feed_are_unchanged(build, rich) -> None:
    plain, styled = build(rich), build(rich, webfeeds=EVERYTHING)
    assert (styled.atom(), styled.json()) == (plain.atom(), plain.json())


def test_a_feed_with_every_element_validates_without_findings(build, rich) -> None:
    assert errors_and_warnings(build(rich, webfeeds=EVERYTHING).rss()) == []


def test_a_bad_accent_colour_is_refused_in_the_settings() -> None:
    with pytest.raises(ValueError, match="six hex digits"):
        WebFeeds(accent_color="blue")


def test_a_relative_icon_is_refused_in_the_settings() -> None:
    with pytest.raises(ValueError, match="absolute http"):
        WebFeeds(icon="/icon.svg")


def test_the_validator_warns_of_a_relative_icon() -> None:
    data = feed_with("<webfeeds:icon>/icon.svg</webfeeds:icon>")
    assert errors_and_warnings(data) == ["warning: InvalidWebfeedsURL"]


def test_the_validator_warns_of_an_accent_colour_with_a_hash() -> None:
    data = feed_with("<webfeeds:accentColor>#2563EB</webfeeds:accentColor>")
    assert errors_and_warnings(data) == ["warning: InvalidAccentColor"]


def test_the_validator_warns_of_a_cover_without_an_image() -> None:
    assert errors_and_warnings(feed_with("<webfeeds:cover/>")) == ["warning: MissingAttribute"]


def test_the_validator_warns_of_an_unknown_webfeeds_element() -> None:
    data = feed_with("<webfeeds:colour>2563EB</webfeeds:colour>")
    assert errors_and_warnings(data) == ["warning: UndefinedElement"]


def test_the_validator_warns_of_webfeeds_in_an_item() -> None:
    data = feed_with(
        '<item><title>Uno</title><guid isPermaLink="false">a-1</guid>'
        "<webfeeds:icon>https://noticias.example.org/i.svg</webfeeds:icon></item>"
    )
    assert errors_and_warnings(data) == ["warning: MisplacedWebfeeds"]


def test_a_site_config_sets_webfeeds(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text(
        'out = "public"\n[site]\ntitle = "Noticias"\nlink = "https://noticias.example.org/"\n'
        '[site.webfeeds]\naccent_color = "#2563EB"\nrelated = true\n',
        encoding="utf-8",
    )
    settings = load_config(config).site.settings
    assert settings.webfeeds == WebFeeds(accent_color="2563EB", related=True)


def test_a_wrong_webfeeds_key_in_a_site_config_is_named(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text(
        'out = "public"\n[site]\ntitle = "Noticias"\nlink = "https://noticias.example.org/"\n'
        '[site.webfeeds]\naccent_colour = "2563EB"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"site\.webfeeds\.accent_colour: unknown key"):
        load_config(config)


def test_a_build_from_a_config_with_webfeeds_writes_them(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(
        '[{"id": "a-1", "title": "Uno", "published": "2026-11-26T10:00:00-05:00"}]',
        encoding="utf-8",
    )
    (tmp_path / "site.toml").write_text(
        'sources = ["a.json"]\nout = "public"\n[site]\ntitle = "Noticias"\n'
        'link = "https://noticias.example.org/"\n[site.webfeeds]\n'
        'logo = "https://noticias.example.org/logo.svg"\n',
        encoding="utf-8",
    )
    assert main(["build", "--config", str(tmp_path / "site.toml"), "--quiet"]) == 0
    rss = channel((tmp_path / "public" / "rss.xml").read_bytes())
    assert rss.findtext(W + "logo") == "https://noticias.example.org/logo.svg"
