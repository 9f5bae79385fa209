"""Run a command as an ordinary (unprivileged) user, with the repository and its Python in reach.

``python tests/grading/unprivileged.py USER -- COMMAND ...``

Run by root (CI), it creates the system user ``USER`` if missing, and runs
``COMMAND`` as that user in a private mount namespace where the repository,
its ``.venv`` (also when ``.venv`` is a symlink to elsewhere) and the Python
installation behind it are reachable at their usual paths, even when they lie
under a folder the user may not enter (a clone under ``/root``, a Python under
``/root/.pyenv``): each such folder is covered by an empty tmpfs into which
only those paths are bound back. Nothing outside the namespace changes; the
user's ``HOME`` is a fresh folder under ``/tmp``, removed afterwards. Run by
anyone else, it runs ``COMMAND`` as they are.

:func:`command` builds such a command line from Python.
"""

import ctypes
import ctypes.util
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: The system user the unprivileged tests run as.
DEFAULT_USER = "coursegrader"

CLONE_NEWNS = 0x00020000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x1000, 0x4000, 0x40000


def command(argv, user=DEFAULT_USER):
    """``argv`` as a command that runs unprivileged (unchanged when not root)."""
    if os.geteuid() != 0:
        return list(argv)
    return [sys.executable, "-I", str(Path(__file__).resolve()), user, "--", *argv]


def ensure_user(name):
    """The ``pwd`` entry of ``name``, creating a system user without login if missing."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home",
                        "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name],
                       check=True)
        return pwd.getpwnam(name)


def needed_paths():
    """Folders the user must reach: the repository, the virtualenv, the Python behind it."""
    paths = {REPO, Path(sys.prefix), Path(sys.base_prefix),
             Path(os.path.realpath(sys.executable)).parent}
    venv = REPO / ".venv"
    if venv.exists():
        paths.add(venv)
    return sorted({Path(os.path.realpath(p)) for p in paths}, key=lambda p: len(p.parts))


def _enterable(path, entry):
    st = os.stat(path)
    if st.st_uid == entry.pw_uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid == entry.pw_gid:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def _blocker(path, entry):
    """The outermost folder on the way to ``path`` that ``entry`` may not enter."""
    for parent in [*reversed(path.parents), path]:
        if not _enterable(parent, entry):
            return parent
    return None


def _mount(libc, source, target, fstype, flags, data=None):
    if libc.mount(source and source.encode(), str(target).encode(), fstype and fstype.encode(),
                  ctypes.c_ulong(flags), data and data.encode()) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount {source} on {target}: {os.strerror(errno)}")


def open_the_way(entry):
    """In a new mount namespace, make :func:`needed_paths` reachable by ``entry``."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    paths = needed_paths()
    blockers = sorted({b for b in (_blocker(p, entry) for p in paths) if b is not None},
                      key=lambda p: len(p.parts))
    covered = []
    for blocker in blockers:
        if any(c in blocker.parents for c in covered):
            continue
        inside = [p for p in paths if p == blocker or blocker in p.parents]
        kept = [p for p in inside if not any(q in p.parents for q in inside)]
        handles = [(p, os.open(p, os.O_PATH | os.O_DIRECTORY)) for p in kept]
        _mount(libc, "tmpfs", blocker, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755")
        for path, fd in handles:
            path.mkdir(parents=True, exist_ok=True)
            _mount(libc, f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
            os.close(fd)
        covered.append(blocker)


def main(argv):
    if "--" not in argv or argv.index("--") != 1:
        print(__doc__, file=sys.stderr)
        return 2
    user, program = argv[0], argv[2:]
    if os.geteuid() != 0:
        os.execvp(program[0], program)
    entry = ensure_user(user)
    cwd = os.getcwd()
    open_the_way(entry)
    home = tempfile.mkdtemp(prefix=f"{user}-home-")
    os.chown(home, entry.pw_uid, entry.pw_gid)
    env = dict(os.environ, HOME=home, USER=user, LOGNAME=user, PYTHONDONTWRITEBYTECODE="1")

    def drop():
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.setgroups([])
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)
        try:
            os.chdir(cwd)  # again, through the mounts just made
        except OSError:
            os.chdir(REPO)

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is for the command
    try:
        return subprocess.run(program, env=env, preexec_fn=drop, check=False).returncode
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
