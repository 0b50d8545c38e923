"""Autodiscovery: the `<link rel="alternate">` tags for a site's `<head>`."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from newsfeed import discovery_links

SITE = "https://noticias.example.org/"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link":
            self.links.append(dict(attrs))


def parsed(html: str) -> list[dict[str, str | None]]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def test_one_link_per_format_with_its_media_type_and_file_url(make_settings) -> None:
    settings = make_settings(base_url="https://noticias.example.org/feeds/")
    assert parsed(discovery_links(settings)) == [
        {
            "rel": "alternate",
            "type": "application/rss+xml",
            "title": "Noticias de prueba (RSS)",
            "href": "https://noticias.example.org/feeds/rss.xml",
        },
        {
            "rel": "alternate",
            "type": "application/atom+xml",
            "title": "Noticias de prueba (Atom)",
            "href": "https://noticias.example.org/feeds/atom.xml",
        },
        {
            "rel": "alternate",
            "type": "application/feed+json",
            "title": "Noticias de prueba (JSON Feed)",
            "href": "https://noticias.example.org/feeds/feed.json",
        },
    ]


def test_one_format_keeps_the_plain_title(make_settings) -> None:
    assert discovery_links(make_settings(), formats=["atom"]) == (
        '<link rel="alternate" type="application/atom+xml" title="Noticias de prueba" '
        'href="https://noticias.example.org/atom.xml">'
    )


def test_one_line_per_feed_and_format_in_the_order_given(make_settings) -> None:
    main = make_settings()
    science = make_settings(title="Ciencia", base_url=SITE + "ciencia/")
    html = discovery_links(main, science, formats=["json", "rss"])
    assert [(link["title"], link["href"]) for link in parsed(html)] == [
        ("Noticias de prueba (RSS)", SITE + "rss.xml"),
        ("Noticias de prueba (JSON Feed)", SITE + "feed.json"),
        ("Ciencia (RSS)", SITE + "ciencia/rss.xml"),
        ("Ciencia (JSON Feed)", SITE + "ciencia/feed.json"),
    ]
    assert len(html.splitlines()) == 4


def test_a_feed_gives_the_same_links_as_its_settings(build, rich) -> None:
    feed = build(rich)
    assert discovery_links(feed) == discovery_links(feed.settings)


def test_title_and_url_are_escaped_for_an_html_attribute(make_settings) -> None:
    settings = make_settings(
        title='Noticias "Tom & Jerry" <b>', base_url="https://noticias.example.org/?a=1&b=2/"
    )
    html = discovery_links(settings, formats=["rss"])
    assert 'title="Noticias &quot;Tom &amp; Jerry&quot; &lt;b&gt;"' in html
    assert 'href="https://noticias.example.org/?a=1&amp;b=2/rss.xml"' in html
    assert parsed(html)[0]["title"] == 'Noticias "Tom & Jerry" <b>'


def test_an_unknown_format_is_refused(make_settings) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        discovery_links(make_settings(), formats=["rdf"])  # type: ignore[list-item]
