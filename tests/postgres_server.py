"""A throwaway PostgreSQL server for the SQL tests, started from the installed binaries.

The server lives in a temporary folder (data, socket and log), listens on a
free port of 127.0.0.1 with password authentication, and is stopped and
removed when the tests are done. PostgreSQL refuses to run as root, so as
root it runs as the `postgres` system user that Debian's packages create.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: The superuser of the throwaway server, and the roles the tests read as.
ADMIN = ("nf_admin", "admin-Pa55")
#: Owns the tables, so may write: what stops a write is newsfeed, not a privilege.
EDITOR = ("nf_editor", "editor-Pa55")
#: May only SELECT, as the README recommends.
READER = ("nf_reader", "reader-Pa55")
DATABASE = "newsroom"


class Unavailable(Exception):
    """No PostgreSQL server can be started here; the message says why."""


@dataclass
class PostgresServer:
    bindir: Path
    folder: Path
    port: int
    user: str | None

    def url(self, role: tuple[str, str] = EDITOR, database: str = DATABASE) -> str:
        return f"postgresql+psycopg://{role[0]}:{role[1]}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        try:
            if (self.folder / "data" / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [str(self.bindir / program), *args],
            check=True,
            capture_output=True,
            user=self.user,
            cwd=self.folder,
            timeout=120,
        )


def find_bindir() -> Path:
    """The folder of the newest installed PostgreSQL's server programs."""
    found = shutil.which("pg_ctl")
    if found:
        # A link on PATH: the other programs are beside what it points to.
        return Path(found).resolve().parent
    # Debian keeps them off PATH, one folder per major version.
    folders = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    if not folders:
        raise Unavailable("PostgreSQL is not installed (no pg_ctl on PATH or in /usr/lib)")
    return Path(folders[-1]).parent


def start() -> PostgresServer:
    """A running server with the database and roles of this module; stop() it."""
    bindir = find_bindir()
    user: str | None = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise Unavailable("running as root and there is no 'postgres' user") from None
        user = owner.pw_name
    folder = Path(tempfile.mkdtemp(prefix="newsfeed-pg-"))
    server = PostgresServer(bindir, folder, _free_port(), user)
    try:
        if user is not None:
            os.chown(folder, owner.pw_uid, owner.pw_gid)
        password_file = folder / "password"
        password_file.write_text(ADMIN[1] + "\n", encoding="utf-8")
        if user is not None:
            os.chown(password_file, owner.pw_uid, owner.pw_gid)
        server._run(
            "initdb", "-D", str(folder / "data"), "-U", ADMIN[0], "--pwfile", str(password_file),
            "--auth", "scram-sha-256", "-E", "UTF8", "--locale", "C",
        )  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {server.port} -k {folder} -c fsync=off"
        server._run(
            "pg_ctl", "-D", str(folder / "data"), "-l", str(folder / "log"), "-o", options,
            "-w", "-t", "60", "start",
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        server.stop()
        raise Unavailable(
            f"cannot start PostgreSQL: {error} {detail.decode(errors='replace')}"
        ) from None
    return server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
