"""A throwaway PostgreSQL server on the loopback interface, for the grading tests.

Debian's server binaries (``/usr/lib/postgresql/<version>/bin``; package
``postgresql``) make a cluster in a temporary folder (``initdb``) and run it
with ``pg_ctl`` on a free port of 127.0.0.1, its socket in the same folder.
PostgreSQL refuses to run as root: as root, the commands run as the
unprivileged test user (``tests/grading/unprivileged.py``).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "grading"))

import unprivileged  # noqa: E402

BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
USER = "grader"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Postgres:
    """A PostgreSQL cluster in ``folder``: start, stop, restart, and one database per name."""

    def __init__(self, folder):
        if not BINARIES:
            raise RuntimeError("PostgreSQL's server is missing: apt-get install postgresql "
                               "(the tests need /usr/lib/postgresql/<version>/bin/initdb)")
        self.bin = BINARIES[-1].parent
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.data = self.folder / "data"
        self.port = _free_port()
        if os.geteuid() == 0:
            entry = unprivileged.ensure_user(unprivileged.DEFAULT_USER)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        os.chmod(self.folder, 0o755)
        self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust",
                  "--no-sync", "-E", "UTF8")
        self.start()

    def _run(self, program, *args):
        argv = unprivileged.command([str(self.bin / program), *args])
        done = subprocess.run(argv, cwd="/", capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stdout}{done.stderr}")
        return done

    def _ctl(self, *args):
        options = (f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off")
        return self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"),
                         "-o", options, "-w", "-t", "60", *args)

    def start(self):
        self._ctl("start")

    def stop(self):
        self._ctl("stop", "-m", "fast")

    def restart(self):
        self._ctl("restart", "-m", "fast")

    def url(self, database):
        """The SQLAlchemy URL of a new, empty database ``database``."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def close(self):
        try:
            self._ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def throwaway():
    """A running :class:`Postgres` in a new temporary folder."""
    return Postgres(tempfile.mkdtemp(prefix="pg-", dir="/tmp"))
