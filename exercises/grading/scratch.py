"""The grader's temporary folders: one per grading process, removed when it ends.

Every temporary folder of the grader (a kernel's box, an isolated session's
box) lies under ``<tmp>/grading-<pid>/``, where ``<pid>`` is the grading
process. It is removed when that process exits normally; a process that was
killed cannot do so, so :func:`remove_stale` (called at the start of every
run) removes the folders of grading processes that no longer exist.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["PREFIX", "adopt", "note_process", "remove_stale", "scratch_dir", "temporary_dir"]

PREFIX = "grading-"
_ROOT = None


def _root():
    return Path(tempfile.gettempdir())


def scratch_dir():
    """This process's folder, ``<tmp>/grading-<pid>``, created on first use.

    Examples
    --------
    >>> scratch_dir().name == f"grading-{os.getpid()}"
    True
    """
    global _ROOT
    path = _root() / f"{PREFIX}{os.getpid()}"
    if _ROOT != path:
        path.mkdir(mode=0o755, exist_ok=True)
        os.chmod(path, 0o755)  # the sandbox user must reach its box inside
        _ROOT = path
        atexit.register(shutil.rmtree, path, True)
    return path


def temporary_dir(prefix):
    """A new folder under :func:`scratch_dir` (the caller removes it when done)."""
    return tempfile.mkdtemp(prefix=prefix, dir=scratch_dir())


def adopt(folder):
    """Mark a folder made elsewhere (a short path for a socket) as this process's.

    A link to it in :func:`scratch_dir` lets :func:`remove_stale` find it if
    this process is killed.
    """
    os.symlink(folder, scratch_dir() / Path(folder).name)


def note_process(folder, pid):
    """Record that ``folder`` belongs to the confined process group ``pid``.

    If the grader is killed, :func:`remove_stale` ends that group too (a
    kernel or an isolated session whose grader is gone has nobody to answer).
    """
    Path(folder, "process-group").write_text(str(int(pid)), encoding="ascii")


def _launchers(folder):
    """Process ids of the ``confine.py`` launchers started for ``folder`` (from ``/proc``).

    A grader killed between starting a launcher and :func:`note_process` left no
    ``process-group`` file; the launcher's command line names its folder.
    """
    needle = os.path.realpath(folder).encode() + b"/"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(a.endswith(b"confine.py") for a in argv) and any(
                a.startswith(needle) for a in argv):
            found.append(int(entry.name))
    return found


def _end_group(folder):
    groups = set()
    try:
        pgid = int(Path(folder, "process-group").read_text(encoding="ascii"))
        if b"confine.py" in Path(f"/proc/{pgid}/cmdline").read_bytes():
            groups.add(pgid)  # still the launcher we started, not a reused number
    except (OSError, ValueError):
        pass
    groups.update(_launchers(folder))
    for group in groups:
        try:
            os.killpg(group, 9)
        except OSError:
            pass


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale():
    """Remove the folders of grading processes that have ended; return their paths.

    Examples
    --------
    >>> isinstance(remove_stale(), list)
    True
    """
    removed = []
    for path in _root().glob(f"{PREFIX}*"):
        suffix = path.name[len(PREFIX):]
        if not path.is_dir() or path.is_symlink() or not suffix.isdigit():
            continue
        if int(suffix) != os.getpid() and not _alive(int(suffix)):
            for folder in path.iterdir():
                _end_group(folder)
                if folder.is_symlink():  # adopted: the folder lies elsewhere
                    target = os.readlink(folder)
                    if Path(target).name.startswith(PREFIX):
                        shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    return removed
