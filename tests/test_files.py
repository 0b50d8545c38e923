"""Atomic file replacement: the old file or the new one, never a part of either."""

from __future__ import annotations

import errno
import itertools
import os
import stat
from pathlib import Path
from typing import Any

import pytest

import newsfeed.files
from newsfeed.files import TEMPORARY_SUFFIX, folders_synced_once, write_if_changed
from newsfeed.model import FeedSettings
from newsfeed.publishing import Site, publish

OLD = b"<rss>old</rss>\n"
NEW = b"<rss>new</rss>\n"


def back_date(path: Path) -> int:
    """Set `path`'s modification time well in the past; that time, in ns."""
    past = 1_000_000_000 * 1_000_000_000
    os.utime(path, ns=(past, past))
    return past


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_new_file_is_written(tmp_path: Path) -> None:
    assert write_if_changed(tmp_path / "rss.xml", NEW) is True
    assert (tmp_path / "rss.xml").read_bytes() == NEW


def test_missing_folders_are_created(tmp_path: Path) -> None:
    target = tmp_path / "category" / "economia" / "rss.xml"
    write_if_changed(target, NEW)
    assert target.read_bytes() == NEW


def test_changed_bytes_replace_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "rss.xml"
    target.write_bytes(OLD)
    assert write_if_changed(target, NEW) is True
    assert target.read_bytes() == NEW


def test_unchanged_bytes_are_not_written_and_keep_the_modification_time(tmp_path: Path) -> None:
    target = tmp_path / "rss.xml"
    target.write_bytes(OLD)
    mtime = back_date(target)
    inode = target.stat().st_ino
    assert write_if_changed(target, OLD) is False
    assert target.stat().st_mtime_ns == mtime
    assert target.stat().st_ino == inode


def test_the_new_file_takes_the_old_files_permissions(tmp_path: Path) -> None:
    target = tmp_path / "rss.xml"
    target.write_bytes(OLD)
    target.chmod(0o640)
    write_if_changed(target, NEW)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_takes_the_umasks_permissions(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        write_if_changed(tmp_path / "rss.xml", NEW)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "rss.xml").stat().st_mode) == 0o640


def test_a_new_file_is_given_its_permissions_without_changing_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The umask is the whole process's: changed for a moment, another thread's
    # files would be created with the wrong permissions.
    def umask(mask: int) -> int:
        raise AssertionError("the umask was changed")

    monkeypatch.setattr(os, "umask", umask)
    assert write_if_changed(tmp_path / "rss.xml", NEW) is True


def test_no_folder_is_made_for_a_file_whose_folder_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Path] = []
    real_mkdir = Path.mkdir

    def mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    write_if_changed(tmp_path / "rss.xml", NEW)
    write_if_changed(tmp_path / "category" / "rss.xml", NEW)
    write_if_changed(tmp_path / "category" / "atom.xml", NEW)
    assert made == [tmp_path / "category"]


def test_a_temporary_file_a_killed_process_of_the_same_id_left_is_stepped_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(newsfeed.files, "_temporary_numbers", itertools.count())
    left = tmp_path / f".rss.xml.{os.getpid()}-0{TEMPORARY_SUFFIX}"
    left.write_bytes(b"<rss")
    assert write_if_changed(tmp_path / "rss.xml", NEW) is True
    assert (tmp_path / "rss.xml").read_bytes() == NEW
    assert left.read_bytes() == b"<rss"  # a run removes those once it holds the lock


def test_the_file_is_replaced_by_a_rename_not_rewritten_in_place(tmp_path: Path) -> None:
    target = tmp_path / "rss.xml"
    target.write_bytes(OLD)
    reader = target.open("rb")  # a reader that opened the old file keeps reading it
    try:
        write_if_changed(target, NEW)
        assert reader.read() == OLD
    finally:
        reader.close()
    assert target.read_bytes() == NEW


def test_the_data_is_fsynced_before_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync")
        real_fsync(fd)

    def replace(source: Any, target: Any) -> None:
        events.append("replace")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_if_changed(tmp_path / "rss.xml", NEW)
    assert events[:2] == ["fsync", "replace"]
    assert events[2:] == ["fsync"]  # the folder, so that the rename survives a crash


def test_files_written_into_one_folder_together_sync_it_once_after_their_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    def replace(source: Any, target: Any) -> None:
        events.append(f"replace {Path(target).name}")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    with folders_synced_once():
        write_if_changed(tmp_path / "rss.xml", NEW)
        write_if_changed(tmp_path / "atom.xml", NEW)
        assert "folder" not in events
    assert events == ["file", "replace rss.xml", "file", "replace atom.xml", "folder"]


def test_a_failure_inside_the_block_still_syncs_the_folders_renamed_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []  # the folders' inode numbers
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            synced.append(status.st_ino)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError), folders_synced_once():
        write_if_changed(tmp_path / "rss.xml", NEW)
        raise OSError(errno.ENOSPC, "No space left on device")
    assert synced == [tmp_path.stat().st_ino]


def fail_in_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    def fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", fsync)


def fail_in_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    def replace(source: Any, target: Any) -> None:
        raise OSError(errno.EXDEV, "killed before rename")

    monkeypatch.setattr(os, "replace", replace)


def fail_in_fchmod(monkeypatch: pytest.MonkeyPatch) -> None:
    def fchmod(fd: int, mode: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "fchmod", fchmod)


def fail_with_a_full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills halfway through a temporary file's bytes."""
    real_write = os.write

    def write(fd: int, data: Any) -> int:
        if not os.readlink(f"/proc/self/fd/{fd}").endswith(TEMPORARY_SUFFIX):
            return real_write(fd, data)
        real_write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", write)


def interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A kill (here: Ctrl-C) between the write and the rename."""

    def replace(source: Any, target: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", replace)


FAILURES = {
    "fsync": (fail_in_fsync, OSError),
    "before rename": (fail_in_replace, OSError),
    "permissions": (fail_in_fchmod, OSError),
    "full disk": (fail_with_a_full_disk, OSError),
    "interrupt": (interrupted, KeyboardInterrupt),
}
#: A new file takes its permissions as it is created: there is no step to fail.
NEW_FILE_FAILURES = sorted(step for step in FAILURES if step != "permissions")


@pytest.mark.parametrize("step", sorted(FAILURES))
def test_a_failure_at_any_step_leaves_the_old_file_and_no_temporary_file(
    step: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "rss.xml"
    target.write_bytes(OLD)
    mtime = back_date(target)
    inject, error = FAILURES[step]
    inject(monkeypatch)
    with pytest.raises(error):
        write_if_changed(target, NEW)
    assert target.read_bytes() == OLD
    assert target.stat().st_mtime_ns == mtime
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("step", NEW_FILE_FAILURES)
def test_a_failure_writing_a_new_file_leaves_no_file(
    step: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inject, error = FAILURES[step]
    inject(monkeypatch)
    with pytest.raises(error):
        write_if_changed(tmp_path / "rss.xml", NEW)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_fsynced_does_not_fail_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def open_(path: Any, flags: int, *args: Any) -> int:
        if Path(path) == tmp_path:
            raise PermissionError(errno.EACCES, "cannot open folders here")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", open_)
    assert write_if_changed(tmp_path / "rss.xml", NEW) is True
    assert (tmp_path / "rss.xml").read_bytes() == NEW


def test_a_publish_run_removes_temporary_files_a_killed_run_left(tmp_path: Path) -> None:
    stale = tmp_path / "category" / "x" / f".rss.xml.k1ll3d{TEMPORARY_SUFFIX}"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"<rss")
    publish(Site(FeedSettings(title="T", link="https://example.org/"), tmp_path), [])

    assert not stale.exists()
