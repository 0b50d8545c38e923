"""What `read_articles` takes as sources: folders walked whole, one mapping as one record."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import newsfeed
from newsfeed.cli import main

DATE = "2026-11-26T10:00:00-05:00"
SITE = "https://noticias.example.org/"


def write_record(path: Path, record_id: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([{"id": record_id, "title": "T", "published": DATE}]), "utf-8")


def refuse_to_list(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Listing any folder called `name` fails as an unreadable folder does."""
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]) -> Iterator[os.DirEntry[str]]:
        if Path(path).name == name:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


# -- folders ------------------------------------------------------------------------------------


def test_a_subfolder_that_cannot_be_listed_is_a_source_error(read, tmp_path, monkeypatch) -> None:
    write_record(tmp_path / "site" / "a.json", "a")
    write_record(tmp_path / "site" / "sub" / "b.json", "b")
    refuse_to_list("sub", monkeypatch)
    reading = read(tmp_path / "site")
    assert [a.id for a in reading.articles] == ["a"]
    assert [str(p) for p in reading.unreadable] == [
        f"{tmp_path}/site/sub: error: cannot read the folder: Permission denied"
    ]


def test_a_folder_that_cannot_be_listed_at_all_is_a_source_error(
    read, tmp_path, monkeypatch
) -> None:
    (tmp_path / "site").mkdir()

    def scandir(path: str | os.PathLike[str]) -> Iterator[os.DirEntry[str]]:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", scandir)
    assert [str(p) for p in read(tmp_path / "site").unreadable] == [
        f"{tmp_path}/site: error: cannot read the folder: Permission denied"
    ]


def _unprivileged(function: Callable[[], Any]) -> Any:
    """`function()`, run by a user whom file permissions bind: ourselves, or, as
    root, `nobody` in a forked child (its result comes back as JSON)."""
    if os.geteuid() != 0:
        return function()
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("running as root and there is no 'nobody' user to drop privileges to")
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        try:
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            os.write(writer, json.dumps(function()).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    os.waitpid(child, 0)
    return json.loads(data)


def test_a_subfolder_made_unreadable_with_chmod_is_a_source_error(make_settings) -> None:
    """chmod 000 for real, read by a user without root's override."""
    folder = Path(tempfile.mkdtemp(prefix="newsfeed-walk-"))
    try:
        write_record(folder / "site" / "a.json", "a")
        write_record(folder / "site" / "sub" / "b.json", "b")
        for path in (folder, folder / "site"):
            path.chmod(0o755)
        (folder / "site" / "a.json").chmod(0o644)
        (folder / "site" / "sub").chmod(0)

        def reading() -> list[list[str]]:
            found = newsfeed.read_articles(folder / "site", make_settings())
            return [[a.id for a in found.articles], [str(p) for p in found.unreadable]]

        assert _unprivileged(reading) == [
            ["a"],
            [f"{folder}/site/sub: error: cannot read the folder: Permission denied"],
        ]
    finally:
        (folder / "site" / "sub").chmod(0o755)
        shutil.rmtree(folder)


def test_the_command_line_exits_1_for_an_unreadable_subfolder(tmp_path, monkeypatch) -> None:
    write_record(tmp_path / "site" / "sub" / "b.json", "b")
    refuse_to_list("sub", monkeypatch)
    out = tmp_path / "out"
    code = main(["build", str(tmp_path / "site"), "--out", str(out), "--title", "T",
                 "--link", SITE, "--no-cache", "--quiet"])  # fmt: skip
    assert code == 1
    assert not (out / "rss.xml").exists()


# -- Python mappings ------------------------------------------------------------------------------


def test_one_mapping_is_one_record(read) -> None:
    reading = read({"id": "g1", "title": "Uno", "published": DATE})
    assert reading.problems == [] or all(p.level == "warning" for p in reading.problems)
    assert [(a.id, str(a.place)) for a in reading.articles] == [("g1", "<records>:1")]


@pytest.mark.parametrize(
    ("given", "text"),
    [
        (
            uuid.UUID("0b3c5d4e-1f2a-4b6c-8d9e-0f1a2b3c4d5e"),
            "0b3c5d4e-1f2a-4b6c-8d9e-0f1a2b3c4d5e",
        ),
        (8812, "8812"),
        (Decimal("8812"), "8812"),
    ],
    ids=["uuid", "int", "decimal"],
)
def test_an_id_of_a_plain_scalar_type_is_read_as_its_text(read, given, text) -> None:
    [article] = read([{"id": given, "title": "Uno", "published": DATE}]).articles
    assert article.id == text


def test_the_callers_mapping_is_left_as_it_was(read) -> None:
    key = uuid.UUID(int=1)
    record = {"guid": key, "title": "Uno", "published": DATE}
    [article] = read(record).articles
    assert (article.id, record["guid"]) == (str(key), key)


def test_a_fractional_decimal_id_is_still_refused(read) -> None:
    reading = read({"id": Decimal("1.5"), "title": "Uno", "published": DATE})
    assert reading.articles == []
    assert [p.field for p in reading.errors] == ["id"]


def test_read_articles_of_one_mapping_is_the_same_as_of_a_list_of_it(make_settings) -> None:
    record = {"id": "g1", "title": "Uno", "published": DATE}
    one = newsfeed.read_articles(record, make_settings())
    listed = newsfeed.read_articles([record], make_settings())
    assert one.articles == listed.articles
