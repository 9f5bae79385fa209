"""The hub course's gradebook, read as it is stored (read-only SQLite, no nbgrader code).

The tests compare what the formgrader's buttons and the command-line path
(``make hub-autograde``) wrote: the autograded points of every test cell and
the grade of record's ledger row (``grade_of_record``, exercises/grading).
"""

import sqlite3
from contextlib import closing
from pathlib import Path

AUTOGRADED_POINTS = """
SELECT sa.student_id, bc.name, g.auto_score
FROM grade g
JOIN submitted_notebook sn ON g.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id
JOIN assignment a ON sa.assignment_id = a.id
JOIN base_cell bc ON g.cell_id = bc.id
JOIN grade_cells gc ON gc.id = bc.id
WHERE gc.cell_type = 'code' AND a.name = ?
"""
LEDGER = "SELECT student, status, cause, flags, digest FROM grade_of_record WHERE assignment = ?"


def _connect(state):
    path = Path(state) / "course" / "gradebook.db"
    return closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True))


def autograded_points(state, assignment):
    """``{student: {test cell: points}}`` of ``assignment``'s autograded cells."""
    found = {}
    with _connect(state) as db:
        for student, cell, points in db.execute(AUTOGRADED_POINTS, (assignment,)):
            found.setdefault(student, {})[cell] = points
    return found


def ledger(state, assignment):
    """``{student: (status, cause, flags, digest)}``: the grade of record's rows."""
    with _connect(state) as db:
        return {row[0]: row[1:] for row in db.execute(LEDGER, (assignment,))}


def total(points):
    """The sum of a student's autograded points (``None`` counts as 0)."""
    return sum(p or 0.0 for p in points.values())
