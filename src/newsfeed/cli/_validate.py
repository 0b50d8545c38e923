"""`newsfeed validate` (internal): check feeds as the W3C validator would."""

from __future__ import annotations

import sys

from newsfeed.cli._common import EXIT_FAILED, EXIT_OK, add_command

# typing.TYPE_CHECKING without importing typing; type checkers take this name as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from newsfeed.validation import Finding

VALIDATE_EXAMPLES = """\
examples:
  newsfeed validate public/rss.xml public/atom.xml public/feed.json
  curl -s https://example.org/feed | newsfeed validate -
  newsfeed validate --strict --format json feed.xml
  newsfeed validate --quiet public/*.xml   # cron: output only when something is wrong
"""


def add_validate(commands: argparse._SubParsersAction[Any]) -> None:
    add_command(
        commands,
        "validate",
        run_validate,
        _arguments,
        help="check RSS 2.0, Atom 1.0 and JSON Feed documents as the W3C validator would",
        description=(
            "Validate feeds (any feed, not only newsfeed's). One line per finding, "
            "FILE:LINE: error|warning: message [Code]; codes are the W3C validator's names."
        ),
        epilog=VALIDATE_EXAMPLES
        + "\nexit codes:\n  0  no errors (with --strict: no warnings either)\n"
        "  1  errors found (with --strict: errors or warnings)\n  2  usage error\n",
    )


def _arguments(check: argparse.ArgumentParser) -> None:
    check.add_argument("files", nargs="+", metavar="FILE", help="feed files; - reads stdin")
    check.add_argument("--strict", action="store_true", help="warnings fail too")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument(
        "--quiet", action="store_true", help="print findings only, no summary line (for cron)"
    )


def run_validate(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from newsfeed.show import printable
    from newsfeed.validation import validate
    from newsfeed.validation.jsonfeed import names_json_feed_part

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
