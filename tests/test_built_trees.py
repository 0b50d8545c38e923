"""The trees feedgen builds are what we validate: they must judge as their bytes do."""

from __future__ import annotations

from dataclasses import replace

import pytest
from lxml import etree

from newsfeed.documents import Feed
from newsfeed.model import ArchiveLinks, Author
from newsfeed.render.atom import atom_document
from newsfeed.render.rss import rss_document
from newsfeed.validation import Finding, validate, validate_tree

ATOM = "http://www.w3.org/2005/Atom"


def without_lines(findings: list[Finding]) -> list[Finding]:
    """A built tree has no line numbers; everything else must match."""
    return sorted((replace(f, line=None) for f in findings), key=Finding.sort_key)


def test_the_atom_tree_is_in_the_atom_namespace(build, rich) -> None:
    root, _ = atom_document(build(rich).to_feedgen("atom"))
    namespaces = {etree.QName(e).namespace for e in root.iter(etree.Element)}
    assert None not in namespaces
    assert root.tag == f"{{{ATOM}}}feed"
    assert root.nsmap[None] == ATOM  # type: ignore[index]


def test_the_atom_bytes_declare_the_namespace_once(build, rich) -> None:
    data = build(rich).atom()
    assert data.count(b'xmlns="http://www.w3.org/2005/Atom"') == 1
    assert b"ns0:" not in data


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_a_clean_tree_and_its_bytes_have_no_findings(build, rich, format) -> None:
    fg = build(rich).to_feedgen(format)
    root, data = rss_document(fg) if format == "rss" else atom_document(fg)
    assert validate_tree(root) == []
    assert validate(data) == []


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_a_faulty_tree_has_the_findings_of_its_bytes(build, rich, format) -> None:
    fg = build(rich).to_feedgen(format)
    # Faults feedgen lets through: relative URLs, HTML in plain text.
    fg.logo("logo.png")
    fg.docs("docs.html")
    fg.rights("<b>Derechos</b> reservados")
    fg.entry()[0].title("<b>Título</b> en negrita")
    root, data = rss_document(fg) if format == "rss" else atom_document(fg)
    from_tree = validate_tree(root)
    assert from_tree
    assert without_lines(from_tree) == without_lines(validate(data))


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_findings_of_a_rendered_document_have_the_lines_of_its_bytes(build, rich, format) -> None:
    feed = build(rich)
    # Faults feedgen lets through: HTML in an Atom title, a relative RSS docs URL.
    feed._model(format).entry()[0].title("<b>Título</b> en negrita")
    feed._model(format).docs("docs.html")
    document = feed.render(format)
    assert document.findings
    assert list(document.findings) == validate(document.data)


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_a_duplicate_names_the_line_of_the_first(build, rich, format) -> None:
    feed = build(rich)
    feed.articles = (*feed.articles, replace(feed.articles[0], title="Otra"))
    document = feed.render(format)
    assert list(document.findings) == validate(document.data)
    # The RSS duplicate is an error of the second entry, which is left out.
    named = [str(p) for p in document.problems] + [f.message for f in document.findings]
    assert named
    assert all("line None" not in message for message in named)
    assert any("first" in message and "line" in message for message in named)


def entry_forms(data: bytes) -> list[bytes]:
    """Each item's or entry's exclusive canonical form, as validation's memo reads it."""
    root = etree.fromstring(data)
    entries = root.iter("item", f"{{{ATOM}}}entry")
    return [etree.tostring(e, method="c14n", exclusive=True, with_comments=True) for e in entries]


@pytest.mark.parametrize("format", ["rss", "atom"])
def test_an_articles_entry_is_the_same_in_every_feed_of_a_format(
    build, rich, make_settings, format
) -> None:
    # Validation knows an entry it checked by its article's values (`made_of`):
    # nothing of the feed may reach into an entry.
    plain = build(rich)
    other_settings = make_settings(
        title="Otro sitio",
        link="https://otro.example.net/",
        base_url="https://cdn.example.net/feeds/",
        description="Otra descripción",
        language="en",
        authors=(Author("Redacción", "redaccion@example.org"),),
        image="https://otro.example.net/logo.png",
        rights="© Otro",
        ttl=30,
        id="tag:otro.example.net,2026:feed",
        websub_hub="https://hub.example.net/",
    )
    archive = ArchiveLinks(current="https://otro.example.net/", next_archive="https://x/2/")
    other = Feed(other_settings, plain.articles, archive)
    forms = entry_forms(plain.render(format).data)
    assert len(forms) == len(rich)
    assert entry_forms(other.render(format).data) == forms
