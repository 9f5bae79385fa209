"""What a grading lane needs to grade one assignment, and what it returns: plain data.

A lane (``tools/lane.py``) never opens the course's gradebook: the
coordinating process reads, once per assignment, what the grading needs and
hands it over with every task of that assignment:

* ``gradebook``: the bytes of a scratch SQLite gradebook holding the
  assignment's definitions only (its notebooks, grade, solution, source and
  task cells, copied from the course's gradebook through nbgrader's API);
* ``source``: the files of ``source/<assignment>/`` (nbgrader copies the
  non-notebook ones into the autograded folder; the grade of record reads the
  source notebook's own cells);
* ``secret``: the course's grading secret (``grading/secret.py``);
* ``course``: the coordinator's course folder, which a lane on the same
  machine hides from the learner's code and whose configuration it uses.

The autograded files a lane returns are put in place by :func:`place_folder`.
"""

import os
import tempfile
from pathlib import Path

from grading import secret

__all__ = ["assignment_package", "place_folder", "read_files"]


def read_files(folder):
    """``{relative path: (bytes, mode)}`` of the regular files under ``folder``.

    Examples
    --------
    >>> d = Path(tempfile.mkdtemp())
    >>> (d / "a.txt").write_text("hi")
    2
    >>> read_files(d)["a.txt"][0]
    b'hi'
    """
    files = {}
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and not path.is_symlink():
            files[str(path.relative_to(folder))] = (path.read_bytes(),
                                                    path.stat().st_mode & 0o777)
    return files


def _copy_definitions(source, target, assignment):
    """Copy one assignment's definitions from gradebook ``source`` to ``target``."""
    stored = source.find_assignment(assignment)
    target.update_or_create_assignment(assignment, duedate=stored.duedate)
    for nb in stored.notebooks:
        target.update_or_create_notebook(nb.name, assignment, kernelspec=nb.kernelspec)
        for cell in nb.grade_cells:
            target.update_or_create_grade_cell(cell.name, nb.name, assignment,
                                               max_score=cell.max_score,
                                               cell_type=cell.cell_type)
        for cell in nb.solution_cells:
            target.update_or_create_solution_cell(cell.name, nb.name, assignment)
        for cell in nb.task_cells:
            target.update_or_create_task_cell(cell.name, nb.name, assignment,
                                              max_score=cell.max_score,
                                              cell_type=cell.cell_type)
        for cell in nb.source_cells:
            target.update_or_create_source_cell(cell.name, nb.name, assignment,
                                                source=cell.source, checksum=cell.checksum,
                                                locked=cell.locked, cell_type=cell.cell_type)


def assignment_package(course, db_url, course_id, assignment):
    """The plain data a lane needs for ``assignment`` (see the module docstring)."""
    from nbgrader.api import Gradebook

    course = Path(course)
    with tempfile.TemporaryDirectory(prefix="grading-package-") as tmp:
        path = os.path.join(tmp, "gradebook.db")
        with Gradebook(db_url, course_id) as source, \
                Gradebook(f"sqlite:///{path}", course_id) as target:
            _copy_definitions(source, target, assignment)
        data = Path(path).read_bytes()
    return {
        "assignment": assignment,
        "course_id": course_id,
        "course": str(course),
        "gradebook": data,
        "source": read_files(course / "source" / assignment),
        "secret": secret.read_or_create(secret.secret_path(course, db_url)),
    }


def place_folder(target, files):
    """Make ``target`` hold exactly ``files`` (``{relative path: (bytes, mode)}``), at once.

    The files are written to a sibling folder first, which then takes
    ``target``'s place by renaming: a reader (``make feedback``) sees the old
    folder or the new one, never a half-written one.

    Examples
    --------
    >>> d = Path(tempfile.mkdtemp()) / "s" / "ps1"
    >>> place_folder(d, {"a.txt": (b"1", 0o644)}); place_folder(d, {"b.txt": (b"2", 0o644)})
    >>> sorted(p.name for p in d.iterdir())
    ['b.txt']
    """
    import shutil

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    for name, (data, mode) in files.items():
        if ".." in Path(name).parts or Path(name).is_absolute():
            raise ValueError(f"refused file name {name!r}")
        path = fresh / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.chmod(path, mode)
    os.chmod(fresh, 0o755)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rename(target, old / "folder")
    os.rename(fresh, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
