"""`newsfeed show` (internal): print a feed as a reader would show it."""

from __future__ import annotations

import sys

from newsfeed.cli._common import EXIT_FAILED, EXIT_OK, UsageError, add_command

# typing.TYPE_CHECKING without importing typing; type checkers take this name as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

SHOW_EXAMPLES = """\
examples:
  newsfeed show public/rss.xml
  newsfeed show --limit 3 public/feed.json
"""


def add_show(commands: argparse._SubParsersAction[Any]) -> None:
    add_command(
        commands,
        "show",
        run_show,
        _arguments,
        help="print a feed as a reader would show it",
        description=(
            "Print an RSS 2.0, Atom 1.0 or JSON Feed file (local files only) as a feed "
            "reader shows it: the feed's title, then each entry's date in your local time, "
            "title, authors, summary, categories and image."
        ),
        epilog=SHOW_EXAMPLES,
    )


def _arguments(show: argparse.ArgumentParser) -> None:
    show.add_argument("file", metavar="FILE", help="a feed file")
    show.add_argument("--limit", type=int, metavar="N", help="show the first N entries only")


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
