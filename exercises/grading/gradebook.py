"""Write verdicts to nbgrader's gradebook, and keep the ledger of grades of record.

The points of record are written through nbgrader's ``Gradebook`` API
(``auto_score``, ``needs_manual_grade``, the solution cells' ``auto_comment``).
Beside nbgrader's tables, the same database holds one more, ``grade_of_record``:
one row per submission with its ``status`` (``graded`` or ``not graded``), the
``cause`` when not graded, the review ``flags`` as JSON (function, reason) and
the digest of the submitted files that was graded. The row is written in the
same transaction as the points, so:

* :func:`begin` first sets every autograded test cell to 0 and "needs manual
  grade" and the row to *not graded* ("grading did not finish"), and commits;
* :func:`write` sets the points and the row to *graded* in one commit;
* :func:`write_outcome` does the same with what a grading lane returned
  (``tools/lane.py``): a lane grades against a scratch gradebook of its own,
  and the coordinating process copies its grades, comments and ledger row
  into the course's gradebook, in one commit.

A run that is killed in between leaves 0, "needs manual grade" and *not
graded*: nothing but a finished grade of record ever shows as points, and the
next ``make autograde`` grades the submission again (its row is not *graded*
with the current digest).
"""

import json
from datetime import UTC, datetime

from sqlalchemy import Column, MetaData, String, Table, Text, select

__all__ = ["GRADED", "NOT_GRADED", "begin", "ledger", "mark_not_graded", "write", "write_outcome"]

GRADED = "graded"
NOT_GRADED = "not graded"
#: Beginning of the verdict output added to test cells of the autograded notebook.
VERDICT = "Grade of record"

_metadata = MetaData()
LEDGER = Table(
    "grade_of_record", _metadata,
    Column("assignment", String(128), primary_key=True),
    Column("student", String(128), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("cause", Text),
    Column("flags", Text),
    Column("digest", String(64)),
    Column("updated", String(32)),
)


def _ensure(gb):
    # on the session's own connection: a second connection would wait for its lock
    _metadata.create_all(gb.db.connection(), checkfirst=True)


def _upsert(gb, assignment, student, **values):
    _ensure(gb)
    values["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
    key = (LEDGER.c.assignment == assignment) & (LEDGER.c.student == student)
    found = gb.db.execute(select(LEDGER.c.status).where(key)).first()
    if found is None:
        gb.db.execute(LEDGER.insert().values(assignment=assignment, student=student, **values))
    else:
        gb.db.execute(LEDGER.update().where(key).values(**values))


def ledger(gb):
    """``{(assignment, student): {"status", "cause", "flags", "digest"}}``."""
    _ensure(gb)
    rows = gb.db.execute(select(LEDGER)).mappings().all()
    return {(r["assignment"], r["student"]): {
        "status": r["status"], "cause": r["cause"], "digest": r["digest"],
        "flags": json.loads(r["flags"] or "[]")} for r in rows}


def _test_cells(gb_notebook):
    solution_names = {c.name for c in gb_notebook.solution_cells}
    return {c.name: c for c in gb_notebook.grade_cells
            if c.cell_type == "code" and c.name not in solution_names}


def _submission(gb, assignment, student):
    gb.update_or_create_student(student)
    try:
        return gb.find_submission(assignment, student)
    except Exception:  # noqa: BLE001 - nbgrader raises MissingEntry
        return gb.add_submission(assignment, student)


def begin(gb, assignment, student, cause="grading did not finish"):
    """Zero every autograded test cell, mark it for manual grading, the row *not graded*."""
    submission = _submission(gb, assignment, student)
    for notebook in submission.notebooks:
        for name in _test_cells(notebook.notebook):
            grade = gb.find_grade(name, notebook.name, assignment, student)
            grade.auto_score = 0.0
            grade.needs_manual_grade = True
        for cell in notebook.notebook.solution_cells:
            comment = gb.find_comment(cell.name, notebook.name, assignment, student)
            comment.auto_comment = f"Not graded: {cause}."
    _upsert(gb, assignment, student, status=NOT_GRADED, cause=cause, flags="[]", digest=None)
    gb.db.commit()


def mark_not_graded(gb, assignment, student, cause):
    """Record that the submission could not be graded, and why (its points stay 0)."""
    begin(gb, assignment, student, cause)


def write(gb, assignment, student, notebook, verdicts, homes, digest, general=()):
    """Write one notebook's verdicts and mark the submission *graded*, in one commit.

    Parameters
    ----------
    verdicts : list of engine.Verdict
    homes : dict
        ``function -> solution cell name`` whose comment carries its messages.
    digest : str
        SHA-256 of the submitted files that were graded.
    general : list of engine.Flag
        Flags that concern the whole notebook (it could not be read, ...).

    Returns
    -------
    list of (grade_id, score, max_score)
    """
    gb_notebook = gb.find_notebook(notebook, assignment)
    test_cells = _test_cells(gb_notebook)
    solution_names = [c.name for c in gb_notebook.solution_cells]
    first = solution_names[0] if solution_names else None
    comments = {name: [] for name in solution_names}
    by_id = {v.grade_id: v for v in verdicts}
    scores, flags = [], list(general)
    for flag in general:
        comments.setdefault(first, []).append(f"Flagged for manual review: {flag}")
    for name, cell in test_cells.items():
        verdict = by_id.get(name)
        max_score = float(cell.max_score or 0.0)
        if verdict is None:
            flag_text = f"test cell {name} has no trusted check"
            flags.append({"function": None, "reason": flag_text})
            comments.setdefault(first, []).append(f"Flagged for manual review: {flag_text}")
            passed, vflags, messages, function = False, [flag_text], [flag_text], None
        else:
            passed, vflags = verdict.passed, verdict.flags
            messages, function = verdict.messages, verdict.function
        score = max_score if passed and not general else 0.0
        grade = gb.find_grade(name, notebook, assignment, student)
        grade.auto_score = score
        grade.needs_manual_grade = bool(vflags or general) or grade.manual_score is not None
        scores.append((name, score, max_score))
        home = homes.get(function, first)
        for flag in vflags if verdict is not None else ():
            line = f"Flagged for manual review: {flag}"
            if line not in comments.setdefault(home, []):
                comments[home].append(line)
        if not passed and not vflags:
            comments.setdefault(home, []).append(f"{name}: {messages[0]}")
    for verdict in verdicts:
        for flag in verdict.flags:
            entry = {"function": flag.function, "reason": flag.reason}
            if entry not in flags:
                flags.append(entry)
    flags = [f if isinstance(f, dict) else {"function": f.function, "reason": f.reason}
             for f in flags]
    for name in solution_names:
        comment = gb.find_comment(name, notebook, assignment, student)
        comment.auto_comment = "\n".join(comments.get(name, [])) or None
    _upsert(gb, assignment, student, status=GRADED, cause=None, digest=digest,
            flags=json.dumps(flags))
    gb.db.commit()
    return scores


def write_outcome(gb, assignment, student, outcome, digest):
    """Copy a lane's grade of record into the gradebook and mark it *graded*, in one commit.

    Parameters
    ----------
    outcome : dict
        What :func:`tools.lane.grade` returned for a graded submission:
        ``grades`` (``[notebook, cell, auto_score, needs_manual_grade]``),
        ``comments`` (``[notebook, cell, auto_comment]``), ``penalties``
        (``[notebook, late_submission_penalty]``), ``timestamp`` (ISO text or
        ``None``) and ``flags`` (JSON text).
    digest : str
        SHA-256 of the submitted files that were graded.

    A grade keeps needing a manual grade when the instructor already gave one,
    as nbgrader's own autograde does.
    """
    submission = _submission(gb, assignment, student)
    if outcome.get("timestamp"):
        submission.timestamp = datetime.fromisoformat(outcome["timestamp"])
    for notebook, name, score, manual in outcome["grades"]:
        grade = gb.find_grade(name, notebook, assignment, student)
        grade.auto_score = score
        grade.needs_manual_grade = bool(manual) or grade.manual_score is not None
    for notebook, name, text in outcome["comments"]:
        gb.find_comment(name, notebook, assignment, student).auto_comment = text
    for notebook, penalty in outcome["penalties"]:
        gb.find_submission_notebook(notebook, assignment, student).late_submission_penalty = \
            penalty
    _upsert(gb, assignment, student, status=GRADED, cause=None, digest=digest,
            flags=outcome["flags"])
    gb.db.commit()
