"""`newsfeed build` (internal): the options of a build, and running one."""

from __future__ import annotations

import sys

from newsfeed.cli._common import (
    EXIT_CODES,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_SKIPPED,
    add_command,
    report,
)
from newsfeed.cli._site_options import site_config

# typing.TYPE_CHECKING without importing typing; type checkers take this name as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from newsfeed.config import SiteConfig

#: publishing.DEFAULT_MAX_BYTES, written here for --help without importing publishing
#: (a test checks the two agree).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

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


def add_build(commands: argparse._SubParsersAction[Any]) -> None:
    add_command(
        commands,
        "build",
        run_build,
        _arguments,
        help="build RSS, Atom and JSON feeds from article records",
        description=(
            "Read article records (.json, .jsonl, .ndjson, .csv, .txt files or folders of "
            "them) and write DIR/rss.xml, DIR/atom.xml and DIR/feed.json, or every feed a "
            "site's --config describes. A bad record is skipped and named; the others are "
            "published. Files are replaced atomically and only when their bytes change."
        ),
        usage=BUILD_USAGE,
        epilog=BUILD_EXAMPLES + "\n" + EXIT_CODES,
    )


def _arguments(build: argparse.ArgumentParser) -> None:
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
        help="how many documents to render at once, and threads to digest a source with "
        "(default: the number of cores)",
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


def run_build(args: argparse.Namespace) -> int:
    config = site_config(args)  # a usage error loads nothing heavy
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
    report(outcome.problems)
    if outcome.stopped is not None:
        # This run writes nothing, but feeds that an earlier run wrote and queued for
        # the hub (it was down, or that run was killed) are news the hub should hear.
        report(ping_hub(site, outcome))
        if outcome.stopped == "unreadable":
            why = (
                f"{len(outcome.unreadable)} source(s) could not be read: nothing written, "
                "so the feeds keep their last good version"
            )
        else:
            why = f"{outcome.skipped} error(s) and --strict: nothing written"
        print(f"newsfeed: {why}", file=sys.stderr)
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
    report(ping_hub(site, outcome))
    if outcome.failed:
        return EXIT_FAILED
    return EXIT_SKIPPED if outcome.skipped else EXIT_OK


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many
