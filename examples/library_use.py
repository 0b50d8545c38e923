"""Build the example feeds from Python, the way a site's own code would.

python examples/library_use.py public/
"""

import sys
from pathlib import Path

import newsfeed

HERE = Path(__file__).parent


def main(out: str) -> int:
    settings = newsfeed.FeedSettings(
        title="Periodista Digital",
        link="https://noticias.example.org/",
        description="Noticias de Perú y del mundo",
        language="es",
        timezone="America/Lima",
        authors=["Redacción <redaccion@example.org>"],
        # The site never changes an article's URL: records without an id may use it.
        accept_url_ids=True,
    )
    reading = newsfeed.read_articles(HERE / "articles", settings)
    for problem in reading.problems:
        print(problem, file=sys.stderr)
    feed = newsfeed.Feed(settings, reading.articles)
    for written in feed.write(out):
        print(f"{written.path}: {written.status}")
    print(feed.json().decode()[:200], "...")
    return 0 if not reading.errors else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "public"))
