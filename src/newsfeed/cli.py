"""The `newsfeed` command: build feeds from article records, validate feeds.

Messages go to standard error, one line each, as
`SOURCE:LINE: error|warning: FIELD: message`; what was written goes to
standard output (nothing with --quiet), so that cron mails only problems.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from newsfeed.dates import DateError, get_timezone
from newsfeed.feed import FILE_NAMES, FORMATS, Feed, Format
from newsfeed.model import Author, FeedSettings, Problem
from newsfeed.records import check_http_url, split_name_email
from newsfeed.sources import read_articles
from newsfeed.validate import Finding, validate
from newsfeed.version import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_SKIPPED = 3

EXIT_CODES = """\
exit codes:
  0  every record published
  1  nothing written: a fatal error (or, with --strict, any bad record)
  2  usage error: a wrong option or value
  3  feeds written, but some records were skipped (each one is named above)
"""

BUILD_EXAMPLES = """\
examples:
  newsfeed build examples/articles --out public \\
      --title "Periodista Digital" --link https://example.org/ --language es
  newsfeed build news.jsonl extra.csv --out feeds --formats rss,atom \\
      --author "Newsroom <news@example.org>" --timezone Europe/Madrid --strict
"""

VALIDATE_EXAMPLES = """\
examples:
  newsfeed validate public/rss.xml public/atom.xml
  curl -s https://example.org/feed | newsfeed validate -
  newsfeed validate --strict --format json feed.xml
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
        parser.error(str(error))
    except KeyboardInterrupt:
        print("newsfeed: interrupted", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # noqa: BLE001 - the last line of defence for users
        if args.debug:
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


def _add_build(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    build = commands.add_parser(
        "build",
        help="build RSS, Atom and JSON feeds from article records",
        description=(
            "Read article records (.json, .jsonl, .ndjson, .csv, .txt files or folders of "
            "them) and write DIR/rss.xml, DIR/atom.xml and DIR/feed.json. A bad record is "
            "skipped and named; the others are published."
        ),
        epilog=BUILD_EXAMPLES + "\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders to read")
    build.add_argument("--out", required=True, metavar="DIR", help="folder to write the feeds to")
    build.add_argument("--title", required=True, help="the feed's title")
    build.add_argument("--link", required=True, help="the site's home page (absolute URL)")
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
        default=[],
        metavar="'NAME <EMAIL>'",
        help="an author of the feed itself; repeat for several",
    )
    build.add_argument("--language", help="BCP 47 language tag of the feed, e.g. es or pt-BR")
    build.add_argument(
        "--timezone",
        default="UTC",
        help="IANA time zone for dates written without one (default: UTC)",
    )
    build.add_argument(
        "--limit", type=int, default=50, help="how many newest entries to keep (default: 50)"
    )
    build.add_argument(
        "--formats",
        default=",".join(FORMATS),
        help="comma-separated formats to write (default: rss,atom,json)",
    )
    build.add_argument(
        "--encoding",
        default="utf-8",
        help="encoding of input files, for legacy exports (default: utf-8, BOM or not)",
    )
    build.add_argument(
        "--strict", action="store_true", help="any bad record is fatal: write nothing"
    )
    build.add_argument("--quiet", action="store_true", help="print only problems")
    _common(build)
    build.set_defaults(run=run_build)


def run_build(args: argparse.Namespace) -> int:
    settings = _settings(args)
    formats = _formats(args.formats)
    reading = read_articles(args.inputs, settings, encoding=args.encoding)
    _report(reading.problems)
    errors = reading.errors
    if errors and args.strict:
        print(
            f"newsfeed: {len(errors)} error(s) and --strict: nothing written", file=sys.stderr
        )
        return EXIT_FAILED
    feed = Feed(settings, reading.articles)
    results = feed.write(args.out, formats)
    invalid = False
    for result in results:
        _report(result.problems)
        if result.status == "invalid":
            invalid = True
            print(f"{result.path}: not written: it does not validate", file=sys.stderr)
        elif not args.quiet:
            print(f"{result.path}: {result.status} ({len(feed.articles)} entries)")
    if invalid:
        return EXIT_FAILED
    return EXIT_SKIPPED if errors else EXIT_OK


def _settings(args: argparse.Namespace) -> FeedSettings:
    if check_http_url(args.link) is None:
        raise UsageError(f"--link: {args.link!r} is not an absolute http(s) URL")
    if args.base_url is not None and check_http_url(args.base_url) is None:
        raise UsageError(f"--base-url: {args.base_url!r} is not an absolute http(s) URL")
    if args.limit < 1:
        raise UsageError("--limit: must be at least 1")
    try:
        get_timezone(args.timezone)
    except DateError as error:
        raise UsageError(f"--timezone: {error}") from None
    authors = []
    for text in args.author:
        name, email = split_name_email(text)
        if not name.strip():
            raise UsageError(f"--author: {text!r} has no name")
        authors.append(Author(name=name.strip(), email=email))
    return FeedSettings(
        title=args.title,
        link=args.link,
        base_url=args.base_url,
        description=args.description,
        language=args.language,
        timezone=args.timezone,
        authors=tuple(authors),
        limit=args.limit,
    )


def _formats(text: str) -> list[Format]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    formats: list[Format] = []
    for name in names:
        if name not in FILE_NAMES:
            raise UsageError(f"--formats: unknown format {name!r}; choose from rss, atom, json")
        formats.append(name)  # type: ignore[arg-type]  # checked just above
    if not formats:
        raise UsageError("--formats: name at least one format")
    return formats


def _report(problems: Sequence[Problem], stream: TextIO | None = None) -> None:
    for problem in problems:
        print(problem, file=stream or sys.stderr)


# -- validate ----------------------------------------------------------------


def _add_validate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "validate",
        help="check RSS 2.0 and Atom 1.0 documents as the W3C Feed Validation Service does",
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
    check.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format"
    )
    _common(check)
    check.set_defaults(run=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    results: dict[str, list[Finding]] = {}
    for name in args.files:
        if name == "-":
            results["<stdin>"] = validate(sys.stdin.buffer.read())
        elif not Path(name).is_file():
            print(f"{name}: error: no such file", file=sys.stderr)
            return EXIT_FAILED
        else:
            results[name] = validate(Path(name))
    findings = [f for found in results.values() for f in found]
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    if args.format == "json":
        print(json.dumps({name: [_finding_json(f) for f in found] for name, found in results.items()}, ensure_ascii=False, indent=2))
    else:
        for name, found in results.items():
            for finding in found:
                line = "" if finding.line is None else f"{finding.line}:"
                print(f"{name}:{line} {finding.level}: {finding.message} [{finding.code}]")
        print(f"{len(results)} file(s): {errors} error(s), {warnings} warning(s)")
    failed = errors or (args.strict and warnings)
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
