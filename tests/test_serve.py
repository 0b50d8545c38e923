"""Serving a feed from a web app: 200 with validators, 304 to a conditional request.

The end-to-end tests run a real WSGI server from the standard library on
127.0.0.1 (port chosen by the system) and fetch with a real HTTP client.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from newsfeed import Feed, respond
from newsfeed.serve import DEFAULT_MAX_AGE, not_modified, strong_etag

NEWEST_UPDATE = "Thu, 26 Nov 2026 01:00:00 GMT"  # rich record 1: 2026-11-25T20:00:00-05:00
TIMEOUT = 10  # seconds: a bound on a broken test, not a measurement


@dataclass
class Site:
    """What the test server serves; tests swap `feed` to publish a change."""

    feed: Feed


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server(build, rich) -> Iterator[tuple[Site, Callable[..., http.client.HTTPResponse]]]:
    """A running server of the rich feed at /rss.xml, /atom.xml, /feed.json, and `get(path,
    **headers)` that fetches from it."""
    site = Site(build(rich, ttl=30))
    formats = {"/rss.xml": "rss", "/atom.xml": "atom", "/feed.json": "json"}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        response = respond(
            site.feed,
            formats[environ["PATH_INFO"]],  # type: ignore[arg-type]
            if_none_match=environ.get("HTTP_IF_NONE_MATCH"),
            if_modified_since=environ.get("HTTP_IF_MODIFIED_SINCE"),
            method=environ["REQUEST_METHOD"],
        )
        start_response(response.status_line, list(response.headers))
        return [response.body]

    httpd = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    connections: list[http.client.HTTPConnection] = []

    def get(path: str, **headers: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", httpd.server_port, timeout=TIMEOUT)
        connections.append(connection)
        connection.request(
            "GET", path, headers={k.replace("_", "-"): v for k, v in headers.items()}
        )
        return connection.getresponse()

    try:
        yield site, get
    finally:
        for connection in connections:
            connection.close()
        httpd.shutdown()
        httpd.server_close()
        thread.join(TIMEOUT)


# -- over HTTP ----------------------------------------------------------------------------------


def test_first_request_is_200_with_type_validators_and_caching(server) -> None:
    site, get = server
    response = get("/rss.xml")
    body = response.read()
    assert response.status == 200
    assert response.getheader("Content-Type") == "application/rss+xml; charset=utf-8"
    assert response.getheader("ETag") == strong_etag(site.feed.rss())
    assert response.getheader("Last-Modified") == NEWEST_UPDATE
    assert response.getheader("Cache-Control") == "max-age=1800"
    assert body == site.feed.rss()


def test_each_format_has_its_content_type(server) -> None:
    _, get = server
    types = {path: get(path).getheader("Content-Type") for path in ("/atom.xml", "/feed.json")}
    assert types == {
        "/atom.xml": "application/atom+xml; charset=utf-8",
        "/feed.json": "application/feed+json; charset=utf-8",
    }


def test_a_request_with_the_etag_gets_304_and_no_body(server) -> None:
    _, get = server
    etag = get("/rss.xml").getheader("ETag")
    response = get("/rss.xml", If_None_Match=etag)
    assert response.status == 304
    assert response.read() == b""
    assert response.getheader("ETag") == etag
    assert response.getheader("Cache-Control") == "max-age=1800"


def test_a_request_with_last_modified_gets_304(server) -> None:
    _, get = server
    last_modified = get("/atom.xml").getheader("Last-Modified")
    response = get("/atom.xml", If_Modified_Since=last_modified)
    assert response.status == 304
    assert response.read() == b""


def test_a_changed_feed_is_200_again_with_a_new_etag(server, build, rich) -> None:
    site, get = server
    etag = get("/rss.xml").getheader("ETag")
    rich[0]["title"] = "La Bolsa de Lima cierra al alza (actualizado)"
    rich[0]["updated"] = "2026-11-25T22:00:00-05:00"
    site.feed = build(rich, ttl=30)
    response = get("/rss.xml", If_None_Match=etag, If_Modified_Since=NEWEST_UPDATE)
    assert response.status == 200
    assert response.getheader("ETag") not in (None, etag)
    assert response.getheader("Last-Modified") == "Thu, 26 Nov 2026 03:00:00 GMT"
    assert b"(actualizado)" in response.read()


# -- the conditions (RFC 9110, 13.2.2) ---------------------------------------------------------

ETAG = '"0123abcd"'
LAST = datetime(2026, 11, 26, 1, 0, tzinfo=timezone.utc)


def test_if_none_match_star_matches_any_feed() -> None:
    assert not_modified(ETAG, LAST, "*", None)


def test_if_none_match_finds_the_etag_in_a_list() -> None:
    assert not_modified(ETAG, LAST, '"other", "0123abcd" , "third"', None)


def test_if_none_match_compares_weakly() -> None:
    assert not_modified(ETAG, LAST, 'W/"0123abcd"', None)


def test_if_none_match_with_a_comma_inside_a_tag_is_read_as_one_tag() -> None:
    assert not not_modified(ETAG, LAST, '"0123abcd,x"', None)


def test_if_none_match_that_does_not_match_wins_over_if_modified_since() -> None:
    assert not not_modified(ETAG, LAST, '"other"', "Fri, 27 Nov 2026 00:00:00 GMT")


def test_a_malformed_if_none_match_matches_nothing() -> None:
    assert not not_modified(ETAG, LAST, "0123abcd", None)


def test_if_modified_since_before_the_newest_update_is_modified() -> None:
    assert not not_modified(ETAG, LAST, None, "Thu, 26 Nov 2026 00:59:59 GMT")


def test_if_modified_since_that_is_no_date_is_ignored() -> None:
    assert not not_modified(ETAG, LAST, None, "yesterday")


# -- the response itself -----------------------------------------------------------------------


def test_without_ttl_the_default_max_age_applies(build, rich) -> None:
    response = respond(build(rich), "json")
    assert response.header("Cache-Control") == f"max-age={DEFAULT_MAX_AGE}"


def test_max_age_given_by_the_caller_wins(build, rich) -> None:
    assert respond(build(rich, ttl=30), "rss", max_age=60).header("Cache-Control") == "max-age=60"


def test_head_has_the_headers_of_get_and_no_body(build, rich) -> None:
    feed = build(rich)
    get, head = respond(feed, "atom"), respond(feed, "atom", method="HEAD")
    assert (head.status, head.headers, head.body) == (200, get.headers, b"")


def test_the_etag_is_strong_and_differs_between_formats(build, rich) -> None:
    feed = build(rich)
    tags = {respond(feed, f).header("ETag") for f in ("rss", "atom", "json")}
    assert len(tags) == 3
    assert all(t is not None and t.startswith('"') for t in tags)


def test_a_feed_without_entries_has_no_last_modified(build) -> None:
    response = respond(build([]), "json")
    assert response.status == 200
    assert response.header("Last-Modified") is None


def test_last_modified_is_the_newest_update_not_the_newest_publication(build, rich) -> None:
    rich[2]["updated"] = "2026-12-01T08:00:00-05:00"
    response = respond(build(rich), "rss")
    expected = datetime(2026, 12, 1, 13, 0, tzinfo=timezone.utc) + timedelta(0)
    assert response.header("Last-Modified") == expected.strftime("%a, %d %b %Y %H:%M:%S GMT")


def test_a_feed_is_rendered_once_however_often_it_is_served(build, rich, monkeypatch) -> None:
    feed = build(rich)
    renders: list[str] = []
    render = feed.render
    monkeypatch.setattr(feed, "render", lambda format: renders.append(format) or render(format))
    etag = respond(feed, "rss").header("ETag")
    assert respond(feed, "rss", if_none_match=etag).status == 304
    assert respond(feed, "rss").status == 200
    assert renders == ["rss"]


def test_an_unknown_format_is_a_value_error_naming_the_formats(build, rich) -> None:
    with pytest.raises(ValueError, match=r"^unknown format 'xml'; choose from rss, atom, json$"):
        respond(build(rich), "xml")  # type: ignore[arg-type]
