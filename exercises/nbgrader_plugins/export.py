"""``nbgrader export`` with the review flags of :mod:`.record` (``make grades``).

The CSV has nbgrader's columns (assignment, duedate, timestamp, student_id,
last_name, first_name, email, raw_score, late_submission_penalty, score,
max_score) and four more: ``status`` (``graded``, or ``not graded`` when no
grade of record was written: the grading could not run, or has not run yet),
``not_graded_cause``, ``flagged`` (``yes`` when the grade of record flagged the
submission for manual review) and ``flag_reasons`` (the reasons, ``; ``
separated). A submission that is not graded has no score in the file (empty
``raw_score`` and ``score``), never a 0 it did not earn.
"""

import csv

from grading import gradebook as ledger_table
from nbgrader.api import MissingEntry
from nbgrader.plugins.export import ExportPlugin

__all__ = ["IntegrityCsvExportPlugin", "submission_flags"]

COLUMNS = [
    "assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
    "raw_score", "late_submission_penalty", "score", "max_score", "status", "not_graded_cause",
    "flagged", "flag_reasons",
]


def _reasons(entry):
    reasons = []
    for flag in entry.get("flags", []) if entry else []:
        text = f"{flag['function']}: {flag['reason']}" if flag.get("function") else flag["reason"]
        if text not in reasons:
            reasons.append(text)
    return reasons


def submission_flags(gradebook, assignment, student):
    """The review reasons the grade of record stored for a submission (structured, in order)."""
    return _reasons(ledger_table.ledger(gradebook).get((assignment, student)))


class IntegrityCsvExportPlugin(ExportPlugin):
    """CSV export of the grades of record, with their review flags."""

    def export(self, gradebook):
        dest = self.to or "grades.csv"
        wanted_students = {str(s) for s in self.student}
        wanted_assignments = {str(a) for a in self.assignment}
        self.log.info("Exporting grades to %s", dest)
        records = ledger_table.ledger(gradebook)
        with open(dest, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            for assignment in gradebook.assignments:
                if wanted_assignments and assignment.name not in wanted_assignments:
                    continue
                for student in gradebook.students:
                    if wanted_students and student.id not in wanted_students:
                        continue
                    row = {
                        "assignment": assignment.name,
                        "duedate": assignment.duedate or "",
                        "student_id": student.id,
                        "last_name": student.last_name or "",
                        "first_name": student.first_name or "",
                        "email": student.email or "",
                        "max_score": assignment.max_score,
                    }
                    try:
                        submission = gradebook.find_submission(assignment.name, student.id)
                    except MissingEntry:
                        row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0,
                                   score=0.0, status="", not_graded_cause="", flagged="",
                                   flag_reasons="")
                    else:
                        penalty = submission.late_submission_penalty or 0.0
                        entry = records.get((assignment.name, student.id))
                        reasons = _reasons(entry)
                        graded = entry is not None and entry["status"] == ledger_table.GRADED
                        row.update(
                            timestamp=submission.timestamp or "",
                            raw_score=submission.score,
                            late_submission_penalty=penalty,
                            score=max(0.0, submission.score - penalty),
                            flagged="yes" if reasons else "",
                            flag_reasons="; ".join(reasons),
                            status=ledger_table.GRADED if graded else ledger_table.NOT_GRADED,
                            not_graded_cause="" if graded else (
                                entry["cause"] if entry else "no grade of record"),
                        )
                        if not graded:
                            row.update(raw_score="", score="")
                    writer.writerow(row)
