"""Bad input (issue 4): every bad record gets one clear message, the good ones still publish.

Each message is `SOURCE:LINE: error|warning: FIELD: message`. Most tests here
write a JSON Lines file `bad.jsonl` whose line 1 is a good record and whose
line 2 is the case at hand, read it, and check both the exact messages and
what the three feeds publish.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import newsfeed
from newsfeed import Feed, FeedSettings, Reading
from newsfeed.cli import main
from newsfeed.records import MAX_VALUE_NESTING
from newsfeed.text import MAX_HTML_DEPTH

HERE = Path(__file__).parent
SITE = "https://noticias.example.org/"
WHEN = "2026-11-26T14:30:00-05:00"
GOOD = {"id": "ok-1", "title": "Sube el precio del cobre", "published": WHEN}
URL = "https://noticias.example.org/economia/2026/11/26/cobre.shtml"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def case(**fields: Any) -> dict[str, Any]:
    """The record of a case: id `case-2` and a good title and date unless the case says."""
    return {"id": "case-2", "title": "Baja el oro", "published": WHEN, **fields}


ReadLines = Callable[..., Reading]


@pytest.fixture
def read_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read: Any) -> ReadLines:
    """`read_lines(*records)`: write them to `bad.jsonl`, one per line, and read it.

    The file is named as a user names it, so messages start with `bad.jsonl:`.
    """
    monkeypatch.chdir(tmp_path)

    def read_lines(*records: Any, encoding: str = "utf-8") -> Reading:
        text = "".join(json.dumps(r) + "\n" for r in records)
        Path("bad.jsonl").write_text(text, encoding="utf-8")
        reading: Reading = read("bad.jsonl", encoding=encoding)
        return reading

    return read_lines


def messages(reading: Reading) -> list[str]:
    return [str(problem) for problem in reading.problems]


def published(reading: Reading, settings: FeedSettings) -> dict[str, list[dict[str, str]]]:
    """Per format, each entry as a reader gets it: id, title and content HTML.

    Rendering raises `InvalidFeed` for a document that does not validate.
    """
    feed = Feed(settings, reading.articles)
    rss = etree.fromstring(feed.rss())
    atom = etree.fromstring(feed.atom())
    items = json.loads(feed.json())["items"]
    return {
        "rss": [
            {
                "id": item.findtext("guid") or "",
                "title": item.findtext("title") or "",
                "content": item.findtext(CONTENT) or item.findtext("description") or "",
            }
            for item in rss.iter("item")
        ],
        "atom": [
            {
                "id": entry.findtext(f"{ATOM}id") or "",
                "title": entry.findtext(f"{ATOM}title") or "",
                "content": entry.findtext(f"{ATOM}content") or "",
            }
            for entry in atom.iter(f"{ATOM}entry")
        ],
        "json": [
            {"id": item["id"], "title": item["title"], "content": item["content_html"]}
            for item in items
        ],
    }


def titles(reading: Reading, settings: FeedSettings) -> dict[str, list[str]]:
    return {
        fmt: [e["title"] for e in entries] for fmt, entries in published(reading, settings).items()
    }


# -- rejected: the record is skipped, the others publish ----------------------------------


@pytest.mark.parametrize("title", [None, "", "   \t "], ids=["missing", "empty", "whitespace"])
def test_record_without_a_title_is_rejected(title: Any, read_lines: ReadLines) -> None:
    bad = case(title=title) if title is not None else {"id": "case-2", "published": WHEN}
    reading = read_lines(GOOD, bad)
    assert messages(reading) == [
        "bad.jsonl:2: error: title: missing or empty; every article needs one"
    ]
    assert [a.id for a in reading.articles] == ["ok-1"]


def test_title_of_only_markup_is_rejected_as_empty(read_lines: ReadLines) -> None:
    reading = read_lines(GOOD, case(title="<b> </b>"))
    assert messages(reading) == [
        "bad.jsonl:2: warning: title: markup removed; this field is plain text",
        "bad.jsonl:2: error: title: missing or empty; every article needs one",
    ]
    assert [a.id for a in reading.articles] == ["ok-1"]


def test_date_that_does_not_exist_is_rejected_naming_field_and_text(
    read_lines: ReadLines,
) -> None:
    reading = read_lines(GOOD, case(published="31 de febrero de 2026"))
    [message] = messages(reading)
    assert message.startswith(
        "bad.jsonl:2: error: published: cannot read '31 de febrero de 2026' as a date: "
    )
    assert [a.id for a in reading.articles] == ["ok-1"]


def test_date_that_cannot_be_read_is_rejected_naming_field_and_text(
    read_lines: ReadLines,
) -> None:
    reading = read_lines(GOOD, case(published="pronto, quizá"))
    [message] = messages(reading)
    assert message.startswith("bad.jsonl:2: error: published: cannot read 'pronto, quizá'")
    assert [a.id for a in reading.articles] == ["ok-1"]


def test_updated_that_cannot_be_read_is_rejected_on_updated(read_lines: ReadLines) -> None:
    reading = read_lines(GOOD, case(updated="ayer por la tarde"))
    [message] = messages(reading)
    assert message.startswith("bad.jsonl:2: error: updated: cannot read 'ayer por la tarde'")
    assert [a.id for a in reading.articles] == ["ok-1"]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "not a url",
        "/economia/cobre.shtml",
        "ftp://noticias.example.org/cobre",
        "https://",
    ],
)
def test_url_that_is_not_absolute_http_is_rejected(url: str, read_lines: ReadLines) -> None:
    reading = read_lines(GOOD, case(url=url))
    assert messages(reading) == [
        f"bad.jsonl:2: error: url: {url!r} is not an absolute http(s) URL"
    ]
    assert [a.id for a in reading.articles] == ["ok-1"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"author": 42}, "author: an author is a name or an object, not a number"),
        ({"authors": [{"email": "a@example.org"}]}, "authors: an author needs a name"),
        ({"categories": 7}, "categories: must be a list or text, not a number"),
        ({"tags": ["Economía", 3]}, "tags: a category is text, not a number"),
        ({"title": 2026}, "title: must be text, not a number"),
        ({"title": ["a", "b"]}, "title: must be text, not a list"),
        ({"summary": {"es": "x"}}, "summary: must be text, not an object"),
        ({"body": 12.5}, "body: must be text, not a number"),
        ({"published": True}, "published: "),
        ({"id": ["a"]}, "id: must be text or a whole number, not a list"),
        ({"image": 5}, "image: must be a URL or an object, not a number"),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else None,
)
def test_field_of_the_wrong_type_is_rejected(
    fields: dict[str, Any], expected: str, read_lines: ReadLines
) -> None:
    reading = read_lines(GOOD, case(**fields))
    [message] = messages(reading)
    assert message.startswith(f"bad.jsonl:2: error: {expected}")
    assert [a.id for a in reading.articles] == ["ok-1"]


@pytest.mark.parametrize("body_format", ["rtf", "HTML5", 3])
def test_body_format_other_than_text_html_markdown_is_rejected(
    body_format: Any, read_lines: ReadLines
) -> None:
    reading = read_lines(GOOD, case(body="Hola", body_format=body_format))
    assert messages(reading) == [
        f"bad.jsonl:2: error: body_format: {body_format!r} is not one of text, html, markdown"
    ]
    assert [a.id for a in reading.articles] == ["ok-1"]


def test_duplicate_id_is_rejected_naming_both_positions(read_lines: ReadLines) -> None:
    reading = read_lines(GOOD, case(), case(title="Otra vez"))
    assert messages(reading) == [
        "bad.jsonl:3: error: id: duplicate id 'case-2': already used by the record at "
        "bad.jsonl:2; this record is skipped"
    ]
    assert [a.title for a in reading.articles] == ["Sube el precio del cobre", "Baja el oro"]


def test_duplicate_id_across_two_files_names_both_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.jsonl").write_text(json.dumps(GOOD) + "\n")
    Path("b.jsonl").write_text(json.dumps(case()) + "\n" + json.dumps(GOOD) + "\n")
    reading = read(["a.jsonl", "b.jsonl"])
    assert messages(reading) == [
        "b.jsonl:2: error: id: duplicate id 'ok-1': already used by the record at "
        "a.jsonl:1; this record is skipped"
    ]


def test_record_that_is_not_an_object_is_rejected_on_its_line(read_lines: ReadLines) -> None:
    reading = read_lines(GOOD, ["Baja el oro", WHEN])
    assert messages(reading) == ["bad.jsonl:2: error: a record must be an object, not a list"]
    assert [a.id for a in reading.articles] == ["ok-1"]


def test_line_that_is_not_json_is_rejected_on_its_line(
    read_lines: ReadLines, tmp_path: Path, read: Any
) -> None:
    read_lines()  # only to move into tmp_path
    Path("bad.jsonl").write_text(json.dumps(GOOD) + '\n{"title": "Baja el oro",\n')
    reading = read("bad.jsonl")
    [message] = messages(reading)
    assert message.startswith("bad.jsonl:2: error: not valid JSON: ")
    assert [a.id for a in reading.articles] == ["ok-1"]


def test_python_records_are_named_by_their_index(read: Any) -> None:
    reading = read([GOOD, case(url="javascript:alert(1)")])
    assert messages(reading) == [
        "<records>:2: error: url: 'javascript:alert(1)' is not an absolute http(s) URL"
    ]


def test_record_with_several_errors_is_reported_once_by_its_first(
    read_lines: ReadLines,
) -> None:
    # The first error rejects the record; what follows it is not read further.
    reading = read_lines(case(title="", url="javascript:x", published="nunca"))
    assert messages(reading) == [
        "bad.jsonl:1: error: title: missing or empty; every article needs one"
    ]


# -- kept with a warning ------------------------------------------------------------------


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff"],
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_xml_forbidden_character_is_removed_with_a_warning(
    char: str, read_lines: ReadLines, make_settings: Any
) -> None:
    reading = read_lines(case(title=f"Baja{char} el oro", body=f"Uno{char}.\n\nDos."))
    assert messages(reading) == [
        "bad.jsonl:1: warning: title: removed 1 character(s) that XML does not allow",
        "bad.jsonl:1: warning: body: removed 1 character(s) that XML does not allow",
    ]
    view = published(reading, make_settings())
    assert {fmt: [e["title"] for e in entries] for fmt, entries in view.items()} == {
        "rss": ["Baja el oro"],
        "atom": ["Baja el oro"],
        "json": ["Baja el oro"],
    }
    assert view["json"][0]["content"] == "<p>Uno.</p>\n<p>Dos.</p>"


def test_tab_newline_and_return_are_allowed_characters(read_lines: ReadLines) -> None:
    reading = read_lines(case(summary="uno\tdos\r\ntres"))
    assert messages(reading) == []
    assert reading.articles[0].summary == "uno dos tres"


def test_unknown_field_is_warned_about_once_per_source(
    read_lines: ReadLines, make_settings: Any
) -> None:
    reading = read_lines(
        {**GOOD, "tittle": "Sube el cobre"}, case(tittle="Baja el oro", secret="no publicar")
    )
    assert messages(reading) == [
        "bad.jsonl:1: warning: tittle: unknown field, left out of the feed",
        "bad.jsonl:2: warning: secret: unknown field, left out of the feed",
    ]
    feed = Feed(make_settings(), reading.articles)
    assert b"no publicar" not in feed.rss() + feed.atom() + feed.json()


def test_relative_image_without_article_url_is_dropped_with_a_warning(
    read_lines: ReadLines,
) -> None:
    reading = read_lines(case(image="/img/oro.jpg"))
    assert messages(reading) == [
        "bad.jsonl:1: warning: image: relative URL '/img/oro.jpg' and no article url to "
        "resolve it; image left out"
    ]
    [article] = reading.articles
    assert article.image is None


def test_relative_image_with_article_url_is_made_absolute_without_a_warning(
    read_lines: ReadLines,
) -> None:
    reading = read_lines(case(url=URL, image="../img/oro.jpg"))
    assert messages(reading) == []
    [article] = reading.articles
    assert article.image is not None
    assert article.image.url == "https://noticias.example.org/economia/2026/11/img/oro.jpg"


@pytest.mark.parametrize("field", ["title", "kicker", "summary"])
def test_markup_in_a_text_field_is_stripped_with_a_warning(
    field: str, read_lines: ReadLines, make_settings: Any
) -> None:
    reading = read_lines(case(**{field: "Baja <em>el</em> oro<script>alert(1)</script>"}))
    assert messages(reading) == [
        f"bad.jsonl:1: warning: {field}: markup removed; this field is plain text"
    ]
    assert getattr(reading.articles[0], field) == "Baja el oro"
    feed = Feed(make_settings(), reading.articles)
    assert b"alert" not in feed.rss() + feed.atom() + feed.json()


@pytest.mark.parametrize(
    "tag",
    ["<form>", '<iframe src="https://e.example/">', "<textarea>", "<input>", "<button>"],
)
def test_tag_of_any_html_element_in_a_text_field_is_stripped_with_a_warning(
    tag: str, read_lines: ReadLines, make_settings: Any
) -> None:
    reading = read_lines(case(summary=f"Baja {tag}el oro"))
    assert messages(reading) == [
        "bad.jsonl:1: warning: summary: markup removed; this field is plain text"
    ]
    assert reading.articles[0].summary == "Baja el oro"
    feed = Feed(make_settings(), reading.articles)
    assert newsfeed.validate(feed.rss()) == newsfeed.validate(feed.atom()) == []


def test_markup_in_an_author_name_is_stripped_with_a_warning(read_lines: ReadLines) -> None:
    reading = read_lines(case(author="<b>Ana</b> Quispe"))
    assert messages(reading) == [
        "bad.jsonl:1: warning: authors: markup removed; this field is plain text"
    ]
    assert reading.articles[0].authors[0].name == "Ana Quispe"


# -- kept as they are ---------------------------------------------------------------------


def test_body_of_megabytes_is_published_whole(read_lines: ReadLines, make_settings: Any) -> None:
    paragraph = "El cobre sube. " * 200
    body = "\n\n".join([paragraph] * 1000)  # about 3 MB
    reading = read_lines(case(body=body))
    assert messages(reading) == []
    view = published(reading, make_settings())
    for entries in view.values():
        assert entries[0]["content"].count("<p>") == 1000


def test_very_long_title_is_published_whole(read_lines: ReadLines, make_settings: Any) -> None:
    title = "Sube el cobre " * 20_000
    reading = read_lines(case(title=title))
    assert messages(reading) == []
    assert titles(reading, make_settings()) == {
        fmt: [title.strip()] for fmt in ("rss", "atom", "json")
    }


def test_html_nested_thousands_of_levels_deep_is_published(
    read_lines: ReadLines, make_settings: Any
) -> None:
    depth = 5_000
    body = "<div>" * depth + "<p>fondo</p>" + "</div>" * depth
    reading = read_lines(case(body=body, body_format="html"))
    assert messages(reading) == []
    view = published(reading, make_settings())
    assert all("<p>fondo</p>" in entries[0]["content"] for entries in view.values())


def test_html_nested_deeper_than_the_limit_is_rejected_naming_body(
    read_lines: ReadLines,
) -> None:
    depth = MAX_HTML_DEPTH + 1
    body = "<div>" * depth + "fondo" + "</div>" * depth
    reading = read_lines(GOOD, case(body=body, body_format="html"))
    assert messages(reading) == [
        f"bad.jsonl:2: error: body: HTML nested more than {MAX_HTML_DEPTH} elements deep "
        "(the limit)"
    ]
    assert [a.id for a in reading.articles] == ["ok-1"]


def test_html_limit_counts_stray_end_tags_as_closing_nothing(read_lines: ReadLines) -> None:
    depth = MAX_HTML_DEPTH + 1
    reading = read_lines(case(body="<div></span>" * depth, body_format="html"))
    assert [p.field for p in reading.errors] == ["body"]


def test_many_unclosed_paragraphs_are_not_deep(read_lines: ReadLines) -> None:
    reading = read_lines(case(body="<p>uno<li>dos<br>" * (MAX_HTML_DEPTH + 1), body_format="html"))
    assert messages(reading) == []


def test_markdown_nested_too_deeply_is_rejected_naming_body(read_lines: ReadLines) -> None:
    # No "<" in the source: the depth is counted in the HTML it renders to.
    body = "> " * (MAX_HTML_DEPTH + 1) + "cita"
    reading = read_lines(GOOD, case(body=body, body_format="markdown"))
    assert messages(reading) == [
        f"bad.jsonl:2: error: body: Markdown nested more than {MAX_HTML_DEPTH} levels deep "
        "(the limit)"
    ]
    assert [a.id for a in reading.articles] == ["ok-1"]


def test_markdown_nested_300_lists_deep_publishes(read_lines: ReadLines) -> None:
    body = "".join("    " * level + "- punto\n" for level in range(300))
    reading = read_lines(GOOD, case(body=body, body_format="markdown"))
    assert messages(reading) == []
    assert len(reading.articles) == 2


CDATA_TEXT = "cierra ]]> y abre <![CDATA[ sin cerrar"


def test_cdata_markers_in_plain_text_fields_are_published_as_they_are(
    read_lines: ReadLines, make_settings: Any
) -> None:
    reading = read_lines(case(title=CDATA_TEXT, summary=CDATA_TEXT))
    assert messages(reading) == []
    assert titles(reading, make_settings()) == {
        "rss": [CDATA_TEXT],
        "atom": [CDATA_TEXT],
        "json": [CDATA_TEXT],
    }


@pytest.mark.parametrize(
    ("body_format", "body"),
    [
        ("text", CDATA_TEXT),
        ("markdown", CDATA_TEXT),
        # In HTML a raw "<![CDATA[" opens a bogus comment; as text it is escaped.
        ("html", "cierra ]]&gt; y abre &lt;![CDATA[ sin cerrar"),
    ],
)
def test_cdata_markers_in_a_body_are_published_as_text(
    body_format: str, body: str, read_lines: ReadLines, make_settings: Any
) -> None:
    reading = read_lines(case(body=body, body_format=body_format))
    assert messages(reading) == []
    for entries in published(reading, make_settings()).values():
        assert "cierra ]]&gt; y abre &lt;![CDATA[ sin cerrar" in entries[0]["content"]


def test_entity_declarations_in_text_are_never_expanded(
    read_lines: ReadLines, make_settings: Any
) -> None:
    declared = '<!DOCTYPE t [<!ENTITY e "EXPANDIDO">]> &e;'
    reading = read_lines(
        case(title=f"Título {declared}", body=f"Cuerpo {declared}", body_format="html")
    )
    view = published(reading, make_settings())
    for entries in view.values():
        assert entries[0]["title"] == f"Título {declared}"
        assert "EXPANDIDO</" not in entries[0]["content"]
        assert "&amp;e;" in entries[0]["content"]


# -- input files --------------------------------------------------------------------------


def test_utf8_file_with_bom_and_crlf_names_the_right_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    lines = [json.dumps(GOOD, ensure_ascii=False), json.dumps(case(url="javascript:x"))]
    Path("bad.jsonl").write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    reading = read("bad.jsonl")
    assert messages(reading) == [
        "bad.jsonl:2: error: url: 'javascript:x' is not an absolute http(s) URL"
    ]
    assert [a.title for a in reading.articles] == ["Sube el precio del cobre"]


def test_legacy_csv_is_read_with_encoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.csv").write_bytes(
        "id,title,published\r\nq1,Año de café,2026-11-26\r\n".encode("cp1252")
    )
    reading = read("bad.csv", encoding="cp1252")
    assert messages(reading) == []
    assert [a.title for a in reading.articles] == ["Año de café"]


def test_undecodable_file_is_one_error_naming_file_line_and_byte_offset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.csv").write_bytes("id,title,published\nq1,Año,2026-11-26\n".encode("latin-1"))
    reading = read("bad.csv")
    assert messages(reading) == [
        "bad.csv:2: error: cannot decode byte 23 as utf-8 (0xf1); give the right --encoding"
    ]
    assert reading.articles == []


def test_unknown_encoding_is_one_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.csv").write_text("id,title,published\nq1,Oro,2026-11-26\n")
    reading = read("bad.csv", encoding="klingon")
    assert messages(reading) == ["build: error: encoding: unknown encoding 'klingon'"]


# -- the command line ---------------------------------------------------------------------


def build(out: Path, *args: str) -> int:
    return main(["build", *args, "--out", str(out), "--title", "Noticias", "--link", SITE])


def test_mixed_file_publishes_every_good_record_and_names_every_bad_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(HERE / "bad_input")
    code = build(tmp_path, "mixed.jsonl", "--language", "es", "--quiet")
    expected = (HERE / "bad_input" / "mixed.expected.txt").read_text(encoding="utf-8")
    assert code == 3
    assert capsys.readouterr().err.splitlines() == expected.splitlines()
    rss = etree.parse(str(tmp_path / "rss.xml"))
    atom = etree.parse(str(tmp_path / "atom.xml"))
    items = json.loads((tmp_path / "feed.json").read_text())["items"]
    good_ids = ["m-9", "m-7", "m-5", "m-3", "m-1"]
    assert [e.text for e in rss.iter("guid")] == good_ids
    assert [e.text for e in atom.iter(f"{ATOM}id")][1:] == [
        f"tag:noticias.example.org,2026-11-2{n}:m-{n}" for n in (9, 7, 5, 3, 1)
    ]
    assert [item["id"] for item in items] == good_ids


def test_mixed_file_with_strict_writes_nothing_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(HERE / "bad_input")
    out = tmp_path / "out"
    code = build(out, "mixed.jsonl", "--language", "es", "--strict")
    stderr = capsys.readouterr().err.splitlines()
    assert code == 1
    assert stderr[-1] == "newsfeed: 6 error(s) and --strict: nothing written"
    assert not out.exists() or [p.name for p in out.iterdir() if not p.name.startswith(".")] == []


def test_internal_error_is_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Reading:
        raise ZeroDivisionError("division by zero")

    # The build imports it from the package as it runs.
    monkeypatch.setattr(importlib.import_module("newsfeed.publishing"), "publish", broken)
    (tmp_path / "a.jsonl").write_text(json.dumps(GOOD) + "\n")
    code = build(tmp_path / "out", str(tmp_path / "a.jsonl"))
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        "newsfeed: internal error: ZeroDivisionError: division by zero "
        "(run again with --debug for details)"
    ]


def test_internal_error_shows_the_traceback_only_with_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Reading:
        raise ZeroDivisionError("division by zero")

    # The build imports it from the package as it runs.
    monkeypatch.setattr(importlib.import_module("newsfeed.publishing"), "publish", broken)
    (tmp_path / "a.jsonl").write_text(json.dumps(GOOD) + "\n")
    code = build(tmp_path / "out", str(tmp_path / "a.jsonl"), "--debug")
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("Traceback (most recent call last):")
    assert err.rstrip().endswith("ZeroDivisionError: division by zero")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("top.json", b"42"),
        ("top2.json", b'"just a string"'),
        ("nested.json", b"[" * 100_000),
        ("deep.jsonl", b"[" * 100_000 + b"\n"),
        ("nul.csv", b"title,published\n\x00\x00,2026-11-26\n"),
        ("quote.csv", b'title,published\n"unterminated,2026-11-26\n'),
        ("binary.txt", bytes(range(256)) * 4),
        ("empty.json", b""),
    ],
)
def test_no_traceback_reaches_the_user_for_any_file(
    name: str,
    data: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(name).write_bytes(data)
    code = build(tmp_path / "out", name, "--quiet")
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "internal error" not in err
    assert code in (0, 1, 3)  # 1: a file that cannot be read at all writes nothing
    assert all(line.startswith((name, "build:", "newsfeed: ")) for line in err.splitlines())


def test_read_articles_never_raises_for_a_list_of_anything(read: Any) -> None:
    reading = read([GOOD, 42, None, "x.unknown", ["a"], {"title": object()}])
    assert [a.id for a in reading.articles] == ["ok-1"]
    assert all(p.level == "error" for p in reading.problems)


def test_value_nested_deeper_than_the_limit_is_rejected_naming_the_field(
    read_lines: ReadLines,
) -> None:
    nested: Any = "Economía"
    for _ in range(MAX_VALUE_NESTING + 1):
        nested = [nested]
    reading = read_lines(GOOD, case(categories=nested))
    assert messages(reading) == [
        f"bad.jsonl:2: error: categories: nested more than {MAX_VALUE_NESTING} levels deep"
    ]
    assert [a.id for a in reading.articles] == ["ok-1"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("deep.json", "deep.json: error: JSON nested too deeply to read"),
        ("deep.jsonl", "deep.jsonl:1: error: JSON nested too deeply to read"),
    ],
)
def test_json_nested_too_deeply_to_read_is_one_error(
    name: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(name).write_text("[" + "[" * 100_000 + "]" * 100_000 + "]\n")
    assert messages(read(name)) == [expected]


def test_id_of_only_forbidden_characters_counts_as_no_id(read_lines: ReadLines) -> None:
    reading = read_lines(case(id="\x08\x00", url=URL))
    assert messages(reading) == [
        "bad.jsonl:1: warning: id: removed 2 character(s) that XML does not allow",
        "build: warning: id: 1 record(s) have no id; their entry id is their url (or title "
        "and date), and changing it shows the article again to every subscriber",
    ]
    assert [a.id for a in reading.articles] == [URL]


@pytest.mark.parametrize("length", [float("inf"), -1, 2.5, "mucho"])
def test_image_length_that_is_not_a_count_is_rejected_naming_image(
    length: Any, read_lines: ReadLines
) -> None:
    reading = read_lines(GOOD, case(image={"url": "https://e.example/a.jpg", "length": length}))
    assert messages(reading) == [
        f"bad.jsonl:2: error: image: length must be a whole number of at least 0, not {length!r}"
    ]
    assert [a.id for a in reading.articles] == ["ok-1"]


@pytest.mark.parametrize(
    ("given", "published"),
    [
        ("https://e.example/a|b", "https://e.example/a%7Cb"),
        ("https://e.example/{x}^y", "https://e.example/%7Bx%7D%5Ey"),
        ("https://e.example/a\x9bb", "https://e.example/a%C2%9Bb"),
        ('https://e.example/"q"', "https://e.example/%22q%22"),
        # An IRI is written as its URI (RFC 3987 §3.1): IDNA host, UTF-8 escapes.
        (
            "https://例え.jp/ニュース",
            "https://xn--r8jz45g.jp/%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9",
        ),
    ],
)
def test_url_characters_no_iri_may_hold_are_percent_encoded(
    given: str, published: str, read_lines: ReadLines, make_settings: Any
) -> None:
    reading = read_lines(case(url=given, image=given + ".jpg", author={"name": "A", "url": given}))
    assert messages(reading) == []
    [article] = reading.articles
    assert article.image is not None
    assert (article.url, article.image.url, article.authors[0].url) == (
        published,
        published + ".jpg",
        published,
    )
    feed = Feed(make_settings(), reading.articles)
    assert newsfeed.validate(feed.rss()) == newsfeed.validate(feed.atom()) == []


def test_markdown_renders_in_the_base_install(read_lines: ReadLines) -> None:
    # The base install's dependencies alone: no optional package is needed.
    reading = read_lines(
        GOOD, case(body="*Hola* | a |\n\n| x | y |\n|---|---|\n| 1 | 2 |", body_format="markdown")
    )
    assert messages(reading) == []
    body = reading.articles[1].body_html or ""
    assert "<em>Hola</em>" in body
    assert "<table>" in body


def test_legacy_text_article_is_built_with_encoding_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    article = "---\nid: t-1\npublished: 2026-11-26\n---\nAño de café\r\n\r\nEl cuerpo.\r\n"
    Path("nota.txt").write_bytes(article.encode("latin-1"))
    code = build(tmp_path / "out", "nota.txt", "--encoding", "latin-1", "--quiet")
    assert capsys.readouterr().err == ""
    assert code == 0
    items = json.loads((tmp_path / "out" / "feed.json").read_text(encoding="utf-8"))["items"]
    assert [(item["id"], item["title"]) for item in items] == [("t-1", "Año de café")]


def test_legacy_text_article_without_encoding_is_one_error_naming_file_and_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("nota.txt").write_bytes("Año de café\n\nEl cuerpo.\n".encode("latin-1"))
    code = build(tmp_path / "out", "nota.txt", "--quiet")
    assert capsys.readouterr().err.splitlines()[0] == (
        "nota.txt:1: error: cannot decode byte 1 as utf-8 (0xf1); give the right --encoding"
    )
    assert code == 1
