"""Records from a database: each row of a query is a record, its columns the field names.

`sqlite:///path/to/site.db` is read with the standard library; any other URL
(`postgresql://user@host/news`, `mysql+pymysql://...`) goes through
SQLAlchemy, installed with `pip install 'newsfeed-publisher[sql]'`. URLs are written as
SQLAlchemy users know them: three slashes before a relative SQLite path, four
before an absolute one.

Rows are streamed in batches, never fetched all at once. NULL is the same
as an absent field; a JSON array or object in `authors`, `categories` or
`image` is read as that value, and `authors` and `categories` may also be
`;`-separated text, as in CSV. The database is only ever read: SQLite is
opened read-only, and a SQLAlchemy connection is never committed.

A row is named `DB:query row N`, N counting from 1; a query that fails is
one error naming the database and the database's own message.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from newsfeed.model import Place, Problem
from newsfeed.records import ALIASES, RawRecord
from newsfeed.sources.csvfile import split_list_fields

#: Rows fetched per round trip: small enough to stream, large enough to be fast.
BATCH_SIZE = 500
#: Fields whose column may hold a JSON array or object.
JSON_FIELDS = frozenset({"authors", "categories", "image"})
#: Databases fold unquoted names (PostgreSQL lowers `pubDate` to `pubdate`), so
#: a column that is not a field name is matched to one without regard to case.
_ALIAS_BY_FOLDED = {alias.casefold(): alias for alias in ALIASES}
_SQLITE_URL = re.compile(r"sqlite://(?P<rest>.*)\Z", re.DOTALL)
_RELATIVE_SQLITE_FILE = re.compile(
    r"(?P<scheme>sqlite(?:\+\w+)?):///(?P<path>[^/].*)\Z", re.DOTALL
)
#: The first word of a statement that reads, after any leading comments.
_READING_STATEMENT = re.compile(r"\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(SELECT|WITH|VALUES)\b", re.I)


@dataclass(frozen=True, slots=True)
class SqlSource:
    """A query on a database, as a source of article records.

    `url` is `sqlite:///relative/site.db`, `sqlite:////absolute/site.db`, or
    any SQLAlchemy URL; `query` is one SELECT statement.
    """

    url: str
    query: str

    @property
    def name(self) -> str:
        """The database as messages name it, without user or password."""
        return database_name(self.url)


def database_name(url: str) -> str:
    """`site.db` for a SQLite file; `postgresql://host/news` otherwise (no credentials)."""
    sqlite_path = _sqlite_path(url)
    if sqlite_path is not None:
        return sqlite_path or url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return url.split("://", 1)[0] + "://"
    # SQLAlchemy puts the SQLite file (`sqlite+pysqlite:///site.db`) after the host's slash.
    if parts.scheme.split("+", 1)[0] == "sqlite":
        return unquote(parts.path[1:]) or url
    return f"{parts.scheme}://{host}{port}{parts.path}"


def sqlite_file_url(url: str, folder: Path) -> str:
    """`url` with a relative SQLite file made relative to `folder` (a config file's)."""
    match = _RELATIVE_SQLITE_FILE.match(url.strip())
    if match is None:
        return url
    return f"{match.group('scheme')}:///{(folder / match.group('path')).as_posix()}"


def read(source: SqlSource, problems: list[Problem]) -> Iterator[RawRecord]:
    """Every row of the query as a record, streamed; problems go to `problems`."""
    database = Place(source.name)
    if not _READING_STATEMENT.match(source.query):
        # Not a security boundary (use a read-only database user for that):
        # it stops a mistaken UPDATE before it reaches a database we cannot open read-only.
        problems.append(
            database.source_error(None, "the query must be one SELECT (or WITH) statement")
        )
        return
    sqlite_path = _sqlite_path(source.url)
    if sqlite_path is None:
        yield from _read_sqlalchemy(source, database, problems)
    else:
        yield from _read_sqlite(sqlite_path, source, database, problems)


def _sqlite_path(url: str) -> str | None:
    """The file of a plain `sqlite://` URL (SQLAlchemy's spelling), else None."""
    match = _SQLITE_URL.match(url.strip())
    if match is None:
        return None
    rest = match.group("rest")
    # `sqlite:///site.db` is relative, `sqlite:////srv/site.db` absolute, as in SQLAlchemy.
    return unquote(rest[1:].split("?", 1)[0]) if rest.startswith("/") else ""


def _read_sqlite(
    path: str, source: SqlSource, database: Place, problems: list[Problem]
) -> Iterator[RawRecord]:
    if not path:
        problems.append(
            database.source_error(
                None, "name the database file: sqlite:///site.db or sqlite:////abs.db"
            )
        )
        return
    file = Path(path)
    if not file.is_file():
        problems.append(database.source_error(None, "no such database file"))
        return
    try:
        # mode=ro: the database is only read, even if the query tried to write.
        connection = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        problems.append(database.source_error(None, f"cannot open the database: {error}"))
        return
    try:
        try:
            cursor = connection.execute(source.query)
        except (sqlite3.Error, sqlite3.Warning) as error:
            problems.append(database.source_error(None, f"query failed: {error}"))
            return
        columns = _columns([d[0] for d in cursor.description or ()], database, problems)
        if columns is None:
            return
        yield from _records(_sqlite_batches(cursor, database, problems), columns, source, problems)
    finally:
        connection.close()


def _sqlite_batches(
    cursor: sqlite3.Cursor, database: Place, problems: list[Problem]
) -> Iterator[Sequence[Any]]:
    while True:
        try:
            rows = cursor.fetchmany(BATCH_SIZE)
        except sqlite3.Error as error:
            problems.append(database.source_error(None, f"query failed: {error}"))
            return
        if not rows:
            return
        yield rows


def _read_sqlalchemy(
    source: SqlSource, database: Place, problems: list[Problem]
) -> Iterator[RawRecord]:
    try:
        import sqlalchemy
    except ImportError:
        problems.append(
            database.source_error(
                None,
                "reading this database needs SQLAlchemy: pip install 'newsfeed-publisher[sql]' "
                "(SQLite files need nothing: sqlite:///site.db)",
            )
        )
        return
    try:
        engine = sqlalchemy.create_engine(source.url)
    except ImportError as error:
        problems.append(
            database.source_error(None, f"the database driver is not installed: {error}")
        )
        return
    except Exception as error:  # SQLAlchemy's ArgumentError and friends: a bad URL
        problems.append(
            database.source_error(None, f"not a usable database URL: {_first_line(error)}")
        )
        return
    try:
        with engine.connect() as connection:
            # Never committed: the transaction is rolled back when the connection closes.
            streaming = connection.execution_options(stream_results=True)
            try:
                result = streaming.execute(sqlalchemy.text(source.query))
            except sqlalchemy.exc.SQLAlchemyError as error:
                problems.append(database.source_error(None, f"query failed: {_db_message(error)}"))
                return
            columns = _columns(list(result.keys()), database, problems)
            if columns is None:
                return
            batches = _sqlalchemy_batches(
                result, database, problems, sqlalchemy.exc.SQLAlchemyError
            )
            yield from _records(batches, columns, source, problems)
    except sqlalchemy.exc.SQLAlchemyError as error:
        problems.append(
            database.source_error(None, f"cannot read the database: {_db_message(error)}")
        )
    finally:
        engine.dispose()


def _sqlalchemy_batches(
    result: Any, database: Place, problems: list[Problem], errors: type[Exception]
) -> Iterator[Sequence[Any]]:
    partitions = result.partitions(BATCH_SIZE)
    while True:
        try:
            rows = next(partitions, None)
        except errors as error:
            problems.append(database.source_error(None, f"query failed: {_db_message(error)}"))
            return
        if rows is None:
            return
        yield rows


def _columns(names: list[str], database: Place, problems: list[Problem]) -> list[str] | None:
    """The field name of each column, or None (with an error) when two columns share one."""
    columns = [
        name if name in ALIASES else _ALIAS_BY_FOLDED.get(name.casefold(), name) for name in names
    ]
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            problems.append(
                database.source_error(
                    name, "the query returns two columns of this name; rename one (AS)"
                )
            )
            return None
        seen.add(name)
    return columns


def _records(
    batches: Iterable[Sequence[Any]],
    columns: list[str],
    source: SqlSource,
    problems: list[Problem],
) -> Iterator[RawRecord]:
    number = 0
    for rows in batches:
        for row in rows:
            number += 1
            place = Place(source.name, f"query row {number}")
            record = _record(dict(zip(columns, row, strict=True)), place, problems)
            if record is not None:
                yield RawRecord(record, place)


def _record(row: dict[str, Any], place: Place, problems: list[Problem]) -> dict[str, Any] | None:
    """The row as a record: JSON columns decoded, `;`-separated lists split."""
    for column, value in row.items():
        if ALIASES.get(column) in JSON_FIELDS and isinstance(value, str):
            text = value.strip()
            if text.startswith(("[", "{")):
                try:
                    row[column] = json.loads(text)
                except json.JSONDecodeError as error:
                    problems.append(
                        place.error(
                            ALIASES[column], f"not valid JSON: {error.msg}, at {error.pos}"
                        )
                    )
                    return None
                except RecursionError:
                    problems.append(place.error(ALIASES[column], "JSON nested too deeply to read"))
                    return None
    return split_list_fields(row)


def _db_message(error: Exception) -> str:
    """The database's own message: SQLAlchemy wraps it in text about SQL and background links."""
    original = getattr(error, "orig", None)
    return _first_line(original if original is not None else error)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
