"""A site described in TOML: its settings, sources, output folder and feeds.

See `examples/site.toml` for every key with a comment. Paths in the file
are relative to the file's folder. A wrong key, type or value is one
`ConfigError` that names the key and its line.
"""

from __future__ import annotations

import codecs
import glob
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields, replace
from pathlib import Path
from typing import Any

from newsfeed.feed import FORMATS
from newsfeed.model import FeedSettings, SettingError
from newsfeed.publishing import DEFAULT_MAX_BYTES, FeedPlan, Selection, Site
from newsfeed.publishing.lock import DEFAULT_LOCK_TIMEOUT
from newsfeed.publishing.plans import BELOW_OUT, check_plans, path_parts, path_problem
from newsfeed.sources.sql import SqlSource, sqlite_file_url

#: `[site]` holds FeedSettings, key for field; those without a default are required.
SITE_KEYS = {field.name for field in fields(FeedSettings)}
REQUIRED_SITE_KEYS = tuple(
    field.name
    for field in fields(FeedSettings)
    if field.default is MISSING and field.default_factory is MISSING
)
TOP_KEYS = {
    "site",
    "sources",
    "sql",
    "out",
    "encoding",
    "max_bytes",
    "lock_timeout",
    "cache",
    "jobs",
    "feeds",
}
FEED_KEYS = {
    "path", "title", "categories", "authors", "languages", "fan_out", "formats",
    "archive", "page_size", "max_bytes",
}  # fmt: skip


class ConfigError(Exception):
    """A wrong key, type or value in a site's configuration file."""

    def __init__(self, path: str, line: int | None, key: str, message: str) -> None:
        place = path if line is None else f"{path}:{line}"
        super().__init__(f"{place}: error: {key}: {message}")


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """A site as its configuration file describes it."""

    site: Site
    sources: tuple[str | SqlSource, ...]
    encoding: str = "utf-8"
    #: Where unchanged sources are kept between runs: a folder, True for the
    #: user's cache folder, False for none.
    cache: Path | bool = True
    #: How many documents are rendered at once; None: the number of cores.
    jobs: int | None = None


def load(path: str | Path) -> SiteConfig:
    """Read and check a site's TOML configuration."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise ConfigError(str(path), None, "file", error.strerror or str(error)) from None
    except UnicodeDecodeError as error:
        raise ConfigError(str(path), None, "file", f"not UTF-8 at byte {error.start}") from None
    # Imported here: a build from the command line's options reads no TOML.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.14 gives `lineno`; before, the line is only in the message.
        line = getattr(error, "lineno", None)
        at = re.search(r"\(at line (\d+), column \d+\)", str(error))
        if line is None and at is not None:
            line = int(at.group(1))
        raise ConfigError(str(path), line, "file", f"not valid TOML: {error}") from None
    return _Reader(path, text).site_config(data)


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(str(self.path), self.line_of(key), key, message)

    def line_of(self, key: str) -> int | None:
        """The line where `key` (`site.title`, `feeds[2].archive`, `site.webfeeds.icon`) is
        written, if found; for a key that is missing from its table, the table's header line."""
        match = re.fullmatch(r"(?:([\w.]+)(?:\[(\d+)\])?\.)?(\w+)(?:\[(\d+)\])?", key)
        if match is None:
            return None
        table, index, name, item = match.groups()
        if table is None and item is not None:  # `feeds[2]`: the header of that table
            table, index, name = name, item, None
        header = re.compile(r"\s*\[\[?\s*[\w.\"' -]+\]\]?\s*(?:#.*)?$")
        start, header_line = 0, None
        if table is not None:
            table_header = re.compile(rf"\s*\[\[?\s*{re.escape(table)}\s*\]\]?")
            seen = 0
            for number, line in enumerate(self.lines):
                if table_header.match(line):
                    seen += 1
                    if index is None or seen == int(index):
                        start, header_line = number + 1, number + 1
                        break
            else:
                # `site.webfeeds.icon` of an inline table: the line of `site.webfeeds`
                return self.line_of(table) if "." in table and index is None else None
        if name is None:
            return header_line
        assignment = re.compile(rf"\s*{re.escape(name)}\s*=")
        for number in range(start, len(self.lines)):
            if header.match(self.lines[number]):
                break  # the next table: the key is not written in this one
            if assignment.match(self.lines[number]):
                return number + 1
        return header_line

    def site_config(self, data: dict[str, Any]) -> SiteConfig:
        self.only(data, TOP_KEYS, "")
        site_table = self.table(data, "site")
        self.only(site_table, SITE_KEYS, "site.")
        settings = self.settings(site_table)
        # normpath: messages say public/rss.xml, not examples/../public/rss.xml
        out = Path(
            os.path.normpath(self.path.parent / (self.text(data, "out", "out", True) or ""))
        )
        max_bytes = self.whole(data, "max_bytes", "max_bytes", DEFAULT_MAX_BYTES, minimum=0)
        plans = self.plans(data.get("feeds"), max_bytes)
        try:
            site = Site(settings, out, plans, data.get("lock_timeout", DEFAULT_LOCK_TIMEOUT))
        except SettingError as error:
            raise self.fail(error.setting, error.reason) from None
        return SiteConfig(
            site,
            self.sources(data) + self.sql(data.get("sql")),
            self.encoding(data),
            self.cache(data),
            self.whole(data, "jobs", "jobs", 1, minimum=1) if "jobs" in data else None,
        )

    def cache(self, data: Mapping[str, Any]) -> Path | bool:
        value = data.get("cache", True)
        if isinstance(value, bool):
            return value
        if not isinstance(value, str) or not value.strip():
            raise self.fail("cache", "must be a folder, or true or false")
        return Path(os.path.normpath(self.path.parent / value.strip()))

    def encoding(self, data: Mapping[str, Any]) -> str:
        encoding = self.text(data, "encoding", "encoding") or "utf-8"
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise self.fail("encoding", f"unknown encoding {encoding!r}") from None
        return encoding

    def only(self, table: Mapping[str, Any], keys: set[str], prefix: str) -> None:
        for key in table:
            if key not in keys:
                raise self.fail(
                    f"{prefix}{key}", f"unknown key; expected one of {', '.join(sorted(keys))}"
                )

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return value

    def text(
        self, data: Mapping[str, Any], key: str, name: str, required: bool = False
    ) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(name, "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, "must be a non-empty string")
        return value.strip()

    def whole(
        self, data: Mapping[str, Any], key: str, name: str, default: int, minimum: int
    ) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(name, f"must be a whole number of at least {minimum}")
        return value

    def settings(self, table: Mapping[str, Any]) -> FeedSettings:
        """`[site]`: its values go to FeedSettings as they are, and FeedSettings checks them."""
        for name in REQUIRED_SITE_KEYS:
            if name not in table:
                raise self.fail(f"site.{name}", "is required")
        try:
            return FeedSettings(**table)
        except SettingError as error:
            raise self.fail(f"site.{error.setting}", error.reason) from None

    def sources(self, data: Mapping[str, Any]) -> tuple[str, ...]:
        value = data.get("sources", [])
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise self.fail("sources", "must be a list of paths or glob patterns")
        found: list[str] = []
        for item in items:
            pattern = str(self.path.parent / item)
            if glob.has_magic(item):
                matches = sorted(glob.glob(pattern, recursive=True))
                if not matches:
                    raise self.fail(
                        "sources",
                        f"{item!r} matches no file (an empty source would empty every feed)",
                    )
                found.extend(matches)
            else:
                found.append(pattern)
        return tuple(found)

    def sql(self, value: Any) -> tuple[SqlSource, ...]:
        """`sql = { url = "sqlite:///site.db", query = "SELECT ..." }`, a SQLite file
        being relative to this file's folder like every path here."""
        if value is None:
            return ()
        if not isinstance(value, dict):
            raise self.fail("sql", 'must be a table: { url = "...", query = "SELECT ..." }')
        unknown = set(value) - {"url", "query"}
        if unknown:
            raise self.fail("sql", f"unknown key {sorted(unknown)[0]!r}; expected url, query")
        url = self.text(value, "url", "sql.url", required=True) or ""
        query = self.text(value, "query", "sql.query", required=True) or ""
        return (SqlSource(sqlite_file_url(url, self.path.parent), query),)

    def plans(self, value: Any, max_bytes: int) -> tuple[FeedPlan, ...]:
        if value is None:
            return (FeedPlan(max_bytes=max_bytes),)
        if not isinstance(value, list) or not value:
            raise self.fail("feeds", "must be one or more [[feeds]] tables")
        plans = tuple(self.plan(item, n, max_bytes) for n, item in enumerate(value, start=1))
        # Two feeds writing the same files would rewrite each other on every run.
        collision = check_plans(plans)
        if collision is not None:
            message = collision.message
            line = self.line_of(f"feeds[{collision.first + 1}].path")
            if collision.first != collision.second and line is not None:
                message += f" (line {line})"
            raise self.fail(f"feeds[{collision.second + 1}].path", message)
        return plans

    def plan(self, table: Any, number: int, max_bytes: int) -> FeedPlan:
        prefix = f"feeds[{number}]."
        if not isinstance(table, dict):
            raise self.fail(f"feeds[{number}]", "must be a table")
        self.only(table, FEED_KEYS, prefix)
        path = table.get("path", "")
        if not isinstance(path, str):
            raise self.fail(prefix + "path", BELOW_OUT)
        # Checked as written: the path is then normalised ("/a" would be "a").
        problem = path_problem(path)
        if problem:
            raise self.fail(prefix + "path", problem)
        fan_out = table.get("fan_out")
        if fan_out not in (None, "category", "author"):
            raise self.fail(prefix + "fan_out", "must be 'category' or 'author'")
        formats = table.get("formats", list(FORMATS))
        if not isinstance(formats, list) or not formats or any(f not in FORMATS for f in formats):
            raise self.fail(prefix + "formats", "must be a list of 'rss', 'atom', 'json'")
        archive = table.get("archive", False)
        if not isinstance(archive, bool):
            raise self.fail(prefix + "archive", "must be true or false")
        page_size = table.get("page_size")
        if page_size is not None:
            page_size = self.whole(table, "page_size", prefix + "page_size", 1, minimum=1)
        plan = FeedPlan(
            path="/".join(path_parts(path)),
            title=self.text(table, "title", prefix + "title"),
            selection=Selection(
                categories=self.names(table, "categories", prefix),
                authors=self.names(table, "authors", prefix),
                languages=self.names(table, "languages", prefix),
            ),
            fan_out=fan_out,
            formats=tuple(f for f in FORMATS if f in formats),
            archive=archive,
            page_size=page_size,
            max_bytes=self.whole(table, "max_bytes", prefix + "max_bytes", max_bytes, minimum=0),
        )
        return plan

    def names(self, table: Mapping[str, Any], key: str, prefix: str) -> frozenset[str]:
        value = table.get(key, [])
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise self.fail(prefix + key, "must be a list of strings")
        return frozenset(item.strip().casefold() for item in items if item.strip())


def with_overrides(config: SiteConfig, **settings: Any) -> SiteConfig:
    """`config` with command-line values (those not None) taking precedence."""
    site = config.site
    changes = {key: value for key, value in settings.items() if value is not None}
    out = changes.pop("out", None)
    new_settings = replace(site.settings, **changes)
    new_site = replace(site, settings=new_settings, out=Path(out) if out else site.out)
    return replace(config, site=new_site)
