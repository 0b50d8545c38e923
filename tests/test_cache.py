"""The site index as the cache of read sources: an unchanged file is not read again,
an appended one is read from where it ended, and nothing else changes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsfeed import reading
from newsfeed.cli import main
from newsfeed.index import INDEX_NAME, SiteIndex
from newsfeed.index import _sources as index_sources
from newsfeed.publishing import default_cache_folder
from newsfeed.records import RecordReader

SITE = "https://noticias.example.org/"


def record(n: int, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "id": f"ja-{n}",
        "url": f"{SITE}n/{n}.shtml",
        "title": f"Noticia {n}",
        "summary": "Resumen",
        "categories": ["Economía" if n % 2 else "Ciencia"],
        "published": f"2026-11-{n:02d}T14:30:00-05:00",
    }
    values.update(changes)
    return values


def jsonl(path: Path, *records: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path


def build(out: Path, *sources: Path, options: tuple[str, ...] = ()) -> int:
    args = ["build", *map(str, sources), "--out", str(out), "--title", "Noticias"]
    return main([*args, "--link", SITE, "--limit", "3", *options])


def files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.fixture
def records_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The places of the records RecordReader converts."""
    seen: list[str] = []
    original = RecordReader.article

    def spy(self: RecordReader, record, problems):  # type: ignore[no-untyped-def]
        seen.append(str(record.place))
        return original(self, record, problems)

    monkeypatch.setattr(RecordReader, "article", spy)
    return seen


def test_a_second_build_does_not_read_an_unchanged_file_again(
    tmp_path: Path, records_read: list[str]
) -> None:
    source = jsonl(tmp_path / "a.jsonl", *(record(n) for n in range(1, 6)))
    assert build(tmp_path / "out", source) == 0
    assert len(records_read) == 5
    records_read.clear()
    assert build(tmp_path / "out", source) == 0
    assert records_read == []


def test_a_build_from_the_cache_writes_the_same_bytes_as_one_without(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "a.jsonl", *(record(n) for n in range(1, 9)))
    build(tmp_path / "cached", source)
    build(tmp_path / "cached", source)  # from the cache
    build(tmp_path / "plain", source, options=("--no-cache",))
    assert files(tmp_path / "cached") == files(tmp_path / "plain")


def test_only_the_file_that_changed_is_read_again(tmp_path: Path, records_read: list[str]) -> None:
    old = jsonl(tmp_path / "old.jsonl", record(1), record(2))
    new = jsonl(tmp_path / "new.jsonl", record(3))
    build(tmp_path / "out", old, new)
    records_read.clear()
    jsonl(new, record(3, title="Otra"), record(4))  # not an append: read whole again
    build(tmp_path / "out", old, new)
    assert records_read == [f"{new}:1", f"{new}:2"]
    assert b"Noticia 4" in (tmp_path / "out" / "rss.xml").read_bytes()


def test_the_problems_of_a_cached_file_are_reported_again_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = jsonl(
        tmp_path / "a.jsonl",
        record(1, tittle="x"),
        record(2, published="31 de febrero de 2026"),
        {"title": "Sin id", "published": "2026-11-03T10:00:00-05:00"},
    )
    assert build(tmp_path / "out", source, options=("--quiet",)) == 3
    first = capsys.readouterr().err
    assert build(tmp_path / "out", source, options=("--quiet",)) == 3
    assert capsys.readouterr().err == first
    assert "a.jsonl:2: error: published:" in first
    assert "unknown field" in first
    assert "1 record(s) have no id" in first


def test_a_cached_file_whose_ids_were_read_earlier_in_the_run_is_read_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = jsonl(tmp_path / "first.jsonl", record(1))
    second = jsonl(tmp_path / "second.jsonl", record(2), record(3))
    build(tmp_path / "out", first, second, options=("--quiet",))
    capsys.readouterr()
    jsonl(first, record(1), record(3, title="Otra"))  # now first holds ja-3 as well
    build(tmp_path / "out", first, second, options=("--quiet",))
    cached = capsys.readouterr().err
    build(tmp_path / "plain", first, second, options=("--quiet", "--no-cache"))
    plain = capsys.readouterr().err
    assert cached == plain
    assert f"{second}:2: error: id: duplicate id 'ja-3'" in cached
    assert files(tmp_path / "out") == files(tmp_path / "plain")


def test_a_second_copy_of_an_export_settles_every_shared_id_a_few_at_a_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_sources, "_CHANGED_AT_ONCE", 2)
    export = jsonl(tmp_path / "export.jsonl", *(record(n) for n in range(1, 8)))
    copy = jsonl(tmp_path / "copy.jsonl", *(record(n, title=f"Copia {n}") for n in range(1, 8)))
    build(tmp_path / "out", export, options=("--quiet",))
    build(tmp_path / "out", export, copy, options=("--quiet",))
    cached = capsys.readouterr().err
    build(tmp_path / "plain", export, copy, options=("--quiet", "--no-cache"))
    assert cached == capsys.readouterr().err
    assert cached.count("duplicate id") == 7
    assert files(tmp_path / "out") == files(tmp_path / "plain")
    assert b"Copia" not in (tmp_path / "out" / "rss.xml").read_bytes()


def test_a_file_with_a_duplicate_of_another_file_is_not_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # second.jsonl's error depends on first.jsonl: kept, it would outlive a fix there.
    first = jsonl(tmp_path / "first.jsonl", record(1))
    second = jsonl(tmp_path / "second.jsonl", record(1, title="Repetida"), record(2))
    build(tmp_path / "out", first, second, options=("--quiet",))
    assert "duplicate id 'ja-1'" in capsys.readouterr().err
    jsonl(first, record(5))
    build(tmp_path / "out", first, second, options=("--quiet",))
    assert "duplicate" not in capsys.readouterr().err
    assert b"Repetida" in (tmp_path / "out" / "rss.xml").read_bytes()


def test_the_cache_folder_holds_one_index_file_between_runs(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "a.jsonl", record(1))
    out = tmp_path / "out"
    build(out, source)
    jsonl(source, record(1), record(2))
    build(out, source)
    folder = default_cache_folder(out)
    assert [p.name for p in folder.iterdir()] == [INDEX_NAME]


def test_no_cache_keeps_nothing(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "a.jsonl", record(1))
    build(tmp_path / "out", source, options=("--no-cache",))
    assert not default_cache_folder(tmp_path / "out").exists()


def test_cache_names_the_folder(tmp_path: Path) -> None:
    source = jsonl(tmp_path / "a.jsonl", record(1))
    build(tmp_path / "out", source, options=("--cache", str(tmp_path / "mine")))
    assert [p.name for p in (tmp_path / "mine").iterdir()] == [INDEX_NAME]


def test_a_cache_folder_that_cannot_be_made_is_a_warning_and_the_build_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = jsonl(tmp_path / "a.jsonl", record(1))
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    code = build(tmp_path / "out", source, options=("--cache", str(blocked / "cache")))
    assert code == 0
    assert f"{blocked / 'cache'}: warning: cache: cannot use it" in capsys.readouterr().err
    assert (tmp_path / "out" / "rss.xml").exists()


def test_a_damaged_index_is_built_again_with_one_warning_problems_said_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = jsonl(tmp_path / "a.jsonl", *(record(n) for n in range(1, 5)), record(5, tittle="x"))
    out = tmp_path / "out"
    build(out, source, options=("--quiet",))
    capsys.readouterr()
    index = default_cache_folder(out) / INDEX_NAME
    data = bytearray(index.read_bytes())
    data[:100] = b"\xff" * 100
    index.write_bytes(bytes(data))
    (out / "rss.xml").unlink()
    assert build(out, source, options=("--quiet",)) == 0
    assert b"Noticia 4" in (out / "rss.xml").read_bytes()
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert err[0].startswith(f"{index}: warning: index: ")
    assert err[0].endswith(": building it again from the sources")
    assert err[1].startswith(f"{source}:5: warning: tittle: unknown field")
    assert build(out, source, options=("--quiet",)) == 0
    assert capsys.readouterr().err.splitlines() == err[1:]


def test_an_article_changed_in_the_index_is_damage_not_news(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = jsonl(tmp_path / "a.jsonl", *(record(n) for n in range(1, 5)))
    out = tmp_path / "out"
    build(out, source, options=("--quiet",))
    connection = sqlite3.connect(default_cache_folder(out) / INDEX_NAME)
    with connection:  # values of another article, under the digest of this one's
        connection.execute(
            "UPDATE articles SET vals = (SELECT vals FROM articles "
            "WHERE entry_id = CAST('ja-1' AS BLOB)) WHERE entry_id = CAST('ja-4' AS BLOB)"
        )
    connection.close()
    (out / "rss.xml").unlink()
    assert build(out, source, options=("--quiet",)) == 0
    assert b"Noticia 4" in (out / "rss.xml").read_bytes()
    assert "do not match their digest" in capsys.readouterr().err


def test_an_index_of_another_schema_version_is_built_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], records_read: list[str]
) -> None:
    source = jsonl(tmp_path / "a.jsonl", record(1), record(2))
    out = tmp_path / "out"
    build(out, source, options=("--quiet",))
    index = default_cache_folder(out) / INDEX_NAME
    connection = sqlite3.connect(index)
    connection.execute("PRAGMA user_version = 999")
    connection.close()
    records_read.clear()
    assert build(out, source, options=("--quiet",)) == 0
    assert len(records_read) == 2
    assert "schema version 999" in capsys.readouterr().err


def test_the_cache_folder_is_one_per_output_folder(tmp_path: Path) -> None:
    assert default_cache_folder(tmp_path / "a") != default_cache_folder(tmp_path / "b")
    assert default_cache_folder(tmp_path / "a") == default_cache_folder(
        tmp_path / "x" / ".." / "a"
    )


def test_the_index_leaves_files_that_are_not_its_own(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    source = jsonl(folder / "a.jsonl", record(1))
    (folder / "notes.md").write_text("mine")
    build(tmp_path / "out", source, options=("--cache", str(folder)))
    build(tmp_path / "out", source, options=("--cache", str(folder)))
    assert sorted(p.name for p in folder.iterdir()) == ["a.jsonl", "notes.md", INDEX_NAME]


def test_a_folder_of_many_text_files_does_not_keep_a_file_open_each(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(150):
        (folder / f"{n:03d}.txt").write_text(
            f"---\nid: t-{n}\npublished: 2026-11-20T10:00:00-05:00\n---\nTítulo {n}\n\nTexto.\n"
        )
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))\n"
        "from newsfeed.cli import main\n"
        f"sys.exit(main(['build', {str(folder)!r}, '--out', {str(tmp_path / 'out')!r}, "
        f"'--title', 'T', '--link', {SITE!r}, '--quiet']))\n"
    )
    for _ in range(2):  # saving, then adopting
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
        assert (run.returncode, run.stderr) == (0, "")


def test_a_text_file_dated_by_its_modification_time_is_read_again_when_that_changes(
    tmp_path: Path,
) -> None:
    source = tmp_path / "nota.txt"
    source.write_text("Un título\n\nUn texto.\n")
    os.utime(source, (1_700_000_000, 1_700_000_000))
    build(tmp_path / "out", source, options=("--quiet",))
    os.utime(source, (1_800_000_000, 1_800_000_000))
    build(tmp_path / "out", source, options=("--quiet",))
    build(tmp_path / "plain", source, options=("--quiet", "--no-cache"))
    assert files(tmp_path / "out") == files(tmp_path / "plain")


def test_a_named_pipe_is_read_once_not_digested_first(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)

    def feed() -> None:
        with pipe.open("w") as writer:
            writer.write(json.dumps(record(1)) + "\n")

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    args = [sys.executable, "-m", "newsfeed", "build", str(pipe), "--out", str(tmp_path / "o")]
    run = subprocess.run(
        [*args, "--title", "T", "--link", SITE], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert b"Noticia 1" in (tmp_path / "o" / "rss.xml").read_bytes()


def test_an_index_on_a_full_disk_is_a_warning_and_the_build_goes_on_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = SiteIndex.replace_source

    def full_disk(self: SiteIndex, *args: object, **kwargs: object) -> None:
        if not self.temporary_file:
            raise sqlite3.OperationalError("database or disk is full")
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SiteIndex, "replace_source", full_disk)
    sources = [jsonl(tmp_path / "a.jsonl", record(1)), jsonl(tmp_path / "b.jsonl", record(2))]
    out = tmp_path / "out"
    assert build(out, *sources, options=("--quiet",)) == 0
    index = default_cache_folder(out) / INDEX_NAME
    # One line however many sources: the disk that refused one refuses them all.
    assert capsys.readouterr().err == (
        f"{index}: warning: index: cannot write it (No space left on device): built without it\n"
    )
    assert b"Noticia 2" in (out / "rss.xml").read_bytes()


# -- appended files --------------------------------------------------------------------


def test_lines_appended_to_a_json_lines_file_are_all_that_is_read(
    tmp_path: Path, records_read: list[str]
) -> None:
    source = jsonl(tmp_path / "a.jsonl", *(record(n) for n in range(1, 6)))
    build(tmp_path / "out", source)
    records_read.clear()
    with source.open("a") as file:
        file.write(json.dumps(record(6)) + "\n")
    build(tmp_path / "out", source)
    assert records_read == [f"{source}:6"]
    build(tmp_path / "plain", source, options=("--no-cache",))
    assert files(tmp_path / "out") == files(tmp_path / "plain")


def test_rows_appended_to_a_csv_file_are_all_that_is_read(
    tmp_path: Path, records_read: list[str]
) -> None:
    source = tmp_path / "a.csv"
    source.write_text("id,title,published,tittle\nc-1,Uno,2026-11-01,x\nc-2,Dos,2026-11-02,x\n")
    build(tmp_path / "out", source, options=("--quiet",))
    records_read.clear()
    with source.open("a") as file:
        file.write('c-3,"Tres,\nlíneas",2026-11-03,x\nc-4,Cuatro,2026-11-04,y\n')
    build(tmp_path / "out", source, options=("--quiet",))
    assert records_read == [f"{source}:4", f"{source}:6"]
    build(tmp_path / "plain", source, options=("--no-cache", "--quiet"))
    assert files(tmp_path / "out") == files(tmp_path / "plain")


def test_an_appended_file_reports_its_problems_as_a_full_read_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = jsonl(tmp_path / "a.jsonl", record(1, tittle="x"), record(2))
    build(tmp_path / "out", source, options=("--quiet",))
    with source.open("a") as file:
        file.write(json.dumps(record(3, tittle="y")) + "\n{broken\n")
        file.write(json.dumps(record(1)) + "\n")
    capsys.readouterr()
    build(tmp_path / "out", source, options=("--quiet",))
    appended = capsys.readouterr().err
    build(tmp_path / "plain", source, options=("--quiet", "--no-cache"))
    assert appended == capsys.readouterr().err
    assert "duplicate id 'ja-1'" in appended
    assert appended.count("unknown field") == 1


def test_a_file_whose_earlier_bytes_changed_is_read_again_whole(
    tmp_path: Path, records_read: list[str]
) -> None:
    source = jsonl(tmp_path / "a.jsonl", record(1), record(2))
    build(tmp_path / "out", source)
    records_read.clear()
    jsonl(source, record(1, title="Otra"), record(2), record(3))
    build(tmp_path / "out", source)
    assert len(records_read) == 3
    build(tmp_path / "plain", source, options=("--no-cache",))
    assert files(tmp_path / "out") == files(tmp_path / "plain")


def test_a_last_line_without_its_line_end_is_read_again_when_it_grows(tmp_path: Path) -> None:
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps(record(1)) + "\n" + json.dumps(record(2))[:-1])
    build(tmp_path / "out", source, options=("--quiet",))
    with source.open("a") as file:
        file.write("}\n")
    build(tmp_path / "out", source, options=("--quiet",))
    build(tmp_path / "plain", source, options=("--no-cache", "--quiet"))
    assert files(tmp_path / "out") == files(tmp_path / "plain")
    assert b"Noticia 2" in (tmp_path / "out" / "rss.xml").read_bytes()


@pytest.fixture
def digested(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files whose bytes reading digests, one entry a digest."""
    seen: list[Path] = []
    original = reading.file_digests

    def spy(
        path: Path, prefix_size: int | None, workers: int
    ) -> tuple[bytes | None, bytes | None]:
        seen.append(path)
        return original(path, prefix_size, workers)

    monkeypatch.setattr(reading, "file_digests", spy)
    return seen


def just_changed(path: Path) -> int:
    """Give `path` a modification time that the next look finds too recent to trust."""
    mtime = time.time_ns() + 20_000_000
    os.utime(path, ns=(mtime, mtime))
    return mtime


def reading_outlasts(
    monkeypatch: pytest.MonkeyPatch, mtime: int, then: Callable[[], None] | None = None
) -> None:
    """Reading the first record waits until the window of a change at `mtime` is over
    (then does `then`), as reading a large file outlasts it."""
    original = RecordReader.article
    waited: list[bool] = []

    def slow(self: RecordReader, record, problems):  # type: ignore[no-untyped-def]
        if not waited:
            waited.append(True)
            while time.time_ns() <= mtime + reading._RACY_NS + 10_000_000:
                time.sleep(0.01)
            if then is not None:
                then()
        return original(self, record, problems)

    monkeypatch.setattr(RecordReader, "article", slow)


def test_a_file_read_just_after_it_changed_is_trusted_by_its_status_when_its_read_outlasts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, digested: list[Path]
) -> None:
    monkeypatch.setattr(reading, "_RACY_NS", 100_000_000)
    source = jsonl(tmp_path / "a.jsonl", *(record(n) for n in range(1, 4)))
    reading_outlasts(monkeypatch, just_changed(source))
    assert build(tmp_path / "out", source) == 0
    digested.clear()
    assert build(tmp_path / "out", source) == 0
    assert digested == []


def test_a_file_changed_unseen_while_it_was_read_is_read_again_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, records_read: list[str]
) -> None:
    monkeypatch.setattr(reading, "_RACY_NS", 100_000_000)
    source = jsonl(tmp_path / "a.jsonl", *(record(n) for n in range(1, 4)))
    mtime = just_changed(source)

    def edit_within_the_tick() -> None:
        # The same size and time: only the bytes show the change.
        source.write_text(source.read_text().replace("Noticia 2", "Noticia X"))
        os.utime(source, ns=(mtime, mtime))

    reading_outlasts(monkeypatch, mtime, then=edit_within_the_tick)
    assert build(tmp_path / "out", source) == 0
    records_read.clear()
    assert build(tmp_path / "out", source) == 0
    assert len(records_read) == 3
    assert b"Noticia X" in (tmp_path / "out" / "rss.xml").read_bytes()


def test_a_file_read_from_where_it_ended_just_after_it_grew_is_digested_once_in_that_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, digested: list[Path]
) -> None:
    # Read from where it ended, one more digest would double the run's cost.
    monkeypatch.setattr(reading, "_RACY_NS", 100_000_000)
    source = jsonl(tmp_path / "a.jsonl", *(record(n) for n in range(1, 4)))
    assert build(tmp_path / "out", source) == 0
    with source.open("a") as file:
        file.write(json.dumps(record(4), ensure_ascii=False) + "\n")
    reading_outlasts(monkeypatch, just_changed(source))
    digested.clear()
    assert build(tmp_path / "out", source) == 0
    assert digested == [source]
