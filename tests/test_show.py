"""`newsfeed show FILE`: a feed printed as a reader shows it, in the reader's local time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsfeed.cli import main

RICH_FEED = """\
Noticias de prueba
{format}, 3 entries

Thu, 26 Nov 2026 08:05 JST
La Bolsa de Lima cierra al alza impulsada por la minería
By Lucía Ferrer, Marco Díaz
El índice general sube un 1,4 % gracias al cobre y al oro
Categories: Economía, Mercados
Image: https://noticias.example.org/img/2026/11/bvl.jpg

Tue, 24 Nov 2026 13:00 JST
Bombay celebra el festival de las luces
By Priya Shah
Millones de lámparas iluminan la ciudad durante cinco noches
Categories: Asia, Cultura
Image: https://noticias.example.org/img/2026/11/diwali.png

Tue, 24 Nov 2026 12:00 JST
Un eclipse lunar total será visible desde toda Sudamérica
By Ana Quispe
El fenómeno durará 82 minutos
Categories: Ciencia
"""


@pytest.fixture
def in_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The reader's local time zone is Asia/Tokyo (+09:00, no daylight saving)."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def public(build, rich, tmp_path: Path) -> Path:
    """The rich feed written in every format to a folder."""
    build(rich).write(tmp_path)
    return tmp_path


def show(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["show", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("name", "format"),
    [("rss.xml", "RSS 2.0"), ("atom.xml", "Atom 1.0"), ("feed.json", "JSON Feed 1.1")],
)
def test_every_format_shows_the_same_entries_in_local_time(
    in_tokyo, public, capsys, name, format
) -> None:
    assert show(capsys, str(public / name)) == (0, RICH_FEED.format(format=format), "")


def test_limit_shows_the_first_entries_and_says_how_many_more(in_tokyo, public, capsys) -> None:
    code, out, _ = show(capsys, "--limit", "1", str(public / "atom.xml"))
    assert code == 0
    assert out.count("\n\n") == 2
    assert out.endswith(
        "Image: https://noticias.example.org/img/2026/11/bvl.jpg\n\n… and 2 more\n"
    )


def test_html_in_a_summary_is_shown_as_text(tmp_path, capsys) -> None:
    feed = tmp_path / "other.xml"
    feed.write_text(
        "<rss version='2.0'><channel><title>Otro</title><item><title>Uno</title>"
        "<description>&lt;p&gt;Con &lt;b&gt;negrita&lt;/b&gt;&lt;/p&gt;</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    _, out, _ = show(capsys, str(feed))
    assert out.splitlines()[3:] == ["(no date)", "Uno", "Con negrita"]


def test_a_date_that_cannot_be_read_is_shown_as_written(tmp_path, capsys) -> None:
    feed = tmp_path / "other.json"
    feed.write_text(
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Otro", '
        '"items": [{"id": "1", "title": "Uno", "date_published": "ayer"}]}',
        encoding="utf-8",
    )
    _, out, _ = show(capsys, str(feed))
    assert out.splitlines()[3:5] == ["ayer", "Uno"]


def test_an_atom_entry_without_authors_shows_the_feeds(tmp_path, capsys) -> None:
    feed = tmp_path / "other.atom"
    feed.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Otro</title>'
        "<author><name>Redacción</name></author>"
        "<entry><title>Uno</title><updated>2026-11-26T10:00:00Z</updated></entry></feed>",
        encoding="utf-8",
    )
    _, out, _ = show(capsys, str(feed))
    assert "By Redacción" in out.splitlines()


def test_entities_are_not_expanded(tmp_path, capsys) -> None:
    feed = tmp_path / "laughs.xml"
    feed.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        "<rss version='2.0'><channel><title>&lol2;</title></channel></rss>",
        encoding="utf-8",
    )
    _, out, _ = show(capsys, str(feed))
    assert "lol" not in out


def test_a_url_is_refused_since_show_reads_local_files_only(capsys) -> None:
    code, out, err = show(capsys, "https://noticias.example.org/rss.xml")
    assert (code, out) == (1, "")
    assert err == (
        "https://noticias.example.org/rss.xml: error: show reads local files only; "
        "save the feed first (curl -o)\n"
    )


def test_a_missing_file_is_one_error(tmp_path, capsys) -> None:
    code, _, err = show(capsys, str(tmp_path / "nowhere.xml"))
    assert (code, err) == (1, f"{tmp_path}/nowhere.xml: error: No such file or directory\n")


def test_a_document_that_is_no_feed_is_one_error(tmp_path, capsys) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Página</title></head></html>", encoding="utf-8")
    code, _, err = show(capsys, str(page))
    assert (code, err) == (
        1,
        f"{page}: error: not an RSS 2.0, Atom 1.0 or JSON Feed document\n",
    )


def test_xml_that_is_not_well_formed_is_named_by_its_line(tmp_path, capsys) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<rss version='2.0'>\n<channel>\n</rss>", encoding="utf-8")
    code, _, err = show(capsys, str(broken))
    assert code == 1
    assert err.startswith(f"{broken}:3: error: not well-formed XML: ")


JSON_HEAD = '{"version": "https://jsonfeed.org/version/1.1", "title": '


def test_terminal_controls_in_a_json_title_are_replaced(tmp_path, capsys) -> None:
    feed = tmp_path / "feed.json"
    feed.write_text(
        JSON_HEAD + '"\\u001b]0;PWNED\\u0007\\u001b[2J", "items": '
        '[{"id": "1", "title": "a\\u202eb\\u2066c", "content_text": "x"}]}'
    )
    code, out, _ = show(capsys, str(feed))
    assert code == 0
    assert not any(c in out for c in "\x1b\x07\u202e\u2066")
    assert out.startswith("\ufffd]0;PWNED\ufffd\ufffd[2J\n")
    assert "a\ufffdb\ufffdc" in out


def test_c1_controls_from_xml_are_replaced(tmp_path, capsys) -> None:
    feed = tmp_path / "rss.xml"
    feed.write_bytes(
        '<rss version="2.0"><channel><title>A\u009b2JB</title></channel></rss>'.encode()
    )
    code, out, _ = show(capsys, str(feed))
    assert (code, out.splitlines()[0]) == (0, "A\ufffd2JB")


def test_a_lone_surrogate_in_a_json_title_is_replaced_not_raised(tmp_path, capsys) -> None:
    feed = tmp_path / "feed.json"
    feed.write_text(JSON_HEAD + '"x\\ud800y", "items": []}')
    code, out, _ = show(capsys, str(feed))
    assert (code, out.splitlines()[0]) == (0, "x\ufffdy")


def test_a_5000_digit_date_is_shown_cut_short(tmp_path, capsys) -> None:
    feed = tmp_path / "feed.json"
    feed.write_text(
        JSON_HEAD + '"T", "items": [{"id": "1", "date_published": "' + "9" * 5000 + '"}]}'
    )
    code, out, err = show(capsys, str(feed))
    assert (code, err) == (0, "")
    assert out.splitlines()[3] == "9" * 79 + "…"


def test_a_5000_digit_number_is_one_error_naming_the_file(tmp_path, capsys) -> None:
    feed = tmp_path / "feed.json"
    feed.write_text(JSON_HEAD + '"T", "items": [{"id": ' + "9" * 5000 + "}]}")
    code, out, err = show(capsys, str(feed))
    assert (code, out) == (1, "")
    assert err.startswith(f"{feed}: error: ") and err.count("\n") == 1
