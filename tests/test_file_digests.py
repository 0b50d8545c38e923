"""A source file's digest, made by blocks on several threads: the digest of a file's
first bytes is the digest that file had when it held just those, whatever the threads."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfeed.sources import digest
from newsfeed.sources.digest import file_digests

#: Blocks this small put every case within a few bytes.
SMALL_BLOCK = 8


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digest, "BLOCK", SMALL_BLOCK)
    monkeypatch.setattr(digest, "_READ", 3)


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def whole(path: Path, workers: int = 1) -> bytes | None:
    return file_digests(path, None, workers)[1]


@pytest.mark.parametrize("size", [0, 1, 7, 8, 9, 16, 21])
def test_the_digest_of_a_prefix_is_the_digest_of_a_file_of_those_bytes(
    tmp_path: Path, size: int
) -> None:
    data = bytes(range(30))
    grown = written(tmp_path / "grown", data)
    alone = written(tmp_path / "alone", data[:size])
    prefix, _ = file_digests(grown, size, workers=2)
    assert prefix == whole(alone)


@pytest.mark.parametrize("workers", [2, 3, 8])
def test_threads_give_the_digests_one_thread_gives(tmp_path: Path, workers: int) -> None:
    path = written(tmp_path / "source", bytes(range(50)))
    assert file_digests(path, 19, workers) == file_digests(path, 19, 1)


def test_a_file_of_whole_blocks_differs_from_one_a_byte_longer(tmp_path: Path) -> None:
    exact = written(tmp_path / "exact", b"a" * 16)
    longer = written(tmp_path / "longer", b"a" * 17)
    assert whole(exact) != whole(longer)


def test_a_byte_changed_in_any_block_changes_the_digest(tmp_path: Path) -> None:
    data = bytearray(b"x" * 30)
    before = whole(written(tmp_path / "source", bytes(data)), workers=2)
    for at in (0, 8, 15, 29):
        changed = bytearray(data)
        changed[at] = ord("y")
        assert whole(written(tmp_path / "source", bytes(changed)), workers=2) != before


def test_a_prefix_longer_than_the_file_has_no_digest(tmp_path: Path) -> None:
    path = written(tmp_path / "source", b"short")
    prefix, all_of_it = file_digests(path, 6)
    assert prefix is None
    assert all_of_it == whole(path)


def test_a_file_that_cannot_be_read_has_no_digests(tmp_path: Path) -> None:
    assert file_digests(tmp_path / "missing", 3, workers=2) == (None, None)


def test_a_file_that_grows_while_digested_is_digested_to_its_new_end(tmp_path: Path) -> None:
    path = written(tmp_path / "source", b"b" * 20)
    original = digest._block

    def block_then_append(descriptor: int, number: int, cut: int | None) -> tuple:
        if number == 2:  # the first block past the end the file had when opened
            with path.open("ab") as file:
                file.write(b"c" * 9)
        return original(descriptor, number, cut)

    with mock.patch.object(digest, "_block", block_then_append):
        grown = whole(path, workers=2)
    assert grown == whole(path)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=70), cut=st.integers(0, 80), workers=st.integers(1, 4))
def test_any_prefix_digests_as_the_file_it_was(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, cut: int, workers: int
) -> None:
    folder = tmp_path_factory.mktemp("digests")
    prefix, all_of_it = file_digests(written(folder / "grown", data), cut, workers)
    assert all_of_it == whole(written(folder / "same", data))
    if cut > len(data):
        assert prefix is None
    else:
        assert prefix == whole(written(folder / "alone", data[:cut]))
