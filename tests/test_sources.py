"""Sources: every kind of input becomes records named by their file and line, row or index."""

from __future__ import annotations

import json
from pathlib import Path

from newsfeed import Place

DATE = "2026-11-26T10:00:00-05:00"
BAD_BYTE = "ú".encode("latin-1")


def line(**fields: object) -> str:
    return json.dumps({"published": DATE, **fields}, ensure_ascii=False)


def places(reading) -> list[tuple[str, str | None]]:
    return [(a.place.source, a.place.position) for a in reading.articles]


def errors(reading) -> list[tuple[str, str | None, str | None]]:
    return [(p.source, p.position, p.field) for p in reading.errors]


# -- Python records ---------------------------------------------------------------------------


def test_python_records_are_named_by_their_1_based_index(read) -> None:
    reading = read([{"id": "a-1", "title": "Uno", "published": DATE}, {"published": DATE}])
    assert places(reading) == [("<records>", "1")]
    assert errors(reading) == [("<records>", "2", "title")]


def test_python_record_that_is_not_a_mapping_is_an_error_at_its_index(read) -> None:
    reading = read([{"id": "a-1", "title": "Uno", "published": DATE}, 42])
    assert errors(reading) == [("<records>", "2", None)]
    assert len(reading.articles) == 1


def test_python_records_and_paths_mix(read, tmp_path: Path) -> None:
    path = tmp_path / "uno.jsonl"
    path.write_text(line(id="a-2", title="Dos") + "\n", encoding="utf-8")
    reading = read([{"id": "a-1", "title": "Uno", "published": DATE}, path])
    assert places(reading) == [("<records>", "1"), (str(path), "1")]


# -- JSON -------------------------------------------------------------------------------------

JSON_ARRAY = f"""[
  {{"id": "a-1", "title": "Uno", "published": "{DATE}"}},
  {{
    "id": "a-2",
    "title": "Dos",
    "published": "{DATE}"
  }},
  {{"id": "a-3", "published": "{DATE}"}}
]
"""


def test_json_array_records_are_named_by_the_line_they_start_on(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.json"
    path.write_text(JSON_ARRAY, encoding="utf-8")
    reading = read(path)
    assert places(reading) == [(str(path), "2"), (str(path), "3")]
    assert errors(reading) == [(str(path), "8", "title")]


def test_json_object_with_articles_is_read(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.json"
    path.write_text(
        '{\n  "generator": "cms",\n  "count": 2,\n  "articles": '
        + JSON_ARRAY.replace("\n", "\n  ")
        + "}\n",
        encoding="utf-8",
    )
    reading = read(path)
    assert places(reading) == [(str(path), "5"), (str(path), "6")]
    assert errors(reading) == [(str(path), "11", "title")]


def test_json_object_without_articles_is_an_error_naming_the_file(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.json"
    path.write_text('{"items": []}', encoding="utf-8")
    reading = read(path)
    assert errors(reading) == [(str(path), None, None)]
    assert "articles" in reading.errors[0].message


def test_invalid_json_is_an_error_on_its_line(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.json"
    path.write_text('[\n  {"title": "Uno"},\n  {"title": "Dos",}\n]\n', encoding="utf-8")
    reading = read(path)
    assert errors(reading) == [(str(path), "3", None)]
    assert reading.articles == []


def test_empty_json_array_reads_nothing(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.json"
    path.write_text("[]\n", encoding="utf-8")
    reading = read(path)
    assert (reading.articles, reading.problems) == ([], [])


# -- JSON Lines -------------------------------------------------------------------------------


def write_jsonl(path: Path) -> None:
    path.write_text(
        "\n".join(
            [
                line(id="a-1", title="Uno"),
                "",
                line(id="a-3", title="Tres"),
                '{"id": "a-4", "title": ',
                line(id="a-5", title="Cinco"),
                "   ",
                line(id="a-7"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )


def test_jsonl_records_are_named_by_line_and_blank_lines_skipped(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.jsonl"
    write_jsonl(path)
    reading = read(path)
    assert places(reading) == [(str(path), "1"), (str(path), "3"), (str(path), "5")]


def test_jsonl_bad_line_is_an_error_on_that_line_and_the_others_read(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.jsonl"
    write_jsonl(path)
    reading = read(path)
    assert errors(reading) == [(str(path), "4", None), (str(path), "7", "title")]
    assert [a.id for a in reading.articles] == ["a-1", "a-3", "a-5"]


def test_ndjson_is_read_as_json_lines(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.ndjson"
    write_jsonl(path)
    assert [a.id for a in read(path).articles] == ["a-1", "a-3", "a-5"]


# -- CSV --------------------------------------------------------------------------------------

CSV = (
    "id,title,published,categories,authors,body\n"
    f"a-1,Uno,{DATE},Economía;Minería,Ana Quispe;Marco Díaz <marco@example.org>,Texto.\n"
    f'a-2,Dos,{DATE},Política,,"Primer párrafo.\n'
    "\n"
    'Segundo párrafo."\n'
    f"a-3,Tres,{DATE},,,\n"
    ",,,,,\n"
    f"a-4,,{DATE},,,\n"
)


def test_csv_rows_are_named_by_the_line_they_start_on(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.csv"
    path.write_text(CSV, encoding="utf-8")
    reading = read(path)
    assert places(reading) == [(str(path), "2"), (str(path), "3"), (str(path), "6")]
    assert errors(reading) == [(str(path), "8", "title")]


def test_csv_multi_line_cell_keeps_its_paragraphs(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.csv"
    path.write_text(CSV, encoding="utf-8")
    article = read(path).articles[1]
    assert article.body_html == "<p>Primer párrafo.</p>\n<p>Segundo párrafo.</p>"


def test_csv_list_fields_are_separated_by_semicolons(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.csv"
    path.write_text(CSV, encoding="utf-8")
    article = read(path).articles[0]
    assert article.categories == ("Economía", "Minería")
    assert [(a.name, a.email) for a in article.authors] == [
        ("Ana Quispe", None),
        ("Marco Díaz", "marco@example.org"),
    ]


def test_csv_row_with_more_cells_than_columns_is_an_error_on_its_line(
    read, tmp_path: Path
) -> None:
    path = tmp_path / "noticias.csv"
    path.write_text(f"id,title,published\na-1,Uno,{DATE},sobra\na-2,Dos,{DATE}\n")
    reading = read(path)
    assert errors(reading) == [(str(path), "2", None)]
    assert [a.id for a in reading.articles] == ["a-2"]


def test_csv_with_bom_and_crlf_reads_the_first_column(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CSV.replace("\n", "\r\n").encode("utf-8"))
    reading = read(path)
    assert [a.id for a in reading.articles] == ["a-1", "a-2", "a-3"]
    assert places(reading)[2] == (str(path), "6")
    assert [p for p in reading.warnings if "unknown" in p.message] == []


# -- text -------------------------------------------------------------------------------------


def test_txt_file_is_one_record_at_line_1(read, tmp_path: Path) -> None:
    path = tmp_path / "noticia.txt"
    path.write_text("---\nid: a-1\n---\nSube el cobre\n\nEl metal sube.\n", encoding="utf-8")
    reading = read(path)
    assert places(reading) == [(str(path), "1")]
    assert reading.articles[0].title == "Sube el cobre"


def test_txt_front_matter_line_that_is_not_key_value_is_an_error_on_its_line(
    read, tmp_path: Path
) -> None:
    path = tmp_path / "noticia.txt"
    path.write_text("---\nid: a-1\nesto no\n---\nSube el cobre\n", encoding="utf-8")
    assert errors(read(path)) == [(str(path), "3", None)]


# -- folders ----------------------------------------------------------------------------------


def test_folder_is_read_recursively_in_path_order_without_hidden_files(
    read, tmp_path: Path
) -> None:
    files = {
        "archivo.jsonl": line(id="a-3", title="Tres"),
        "2026/12/b.json": "[" + line(id="a-2", title="Dos") + "]",
        "2026/11/a.txt": f"---\nid: a-1\npublished: {DATE}\n---\nUno\n",
        ".oculto.json": "[" + line(id="x-1", title="Oculto") + "]",
        ".git/x.jsonl": line(id="x-2", title="Git"),
        "2026/.borrador.txt": "Borrador\n",
        "notas.md": "# no es una fuente\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text + "\n", encoding="utf-8")
    reading = read(tmp_path)
    assert [Path(a.place.source).relative_to(tmp_path).as_posix() for a in reading.articles] == [
        "2026/11/a.txt",
        "2026/12/b.json",
        "archivo.jsonl",
    ]
    assert reading.problems == []


def test_missing_path_is_an_error_naming_it(read, tmp_path: Path) -> None:
    path = tmp_path / "no-existe.json"
    assert errors(read(path)) == [(str(path), None, None)]


def test_unknown_kind_of_file_is_an_error_naming_it(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.xml"
    path.write_text("<rss/>", encoding="utf-8")
    assert errors(read(path)) == [(str(path), None, None)]


# -- encodings --------------------------------------------------------------------------------


def test_utf8_with_bom_is_read(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.json"
    path.write_bytes(b"\xef\xbb\xbf" + f"[{line(id='a-1', title='Perú')}]".encode())
    reading = read(path)
    assert reading.problems == []
    assert reading.articles[0].title == "Perú"


def test_jsonl_with_bom_and_crlf_is_read_with_its_line_numbers(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.jsonl"
    text = "\r\n".join([line(id="a-1", title="Perú"), "", line(id="a-3", title="Chile")])
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8") + b"\r\n")
    reading = read(path)
    assert reading.problems == []
    assert [(a.title, a.place.position) for a in reading.articles] == [
        ("Perú", "1"),
        ("Chile", "3"),
    ]


def test_json_with_crlf_names_the_right_lines(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.json"
    path.write_bytes(JSON_ARRAY.replace("\n", "\r\n").encode("utf-8"))
    reading = read(path)
    assert places(reading) == [(str(path), "2"), (str(path), "3")]


def test_latin_1_file_is_read_with_its_encoding(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.json"
    path.write_bytes(f"[{line(id='a-1', title='Perú y Señor')}]".encode("latin-1"))
    reading = read(path, encoding="latin-1")
    assert reading.problems == []
    assert reading.articles[0].title == "Perú y Señor"


def test_latin_1_csv_is_read_with_its_encoding(read, tmp_path: Path) -> None:
    path = tmp_path / "noticias.csv"
    path.write_bytes(f"id,title,published\na-1,Año nuevo,{DATE}\n".encode("latin-1"))
    assert read(path, encoding="latin-1").articles[0].title == "Año nuevo"


def test_undecodable_bytes_are_one_error_naming_the_file_and_byte_offset(
    read, tmp_path: Path
) -> None:
    path = tmp_path / "noticias.json"
    data = f"[\n{line(id='a-1', title='Perú')}\n]\n".encode("latin-1")
    path.write_bytes(data)
    reading = read(path)
    [error] = reading.problems
    assert (error.level, error.source, error.position) == ("error", str(path), "2")
    assert f"byte {data.index(BAD_BYTE)}" in error.message
    assert "0xfa" in error.message
    assert reading.articles == []


def test_undecodable_byte_after_a_bom_is_named_at_its_offset_in_the_file(
    read, tmp_path: Path
) -> None:
    path = tmp_path / "noticias.json"
    data = b"\xef\xbb\xbf" + f"[{line(id='a-1', title='Perú')}]".encode("latin-1")
    path.write_bytes(data)
    [error] = read(path).problems
    assert f"byte {data.index(BAD_BYTE)} " in error.message
    assert "0xfa" in error.message


def test_undecodable_jsonl_line_is_an_error_on_that_line_and_the_others_read(
    read, tmp_path: Path
) -> None:
    path = tmp_path / "noticias.jsonl"
    lines = [
        line(id="a-1", title="Uno").encode(),
        line(id="a-2", title="Perú").encode("latin-1"),
        line(id="a-3", title="Tres").encode(),
    ]
    data = b"\n".join(lines) + b"\n"
    path.write_bytes(data)
    reading = read(path)
    [error] = reading.problems
    assert (error.source, error.position) == (str(path), "2")
    assert f"byte {data.index(BAD_BYTE)} " in error.message
    assert [a.id for a in reading.articles] == ["a-1", "a-3"]


def test_place_of_a_file_record_names_the_path_as_given(read, tmp_path: Path) -> None:
    path = tmp_path / "noticia.txt"
    path.write_text("---\nid: a-1\n---\nUno\n", encoding="utf-8")
    assert read(str(path)).articles[0].place == Place(str(path), "1")
