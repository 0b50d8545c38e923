"""What every command shares (internal): exit codes, usage errors, the parser."""

from __future__ import annotations

import argparse
import sys

# typing.TYPE_CHECKING without importing typing; type checkers take this name as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, NoReturn

    from newsfeed.model import Problem

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


class UsageError(Exception):
    """A wrong option or value given on the command line."""


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def add_command(
    commands: argparse._SubParsersAction[Any],
    name: str,
    run: Callable[[argparse.Namespace], int],
    arguments: Callable[[argparse.ArgumentParser], None],
    **options: Any,
) -> None:
    """Add the command `name`: its parser (`options` as argparse takes them, the
    description and epilog written as they are), its `arguments`, then --debug,
    and `run`, which the parsed arguments carry with the command's parser."""
    parser = commands.add_parser(
        name, formatter_class=argparse.RawDescriptionHelpFormatter, **options
    )
    arguments(parser)
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an internal error"
    )
    parser.set_defaults(run=run, parser=parser)


def report(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
