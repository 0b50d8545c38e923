"""Shared fixtures of the core test suite: the test site's settings, reading, building.

The test site is Spanish and lives in Lima, like the seed article:
`FeedSettings(title="Noticias de prueba", link=SITE, language="es",
timezone="America/Lima")`; every fixture takes keyword arguments that change
any of those settings.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

import newsfeed
from newsfeed import Article, Feed, FeedSettings, Reading

SITE = "https://noticias.example.org/"


@pytest.fixture(scope="session")
def temporary_folders() -> Iterator[Path]:
    """Where the tests' temporary folders are made, removed once every test is done
    (and has undone what it patched: a test may patch os.scandir)."""
    folder = Path(tempfile.mkdtemp(prefix="newsfeed-tests-"))
    folder.chmod(0o1777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def temporary_folder(temporary_folders: Path) -> Iterator[Path]:
    """Temporary files go to a folder of the test's own ($TMPDIR for the processes it
    starts): a run removes the temporary indexes that killed runs left there, and only
    the test's own are its to judge. Like /tmp, anyone may write there (a test reads
    as an unprivileged user)."""
    folder = Path(tempfile.mkdtemp(dir=temporary_folders))
    folder.chmod(0o1777)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(folder))
        patch.setenv("TMPDIR", str(folder))
        yield folder


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; any still running at the end are killed."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=60)


def site_settings(**changes: Any) -> FeedSettings:
    values: dict[str, Any] = {
        "title": "Noticias de prueba",
        "link": SITE,
        "language": "es",
        "timezone": "America/Lima",
    }
    values.update(changes)
    return FeedSettings(**values)


def rich_records() -> list[dict[str, Any]]:
    """Three articles, newest first, that use every field: kicker, HTML body with a
    relative link, two authors with bios and emails, categories, an image with
    everything, offsets -05:00 and +05:30, a language other than the feed's."""
    return [
        {
            "id": "ja-2026-0088",
            "url": "https://noticias.example.org/economia/2026/11/25/bolsa-de-lima.shtml",
            "kicker": "Mercados",
            "title": "La Bolsa de Lima cierra al alza impulsada por la minería",
            "summary": "El índice general sube un 1,4 % gracias al cobre y al oro",
            "body": (
                "<p>La <strong>Bolsa de Valores de Lima</strong> cerró con ganancias.</p>"
                '<p>El impulso llegó del <a href="/economia/cobre.shtml">precio del cobre</a>.</p>'
            ),
            "body_format": "html",
            "authors": [
                {
                    "name": "Lucía Ferrer",
                    "email": "lucia.ferrer@example.org",
                    "url": "https://noticias.example.org/autores/lucia-ferrer",
                    "bio": "Periodista económica desde 2009.",
                },
                {
                    "name": "Marco Díaz",
                    "email": "marco.diaz@example.org",
                    "bio": "Editor de la sección Mercados.",
                },
            ],
            "published": "2026-11-25T18:05:00-05:00",
            "updated": "2026-11-25T20:00:00-05:00",
            "categories": ["Economía", "Mercados"],
            "image": {
                "url": "/img/2026/11/bvl.jpg",
                "length": 84213,
                "width": 1200,
                "height": 800,
                "caption": "Operadores en la Bolsa de Valores de Lima",
                "credit": "Foto: Archivo PD",
            },
        },
        {
            "id": "https://noticias.example.org/asia/2026/11/24/bombay-celebra-diwali.shtml",
            "url": "https://noticias.example.org/asia/2026/11/24/bombay-celebra-diwali.shtml",
            "kicker": "Asia",
            "title": "Bombay celebra el festival de las luces",
            "summary": "Millones de lámparas iluminan la ciudad durante cinco noches",
            "body": "Las calles se llenaron de luz.\n\nEl festival terminó al amanecer.",
            "authors": "Priya Shah <priya.shah@example.org>",
            "published": "2026-11-24T09:30:00+05:30",
            "categories": "Asia, Cultura",
            "image": "https://noticias.example.org/img/2026/11/diwali.png",
        },
        {
            "id": "ja-2026-0071",
            "title": "Un eclipse lunar total será visible desde toda Sudamérica",
            "summary": "El fenómeno durará 82 minutos",
            "authors": "Ana Quispe",
            "language": "es-PE",
            "published": "2026-11-23T22:00:00-05:00",
            "categories": ["Ciencia"],
        },
    ]


@pytest.fixture
def read() -> Callable[..., Reading]:
    """`read(sources, encoding="utf-8", **setting_changes)`: read_articles for the test site."""

    def read(sources: Any, encoding: str = "utf-8", **changes: Any) -> Reading:
        return newsfeed.read_articles(sources, site_settings(**changes), encoding=encoding)

    return read


@pytest.fixture
def read_one(read: Callable[..., Reading]) -> Callable[..., Article]:
    """`read_one(record, **setting_changes)`: the Article of a record that reads without error."""

    def read_one(record: dict[str, Any], **changes: Any) -> Article:
        reading = read([record], **changes)
        assert reading.errors == []
        [article] = reading.articles
        return article

    return read_one


@pytest.fixture
def build() -> Callable[..., Feed]:
    """`build(records, **setting_changes)`: the Feed of records that read without error."""

    def build(records: Iterable[Any], **changes: Any) -> Feed:
        settings = site_settings(**changes)
        reading = newsfeed.read_articles(list(records), settings)
        assert reading.errors == []
        return Feed(settings, reading.articles)

    return build


@pytest.fixture
def make_settings() -> Callable[..., FeedSettings]:
    """`make_settings(**setting_changes)`: the test site's FeedSettings."""
    return site_settings


@pytest.fixture
def rich() -> list[dict[str, Any]]:
    """A fresh copy of the three rich records (see `rich_records`)."""
    return rich_records()


@pytest.fixture(autouse=True)
def cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Builds keep their cache of read sources in a folder of the test's own,
    never in the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("cache-home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder
