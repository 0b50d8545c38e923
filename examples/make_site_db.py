"""Make examples/site.db: the records of examples/articles/more.json in a SQLite table.

    python examples/make_site_db.py
    newsfeed build --sql sqlite:///examples/site.db --query "SELECT * FROM articles" \\
        --out public-db --title "Noticias de ejemplo" --link https://noticias.example.org/

Each record's fields go to the column of their name in the input contract
(`headline` to `title`, `byline` to `authors`, ...); a list or an object is
stored as JSON text, the way a database column holds one. Built from the
same file, the database and the JSON give byte-identical feeds.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from newsfeed.fields import ALIASES, NAMES

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "articles" / "more.json"
DATABASE = HERE / "site.db"


def main() -> None:
    records = json.loads(SOURCE.read_text(encoding="utf-8"))
    columns = list(NAMES)
    DATABASE.unlink(missing_ok=True)
    connection = sqlite3.connect(DATABASE)
    with connection:
        connection.execute(f"CREATE TABLE articles ({', '.join(c + ' TEXT' for c in columns)})")
        for record in records:
            row = dict.fromkeys(columns)
            for key, value in record.items():
                row[ALIASES[key]] = (
                    json.dumps(value, ensure_ascii=False)
                    if isinstance(value, list | dict)
                    else value
                )
            marks = ", ".join("?" for _ in columns)
            connection.execute(f"INSERT INTO articles VALUES ({marks})", list(row.values()))
    connection.close()
    print(f"{DATABASE}: {len(records)} articles")


if __name__ == "__main__":
    main()
