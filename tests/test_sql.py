"""Articles from a database: each row of a query is a record, named `DB:query row N (id ID)`.

Every test reads a real SQLite file that it creates itself; the same
behaviours against a real PostgreSQL server are in test_sql_postgres.py.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsfeed
from newsfeed import Feed, Reading, SqlSource
from newsfeed.cli import main
from newsfeed.sources import sql

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATE = "2026-11-26T10:00:00-05:00"
SITE = "https://noticias.example.org/"
COLUMNS = ("id", "title", "published", "authors", "categories", "image", "summary")


def make_db(path: Path, rows: Sequence[Sequence[Any]], columns: Sequence[str] = COLUMNS) -> Path:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(f"CREATE TABLE articles ({', '.join(columns)})")
        marks = ", ".join("?" for _ in columns)
        connection.executemany(f"INSERT INTO articles VALUES ({marks})", rows)
    connection.close()
    return path


def row(n: int, **fields: Any) -> tuple[Any, ...]:
    values = {"id": f"a-{n}", "title": f"Artículo {n}", "published": DATE, **fields}
    return tuple(values.get(c) for c in COLUMNS)


@pytest.fixture
def db(tmp_path: Path) -> Callable[..., SqlSource]:
    """`db(rows, columns=COLUMNS, query=...)`: a SQLite file in tmp_path and its source."""

    def db(
        rows: Sequence[Sequence[Any]],
        columns: Sequence[str] = COLUMNS,
        query: str = "SELECT * FROM articles",
    ) -> SqlSource:
        path = make_db(tmp_path / "site.db", rows, columns)
        return SqlSource(f"sqlite:///{path}", query)

    return db


def messages(reading: Reading) -> list[str]:
    return [str(p) for p in reading.problems if p.source != "build"]


# -- rows are records -------------------------------------------------------------------------


def test_each_row_is_a_record_named_by_its_row_number_and_id(read, db) -> None:
    source = db([row(1), row(2), row(3)])
    reading = read(source)
    assert [a.id for a in reading.articles] == ["a-1", "a-2", "a-3"]
    assert [a.place.position for a in reading.articles] == [
        "query row 1 (id a-1)",
        "query row 2 (id a-2)",
        "query row 3 (id a-3)",
    ]


def test_a_row_without_id_is_named_by_its_number_alone(read, db) -> None:
    reading = read(db([row(1, id=None)]))
    assert [a.place.position for a in reading.articles] == ["query row 1"]


def test_a_row_is_named_by_an_id_column_under_any_alias_and_type(read, db) -> None:
    reading = read(db([], query=f"SELECT 8812 AS guid, 'Uno' AS title, '{DATE}' AS published"))
    assert [(a.id, a.place.position) for a in reading.articles] == [
        ("8812", "query row 1 (id 8812)")
    ]


def test_a_bad_row_among_good_ones_is_named_and_the_others_publish(read, db, tmp_path) -> None:
    source = db([row(n) for n in range(1, 17)] + [row(17, published="31 de febrero de 2026")])
    reading = read(source)
    assert len(reading.articles) == 16
    assert messages(reading) == [
        f"{tmp_path}/site.db:query row 17 (id a-17): error: published: cannot read "
        "'31 de febrero de 2026' as a date: day is out of range for month"
    ]


def test_column_names_may_be_any_alias(read, db) -> None:
    columns = ("guid", "headline", "pubDate", "byline", "tags", "thumbnail", "deck")
    source = db(
        [("a-1", "Uno", DATE, "Ana Quispe", "Ciencia", "https://example.org/a.png", "Corto")],
        columns,
    )
    [article] = read(source).articles
    assert (article.id, article.title, article.summary) == ("a-1", "Uno", "Corto")
    assert [a.name for a in article.authors] == ["Ana Quispe"]
    assert article.categories == ("Ciencia",)
    assert article.image is not None and article.image.url == "https://example.org/a.png"


def test_a_column_name_folded_by_the_database_still_finds_its_field(read, db) -> None:
    source = db([], query=f"SELECT 'a-1' AS id, 'Uno' AS title, '{DATE}' AS pubdate")
    [article] = read(source).articles
    assert article.published.isoformat() == "2026-11-26T10:00:00-05:00"


def test_null_is_the_same_as_an_absent_field(read, db) -> None:
    source = db([row(1, summary=None, authors=None, categories=None, image=None)])
    reading = read(source)
    [article] = reading.articles
    assert (article.summary, article.authors, article.categories, article.image) == (
        None,
        (),
        (),
        None,
    )
    assert messages(reading) == []


def test_a_json_array_or_object_in_a_column_is_read_as_that_value(read, db) -> None:
    authors = json.dumps([{"name": "Lucía Ferrer", "email": "lucia@example.org"}, "Marco Díaz"])
    image = json.dumps({"url": "https://example.org/bvl.jpg", "width": 1200, "height": 800})
    source = db([row(1, authors=authors, categories='["Economía", "Mercados"]', image=image)])
    [article] = read(source).articles
    assert [(a.name, a.email) for a in article.authors] == [
        ("Lucía Ferrer", "lucia@example.org"),
        ("Marco Díaz", None),
    ]
    assert article.categories == ("Economía", "Mercados")
    assert article.image is not None
    assert (article.image.width, article.image.height) == (1200, 800)


def test_authors_and_categories_may_be_text_split_as_in_every_source(read, db) -> None:
    source = db([row(1, authors="Quispe, Ana; Marco Díaz", categories="Economía;Mercados, Lima")])
    [article] = read(source).articles
    assert [a.name for a in article.authors] == ["Quispe, Ana", "Marco Díaz"]
    assert article.categories == ("Economía", "Mercados", "Lima")


def test_a_column_with_broken_json_is_an_error_on_its_row(read, db, tmp_path) -> None:
    reading = read(db([row(1), row(2, image='{"url": ')]))
    assert [a.id for a in reading.articles] == ["a-1"]
    assert [(p.source, p.position, p.field) for p in reading.errors] == [
        (f"{tmp_path}/site.db", "query row 2 (id a-2)", "image")
    ]


def test_a_column_that_is_no_field_is_reported_once(read, db) -> None:
    source = db([], query=f"SELECT 'a-' || value AS id, 'T' AS title, '{DATE}' AS date, "
                "1 AS tittle FROM json_each('[1, 2, 3]')")  # fmt: skip
    reading = read(source)
    assert len(reading.articles) == 3
    assert [(p.level, p.field) for p in reading.problems if p.source != "build"] == [
        ("warning", "tittle")
    ]


def test_two_columns_of_one_name_are_one_error(read, db, tmp_path) -> None:
    reading = read(db([row(1)], query="SELECT *, title FROM articles"))
    assert reading.articles == []
    assert messages(reading) == [
        f"{tmp_path}/site.db: error: title: the query returns two columns of this name: rename one"
    ]


# -- the same records, the same bytes -----------------------------------------------------------


def test_the_example_database_holds_the_records_of_the_example_json(make_settings) -> None:
    settings = make_settings()
    from_json = newsfeed.read_articles(EXAMPLES / "articles" / "more.json", settings)
    query = "SELECT * FROM articles"
    from_db = newsfeed.read_articles(
        SqlSource("sqlite:///" + str(EXAMPLES / "site.db"), query), settings
    )
    assert from_json.errors == from_db.errors == []
    json_feed, db_feed = Feed(settings, from_json.articles), Feed(settings, from_db.articles)
    assert db_feed.rss() == json_feed.rss()
    assert db_feed.atom() == json_feed.atom()
    assert db_feed.json() == json_feed.json()


def test_the_example_database_is_what_its_script_makes(tmp_path: Path) -> None:
    script = (EXAMPLES / "make_site_db.py").read_text(encoding="utf-8")
    copy = tmp_path / "examples"
    (copy / "articles").mkdir(parents=True)
    (copy / "articles" / "more.json").write_bytes(
        (EXAMPLES / "articles" / "more.json").read_bytes()
    )
    (copy / "make_site_db.py").write_text(script, encoding="utf-8")
    subprocess.run(
        [sys.executable, str(copy / "make_site_db.py")], check=True, capture_output=True
    )
    assert _dump(copy / "site.db") == _dump(EXAMPLES / "site.db")


def _dump(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


# -- reading, never writing ----------------------------------------------------------------------


def test_a_failing_query_is_one_error_naming_the_database_and_the_sql_error(
    read, db, tmp_path
) -> None:
    reading = read(db([row(1)], query="SELECT * FROM nowhere"))
    assert reading.articles == []
    assert messages(reading) == [
        f"{tmp_path}/site.db: error: query failed: no such table: nowhere"
    ]


#: Every kind of statement that writes, each as a query: (name, SQL). The
#: database must refuse each one and keep its rows as they were.
WRITING_STATEMENTS = [
    ("delete", "DELETE FROM articles"),
    ("insert", "INSERT INTO articles (id, title) VALUES ('x', 'x')"),
    ("update", "UPDATE articles SET title = 'changed'"),
    ("drop", "DROP TABLE articles"),
    ("delete behind with", "WITH c AS (SELECT 1) DELETE FROM articles"),
    (
        "insert behind with",
        "WITH c AS (SELECT 1) INSERT INTO articles (id, title) VALUES ('x', 'x')",
    ),
    ("update returning", "WITH c AS (SELECT 1) UPDATE articles SET title = 'changed' RETURNING *"),
    ("delete returning", "WITH c AS (SELECT 1) DELETE FROM articles RETURNING *"),
    ("two statements", "SELECT * FROM articles; DELETE FROM articles"),
    ("after a commit", "SELECT * FROM articles; COMMIT; DELETE FROM articles"),
]
SQLITE_WRITING_STATEMENTS = [
    *WRITING_STATEMENTS,
    ("attach", "ATTACH 'other.db' AS other"),
    ("attach and write", "WITH c AS (SELECT 1) INSERT INTO other.t VALUES (1)"),
    ("pragma that writes", "PRAGMA user_version = 7"),
    ("pragma that unlocks", "PRAGMA query_only = 0"),
    ("vacuum into", "VACUUM INTO 'copy.db'"),
]


@pytest.mark.parametrize("scheme", ["sqlite", "sqlite+pysqlite"])
@pytest.mark.parametrize("checked", [True, False], ids=["checked", "unchecked"])
@pytest.mark.parametrize(
    "statement",
    [sql for _, sql in SQLITE_WRITING_STATEMENTS],
    ids=[n for n, _ in SQLITE_WRITING_STATEMENTS],
)
def test_no_statement_writes_to_a_sqlite_file(
    read, db, tmp_path, monkeypatch, scheme, checked, statement
) -> None:
    """`unchecked`: with newsfeed's look at the query switched off, SQLite itself refuses."""
    source = db([row(1), row(2)])
    before = _dump(tmp_path / "site.db")
    if not checked:
        monkeypatch.setattr(sql, "refusal_of", lambda query: None)
    monkeypatch.chdir(tmp_path)
    reading = read(SqlSource(source.url.replace("sqlite", scheme, 1), statement))
    assert reading.articles == []
    [problem] = messages(reading)
    assert problem.startswith(f"{tmp_path}/site.db: error: ")
    assert _dump(tmp_path / "site.db") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.db"]


def test_a_statement_that_writes_is_refused_before_it_runs(read, db, tmp_path) -> None:
    reading = read(db([row(1)], query="DELETE FROM articles"))
    assert messages(reading) == [
        f"{tmp_path}/site.db: error: the query must be one SELECT (or WITH) statement"
    ]


def test_a_second_statement_is_refused_before_it_runs(read, db, tmp_path) -> None:
    reading = read(db([row(1)], query="SELECT * FROM articles; SELECT 1"))
    assert messages(reading) == [
        f"{tmp_path}/site.db: error: the query must be one statement: ';' may only end it"
    ]


def test_a_query_may_end_with_a_semicolon(read, db) -> None:
    assert len(read(db([row(1)], query="SELECT * FROM articles;\n")).articles) == 1


def test_a_write_behind_with_is_refused_by_the_database(read, db, tmp_path) -> None:
    reading = read(db([row(1)], query="WITH doomed AS (SELECT 1) DELETE FROM articles"))
    assert messages(reading) == [
        f"{tmp_path}/site.db: error: query failed: not authorized: "
        "newsfeed only reads the database"
    ]


def test_attach_is_refused_by_sqlite_even_unchecked(read, db, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(sql, "refusal_of", lambda query: None)
    monkeypatch.chdir(tmp_path)
    reading = read(db([row(1)], query="ATTACH 'other.db' AS other"))
    assert messages(reading) == [
        f"{tmp_path}/site.db: error: query failed: not authorized: "
        "newsfeed only reads the database"
    ]
    assert not (tmp_path / "other.db").exists()


def test_table_valued_functions_still_read(read, db) -> None:
    source = db(
        [row(1)],
        query="SELECT a.*, (SELECT count(*) FROM pragma_table_info('articles')) AS n "
        "FROM articles AS a, json_each('[1]')",
    )
    reading = read(source)
    assert len(reading.articles) == 1


def test_reading_leaves_the_database_file_unchanged(read, db, tmp_path) -> None:
    source = db([row(1), row(2)])
    before = hashlib.sha256((tmp_path / "site.db").read_bytes()).hexdigest()
    assert len(read(source).articles) == 2
    assert hashlib.sha256((tmp_path / "site.db").read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.db"]


def _count(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
    finally:
        connection.close()


def test_a_missing_database_file_is_one_error(read, tmp_path) -> None:
    reading = read(SqlSource(f"sqlite:///{tmp_path}/nowhere.db", "SELECT 1"))
    assert messages(reading) == [f"{tmp_path}/nowhere.db: error: no such database file"]
    assert not (tmp_path / "nowhere.db").exists()


# -- streaming ----------------------------------------------------------------------------------


def test_rows_are_fetched_batch_by_batch_as_records_are_read(db, monkeypatch) -> None:
    monkeypatch.setattr(sql, "BATCH_SIZE", 2)
    # Row 5 makes SQLite fail when it gets there (integer overflow), so the
    # failure shows how far the rows have been fetched.
    source = db(
        [row(n) for n in range(1, 6)],
        query="SELECT id, title, published, "
        "CASE WHEN id = 'a-5' THEN abs(-9223372036854775808) END AS summary "
        "FROM articles",
    )
    problems: list[newsfeed.Problem] = []
    records = newsfeed.sources.iter_records(source, problems)
    assert next(records).place.position == "query row 1 (id a-1)"
    assert problems == []
    rest = [r.place.position for r in records]
    assert rest[:1] == ["query row 2 (id a-2)"] and len(rest) < 4
    assert [p.message for p in problems] == ["query failed: integer overflow"]


# -- URLs -------------------------------------------------------------------------------------


def test_a_relative_sqlite_url_is_relative_to_the_working_folder(read, db, monkeypatch) -> None:
    source = db([row(1)])
    monkeypatch.chdir(Path(source.url.removeprefix("sqlite:///")).parent)
    reading = read(SqlSource("sqlite:///site.db", source.query))
    assert [a.place for a in reading.articles] == [
        newsfeed.Place("site.db", "query row 1 (id a-1)")
    ]


def test_other_databases_go_through_sqlalchemy(read, db, tmp_path) -> None:
    pytest.importorskip("sqlalchemy")
    source = db([row(1), row(2, published="nunca")])
    reading = read(SqlSource(source.url.replace("sqlite:", "sqlite+pysqlite:", 1), source.query))
    assert [a.id for a in reading.articles] == ["a-1"]
    assert [(p.source, p.position, p.field) for p in reading.errors] == [
        (f"{tmp_path}/site.db", "query row 2 (id a-2)", "published")
    ]


def test_sqlalchemy_names_the_database_without_its_password(read) -> None:
    reading = read(
        SqlSource("postgresql+nosuchdriver://editor:secret@db.example.org/news", "SELECT 1")
    )
    [problem] = messages(reading)
    assert problem.startswith("postgresql+nosuchdriver://db.example.org/news: error: ")
    assert "secret" not in problem and "editor" not in problem


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("postgresql://editor:secret@db.example.org:5433/news", "postgresql://db.example.org:5433/news"),
        ("postgresql+psycopg://editor@db.example.org/news?sslmode=require&password=secret",
         "postgresql+psycopg://db.example.org/news"),
        ("mysql+pymysql://editor:se/cr@t@db.example.org/news", "mysql+pymysql://db.example.org/news"),
        ("editor:secret@127.0.0.1/news", "127.0.0.1/news"),
        ("postgresql://editor:secret@[::1", "postgresql://[::1"),
        ("sqlite:///site.db", "site.db"),
        ("sqlite+pysqlite:////srv/site.db?mode=ro", "/srv/site.db"),
    ],
)  # fmt: skip
def test_a_database_is_named_by_scheme_host_port_and_name_only(url, name) -> None:
    assert sql.database_name(url) == name


#: User names and passwords as people write them in URLs, escaped or not.
_CREDENTIAL = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=0x24F, exclude_characters="*"),
    min_size=4,
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(user=_CREDENTIAL, password=_CREDENTIAL, escaped=st.booleans())
def test_no_credential_survives_in_a_name_or_a_scrubbed_message(user, password, escaped) -> None:
    written = quote(password, safe="") if escaped else password
    # A user name with a character of the URL's syntax can only be written escaped.
    user_written = quote(user, safe="") if escaped or set(user) & set(":@/?#[]%") else user
    url = f"postgresql://{user_written}:{written}@db.example.org:5432/news?sslmode=require"
    name = sql.database_name(url)
    assert name == "postgresql://db.example.org:5432/news"
    message = f'FATAL: password authentication failed for user "{user}" ({password}) at {url}'
    scrubbed = sql.scrubbed(message, url)
    assert user not in scrubbed.replace(name, "")
    assert password not in scrubbed.replace(name, "")


def test_a_drivers_message_loses_the_user_name_and_password() -> None:
    url = "postgresql://nf_editor:p%40ss-word@db.example.org/news?sslpassword=k3y-phrase"
    message = (
        'connection to server failed: FATAL:  password authentication failed for user "nf_editor"'
        f"\n(password p@ss-word, key k3y-phrase, URL {url})"
    )
    assert sql.scrubbed(message, url) == (
        'connection to server failed: FATAL: password authentication failed for user "***" '
        "(password ***, key ***, URL postgresql://db.example.org/news)"
    )


def test_a_short_user_name_is_scrubbed_only_where_it_is_a_word() -> None:
    url = "postgresql://ed:secret@db.example.org/news"
    assert sql.scrubbed('role "ed" does not exist; edit', url) == 'role "***" does not exist; edit'


def test_a_source_shows_no_password_in_its_repr() -> None:
    source = SqlSource("postgresql://editor:secret@db.example.org/news", "SELECT 1")
    assert repr(source) == "SqlSource('postgresql://db.example.org/news', 'SELECT 1')"


def test_text_that_is_not_a_url_is_named_without_its_password(capsys, tmp_path) -> None:
    code = main(["build", "--sql", "editor:secret@127.0.0.1/news", "--query", "SELECT 1",
                 "--out", str(tmp_path), "--title", "T", "--link", SITE])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("127.0.0.1/news: error: not a usable database URL: ")
    assert "secret" not in err and "editor" not in err


def test_a_missing_driver_is_one_error_without_credentials(read) -> None:
    reading = read(SqlSource("postgresql+pg8000://editor:secret@db.example.org/news", "SELECT 1"))
    assert messages(reading) == [
        "postgresql+pg8000://db.example.org/news: error: the database driver is not installed: "
        "No module named 'pg8000'"
    ]


def test_a_driver_error_of_any_kind_is_one_line_naming_the_database(read, monkeypatch) -> None:
    sqlalchemy = pytest.importorskip("sqlalchemy")

    class Engine:
        dialect = sqlalchemy.create_engine("sqlite://").dialect

        def connect(self) -> None:
            raise TypeError("connect() got an unexpected keyword argument 'sslmode'\n  at ...")

        def dispose(self) -> None:
            pass

    monkeypatch.setattr(sqlalchemy, "create_engine", lambda url: Engine())
    url = "postgresql+pg8000://editor:secret@db.example.org/news?sslmode=require"
    assert messages(read(SqlSource(url, "SELECT 1"))) == [
        "postgresql+pg8000://db.example.org/news: error: cannot connect: "
        "TypeError: connect() got an unexpected keyword argument 'sslmode'"
    ]


def test_a_drivers_error_fields_give_their_message(read, monkeypatch) -> None:
    """pg8000 raises with the server's fields (S, C, M...) as its argument."""
    sqlalchemy = pytest.importorskip("sqlalchemy")

    class Engine:
        dialect = sqlalchemy.create_engine("sqlite://").dialect

        def connect(self) -> None:
            fields = {
                "S": "FATAL",
                "C": "28P01",
                "M": 'password authentication failed for user "ed1tor"',
            }
            raise RuntimeError(fields)

        def dispose(self) -> None:
            pass

    monkeypatch.setattr(sqlalchemy, "create_engine", lambda url: Engine())
    url = "postgresql+pg8000://ed1tor:secret@db.example.org/news"
    assert messages(read(SqlSource(url, "SELECT 1"))) == [
        "postgresql+pg8000://db.example.org/news: error: cannot connect: "
        'password authentication failed for user "***"'
    ]


def test_without_sqlalchemy_other_databases_say_which_extra_to_install(read, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    reading = read(SqlSource("postgresql://db.example.org/news", "SELECT 1"))
    assert messages(reading) == [
        "postgresql://db.example.org/news: error: reading this database needs SQLAlchemy: "
        "pip install 'newsfeed-publisher[sql]' (SQLite files need nothing: sqlite:///site.db)"
    ]


# -- command line and site config ----------------------------------------------------------------


def test_build_reads_a_database_with_sql_and_query(db, tmp_path, capsys) -> None:
    source = db([row(1), row(2)])
    out = tmp_path / "public"
    code = main(
        ["build", "--sql", source.url, "--query", source.query, "--out", str(out),
         "--title", "Noticias", "--link", "https://noticias.example.org/"]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert {"atom.xml", "feed.json", "rss.xml"} <= {p.name for p in out.iterdir()}
    assert len(json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]) == 2


def test_sql_without_query_is_a_usage_error(db, tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["build", "--sql", db([]).url, "--out", str(tmp_path), "--title", "T",
              "--link", "https://noticias.example.org/"])  # fmt: skip
    assert exit.value.code == 2
    assert "--sql and --query go together" in capsys.readouterr().err


def test_a_site_config_reads_a_database_relative_to_the_config_file(db, tmp_path) -> None:
    db([row(1)])
    (tmp_path / "site.toml").write_text(
        'out = "public"\n'
        'sql = { url = "sqlite:///site.db", query = "SELECT * FROM articles" }\n'
        '[site]\ntitle = "Noticias"\nlink = "https://noticias.example.org/"\n',
        encoding="utf-8",
    )
    assert main(["build", "--config", str(tmp_path / "site.toml"), "--quiet"]) == 0
    assert "a-1" in (tmp_path / "public" / "feed.json").read_text(encoding="utf-8")
