"""The instructor's steps around autograding, in a temporary course copy:
``make assignments`` (sources pass, releases fail), the local exchange, LMS downloads."""

import os
import re
import shutil
import subprocess
import zipfile
from datetime import datetime

import pytest
from course_copy import PY, CourseCopy
from nbgrader_plugins.lms_collector import parse_submission_name
from nbgrader_plugins.preprocessors import cut_hidden_tests
from notebook_tools import ASSIGNMENTS, COURSE

pytestmark = pytest.mark.nbgrader


def test_make_assignments_checks_sources_pass_and_releases_fail(tmp_path):
    course = CourseCopy(tmp_path)
    out = course.run("assignments.py")
    for name in ASSIGNMENTS:
        assert (course.root / "release" / name / f"{name}.ipynb").exists()
        assert f"source  {name}" in out and f"release {name}" in out
    assert "5 assignments generated and checked" in out
    # "source|release <name> autograded tests: 7 / 7" (the notebook's own tests, run by
    # nbgrader) and "... grade of record: 3 / 3 test cells passed" (the engine)
    counted = {"autograded tests": 0, "grade of record": 0}
    for line in out.splitlines():
        match = re.match(r"\s*(source|release) +\S+ +(autograded tests|grade of record): "
                         r"([\d.]+) / ([\d.]+)", line)
        if match:
            kind, what, got, possible = match.groups()
            counted[what] += 1
            assert float(possible) > 0, line
            assert float(got) == (float(possible) if kind == "source" else 0), line
    assert counted == {"autograded tests": 2 * len(ASSIGNMENTS),
                       "grade of record": 2 * len(ASSIGNMENTS)}, out


def test_make_assignments_fails_when_a_reference_solution_is_wrong(tmp_path):
    course = CourseCopy(tmp_path)
    path = course.root / "source" / "ps1_sigmoid_bce" / "ps1_sigmoid_bce.ipynb"
    path.write_text(path.read_text().replace("return float(-np.mean(", "return float(-np.sum("))
    done = subprocess.run([PY, "-m", "tools.assignments", "ps1_sigmoid_bce",
                           "--course", str(course.root)], cwd=course.root, capture_output=True,
                          text=True)
    assert done.returncode == 1
    assert "source ps1_sigmoid_bce: binary_cross_entropy_tests fails" in done.stderr
    # the grade of record's engine says so too
    assert ("source ps1_sigmoid_bce: binary_cross_entropy_tests fails the grade of record"
            in done.stderr)


def test_release_and_collect_through_the_local_exchange(tmp_path):
    course = CourseCopy(tmp_path)
    course.run("assignments.py", "--no-check", "ps5_roc_threshold")
    out = course.run("workflow.py", "release", "--assignment", "ps5_roc_threshold")
    exchange = course.root / ".exchange" / "logreg"
    assert (exchange / "outbound" / "ps5_roc_threshold" / "ps5_roc_threshold.ipynb").exists()
    assert "released ps5_roc_threshold" in out
    learner = tmp_path / "learner"
    learner.mkdir()
    nbgrader = [str(COURSE.parents[0] / ".venv" / "bin" / "nbgrader")]
    if not os.path.exists(nbgrader[0]):
        nbgrader = [PY, "-m", "nbgrader"]
    flags = ["--course", "logreg", f"--Exchange.root={course.root / '.exchange'}"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    for step in ("fetch_assignment", "submit"):
        subprocess.run([*nbgrader, step, "ps5_roc_threshold", *flags], cwd=learner, env=env,
                       check=True, capture_output=True)
    out = course.run("workflow.py", "collect", "--assignment", "ps5_roc_threshold")
    assert "1 new or updated submission(s)" in out
    collected = list((course.root / "submitted").glob("*/ps5_roc_threshold/*.ipynb"))
    assert len(collected) == 1
    # A submission in the exchange whose notebook is a link to the source (the reference
    # solutions) is refused before anything is copied, and the collected copy stays as it was.
    (submission,) = (exchange / "inbound").glob("*+ps5_roc_threshold+*")
    notebook = submission / "ps5_roc_threshold.ipynb"
    notebook.unlink()
    source = course.root / "source" / "ps5_roc_threshold" / "ps5_roc_threshold.ipynb"
    notebook.symlink_to(source)
    before = collected[0].read_bytes()
    with pytest.raises(AssertionError, match="refused: these entries are not regular files"):
        course.run("workflow.py", "collect", "--assignment", "ps5_roc_threshold")
    assert collected[0].read_bytes() == before


def test_zip_collect_reads_the_documented_file_names(tmp_path):
    course = CourseCopy(tmp_path)
    course.run("assignments.py", "--no-check", "ps1_sigmoid_bce")
    archive = course.root / "downloaded" / "ps1_sigmoid_bce" / "archive"
    archive.mkdir(parents=True)
    release = course.root / "release" / "ps1_sigmoid_bce" / "ps1_sigmoid_bce.ipynb"
    shutil.copy(release, archive / "j_doe_2025-03-14-14-07-09_ps1_sigmoid_bce.ipynb")
    inner = tmp_path / "mary_2025-03-15-08-00-59_ps1_sigmoid_bce.ipynb"
    shutil.copy(release, inner)
    with zipfile.ZipFile(archive / "batch.zip", "w") as zf:
        zf.write(inner, inner.name)
    (archive / "notes.txt").write_text("not a submission")
    out = course.run("workflow.py", "zip-collect")
    assert "zip-collect ps1_sigmoid_bce: 2 file(s)" in out
    stamp = course.root / "submitted" / "j_doe" / "ps1_sigmoid_bce" / "timestamp.txt"
    assert stamp.read_text().strip() == "2025-03-14 14:07:09"  # nbgrader alone: 23:00:00
    stamp = course.root / "submitted" / "mary" / "ps1_sigmoid_bce" / "timestamp.txt"
    assert stamp.read_text().strip() == "2025-03-15 08:00:59"


def test_submission_file_names():
    info = parse_submission_name("/x/first_last_2025-03-14-14-07-09_ps1_sigmoid_bce.ipynb")
    assert info == {"student_id": "first_last", "file_id": "ps1_sigmoid_bce.ipynb",
                    "timestamp": datetime(2025, 3, 14, 14, 7, 9)}
    assert parse_submission_name("ps1_sigmoid_bce.ipynb") is None
    from nbgrader.utils import parse_utc  # the mis-parse this collector avoids

    assert parse_utc("2025-03-14-14-07-09") != datetime(2025, 3, 14, 14, 7, 9)


def test_hidden_regions_are_cut_from_feedback_sources():
    source = "a = 1\n### BEGIN HIDDEN TESTS\nsecret()\n### END HIDDEN TESTS\nb = 2"
    text, hidden = cut_hidden_tests(source, "# gone")
    assert hidden and text == "a = 1\n# gone\nb = 2"
    assert cut_hidden_tests("a = 1", "#") == (
        "a = 1", False)
