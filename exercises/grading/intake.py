"""What a submission folder may hold: regular files only, and their digest.

A symbolic link handed in as ``<assignment>.ipynb -> ../../../source/...``
would make the grader read the reference solutions as the learner's; a FIFO
would block it. Wherever submissions enter (``make collect``,
``make zip-collect``, a folder placed by hand under ``submitted/``), anything
that is not a regular file or a folder is refused with a clear message.
"""

import hashlib
import os
import stat
import zipfile
from pathlib import Path

__all__ = ["irregular_entries", "irregular_zip_members", "submission_digest"]


def irregular_entries(folder):
    """Paths under ``folder`` (itself included) that are not regular files or folders.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> (d / "a.ipynb").write_text("{}")
    2
    >>> os.symlink("/etc/passwd", d / "b.ipynb")
    >>> [Path(p).name for p in irregular_entries(d)]
    ['b.ipynb']
    """
    folder = Path(folder)
    found = []
    if folder.is_symlink() or not folder.is_dir():
        return [str(folder)]
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in sorted(dirs + files):
            path = os.path.join(root, name)
            mode = os.lstat(path).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                found.append(path)
    return sorted(found)


def irregular_zip_members(path):
    """Names of the members of a zip archive that are symbolic links or special files."""
    bad = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            kind = stat.S_IFMT(info.external_attr >> 16)
            if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
                bad.append(info.filename)
    return bad


def submission_digest(folder):
    """SHA-256 of every file under a submission folder (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
