"""``nbgrader export`` with the review flags of :mod:`.record` (``make grades``).

The CSV has nbgrader's columns (assignment, duedate, timestamp, student_id,
last_name, first_name, email, raw_score, late_submission_penalty, score,
max_score) and two more: ``flagged`` (``yes`` when the grade of record flagged
the submission for manual review) and ``flag_reasons`` (the reasons, ``; ``
separated).
"""

import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins.export import ExportPlugin

from .record import FLAG

__all__ = ["IntegrityCsvExportPlugin", "submission_flags"]

COLUMNS = [
    "assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
    "raw_score", "late_submission_penalty", "score", "max_score", "flagged", "flag_reasons",
]


def submission_flags(submission):
    """The review reasons :mod:`.record` left on a submission's solution-cell comments."""
    reasons = []
    for notebook in submission.notebooks:
        for comment in notebook.comments:
            for line in (comment.auto_comment or "").splitlines():
                if line.startswith(FLAG):
                    reason = line[len(FLAG):].strip()
                    if reason not in reasons:
                        reasons.append(reason)
    return reasons


class IntegrityCsvExportPlugin(ExportPlugin):
    """CSV export of the grades of record, with their review flags."""

    def export(self, gradebook):
        dest = self.to or "grades.csv"
        wanted_students = {str(s) for s in self.student}
        wanted_assignments = {str(a) for a in self.assignment}
        self.log.info("Exporting grades to %s", dest)
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
                                   score=0.0, flagged="", flag_reasons="")
                    else:
                        penalty = submission.late_submission_penalty or 0.0
                        reasons = submission_flags(submission)
                        row.update(
                            timestamp=submission.timestamp or "",
                            raw_score=submission.score,
                            late_submission_penalty=penalty,
                            score=max(0.0, submission.score - penalty),
                            flagged="yes" if reasons else "",
                            flag_reasons="; ".join(reasons),
                        )
                    writer.writerow(row)
