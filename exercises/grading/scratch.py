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

__all__ = ["PREFIX", "remove_stale", "scratch_dir", "temporary_dir"]

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
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    return removed
