"""The README's serving snippets, taken from the README and run as written in each
framework's own test client: GET, HEAD, If-None-Match and If-Modified-Since.

A framework that is not installed skips its tests (the `test` extra installs them all).
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newsfeed import Feed

# Starlette asks for httpx2 where the FastAPI TestClient runs on httpx; both work.
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

README = Path(__file__).resolve().parents[1] / "README.md"
SNIPPET = re.compile(
    r"^(\w[\w ]*?)(?: \([^)]*\))?:\n\n```python\n(.*?)```", re.DOTALL | re.MULTILINE
)


def snippet(name: str) -> str:
    """The code block the README's serving section labels `name:`."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Serving from a web app") :]
    section = section[: section.index("\n## ", 1)]
    found = {label: code for label, code in SNIPPET.findall(section)}
    return found[name]


@dataclass(frozen=True)
class Answer:
    """What a test client got back, in one shape for every framework."""

    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes


@pytest.fixture
def feed(build: Callable[..., Feed], rich: list[dict[str, Any]]) -> Feed:
    return build(rich, ttl=30)


@pytest.fixture
def mysite(feed: Feed, monkeypatch: pytest.MonkeyPatch) -> Feed:
    """`from mysite.news import current_feed`, as the snippets write it."""
    package = types.ModuleType("mysite")
    news = types.ModuleType("mysite.news")
    news.current_feed = lambda: feed  # type: ignore[attr-defined]
    package.news = news  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mysite", package)
    monkeypatch.setitem(sys.modules, "mysite.news", news)
    return feed


def run(code: str, name: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": name}
    exec(compile(code, f"README.md ({name})", "exec"), namespace)
    return namespace


# -- one client per framework: fetch(method, **headers) -> Answer ------------------------------


def django_client(mysite: Feed) -> Callable[..., Answer]:
    pytest.importorskip("django")
    from django.conf import settings

    if not settings.configured:
        settings.configure(ALLOWED_HOSTS=["testserver"], ROOT_URLCONF="readme_django_urls")
    import django
    from django.test import Client
    from django.urls import clear_url_caches, path

    django.setup()
    views = run(snippet("Django"), "readme_django_views")
    urls = types.ModuleType("readme_django_urls")
    urls.urlpatterns = [path("rss.xml", views["rss"])]  # type: ignore[attr-defined]
    sys.modules["readme_django_urls"] = urls
    clear_url_caches()
    client = Client()

    def fetch(method: str, **headers: str) -> Answer:
        response = getattr(client, method.lower())("/rss.xml", headers=headers)
        return Answer(
            response.status_code,
            {k.lower(): v for k, v in response.headers.items()},
            response.content,
        )

    return fetch


def flask_client(mysite: Feed) -> Callable[..., Answer]:
    pytest.importorskip("flask")
    client = run(snippet("Flask"), "readme_flask")["app"].test_client()

    def fetch(method: str, **headers: str) -> Answer:
        response = client.open("/atom.xml", method=method, headers=headers)
        return Answer(
            response.status_code, {k.lower(): v for k, v in response.headers}, response.data
        )

    return fetch


def fastapi_client(mysite: Feed) -> Callable[..., Answer]:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    client = TestClient(run(snippet("FastAPI"), "readme_fastapi")["app"])

    def fetch(method: str, **headers: str) -> Answer:
        response = client.request(method, "/feed.json", headers=headers)
        return Answer(response.status_code, dict(response.headers), response.content)

    return fetch


def wsgi_client(mysite: Feed) -> Callable[..., Answer]:
    from wsgiref.util import setup_testing_defaults
    from wsgiref.validate import validator

    app = validator(run(snippet("Plain WSGI"), "readme_wsgi")["application"])

    def fetch(method: str, **headers: str) -> Answer:
        environ: dict[str, Any] = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "QUERY_STRING": ""}
        environ["PATH_INFO"] = "/rss.xml"
        environ.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
        setup_testing_defaults(environ)
        started: list[Any] = []
        chunks = app(environ, lambda status, headers: started.extend([status, headers]))
        body = b"".join(chunks)
        chunks.close()
        status, pairs = started
        return Answer(int(status.split()[0]), {k.lower(): v for k, v in pairs}, body)

    return fetch


CLIENTS = {
    "django": (django_client, "rss"),
    "flask": (flask_client, "atom"),
    "fastapi": (fastapi_client, "json"),
    "wsgi": (wsgi_client, "rss"),
}


@pytest.fixture(params=list(CLIENTS))
def served(
    request: pytest.FixtureRequest, mysite: Feed
) -> Iterator[tuple[Callable[..., Answer], bytes]]:
    """(fetch, the bytes the snippet's URL should serve)."""
    make, format = CLIENTS[request.param]
    yield make(mysite), getattr(mysite, format)()


def test_get_is_200_with_the_feed_and_its_validators(served) -> None:
    fetch, body = served
    answer = fetch("GET")
    assert answer.status == 200
    assert answer.body == body
    assert answer.headers["content-length"] == str(len(body))
    assert answer.headers["etag"].startswith('"')
    assert answer.headers["last-modified"].endswith(" GMT")
    assert answer.headers["cache-control"] == "max-age=1800"
    assert answer.headers["content-type"].endswith("; charset=utf-8")


def test_head_has_the_headers_of_get_and_no_body(served) -> None:
    fetch, body = served
    get, head = fetch("GET"), fetch("HEAD")
    assert head.status == 200
    assert head.body == b""
    assert head.headers["content-length"] == str(len(body))
    for name in ("etag", "last-modified", "cache-control", "content-type"):
        assert head.headers[name] == get.headers[name]


def test_if_none_match_with_the_etag_is_304_without_a_body(served) -> None:
    fetch, _ = served
    etag = fetch("GET").headers["etag"]
    answer = fetch("GET", **{"If-None-Match": etag})
    assert (answer.status, answer.body, answer.headers["etag"]) == (304, b"", etag)


def test_if_modified_since_the_last_modification_is_304(served) -> None:
    fetch, _ = served
    last_modified = fetch("GET").headers["last-modified"]
    answer = fetch("GET", **{"If-Modified-Since": last_modified})
    assert (answer.status, answer.body) == (304, b"")


def test_if_none_match_with_another_etag_is_200(served) -> None:
    fetch, body = served
    answer = fetch("GET", **{"If-None-Match": '"another"'})
    assert (answer.status, answer.body) == (200, body)


def test_every_python_block_of_the_serving_section_is_tested() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Serving from a web app") :]
    section = section[: section.index("\n## ", 1)]
    labels = [label for label, _ in SNIPPET.findall(section)]
    assert section.count("```python") == len(labels)
    assert sorted(labels) == sorted(["Django", "Flask", "FastAPI", "Plain WSGI"])
