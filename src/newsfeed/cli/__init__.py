"""The `newsfeed` command: build feeds from article records, validate feeds.

Messages go to standard error, one line each, as
`SOURCE:LINE: error|warning: FIELD: message`; what was written goes to
standard output (nothing with --quiet), so that cron mails only problems.

`main` is the command and `run_and_exit` the program; the modules, one per
command (`_build` with `_site_options`, `_validate`, `_show`) and `_common`,
are internal. Each command imports what it needs when it runs, so that
--version, --help and a usage error cost no feedgen, lxml, dateutil,
validator, database or server code.
"""

from __future__ import annotations

import argparse
import os
import sys

from newsfeed.cli._build import DEFAULT_MAX_BYTES, add_build
from newsfeed.cli._common import (
    EXIT_CODES,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    ArgumentParser,
    UsageError,
)
from newsfeed.cli._show import add_show
from newsfeed.cli._validate import add_validate
from newsfeed.version import __version__

# typing.TYPE_CHECKING without importing typing; type checkers take this name as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NoReturn

__all__ = ["DEFAULT_MAX_BYTES", "main", "run_and_exit"]


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


def run_and_exit() -> NoReturn:
    """`newsfeed` as a program (`python -m newsfeed` and the installed command):
    `main`, then out, without tearing the interpreter down.

    Every file, thread and process a command opens is closed before `main`
    returns; what finalising the interpreter would still do is free the modules'
    objects one by one, some 0.03 s: a tenth of a rebuild that finds one article
    new, which cron runs every few minutes.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)  # a stream that cannot take its last bytes: Python says so
    os._exit(code)


def _parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="newsfeed",
        description="Publish article records as RSS 2.0, Atom 1.0 and JSON Feed 1.1.",
        epilog="Run 'newsfeed COMMAND --help' for the options of each command.\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsfeed {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    add_build(commands)
    add_validate(commands)
    add_show(commands)
    return parser
