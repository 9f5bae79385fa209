"""The secret that draws each submission's hidden cases, kept with the gradebook.

The check catalogue says *how* cases are made (shapes, ranges, awkward
values); which numbers a learner's functions are called on is drawn at grading
time from a generator seeded by this course's secret, the assignment and the
student. A table of answers prepared from the public repository therefore
misses them, and no two learners get the same numbers.

The secret is 32 random bytes (hex) in a file beside the SQLite gradebook
(``grading-secret.txt``; for another database, in the course folder), created
with mode 0600 on first use and never committed (``.gitignore``). The
environment variable ``GRADING_SECRET_FILE`` names another file. Keep it with
the gradebook's backups: regrading with another secret draws other cases
(a correct function still passes them; a wrong one may fail different ones).
"""

import hashlib
import os
import secrets
from pathlib import Path

import numpy as np

__all__ = ["SECRET_NAME", "case_rng", "read_or_create", "secret_path"]

SECRET_NAME = "grading-secret.txt"


def secret_path(course_root, db_url=None):
    """Where the course's secret lives (see the module docstring)."""
    if os.environ.get("GRADING_SECRET_FILE"):
        return Path(os.environ["GRADING_SECRET_FILE"])
    if db_url and db_url.startswith("sqlite:///"):
        return Path(db_url[len("sqlite:///"):]).parent / SECRET_NAME
    return Path(course_root) / SECRET_NAME


def read_or_create(path):
    """The secret stored at ``path``, created (mode 0600) if the file does not exist.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "s.txt"
    >>> read_or_create(path) == read_or_create(path), oct(path.stat().st_mode & 0o777)
    (True, '0o600')
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        text = path.read_text(encoding="ascii").strip()
        if len(text) < 32:
            raise ValueError(f"{path} does not hold a grading secret") from None
        return text
    text = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text + "\n")
    return text


def case_rng(secret, assignment, student):
    r"""The generator of one submission's cases: seeded by SHA-256 of secret, assignment, student.

    Examples
    --------
    >>> a = int(case_rng("k" * 64, "ps1", "alice").integers(1 << 30))
    >>> a == int(case_rng("k" * 64, "ps1", "alice").integers(1 << 30))
    True
    >>> a == int(case_rng("k" * 64, "ps1", "bob").integers(1 << 30))
    False
    """
    digest = hashlib.sha256("\0".join((secret, assignment, student)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest, "big"))
