"""Records from a database: each row of a query is a record, its columns the field names.

`sqlite:///path/to/site.db` is read with the standard library; any other URL
(`postgresql://user@host/news`, `mysql+pymysql://...`) goes through
SQLAlchemy, installed with `pip install 'newsfeed-publisher[sql]'`. URLs are written as
SQLAlchemy users know them: three slashes before a relative SQLite path, four
before an absolute one.

Rows are streamed in batches, never fetched all at once. NULL is the same
as an absent field; a JSON array or object in `authors`, `categories` or
`image` is read as that value. A date-time with a time zone (PostgreSQL's
`timestamptz`) is an instant, read in UTC whatever the session's `TimeZone`;
one without (`timestamp`) is read in the feed's time zone, as text without
an offset is.

The database is only ever read, by construction: the query must be one
statement that starts as a reading one does; a SQLite file (whatever the
URL's driver) is opened read-only, with `query_only` set and an authorizer
that allows nothing but reading (no ATTACH, no PRAGMA); any other database
is read in a read-only transaction that is rolled back, never committed.

A row is named `DB:query row N (id ID)`, N counting from 1. A database is
named in every message by scheme, host, port and name only (`database_name`),
and every message from a driver goes through `scrubbed`, which takes out the
user name and password.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

from newsfeed.fields import ALIASES, JSON_FIELDS
from newsfeed.model import Place, Problem, RawRecord
from newsfeed.sources.readers import RecordSource
from newsfeed.sources.scalars import text_id

#: Rows fetched per round trip: small enough to stream, large enough to be fast.
BATCH_SIZE = 500
#: Databases fold unquoted names (PostgreSQL lowers `pubDate` to `pubdate`), so
#: a column that is not a field name is matched to one without regard to case.
_ALIAS_BY_FOLDED = {alias.casefold(): alias for alias in ALIASES}
_SQLITE_URL = re.compile(r"sqlite(?:\+\w+)?://(?P<rest>.*)\Z", re.DOTALL)
_RELATIVE_SQLITE_FILE = re.compile(
    r"(?P<scheme>sqlite(?:\+\w+)?):///(?P<path>[^/].*)\Z", re.DOTALL
)
#: The first word of a statement that reads, after any leading comments.
_READING_STATEMENT = re.compile(r"\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(SELECT|WITH|VALUES)\b", re.I)
#: Query parameters of a URL whose values are secrets, as drivers name them.
_SECRET_PARAMETER = re.compile(r"pass|pwd|user|secret|token|key", re.I)
#: A secret this short is taken out of messages only where it stands as a word,
#: so that a one-letter user name does not garble the rest.
_SHORT_SECRET = 4
#: What SQLite's authorizer lets a query do: read, and nothing else.
_SQLITE_READING = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
#: Pragmas that only report, also as table-valued functions (`pragma_table_info('t')`).
_SQLITE_REPORTING_PRAGMAS = frozenset(
    {
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
        "foreign_key_list", "function_list", "module_list", "pragma_list", "collation_list",
        "database_list",
    }
)  # fmt: skip
#: SQLite's own bookkeeping when a query first uses a table-valued function
#: (`json_each`) shows as an update of the schema table; a real one is still
#: stopped by mode=ro and query_only.
_SQLITE_SCHEMA_TABLES = frozenset({"sqlite_master", "sqlite_temp_master"})
#: What makes the transaction unable to write: SQL's own statement (PostgreSQL
#: and Oracle take it as it is), or MySQL's, which also ends any transaction
#: its driver's first queries left open. A database that refuses it is not read.
_READ_ONLY_TRANSACTION = "SET TRANSACTION READ ONLY"
_READ_ONLY_TRANSACTION_BY_DIALECT = {
    "mysql": "START TRANSACTION READ ONLY",
    "mariadb": "START TRANSACTION READ ONLY",
}
#: Per dialect, what makes date-times the driver hands over independent of the
#: session's zone, for the transaction only.
_SESSION_ZONE = {"postgresql": "SET LOCAL TIME ZONE 'UTC'"}


@dataclass(frozen=True, slots=True)
class SqlSource(RecordSource):
    """A query on a database, as a source of article records.

    `url` is `sqlite:///relative/site.db`, `sqlite:////absolute/site.db`, or
    any SQLAlchemy URL; `query` is one SELECT statement.
    """

    #: Out of repr(): it may hold a password.
    url: str = field(repr=False)
    query: str

    def __repr__(self) -> str:
        return f"SqlSource({self.name!r}, {self.query!r})"

    @property
    def name(self) -> str:
        """The database as messages name it, without user, password or parameters."""
        return database_name(self.url)

    @property
    def key(self) -> str:
        return f"sql\0{self.url}\0{self.query}"

    def records(self, problems: list[Problem], encoding: str) -> Iterator[RawRecord]:
        """Every row of the query as a record (a driver decodes text itself)."""
        return read(self, problems)


def database_name(url: str) -> str:
    """`site.db` for a SQLite file; `postgresql://host:port/news` otherwise.

    User, password and query parameters are left out, also from text that is
    not a URL at all (`user:secret@host/db` gives `host/db`).
    """
    sqlite_path = _sqlite_path(url)
    if sqlite_path:
        return sqlite_path
    scheme, _, location = _url_parts(url)
    return f"{scheme}://{location}" if scheme else location


def scrubbed(text: str, url: str) -> str:
    """`text` (a driver's message, say) as one line without the URL's credentials.

    The URL itself becomes its `database_name`; its user name, password and
    secret parameters, as written and percent-decoded, become `***`.
    """
    text = " ".join(text.split()).replace(" ".join(url.split()), database_name(url))
    for secret in sorted(_secrets(url), key=len, reverse=True):
        if len(secret) >= _SHORT_SECRET:
            text = text.replace(secret, "***")
        else:
            text = re.sub(rf"(?<!\w){re.escape(secret)}(?!\w)", "***", text)
    return text


def _url_parts(url: str) -> tuple[str, str, str]:
    """(scheme, credentials, host:port/database) of a URL or of text that tries to be one."""
    text = url.strip()
    scheme, separator, rest = text.partition("://")
    if not separator:
        scheme, rest = "", text
    # The last `@`, before the query is cut off: a password written with an
    # unescaped `@`, `/`, `?` or `#` stays out too.
    credentials, _, location = rest.rpartition("@")
    return scheme, credentials, location.split("?", 1)[0].split("#", 1)[0]


def _secrets(url: str) -> set[str]:
    _, credentials, _ = _url_parts(url)
    # An unescaped `:` in a user name or password makes the split ambiguous: both.
    found = {credentials, *credentials.partition(":")[::2], *credentials.rpartition(":")[::2]}
    query = url.partition("?")[2].split("#", 1)[0]
    found.update(value for key, value in parse_qsl(query) if _SECRET_PARAMETER.search(key))
    found |= {unquote(secret) for secret in found}
    return {secret for secret in found if secret.strip()}


def sqlite_file_url(url: str, folder: Path) -> str:
    """`url` with a relative SQLite file made relative to `folder` (a config file's)."""
    match = _RELATIVE_SQLITE_FILE.match(url.strip())
    if match is None:
        return url
    return f"{match.group('scheme')}:///{(folder / match.group('path')).as_posix()}"


def read(source: SqlSource, problems: list[Problem]) -> Iterator[RawRecord]:
    """Every row of the query as a record, streamed; problems go to `problems`."""
    refusal = refusal_of(source.query)
    if refusal is not None:
        _fail(source, problems, refusal)
        return
    sqlite_path = _sqlite_path(source.url)
    if sqlite_path is None:
        yield from _read_sqlalchemy(source, problems)
    else:
        yield from _read_sqlite(sqlite_path, source, problems)


def refusal_of(query: str) -> str | None:
    """Why `query` is not run, or None.

    The database refuses to write in any case; this stops a mistaken UPDATE
    with a clearer message, and a second statement for drivers that would
    send it on its own (after a `COMMIT`, outside the read-only transaction).
    A `;` counts wherever it stands, even in a string or comment: no reading of
    quotes can then disagree with the database's.
    """
    if not _READING_STATEMENT.match(query):
        return "the query must be one SELECT (or WITH) statement"
    if ";" in query.strip().rstrip(";"):
        return "the query must be one statement: ';' may only end it"
    return None


def _fail(
    source: SqlSource, problems: list[Problem], message: str, field: str | None = None
) -> None:
    problems.append(Place(source.name).source_error(field, scrubbed(message, source.url)))


def _sqlite_path(url: str) -> str | None:
    """The file of a `sqlite://` URL, whatever its driver (`sqlite+pysqlite://`), else None."""
    match = _SQLITE_URL.match(url.strip())
    if match is None:
        return None
    rest = match.group("rest")
    # `sqlite:///site.db` is relative, `sqlite:////srv/site.db` absolute, as in SQLAlchemy.
    return unquote(rest[1:].split("?", 1)[0]) if rest.startswith("/") else ""


def _read_sqlite(path: str, source: SqlSource, problems: list[Problem]) -> Iterator[RawRecord]:
    if not path:
        _fail(source, problems, "name the database file: sqlite:///site.db or sqlite:////abs.db")
        return
    file = Path(path)
    if not file.is_file():
        _fail(source, problems, "no such database file")
        return
    try:
        # Read-only three times over: mode=ro for this file, query_only for
        # any other, and an authorizer that refuses everything but reading
        # (ATTACH would create a file, and mode=ro does not reach it).
        connection = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
        connection.execute("PRAGMA query_only = ON")
        connection.set_authorizer(_sqlite_authorizer)
    except sqlite3.Error as error:
        _fail(source, problems, f"cannot open the database: {error}")
        return
    try:
        try:
            cursor = connection.execute(source.query)
        except (sqlite3.Error, sqlite3.Warning) as error:
            refused = ": newsfeed only reads the database"
            detail = f"{error}{refused if str(error) == 'not authorized' else ''}"
            _fail(source, problems, f"query failed: {detail}")
            return
        columns = _columns([d[0] for d in cursor.description or ()], source, problems)
        if columns is None:
            return
        yield from _records(_sqlite_batches(cursor, source, problems), columns, source, problems)
    finally:
        connection.close()


def _sqlite_authorizer(action: int, first: str | None, *_: str | None) -> int:
    allowed = (
        action in _SQLITE_READING
        or (action == sqlite3.SQLITE_PRAGMA and (first or "").lower() in _SQLITE_REPORTING_PRAGMAS)
        or (action == sqlite3.SQLITE_UPDATE and first in _SQLITE_SCHEMA_TABLES)
    )
    return sqlite3.SQLITE_OK if allowed else sqlite3.SQLITE_DENY


def _sqlite_batches(
    cursor: sqlite3.Cursor, source: SqlSource, problems: list[Problem]
) -> Iterator[Sequence[Any]]:
    while True:
        try:
            rows = cursor.fetchmany(BATCH_SIZE)
        except sqlite3.Error as error:
            _fail(source, problems, f"query failed: {error}")
            return
        if not rows:
            return
        yield rows


def _read_sqlalchemy(source: SqlSource, problems: list[Problem]) -> Iterator[RawRecord]:
    try:
        import sqlalchemy
    except ImportError:
        _fail(
            source,
            problems,
            "reading this database needs SQLAlchemy: pip install 'newsfeed-publisher[sql]' "
            "(SQLite files need nothing: sqlite:///site.db)",
        )
        return
    try:
        engine = sqlalchemy.create_engine(source.url)
    except ImportError as error:
        _fail(source, problems, f"the database driver is not installed: {_first_line(error)}")
        return
    except Exception as error:  # SQLAlchemy's ArgumentError and friends: a bad URL
        _fail(source, problems, f"not a usable database URL: {_first_line(error)}")
        return
    # Drivers raise what they like (pg8000 a TypeError for an option it does not
    # know), so any exception here is the database's problem, named as one.
    step = "cannot connect"
    try:
        with engine.connect() as connection:
            step = "cannot start a read-only transaction"
            dialect = engine.dialect.name
            connection.exec_driver_sql(
                _READ_ONLY_TRANSACTION_BY_DIALECT.get(dialect, _READ_ONLY_TRANSACTION)
            )
            zone = _SESSION_ZONE.get(dialect)
            if zone is not None:
                connection.exec_driver_sql(zone)
            step = "query failed"
            streaming = connection.execution_options(stream_results=True)
            result = streaming.execute(sqlalchemy.text(source.query))
            columns = _columns(list(result.keys()), source, problems)
            if columns is not None:
                yield from _records(result.partitions(BATCH_SIZE), columns, source, problems)
            connection.rollback()
    except Exception as error:
        _fail(source, problems, f"{step}: {_first_line(error)}")
    finally:
        engine.dispose()


def _columns(names: list[str], source: SqlSource, problems: list[Problem]) -> list[str] | None:
    """The field name of each column, or None (with an error) when two columns share one."""
    columns = [
        name if name in ALIASES else _ALIAS_BY_FOLDED.get(name.casefold(), name) for name in names
    ]
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            _fail(source, problems, "the query returns two columns of this name: rename one", name)
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
            values = dict(zip(columns, row, strict=True))
            place = Place(source.name, _row_position(number, values))
            record = _record(values, place, problems)
            if record is not None:
                yield RawRecord(record, place)


def _row_position(number: int, row: dict[str, Any]) -> str:
    """`query row 17 (id 8812)`: rows come in no stable order without ORDER BY."""
    for column, value in row.items():
        shown = text_id(value)
        if ALIASES.get(column) == "id" and isinstance(shown, str | int) and str(shown).strip():
            return f"query row {number} (id {' '.join(str(shown).split())})"
    return f"query row {number}"


def _record(row: dict[str, Any], place: Place, problems: list[Problem]) -> dict[str, Any] | None:
    """The row as a record: ids as text, JSON columns decoded, date-times with a zone in UTC."""
    for column, value in row.items():
        if ALIASES.get(column) == "id":
            row[column] = text_id(value)
        elif isinstance(value, datetime) and value.utcoffset() is not None:
            row[column] = value.astimezone(timezone.utc)
        elif ALIASES.get(column) in JSON_FIELDS and isinstance(value, str):
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
    return row


def _first_line(error: BaseException) -> str:
    """The database's own message (SQLAlchemy wraps it in text about SQL and links)."""
    original = getattr(error, "orig", None)
    if isinstance(original, BaseException):
        error = original
    fields = error.args[0] if error.args else None
    # pg8000 hands over the server's fields (S, C, M...); M is the message.
    message = fields.get("M") if isinstance(fields, dict) else None
    lines = (message if isinstance(message, str) else str(error)).strip().splitlines()
    if not lines:
        return type(error).__name__
    # A Python error (pg8000's TypeError for an option it does not know) says
    # little without its kind; a database's error says it in its message.
    if isinstance(error, TypeError | ValueError | KeyError | AttributeError):
        return f"{type(error).__name__}: {lines[0]}"
    return lines[0]
