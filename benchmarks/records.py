"""Deterministic synthetic article records for the benchmarks.

Each record looks like a real news article as the input contract spells it
(article-records.md): an id and URL, kicker, title, deck, a body of several
paragraphs of Spanish text (non-ASCII throughout), two authors with bios,
an ISO 8601 publication date and an RFC 822 modification date, categories
and a lead image with caption and credit; about 3.8 KB of text per record.

The same `count` and `seed` always give the same records, so that every
peer and every run measures the same work. Records are made from a fixed
pool of paragraphs chosen by a seeded generator: cheap enough to write the
million-record JSON Lines file of the scale test in a few seconds per
hundred thousand.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

SEED = 20261126
SITE = "https://noticias.example.org/"
#: The newest article; the others go back one every 7 minutes or so.
NEWEST = datetime(2026, 11, 26, 14, 30, tzinfo=timezone(timedelta(hours=-5)))

_WORDS = [
    "gobierno",
    "política",
    "económica",
    "región",
    "acuerdo",
    "seguridad",
    "año",
    "según",
    "además",
    "también",
    "presidente",
    "ministra",
    "inversión",
    "crecimiento",
    "inflación",
    "país",
    "empresas",
    "trabajadores",
    "educación",
    "salud",
    "pública",
    "reforma",
    "congreso",
    "votación",
    "oposición",
    "alianza",
    "cooperación",
    "Perú",
    "México",
    "España",
    "Bogotá",
    "Lima",
    "São",
    "Paulo",
    "Düsseldorf",
    "Zürich",
    "niño",
    "niña",
    "corazón",
    "información",
    "comunicación",
    "análisis",
    "diálogo",
    "compromiso",
    "estratégico",
    "energía",
    "eléctrica",
    "médicos",
    "hospital",
    "infraestructura",
    "carretera",
    "puerto",
    "exportación",
    "café",
    "cacao",
    "minería",
    "ciudadanía",
    "árbol",
    "río",
    "montaña",
    "océano",
    "cambio",
    "climático",
    "sequía",
    "lluvias",
    "agrícola",
    "tecnología",
    "inteligencia",
    "artificial",
    "telecomunicaciones",
    "red",
    "móvil",
    "usuarios",
    "datos",
]
_CATEGORIES = (
    "Política",
    "Economía",
    "Internacional",
    "Sociedad",
    "Cultura",
    "Deportes",
    "Tecnología",
    "Salud",
    "Medio ambiente",
    "Educación",
)
_NAMES = (
    "Paul Monzón",
    "María José Peña",
    "João Araújo",
    "Zoë Müller",
    "Ángela Ruiz",
    "François Lefèvre",
    "Núria Puig",
    "Søren Ødegård",
    "Iñaki Etxeberría",
    "Lucía Domínguez",
)
_PLACES = ("Lima", "Cusco", "Arequipa")
#: Paragraphs are drawn from this many; enough that pages do not repeat visibly.
_POOL_SIZE = 2048


def _sentence(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randint(10, 22))
    return " ".join(words).capitalize() + rng.choice((".", ".", ".", "?", "…", ": «sí».", ";"))


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 4)))


_POOL_RNG = random.Random(SEED)
_PARAGRAPHS = tuple(_paragraph(_POOL_RNG) for _ in range(_POOL_SIZE))
_BIOS = tuple(
    f"{name} es redactor{'a' if i % 2 else ''} de la sección de "
    f"{_CATEGORIES[i].lower()} desde 2009 y autor de «{_PARAGRAPHS[i][:40].strip()}»."
    for i, name in enumerate(_NAMES)
)


def record(index: int, seed: int = SEED) -> dict[str, Any]:
    """Record number `index` (0 is the newest): a dict as a JSON source holds it."""
    rng = random.Random(seed * 1_000_003 + index)
    published = NEWEST - timedelta(minutes=7 * index, seconds=rng.randrange(60))
    updated = published + timedelta(minutes=rng.randrange(0, 180))
    slug = f"{published:%Y/%m/%d}/articulo-{index:07d}"
    url = f"{SITE}{_CATEGORIES[index % len(_CATEGORIES)].lower().replace(' ', '-')}/{slug}.html"
    body = "\n\n".join(_PARAGRAPHS[rng.randrange(_POOL_SIZE)] for _ in range(rng.randint(5, 7)))
    first, second = rng.sample(range(len(_NAMES)), 2)
    title_words = " ".join(rng.choices(_WORDS, k=9))
    return {
        "id": url,
        "url": url,
        "kicker": f"Impulso estratégico n.º {index}",
        "title": f"{title_words.capitalize()} ({index})",
        "summary": _PARAGRAPHS[rng.randrange(_POOL_SIZE)][:280].rstrip() + "…",
        "body": body,
        "body_format": "text",
        "authors": [
            {
                "name": _NAMES[first],
                "email": f"autor{first}@noticias.example.org",
                "bio": _BIOS[first],
            },
            {"name": _NAMES[second], "bio": _BIOS[second]},
        ],
        # Machines write ISO 8601 and RFC 822; the benchmark reads both.
        "published": published.isoformat(),
        "updated": updated.strftime("%a, %d %b %Y %H:%M:%S %z"),
        "language": "es",
        "categories": [_CATEGORIES[index % len(_CATEGORIES)], rng.choice(_CATEGORIES)],
        "image": {
            "url": f"{SITE}img/{index:07d}.jpg",
            "type": "image/jpeg",
            "length": 48_000 + rng.randrange(100_000),
            "width": 1200,
            "height": 675,
            "caption": f"Vista de {rng.choice(_WORDS)} en {rng.choice(_PLACES)}",
            "credit": "Agencia Andina",
        },
    }


def records(count: int, seed: int = SEED) -> list[dict[str, Any]]:
    """The `count` newest records, newest first."""
    return [record(i, seed) for i in range(count)]


def iter_records(
    count: int, seed: int = SEED, oldest_first: bool = True
) -> Iterator[dict[str, Any]]:
    """The same records one at a time; oldest first, as a site's export log grows."""
    indexes = range(count - 1, -1, -1) if oldest_first else range(count)
    for index in indexes:
        yield record(index, seed)


def write_jsonl(path: Path, count: int, seed: int = SEED) -> Path:
    """Write `count` records as JSON Lines (oldest first) to `path`, unless already there."""
    marker = path.with_suffix(path.suffix + f".{count}.{seed}.done")
    if path.exists() and marker.exists():
        return path
    with path.open("w", encoding="utf-8") as handle:
        for item in iter_records(count, seed):
            handle.write(json.dumps(item, ensure_ascii=False))
            handle.write("\n")
    marker.touch()
    return path


@contextmanager
def appended(path: Path, record: dict[str, Any]) -> Iterator[None]:
    """The JSON Lines file at `path` with `record` as one more line, cut back to what it
    was afterwards, so that a benchmark's input is the same for the next case."""
    size = path.stat().st_size
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps(record, ensure_ascii=False) + "\n")
    try:
        yield
    finally:
        with path.open("r+b") as file:
            file.truncate(size)


@contextmanager
def edited(path: Path) -> Iterator[None]:
    """The JSON Lines file at `path` with one letter of the title of the record in its
    middle changed (the same size, other bytes), put back afterwards."""
    with path.open("r+b") as file:
        file.seek(path.stat().st_size // 2)
        file.readline()  # to the start of the next record
        start = file.tell()
        line = file.readline()
        at = start + line.index(b'"title": "') + len(b'"title": "')
        file.seek(at)
        letter = file.read(1)
        if not letter.isalpha() or not letter.isascii():
            raise ValueError(f"{path}: the middle record's title does not begin with a letter")
        file.seek(at)
        file.write(letter.swapcase())
    try:
        yield
    finally:
        with path.open("r+b") as file:
            file.seek(at)
            file.write(letter)


def settings_kwargs() -> dict[str, Any]:
    """The feed every benchmark builds, as keyword arguments of `FeedSettings`."""
    return {
        "title": "Noticias de ejemplo",
        "link": SITE,
        "description": "Las noticias del día, en español",
        "language": "es",
        "timezone": "America/Lima",
    }


if __name__ == "__main__":
    sizes = [len(json.dumps(record(i), ensure_ascii=False).encode()) for i in range(1000)]
    print(f"mean record size: {sum(sizes) / len(sizes):.0f} bytes")
