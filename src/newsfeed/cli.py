"""The `newsfeed` command: build feeds from article records, validate feeds.

Messages go to standard error, one line each, as
`SOURCE:LINE: error|warning: FIELD: message`; what was written goes to
standard output (nothing with --quiet), so that cron mails only problems.
"""

from __future__ import annotations

import argparse
import sys

from newsfeed.version import __version__

# typing.TYPE_CHECKING without importing typing; type checkers take this name as True.
TYPE_CHECKING = False
# Each command imports what it needs when it runs, so that --version, --help and
# a usage error cost no feedgen, lxml, dateutil, validator, database or server code.
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path
    from typing import Any, NoReturn

    from newsfeed.config import SiteConfig
    from newsfeed.feed import Format
    from newsfeed.model import Problem
    from newsfeed.sources.sql import SqlSource
    from newsfeed.validate import Finding

#: publishing.DEFAULT_MAX_BYTES, written here for --help without importing publishing
#: (a test checks the two agree).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_SKIPPED = 3
EXIT_LOCKED = 4
#: 128 + SIGINT, as shells report a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130

EXIT_CODES = """\
exit codes:
  0  every record published
  1  nothing written: a source could not be read, an internal error, an invalid
     feed (or, with --strict, any bad record)
  2  usage error: a wrong option or value
  3  feeds written, but some records were skipped (each one is named above)
  4  another run was writing the same output folder for longer than --lock-timeout
  130  interrupted (Ctrl-C): files already replaced are whole, the others are old
"""

BUILD_USAGE = """\
newsfeed build --config SITE.toml [INPUT ...] [options]
       newsfeed build INPUT ... --out DIR --title TITLE --link URL [options]
       newsfeed build --sql URL --query SQL --out DIR --title TITLE --link URL [options]\
"""

BUILD_EXAMPLES = """\
examples:
  newsfeed build --config examples/site.toml
  newsfeed build examples/articles --out public \\
      --title "Periodista Digital" --link https://example.org/ --language es
  newsfeed build news.jsonl extra.csv --out feeds --formats rss,atom \\
      --author "Newsroom <news@example.org>" --timezone Europe/Madrid --strict
  newsfeed build --sql sqlite:///examples/site.db --query "SELECT * FROM articles" \\
      --out public --title "Periodista Digital" --link https://example.org/
"""

SHOW_EXAMPLES = """\
examples:
  newsfeed show public/rss.xml
  newsfeed show --limit 3 public/feed.json
"""

VALIDATE_EXAMPLES = """\
examples:
  newsfeed validate public/rss.xml public/atom.xml public/feed.json
  curl -s https://example.org/feed | newsfeed validate -
  newsfeed validate --strict --format json feed.xml
  newsfeed validate --quiet public/*.xml   # cron: output only when something is wrong
"""


class UsageError(Exception):
    """A wrong option or value given on the command line."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except UsageError as error:
        # The command's own parser: its usage is the one that helps.
        command: argparse.ArgumentParser = args.parser
        command.error(str(error))
    except KeyboardInterrupt:
        print("newsfeed: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        from newsfeed.config import ConfigError

        if isinstance(error, ConfigError):
            # Already `FILE:LINE: error: KEY: message`, the shape of every other problem.
            print(error, file=sys.stderr)
            return EXIT_USAGE
        if args.debug:
            import traceback

            traceback.print_exc()
        else:
            print(
                f"newsfeed: internal error: {type(error).__name__}: {error} "
                "(run again with --debug for details)",
                file=sys.stderr,
            )
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="newsfeed",
        description="Publish article records as RSS 2.0, Atom 1.0 and JSON Feed 1.1.",
        epilog="Run 'newsfeed COMMAND --help' for the options of each command.\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsfeed {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    _add_build(commands)
    _add_validate(commands)
    _add_show(commands)
    return parser


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an internal error"
    )


# -- build -------------------------------------------------------------------


def _add_build(commands: argparse._SubParsersAction[Any]) -> None:
    build = commands.add_parser(
        "build",
        help="build RSS, Atom and JSON feeds from article records",
        description=(
            "Read article records (.json, .jsonl, .ndjson, .csv, .txt files or folders of "
            "them) and write DIR/rss.xml, DIR/atom.xml and DIR/feed.json, or every feed a "
            "site's --config describes. A bad record is skipped and named; the others are "
            "published. Files are replaced atomically and only when their bytes change."
        ),
        usage=BUILD_USAGE,
        epilog=BUILD_EXAMPLES + "\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument(
        "inputs", nargs="*", metavar="INPUT", help="files or folders to read (added to --config's)"
    )
    build.add_argument("--config", metavar="SITE.toml", help="a site's configuration file")
    build.add_argument(
        "--sql",
        metavar="URL",
        help="read records from a database: sqlite:///site.db, or any SQLAlchemy URL "
        "(pip install 'newsfeed-publisher[sql]'); needs --query",
    )
    build.add_argument(
        "--query",
        metavar="SQL",
        help="the SELECT whose rows are the records; its column names are the field names",
    )
    build.add_argument(
        "--out", metavar="DIR", help="folder to write the feeds to (required without --config)"
    )
    build.add_argument("--title", help="the feed's title (required without --config)")
    build.add_argument(
        "--link",
        metavar="URL",
        help="the site's home page, an absolute URL (required without --config)",
    )
    build.add_argument(
        "--base-url",
        metavar="URL",
        help="URL at which DIR is served; each file's self link is this plus its name "
        "(default: --link)",
    )
    build.add_argument("--description", help="the feed's description (default: the title)")
    build.add_argument(
        "--author",
        action="append",
        metavar="'NAME <EMAIL>'",
        help="an author of the feed itself; repeat for several",
    )
    build.add_argument("--language", help="BCP 47 language tag of the feed, e.g. es or pt-BR")
    build.add_argument(
        "--timezone", help="IANA time zone for dates written without one (default: UTC)"
    )
    # Read as text: FeedSettings says what is wrong with it, in the words it uses everywhere.
    build.add_argument(
        "--limit", metavar="N", help="how many newest entries to keep (default: 50)"
    )
    build.add_argument(
        "--formats", help="comma-separated formats to write (default: rss,atom,json)"
    )
    build.add_argument(
        "--max-bytes",
        type=int,
        metavar="N",
        help=f"size budget per feed file; the oldest entries beyond it are left out "
        f"(default: {DEFAULT_MAX_BYTES}, 0: no budget)",
    )
    build.add_argument(
        "--encoding", help="encoding of input files, for legacy exports (default: utf-8)"
    )
    build.add_argument(
        "--lock-timeout",
        type=float,
        metavar="SECONDS",
        help="how long to wait for another run writing the same folder (default: 60)",
    )
    cache = build.add_mutually_exclusive_group()
    cache.add_argument(
        "--cache",
        metavar="DIR",
        help="where to keep the site index (what was read of each source and written of "
        "each feed), so that the next run reads only the sources and renders only the "
        "feeds that changed (default: a folder per output folder under "
        "$XDG_CACHE_HOME or ~/.cache/newsfeed)",
    )
    cache.add_argument(
        "--no-cache",
        action="store_true",
        help="read every source and render every feed, keep no index",
    )
    build.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="how many documents to render at once (default: the number of cores)",
    )
    build.add_argument(
        "--accept-url-ids",
        action="store_true",
        help="the site's article URLs never change: records without an id take their url "
        "as id without a warning",
    )
    build.add_argument(
        "--strict", action="store_true", help="any bad record is fatal: write nothing"
    )
    build.add_argument(
        "--quiet", action="store_true", help="print only problems (for cron: no news is good news)"
    )
    _common(build)
    build.set_defaults(run=run_build, parser=build)


def run_build(args: argparse.Namespace) -> int:
    config = _site_config(args)  # a usage error loads nothing heavy
    from newsfeed.publishing import LockTimeout, locked

    site = config.site
    try:
        # From before the first source is read to the end of the run.
        with locked(site.out, site.lock_timeout):
            return _run_build(args, config)
    except LockTimeout as error:
        print(f"newsfeed: {error}", file=sys.stderr)
        return EXIT_LOCKED
    except OSError as error:  # the lock file, an output file, the index, the WebSub queue
        return _cannot_write(error.filename or site.out, error)


def _cannot_write(where: object, error: OSError) -> int:
    """One line for a file that could not be written (a full disk, a folder not
    ours): every file is replaced atomically, so what was written stays whole."""
    print(f"newsfeed: cannot write {where}: {error.strerror or error}", file=sys.stderr)
    return EXIT_FAILED


def _run_build(args: argparse.Namespace, config: SiteConfig) -> int:
    from newsfeed.progress import Progress
    from newsfeed.publishing import ping_hub, publish

    site = config.site
    progress = Progress(enabled=None if not args.quiet else False)
    outcome = publish(
        site,
        list(config.sources),
        encoding=config.encoding,
        cache=config.cache,
        jobs=args.jobs or config.jobs,
        strict=args.strict,
        progress=progress,
    )
    _report(outcome.problems)
    if outcome.stopped == "unreadable":
        print(
            f"newsfeed: {len(outcome.unreadable)} source(s) could not be read: nothing written, "
            "so the feeds keep their last good version",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if outcome.stopped == "strict":
        print(
            f"newsfeed: {outcome.skipped} error(s) and --strict: nothing written", file=sys.stderr
        )
        return EXIT_FAILED
    for written in outcome.files:
        if written.status == "invalid":
            print(f"{written.path}: not written: it does not validate", file=sys.stderr)
        elif not args.quiet and written.path in outcome.entries:
            count = outcome.entries[written.path]
            print(
                f"{written.path}: {written.status} ({count} {_plural(count, 'entry', 'entries')})"
            )
    if not args.quiet:
        for path in outcome.removed:
            print(f"{path}: removed")
        counts = {s: sum(w.status == s for w in outcome.files) for s in ("written", "unchanged")}
        print(
            f"newsfeed: {counts['written']} written, {counts['unchanged']} unchanged, "
            f"skipped {outcome.skipped} records"
        )
    _report(ping_hub(site, outcome))
    if outcome.failed:
        return EXIT_FAILED
    return EXIT_SKIPPED if outcome.skipped else EXIT_OK


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


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


def _site_config(args: argparse.Namespace) -> SiteConfig:
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


def _report(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


# -- validate ----------------------------------------------------------------


def _add_validate(commands: argparse._SubParsersAction[Any]) -> None:
    check = commands.add_parser(
        "validate",
        help="check RSS 2.0, Atom 1.0 and JSON Feed documents as the W3C validator would",
        description=(
            "Validate feeds (any feed, not only newsfeed's). One line per finding, "
            "FILE:LINE: error|warning: message [Code]; codes are the W3C validator's names."
        ),
        epilog=VALIDATE_EXAMPLES
        + "\nexit codes:\n  0  no errors (with --strict: no warnings either)\n"
        "  1  errors found (with --strict: errors or warnings)\n  2  usage error\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="feed files; - reads stdin")
    check.add_argument("--strict", action="store_true", help="warnings fail too")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument(
        "--quiet", action="store_true", help="print findings only, no summary line (for cron)"
    )
    _common(check)
    check.set_defaults(run=run_validate, parser=check)


def run_validate(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from newsfeed.show import printable
    from newsfeed.validate import validate
    from newsfeed.validate.jsonfeed import names_json_feed_part

    results: dict[str, list[Finding]] = {}
    unreadable = 0
    for name in args.files:
        shown = "<stdin>" if name == "-" else name
        try:
            results[shown] = validate(sys.stdin.buffer if name == "-" else Path(name))
        except FileNotFoundError:
            print(printable(f"{shown}: error: no such file"), file=sys.stderr)
            unreadable += 1
        except OSError as error:
            reason = error.strerror or str(error)
            print(printable(f"{shown}: error: cannot read: {reason}"), file=sys.stderr)
            unreadable += 1
    findings = [f for found in results.values() for f in found]
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    if args.format == "json":
        print(
            json.dumps(
                {name: [_finding_json(f) for f in found] for name, found in results.items()},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for name, found in results.items():
            for finding in found:
                line = "" if finding.line is None else f"{finding.line}:"
                # Without a line, the path is the only place there is; inside a
                # JSON Feed's items, it names the item a minified feed's line cannot.
                at = (
                    f" at {finding.path}"
                    if (finding.line is None and len(finding.path) > 1)
                    or names_json_feed_part(finding.path)
                    else ""
                )
                text = f"{name}:{line} {finding.level}: {finding.message} [{finding.code}]{at}"
                print(printable(text))
        if not args.quiet:
            files = len(results) + unreadable
            unread = f" ({unreadable} not read)" if unreadable else ""
            print(
                f"{files} file(s){unread}: {errors + unreadable} error(s), {warnings} warning(s)"
            )
    failed = unreadable or errors or (args.strict and warnings)
    return EXIT_FAILED if failed else EXIT_OK


def _finding_json(finding: Finding) -> dict[str, object]:
    return {
        "level": finding.level,
        "code": finding.code,
        "message": finding.message,
        "line": finding.line,
        "path": finding.path,
        "entry_id": finding.entry_id,
    }


# -- show --------------------------------------------------------------------


def _add_show(commands: argparse._SubParsersAction[Any]) -> None:
    show = commands.add_parser(
        "show",
        help="print a feed as a reader would show it",
        description=(
            "Print an RSS 2.0, Atom 1.0 or JSON Feed file (local files only) as a feed "
            "reader shows it: the feed's title, then each entry's date in your local time, "
            "title, authors, summary, categories and image."
        ),
        epilog=SHOW_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    show.add_argument("file", metavar="FILE", help="a feed file")
    show.add_argument("--limit", type=int, metavar="N", help="show the first N entries only")
    _common(show)
    show.set_defaults(run=run_show, parser=show)


def run_show(args: argparse.Namespace) -> int:
    from newsfeed.show import UnreadableFeed, printable, render_text
    from newsfeed.show import load as load_feed

    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit: must be 0 or more")
    try:
        feed = load_feed(args.file)
    except UnreadableFeed as error:
        print(printable(str(error.problem)), file=sys.stderr)
        return EXIT_FAILED
    sys.stdout.write(render_text(feed, args.limit))
    return EXIT_OK
