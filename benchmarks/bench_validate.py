"""How long validation takes next to parsing the same bytes (target: at most 3x).

    python benchmarks/bench_validate.py [ENTRIES]

Builds a deterministic RSS 2.0 and Atom 1.0 feed of ENTRIES (default 10,000)
entries shaped like newsfeed's own output, about 3.8 KB of text per entry with
non-ASCII text throughout, and reports the median of five runs of
`lxml.etree.fromstring(bytes)`, `validate(bytes)` and `validate_tree(root)`,
and the ratio of each validation to the parse.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from xml.sax.saxutils import escape

from lxml import etree

from newsfeed.validation import validate, validate_tree

RUNS = 5
SITE = "https://noticias.example.org"
# ~520 characters of Spanish, Greek, Japanese and typographic punctuation.
PARAGRAPH = (
    "En una muestra de renovado compromiso diplomático, el secretario de Estado sostuvo "
    "hoy una conversación oficial con el presidente peruano, reafirmando la voluntad de "
    "profundizar la asociación histórica entre ambos países — «un socio estratégico», "
    "dijo el portavoz. Ελληνικά κείμενα και 日本語のテキストも含まれています。 "
    "La cooperación incluye apoyo logístico, inteligencia compartida y asistencia técnica "
    "para combatir redes criminales y proteger las fronteras; ¿qué sigue? Más reuniones."
)


def _body(i: int) -> str:
    paragraphs = [f"<p>{PARAGRAPH} ({i}.{k})</p>" for k in range(6)]
    paragraphs.insert(2, f'<p><a href="{SITE}/tema/{i}">Más sobre el tema</a></p>')
    return "".join(paragraphs)


def _date(i: int) -> tuple[str, str]:
    day, minute = 1 + i % 28, i % 60
    weekday = ("Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed")[(day - 1) % 7]  # 1 Oct 2026: Thu
    return (
        f"{weekday}, {day:02d} Oct 2026 10:{minute:02d}:00 -0500",
        f"2026-10-{day:02d}T10:{minute:02d}:00-05:00",
    )


def rss(entries: int) -> bytes:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">'
        f"<channel><title>Periodista Digital</title><link>{SITE}/</link>"
        "<description>Noticias de Perú y del mundo</description>"
        f'<atom:link href="{SITE}/rss.xml" rel="self" type="application/rss+xml"/>'
        "<generator>newsfeed 0.1.0</generator><language>es</language>"
        "<lastBuildDate>Thu, 01 Oct 2026 10:00:00 -0500</lastBuildDate><ttl>60</ttl>"
        "<managingEditor>redaccion@example.org (Redacción)</managingEditor>\n"
    ]
    for i in range(entries):
        url = f"{SITE}/mundo/2026/{i}.shtml"
        image = f"{SITE}/img/{i}.jpg"
        out.append(
            f"<item><title>Titular número {i}: Perú y la región andina</title>"
            f"<link>{url}</link><description>Resumen de la noticia {i}, en pocas "
            f"líneas.</description><content:encoded>{escape(_body(i))}</content:encoded>"
            f"<dc:creator>Paul Monzón, Ana Pérez</dc:creator>"
            f'<guid isPermaLink="true">{url}</guid><category>Mundo</category>'
            f'<enclosure url="{image}" length="48213" type="image/jpeg"/>'
            f"<pubDate>{_date(i)[0]}</pubDate>"
            f'<media:content url="{image}" medium="image" type="image/jpeg" width="1200" '
            f'height="800"><media:title>Foto {i}</media:title><media:credit>Agencia'
            f'</media:credit></media:content><media:thumbnail url="{image}" width="300" '
            f'height="200"/></item>\n'
        )
    out.append("</channel></rss>\n")
    return "".join(out).encode()


def atom(entries: int) -> bytes:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:media="http://search.yahoo.com/mrss/" xml:lang="es">'
        f"<id>{SITE}/atom.xml</id><title>Periodista Digital</title>"
        "<updated>2026-10-28T10:00:00-05:00</updated><author><name>Redacción</name></author>"
        f'<link rel="alternate" type="text/html" href="{SITE}/"/>'
        f'<link rel="self" type="application/atom+xml" href="{SITE}/atom.xml"/>'
        f'<generator uri="{SITE}/newsfeed" version="0.1.0">newsfeed</generator>'
        "<subtitle>Noticias de Perú y del mundo</subtitle>\n"
    ]
    for i in range(entries):
        url = f"{SITE}/mundo/2026/{i}.shtml"
        date = _date(i)[1]
        out.append(
            f'<entry><id>{url}</id><title type="text">Titular número {i}: Perú y la región '
            f"andina</title><updated>{date}</updated><published>{date}</published>"
            "<author><name>Paul Monzón</name><email>paul@example.org</email>"
            f"<uri>{SITE}/autor/paul</uri></author>"
            f'<content type="html">{escape(_body(i))}</content>'
            f'<link rel="alternate" type="text/html" href="{url}"/>'
            f'<link rel="enclosure" type="image/jpeg" length="48213" href="{SITE}/img/{i}.jpg"/>'
            f'<summary type="text">Resumen de la noticia {i}, en pocas líneas.</summary>'
            f'<category term="Mundo"/><media:thumbnail url="{SITE}/img/{i}.jpg" width="300" '
            f'height="200"/></entry>\n'
        )
    out.append("</feed>\n")
    return "".join(out).encode()


def median_seconds(run: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    for name, data in (("RSS", rss(entries)), ("Atom", atom(entries))):
        root = etree.fromstring(data)
        findings = validate(data)
        parse = median_seconds(lambda: etree.fromstring(data))  # noqa: B023
        whole = median_seconds(lambda: validate(data))  # noqa: B023
        tree = median_seconds(lambda: validate_tree(root))  # noqa: B023
        print(
            f"{name}: {entries} entries, {len(data) / entries:.0f} bytes/entry, "
            f"{len(data) / 1e6:.1f} MB, {len(findings)} findings"
        )
        print(f"  parse only (lxml.etree.fromstring) {parse:.3f} s")
        print(f"  validate(bytes)                    {whole:.3f} s  {whole / parse:.2f}x parse")
        print(f"  validate_tree(root)                {tree:.3f} s  {tree / parse:.2f}x parse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
