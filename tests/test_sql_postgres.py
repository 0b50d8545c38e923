"""Articles from a real PostgreSQL server: only read, the same bytes in any time zone, no secret.

The tests start a throwaway server of their own from the installed
binaries (see postgres_server.py) and stop it at the end. Without
PostgreSQL they are skipped, saying why; with NEWSFEED_REQUIRE_POSTGRES=1
(as CI sets it) they fail instead, so that CI cannot pass without them.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import newsfeed
from newsfeed import Feed, Reading, SqlSource
from newsfeed.cli import main
from newsfeed.sources import sql

if not os.environ.get("NEWSFEED_REQUIRE_POSTGRES"):
    pytest.importorskip(
        "psycopg", reason="psycopg 3 is in the test extra: pip install -e '.[test]'"
    )
    pytest.importorskip("sqlalchemy")
import psycopg

import postgres_server
from postgres_server import ADMIN, DATABASE, EDITOR, READER, PostgresServer
from test_sql import WRITING_STATEMENTS

SITE = "https://noticias.example.org/"
#: The rows of the test table: an instant (timestamptz) and a naive local
#: time (timestamp), as a CMS keeps them.
ROWS = [
    ("pg-1", "Uno", "2026-11-26 15:00:00+00", "2026-11-27 09:30:00", "Ana Quispe; Marco Díaz",
     "Economía, Lima"),
    ("pg-2", "Dos", "2026-11-25 23:45:10+00", None, "Quispe, Ana", "Mundo"),
    ("pg-3", "Tres", "2026-01-01 04:59:59+00", "2026-01-01 00:00:00", None, None),
]  # fmt: skip
#: The same records as a JSON file gives them: the instant in UTC, the naive
#: time as naive text.
JSON_RECORDS = [
    {"id": "pg-1", "title": "Uno", "published": "2026-11-26T15:00:00Z",
     "updated": "2026-11-27T09:30:00", "authors": "Ana Quispe; Marco Díaz",
     "categories": "Economía, Lima"},
    {"id": "pg-2", "title": "Dos", "published": "2026-11-25T23:45:10Z", "authors": "Quispe, Ana",
     "categories": "Mundo"},
    {"id": "pg-3", "title": "Tres", "published": "2026-01-01T04:59:59Z",
     "updated": "2026-01-01T00:00:00"},
]  # fmt: skip
QUERY = "SELECT * FROM articles ORDER BY id"


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    try:
        running = postgres_server.start()
    except postgres_server.Unavailable as why:
        if os.environ.get("NEWSFEED_REQUIRE_POSTGRES"):
            pytest.fail(f"NEWSFEED_REQUIRE_POSTGRES is set, but {why}")
        pytest.skip(str(why))
    try:
        with admin(running, "postgres") as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")
            for role, password in (EDITOR, READER):
                connection.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        yield running
    finally:
        running.stop()


def admin(server: PostgresServer, database: str = DATABASE) -> Any:
    return psycopg.connect(
        host="127.0.0.1", port=server.port, user=ADMIN[0], password=ADMIN[1],
        dbname=database, autocommit=True,
    )  # fmt: skip


@pytest.fixture
def pg(server: PostgresServer) -> PostgresServer:
    """The server with a fresh `articles` table, owned by the editor (who may
    write to it) and readable by the reader."""
    with admin(server) as connection:
        connection.execute("DROP TABLE IF EXISTS articles, copy")
        connection.execute("DROP SEQUENCE IF EXISTS counter")
        connection.execute("DROP FUNCTION IF EXISTS scribble()")
        for large_object in connection.execute("SELECT oid FROM pg_largeobject_metadata"):
            connection.execute("SELECT lo_unlink(%s)", large_object)
        connection.execute(
            "CREATE TABLE articles (id text PRIMARY KEY, title text, published timestamptz, "
            "updated timestamp, authors text, categories text)"
        )
        connection.cursor().executemany(
            "INSERT INTO articles VALUES (%s, %s, %s, %s, %s, %s)", ROWS
        )
        connection.execute("CREATE SEQUENCE counter")
        # A function that writes, called by a query that looks like it only reads.
        connection.execute(
            "CREATE FUNCTION scribble() RETURNS int LANGUAGE sql AS "
            "$$ UPDATE articles SET title = 'changed' RETURNING 1 $$"
        )
        for thing in ("TABLE articles", "SEQUENCE counter", "FUNCTION scribble()"):
            connection.execute(f"ALTER {thing} OWNER TO {EDITOR[0]}")
        connection.execute(f"GRANT SELECT ON articles TO {READER[0]}")
    return server


def contents(server: PostgresServer) -> tuple[Any, ...]:
    """What a write could change: the tables, the rows of `articles`, the
    sequence, the large objects. To compare before and after."""
    with admin(server) as connection:
        return tuple(
            tuple(connection.execute(query).fetchall())
            for query in (
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
                "SELECT * FROM articles ORDER BY id",
                "SELECT last_value, is_called FROM counter",
                "SELECT count(*) FROM pg_largeobject_metadata",
            )
        )


def settings(**changes: Any) -> newsfeed.FeedSettings:
    values = {"title": "Noticias", "link": SITE, "language": "es", "timezone": "America/Lima"}
    return newsfeed.FeedSettings(**(values | changes))


def read(url: str, query: str = QUERY) -> Reading:
    return newsfeed.read_articles(SqlSource(url, query), settings())


def feeds(reading: Reading) -> tuple[bytes, bytes, bytes]:
    assert reading.errors == []
    feed = Feed(settings(), reading.articles)
    return feed.rss(), feed.atom(), feed.json()


# -- only read ------------------------------------------------------------------------------------

POSTGRES_WRITING_STATEMENTS = [
    *WRITING_STATEMENTS,
    ("select into", "SELECT * INTO copy FROM articles"),
    ("create table as", "WITH c AS (SELECT 1) SELECT * INTO copy FROM c"),
    ("select for update", "SELECT * FROM articles FOR UPDATE"),
    ("truncate behind with", "WITH c AS (SELECT 1) SELECT 1 FROM c; TRUNCATE articles"),
    ("set read write", "SELECT 1; SET TRANSACTION READ WRITE; DELETE FROM articles"),
    ("writing cte", "WITH d AS (DELETE FROM articles RETURNING *) SELECT * FROM d"),
    ("function that writes", "SELECT *, scribble() AS tittle FROM articles"),
    ("sequence", "SELECT *, nextval('counter') AS tittle FROM articles"),
    ("copy to a file", "COPY articles TO '/tmp/newsfeed-copy'"),
]


@pytest.mark.parametrize("checked", [True, False], ids=["checked", "unchecked"])
@pytest.mark.parametrize(
    "statement",
    [s for _, s in POSTGRES_WRITING_STATEMENTS],
    ids=[n for n, _ in POSTGRES_WRITING_STATEMENTS],
)
def test_no_statement_writes_even_as_a_user_who_may(pg, monkeypatch, checked, statement) -> None:
    """`unchecked`: with newsfeed's look at the query switched off, the read-only
    transaction (and the one-statement protocol) still refuse."""
    before = contents(pg)
    if not checked:
        monkeypatch.setattr(sql, "refusal_of", lambda query: None)
    reading = read(pg.url(EDITOR), statement)
    assert reading.articles == []
    [problem] = [str(p) for p in reading.problems]
    assert problem.startswith(f"postgresql+psycopg://127.0.0.1:{pg.port}/{DATABASE}: error: ")
    assert contents(pg) == before


def test_a_function_that_writes_is_refused_by_the_read_only_transaction(pg) -> None:
    reading = read(pg.url(EDITOR), "SELECT *, scribble() AS tittle FROM articles")
    assert [p.message for p in reading.problems] == [
        "query failed: cannot execute UPDATE in a read-only transaction"
    ]


def test_the_transaction_is_rolled_back_not_committed(pg, monkeypatch) -> None:
    """Even were the transaction not read-only, what a query wrote would be
    undone: nothing is ever committed."""
    monkeypatch.setattr(sql, "_READ_ONLY_TRANSACTION", "SELECT 1")
    before = contents(pg)
    reading = read(pg.url(EDITOR), "SELECT *, scribble() AS tittle FROM articles ORDER BY id")
    assert [a.title for a in reading.articles] == ["Uno", "Dos", "Tres"]
    assert contents(pg) == before


def test_what_the_read_only_transaction_lets_through_is_rolled_back(pg) -> None:
    """PostgreSQL 15 lets a read-only transaction create a large object."""
    before = contents(pg)
    reading = read(pg.url(EDITOR), "SELECT *, lo_create(0) AS tittle FROM articles")
    assert len(reading.articles) == 3
    assert contents(pg) == before


@pytest.mark.parametrize("end", [";", " ;\n", "\n-- newest first"])
def test_a_query_may_end_with_a_semicolon_or_a_comment(pg, end) -> None:
    assert len(read(pg.url(READER), QUERY + end).articles) == 3


def test_a_read_only_role_reads_every_row(pg) -> None:
    reading = read(pg.url(READER))
    assert [(a.id, a.place.position) for a in reading.articles] == [
        ("pg-1", "query row 1 (id pg-1)"),
        ("pg-2", "query row 2 (id pg-2)"),
        ("pg-3", "query row 3 (id pg-3)"),
    ]


# -- the same bytes in any time zone ---------------------------------------------------------


@pytest.mark.parametrize(
    "query", [QUERY, "SELECT id, title, published::text AS published FROM articles"],
    ids=["timestamptz", "timestamptz as text"],
)  # fmt: skip
def test_the_feeds_are_the_same_bytes_whatever_the_sessions_time_zone(
    pg, monkeypatch, query
) -> None:
    built = []
    for zone in ("UTC", "America/Lima", "Asia/Tokyo"):
        monkeypatch.setenv("PGTZ", zone)
        built.append(feeds(read(pg.url(READER), query)))
    assert built[0] == built[1] == built[2]


def test_the_feeds_are_the_same_bytes_whatever_the_servers_time_zone(pg) -> None:
    built = []
    for zone in ("UTC", "America/Lima", "Asia/Tokyo"):
        with admin(pg) as connection:
            connection.execute(f"ALTER ROLE {READER[0]} SET timezone = '{zone}'")
        built.append(feeds(read(pg.url(READER))))
    with admin(pg) as connection:
        connection.execute(f"ALTER ROLE {READER[0]} RESET timezone")
    assert built[0] == built[1] == built[2]


@pytest.mark.parametrize("zone", ["UTC", "America/Lima", "Asia/Tokyo"])
def test_the_feeds_are_the_bytes_of_the_same_records_from_a_json_file(
    pg, monkeypatch, tmp_path, zone
) -> None:
    path = tmp_path / "articles.json"
    path.write_text(json.dumps(JSON_RECORDS), encoding="utf-8")
    monkeypatch.setenv("PGTZ", zone)
    assert feeds(read(pg.url(READER))) == feeds(newsfeed.read_articles(path, settings()))


def test_an_instant_is_read_in_utc_and_a_naive_time_in_the_feeds_zone(pg, monkeypatch) -> None:
    monkeypatch.setenv("PGTZ", "Asia/Tokyo")
    article = read(pg.url(READER)).articles[0]
    assert article.published.isoformat() == "2026-11-26T15:00:00+00:00"
    assert article.updated.isoformat() == "2026-11-27T09:30:00-05:00"


# -- ids -------------------------------------------------------------------------------------


def test_a_uuid_or_numeric_key_is_read_as_its_text(pg) -> None:
    key = uuid.UUID("0b3c5d4e-1f2a-4b6c-8d9e-0f1a2b3c4d5e")
    query = (
        f"SELECT '{key}'::uuid AS id, 'Uno' AS title, now() AS published "
        "UNION ALL SELECT NULL, 'Dos', now() "
    )
    reading = read(pg.url(READER), f"SELECT * FROM ({query}) AS q WHERE id IS NOT NULL")
    assert [(a.id, a.place.position) for a in reading.articles] == [
        (str(key), f"query row 1 (id {key})")
    ]
    reading = read(pg.url(READER), "SELECT 8812::numeric AS guid, 'Uno' AS title, now() AS date")
    assert [(a.id, a.place.position) for a in reading.articles] == [
        ("8812", "query row 1 (id 8812)")
    ]


# -- no secret in any message -------------------------------------------------------------------


def failures(server: PostgresServer) -> dict[str, tuple[str, str]]:
    """(url, query) of each way reading can fail; every URL holds the editor's credentials."""
    password = EDITOR[1]
    good = server.url(EDITOR)
    return {
        "wrong password": (good.replace(password, "Wr0ng-pa55word"), QUERY),
        "wrong host": (good.replace("127.0.0.1", "db.nowhere.invalid"), QUERY),
        "wrong port": (good.replace(str(server.port), "1"), QUERY),
        "missing database": (good.replace(f"/{DATABASE}", "/nosuchdb"), QUERY),
        "missing table": (good, "SELECT * FROM nosuchtable"),
        "bad row": (good, "SELECT 'x' AS id, 'T' AS title, 'nunca' AS published"),
        "missing driver": (good.replace("+psycopg", "+pg8000"), QUERY),
        "unknown option": (good + "?sslmode=require&application_name=nf", QUERY),
        "not a url": (good.replace("postgresql+psycopg://", ""), QUERY),
    }


FAILURES = [
    "wrong password", "wrong host", "wrong port", "missing database", "missing table", "bad row",
    "missing driver", "unknown option", "not a url",
]  # fmt: skip


@pytest.mark.parametrize("failure", FAILURES)
def test_no_message_names_the_user_or_the_password(pg, failure, tmp_path, capsys) -> None:
    url, query = failures(pg)[failure]
    code = main(["build", "--sql", url, "--query", query, "--out", str(tmp_path / "out"),
                 "--title", "T", "--link", SITE, "--no-cache"])  # fmt: skip
    err = capsys.readouterr().err
    assert code in (1, 3), err
    problems = [line for line in err.splitlines() if ": error: " in line]
    assert len(problems) == 1, err
    assert EDITOR[0] not in err and EDITOR[1] not in err and "Wr0ng-pa55word" not in err
    assert "internal error" not in err and "Traceback" not in err


def test_a_wrong_password_is_one_error_naming_the_database(pg) -> None:
    url, query = failures(pg)["wrong password"]
    [problem] = [str(p) for p in read(url, query).problems]
    assert problem.startswith(
        f"postgresql+psycopg://127.0.0.1:{pg.port}/{DATABASE}: error: cannot connect: "
    )
    assert 'password authentication failed for user "***"' in problem
