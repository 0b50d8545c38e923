"""A web app's threads share Feeds: a document rendered while another thread renders
the other format of the same Feed still gets its own links."""

from __future__ import annotations

import threading

import pytest

import newsfeed.documents
from newsfeed import Feed


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
