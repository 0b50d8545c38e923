"""The seed article (article-records.md, "The article text layout") reads exactly as specified."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsfeed import Article, Feed, Reading

SEED = Path(__file__).parent / "seed" / "000_3849fbab3ae65f18.txt"


@pytest.fixture
def seed_reading(read) -> Reading:
    return read(SEED, language="es")


@pytest.fixture
def seed(seed_reading: Reading) -> Article:
    assert seed_reading.errors == []
    [article] = seed_reading.articles
    return article


def paragraphs(html: str) -> list[str]:
    return [unescape(p) for p in re.findall(r"<p>(.*?)</p>", html, re.DOTALL)]


def test_seed_kicker(seed: Article) -> None:
    assert seed.kicker == "Impulso estratégico en las relaciones bilaterales"


def test_seed_title(seed: Article) -> None:
    assert seed.title == (
        "Estados Unidos reafirma alianza con Perú y refuerza su apoyo en seguridad regional"
    )


def test_seed_summary(seed: Article) -> None:
    assert seed.summary == (
        "El secretario de Estado Marco Rubio dialoga con el presidente José Jerí y promete "
        "una colaboración más sólida frente al narcotráfico y la criminalidad en Sudamérica"
    )


def test_seed_body_has_six_paragraphs(seed: Article) -> None:
    assert seed.body_html is not None
    assert seed.body_html.count("<p>") == 6
    assert len(paragraphs(seed.body_html)) == 6


def test_seed_body_first_paragraph(seed: Article) -> None:
    assert seed.body_html is not None
    assert paragraphs(seed.body_html)[0] == (
        "En una muestra de renovado compromiso diplomático, el secretario de Estado de los "
        "Estados Unidos, Marco Rubio, sostuvo hoy una conversación oficial con el presidente "
        "peruano José Jerí, reafirmando la voluntad de la administración estadounidense de "
        "profundizar la asociación histórica entre ambos países. Así lo informó el portavoz "
        "principal del Departamento de Estado, Tommy Pigott."
    )


def test_seed_body_last_paragraph(seed: Article) -> None:
    assert seed.body_html is not None
    assert paragraphs(seed.body_html)[-1] == (
        "Fuentes diplomáticas subrayaron que esta conversación marca el inicio de una nueva "
        "fase en la relación entre Lima y Washington, con miras a afianzar su liderazgo "
        "compartido en la promoción de la paz y la prosperidad en todo el hemisferio occidental."
    )


def test_seed_body_leaves_out_the_author_section(seed: Article) -> None:
    assert seed.body_html is not None
    assert "Autor" not in seed.body_html
    assert "Paul Monzón" not in seed.body_html


def test_seed_has_one_author_paul_monzon(seed: Article) -> None:
    assert [author.name for author in seed.authors] == ["Paul Monzón"]


def test_seed_author_bio(seed: Article) -> None:
    [author] = seed.authors
    assert author.bio == (
        "Redactor de viajes de Periodista Digital desde sus orígenes. "
        "Actual editor del suplemento Travellers."
    )


def test_seed_author_has_no_email_or_url(seed: Article) -> None:
    [author] = seed.authors
    assert (author.email, author.url) == (None, None)


def test_seed_is_in_the_feed_language_es(seed: Article, make_settings) -> None:
    assert seed.language is None  # None: the feed's own language
    feed = Feed(make_settings(language="es"), [seed])
    assert b"<language>es</language>" in feed.rss()
    assert b'xml:lang="es"' in feed.atom()


def test_seed_without_date_takes_the_file_modification_time(seed: Article) -> None:
    modified = datetime.fromtimestamp(int(SEED.stat().st_mtime), ZoneInfo("America/Lima"))
    assert seed.published == modified
    assert seed.published.utcoffset() == modified.utcoffset()


def test_seed_without_date_is_warned_about(seed_reading: Reading) -> None:
    dated = [p for p in seed_reading.warnings if p.field == "published"]
    assert len(dated) == 1
    assert dated[0].source == str(SEED)
    assert "modification time" in dated[0].message


def test_seed_updated_defaults_to_published(seed: Article) -> None:
    assert seed.updated == seed.published


def test_seed_without_id_or_url_gets_a_tag_uri(seed: Article) -> None:
    assert seed.id.startswith("tag:noticias.example.org,")
    assert seed.id.endswith(
        ":estados-unidos-reafirma-alianza-con-peru-y-refuerza-su-apoyo-en-seguridad"
    )
