"""A temporary copy of the nbgrader course, driven through the same scripts as ``make``."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from notebook_tools import COURSE, nbgrader_meta, with_solution

PY = sys.executable
GENERATED = ("release", "submitted", "autograded", "feedback", "downloaded", ".exchange",
             "gradebook.db", "grades.csv", "__pycache__")


class CourseCopy:
    """``exercises/`` copied to ``root``; run the instructor's steps on it."""

    def __init__(self, root):
        self.root = Path(root) / "exercises"
        shutil.copytree(COURSE, self.root, ignore=shutil.ignore_patterns(*GENERATED, "*.pyc"))
        self.log = []

    def run(self, script, *args):
        """Run ``tools/<script>`` on this copy; return its stdout (fail on a non-zero exit)."""
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        env.pop("NBGRADER_DB_URL", None)
        done = subprocess.run(
            [PY, "-m", f"tools.{Path(script).stem}", *args, "--course", str(self.root)],
            cwd=self.root, capture_output=True, text=True, env=env, timeout=1800,
        )
        self.log.append(done.stdout + done.stderr)
        if done.returncode != 0:
            raise AssertionError(f"{script} {' '.join(args)} failed:\n{done.stdout[-3000:]}\n"
                                 f"{done.stderr[-3000:]}")
        return done.stdout

    def release_notebook(self, assignment):
        return nbformat.read(self.root / "release" / assignment / f"{assignment}.ipynb",
                             as_version=4)

    def submit(self, student, assignment, nb):
        """Place a notebook as ``submitted/<student>/<assignment>/<assignment>.ipynb``."""
        folder = self.root / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(folder / f"{assignment}.ipynb"))

    def scores(self, assignment, student):
        """``{grade_id: (score, max_score)}`` of the autograded test cells, from the gradebook."""
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            submission = gb.find_submission(assignment, student)
            return {
                grade.name: (grade.score, grade.max_score)
                for notebook in submission.notebooks
                for grade in notebook.grades
                if grade.cell.cell_type == "code"
            }


def learner_notebook(release_nb, source_nb, replacements=None):
    """The release notebook with every solution cell answered.

    Each solution cell gets the reference answer from ``source_nb``, or the
    source in ``replacements[function]`` (a ``def``), as a learner would fill it in.
    """
    answers = {nbgrader_meta(c).get("grade_id"): c.source for c in source_nb.cells
               if nbgrader_meta(c).get("solution")}
    nb = json.loads(json.dumps(release_nb))  # a deep copy
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    for function, source in (replacements or {}).items():
        nb = with_solution(nb, function, source)
    return nb
