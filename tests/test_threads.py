"""A web app's threads share Feeds: a document rendered while another thread renders
the same Feed, in the other format or the same one, is the document rendered alone."""

from __future__ import annotations

import threading

import pytest
from lxml import etree

import newsfeed.documents
from newsfeed import Document, Feed
from newsfeed.render._feedgen import Capture


def test_an_atom_render_started_during_an_rss_render_does_not_change_its_links(
    build, rich, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {f: build(rich).render(f).data for f in ("rss", "atom")}
    shared: Feed = build(rich)
    atom: dict[str, bytes] = {}
    rival = threading.Thread(target=lambda: atom.update(data=shared.render("atom").data))
    real_rss_document = newsfeed.documents.rss_document

    def rss_document_with_a_rival(fg):  # type: ignore[no-untyped-def]
        rival.start()
        rival.join(timeout=0.5)  # the rival renders meanwhile, from the same Feed
        return real_rss_document(fg)

    monkeypatch.setattr(newsfeed.documents, "rss_document", rss_document_with_a_rival)
    rss = shared.render("rss").data
    rival.join(timeout=30)

    assert rss == expected["rss"]
    assert atom["data"] == expected["atom"]


def test_two_renders_of_one_format_at_once_each_get_their_own_tree(
    build, rich, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = build(rich).render("rss")
    shared: Feed = build(rich)
    rival_document: dict[str, Document] = {}
    rival = threading.Thread(target=lambda: rival_document.update(rss=shared.render("rss")))
    real_offer = Capture.offer

    def offer_with_a_rival(self: Capture, root: etree._Element) -> None:
        # The rival serialises the same model while this thread's tree is being built.
        if threading.current_thread() is not rival and not rival.is_alive():
            rival.start()
            rival.join(timeout=30)
        real_offer(self, root)

    monkeypatch.setattr(Capture, "offer", offer_with_a_rival)
    document = shared.render("rss")

    assert document == expected
    assert rival_document["rss"] == expected
