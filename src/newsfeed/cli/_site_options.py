"""A build's site from its command line options (internal): the site of --config, if
any, with the options on top, each wrong value named by its option."""

from __future__ import annotations

from newsfeed.cli._common import UsageError

# typing.TYPE_CHECKING without importing typing; type checkers take this name as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from newsfeed.config import SiteConfig
    from newsfeed.feed import Format
    from newsfeed.sources.sql import SqlSource

#: The option that gives each FeedSettings value on the command line.
SETTING_OPTIONS = {
    "title": "--title",
    "link": "--link",
    "base_url": "--base-url",
    "description": "--description",
    "authors": "--author",
    "language": "--language",
    "timezone": "--timezone",
    "limit": "--limit",
    "accept_url_ids": "--accept-url-ids",
}


def site_config(args: argparse.Namespace) -> SiteConfig:
    """The site from --config, if any, with the command line's options on top."""
    _check_options(args)
    if not args.config:
        # An empty --title or --link was given: FeedSettings says what is wrong with it.
        missing = [
            option
            for option, value in (
                ("--out", args.out or None),
                ("--title", args.title),
                ("--link", args.link),
            )
            if value is None
        ]
        if missing or not (args.inputs or args.sql):
            what = ", ".join(missing + ([] if args.inputs or args.sql else ["INPUT or --sql"]))
            raise UsageError(f"without --config, give {what}")
    # Imported once the options are known to be complete: a usage error costs none of it.
    from dataclasses import replace
    from pathlib import Path

    from newsfeed.config import SiteConfig, with_overrides
    from newsfeed.config import load as load_config
    from newsfeed.model import FeedSettings, SettingError
    from newsfeed.publishing import PlanCollision, Site

    # FeedSettings checks every value; a mistake is named here by its option.
    settings: dict[str, Any] = {
        name: getattr(args, option.removeprefix("--").replace("-", "_"))
        for name, option in SETTING_OPTIONS.items()
    }
    settings["authors"] = None if args.author is None else tuple(args.author)
    settings["limit"] = _whole_number(args.limit)
    settings["accept_url_ids"] = True if args.accept_url_ids else None
    try:
        if args.config:
            config = load_config(args.config)
        else:
            config = SiteConfig(
                Site(FeedSettings(title=args.title, link=args.link), Path(args.out)), ()
            )
        config = with_overrides(config, out=args.out, **settings)
    except SettingError as error:
        option = SETTING_OPTIONS.get(error.setting, error.setting)
        raise UsageError(f"{option}: {error.reason}") from None
    site = config.site
    plans = site.plans
    if args.formats is not None or args.max_bytes is not None:
        formats = _formats(args.formats) if args.formats is not None else None
        plans = tuple(
            replace(
                plan,
                formats=formats if formats is not None else plan.formats,
                max_bytes=plan.max_bytes if args.max_bytes is None else args.max_bytes,
            )
            for plan in plans
        )
    timeout = site.lock_timeout if args.lock_timeout is None else args.lock_timeout
    cache: Path | bool = config.cache
    if args.no_cache:
        cache = False
    elif args.cache:
        cache = Path(args.cache)
    try:
        site = replace(site, plans=plans, lock_timeout=timeout)
    except SettingError as error:
        raise UsageError(f"--lock-timeout: {error.reason}") from None
    except PlanCollision as error:
        # Another file name can meet another feed's folder (`feed.json/...`).
        raise UsageError(f"--formats: {error}") from None
    return replace(
        config,
        cache=cache,
        site=site,
        sources=config.sources + tuple(args.inputs) + _sql_source(args),
        encoding=args.encoding or config.encoding,
    )


def _sql_source(args: argparse.Namespace) -> tuple[SqlSource, ...]:
    from newsfeed.sources.sql import SqlSource

    if args.sql is None and args.query is None:
        return ()
    if not args.sql or not args.query:
        raise UsageError("--sql and --query go together: a database URL and a SELECT")
    return (SqlSource(args.sql, args.query),)


def _whole_number(text: str | None) -> int | str | None:
    """An option's text as the number it writes; other text stays text, which
    FeedSettings refuses naming the setting."""
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return text


def _check_options(args: argparse.Namespace) -> None:
    """The options that are not feed settings (FeedSettings checks those)."""
    import codecs

    if args.encoding is not None:
        try:
            codecs.lookup(args.encoding)
        except LookupError:
            raise UsageError(f"--encoding: unknown encoding {args.encoding!r}") from None
    if args.max_bytes is not None and args.max_bytes < 0:
        raise UsageError("--max-bytes: must be 0 (no budget) or more")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs: must be at least 1")


def _formats(text: str) -> tuple[Format, ...]:
    from newsfeed.feed import FORMATS

    names = {name.strip() for name in text.split(",") if name.strip()}
    unknown = names - set(FORMATS)
    if unknown:
        raise UsageError(
            f"--formats: unknown format {sorted(unknown)[0]!r}; choose from rss, atom, json"
        )
    if not names:
        raise UsageError("--formats: name at least one format")
    return tuple(f for f in FORMATS if f in names)
