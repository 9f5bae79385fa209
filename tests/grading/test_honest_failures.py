"""Failures of the grading itself never become points, and leave nothing behind.

Through the real pipeline (``python -m tools.autograde``, as ``make
autograde``): a run killed with ``kill -9`` in the middle of a batch, an
isolated process that does not start, a broken environment, a symlinked
virtual environment, a course path with spaces, plain ``nbgrader autograde``,
a notebook that sleeps past the whole-run limit, symbolic links handed in.
"""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from graded_course import BIN, PS1, PS1_POINTS, GradedCourse, unreadable_environment

pytestmark = pytest.mark.nbgrader

FULL = sum(PS1_POINTS.values())


def _blank(course, student):
    folder = course.course / "submitted" / student / PS1
    folder.mkdir(parents=True)
    (folder / f"{PS1}.ipynb").write_bytes(course.release.read_bytes())


def _honest(course, student):
    from graded_course import Submission

    course.submit(Submission(student))


def _auto(course, student):
    return sum(score for gid, (score, _) in course.grades(student).items() if gid in PS1_POINTS)


def _all_zero_waiting(course, student):
    grades = course.grades(student)
    return all(grades[gid] == (0.0, True) for gid in PS1_POINTS)


def test_a_run_killed_mid_batch_shows_no_points_and_the_next_run_grades_everything(
        tmp_path):
    course = GradedCourse(tmp_path)
    students = ["blank_a", "honest_a", "blank_b", "honest_b"]
    for student in students:
        (_blank if student.startswith("blank") else _honest)(course, student)
    proc = subprocess.Popen([sys.executable, "-m", "tools.autograde", "--course",
                             str(course.course)], cwd=course.course,
                            env={**course.env, "PYTHONUNBUFFERED": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        if line.startswith("autograded "):
            break
    time.sleep(1.0)  # the next submission is under way
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    for student in students:
        status, _ = course.status(student)
        if status is None:  # not reached (or only just entered by nbgrader): no points
            with course.gradebook() as gb:
                for sub in gb.find_assignment(PS1).submissions:
                    if sub.student.id == student:
                        assert all(not g.auto_score for n in sub.notebooks for g in n.grades)
        elif status == "graded":
            assert _auto(course, student) == (FULL if student.startswith("honest") else 0.0)
        else:  # never the kernel's score: 0 and waiting for the grade of record
            assert _all_zero_waiting(course, student), (student, course.grades(student))
    assert any(course.status(s)[0] != "graded" for s in students)
    done = course.autograde()
    assert "make autograde" not in done.stderr
    for student in students:
        assert course.status(student) == ("graded", None)
        assert _auto(course, student) == (FULL if student.startswith("honest") else 0.0)
    # the killed run's folders were removed by the next run, which left none of its own
    assert course.leftovers() == []


def test_a_submission_whose_grading_could_not_run_is_not_graded_and_retried(tmp_path):
    course = GradedCourse(tmp_path)
    _honest(course, "honest")
    config = course.course / "nbgrader_config.py"
    good = config.read_text()
    config.write_text(good + "\nc.GradeOfRecordSettings.start_seconds = 0.001\n")
    done = course.autograde(check=False)
    assert done.returncode == 1
    assert "NOT GRADED: honest/ps1_sigmoid_bce: the isolated Python did not start" in done.stderr
    status, cause = course.status("honest")
    assert status == "not graded" and "did not start" in cause
    assert _all_zero_waiting(course, "honest")
    course.nbgrader("export", "--to", str(course.root / "grades.csv"))
    with open(course.root / "grades.csv", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["student_id"] == "honest")
    assert row["status"] == "not graded" and row["score"] == "" and row["raw_score"] == ""
    assert "did not start" in row["not_graded_cause"]
    assert course.leftovers() == []
    config.write_text(good)
    done = course.autograde()
    assert "unchanged, skipped" not in done.stdout  # retried, though its files did not change
    assert course.status("honest") == ("graded", None) and _auto(course, "honest") == FULL
    course.nbgrader("export", "--to", str(course.root / "grades.csv"))
    with open(course.root / "grades.csv", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["student_id"] == "honest")
    assert row["status"] == "graded" and float(row["raw_score"]) == FULL


@pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox user differs from the grader as root")
def test_a_broken_environment_stops_the_run_with_one_line_and_changes_nothing(tmp_path):
    course = GradedCourse(tmp_path)
    _honest(course, "honest")
    python = unreadable_environment(tmp_path)
    done = course.autograde(python=python, check=False)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("make autograde: cannot grade on this machine")
    assert "did not start" in lines[0]
    with course.gradebook() as gb:  # no submission was touched
        assert [s.id for s in gb.students] == []
    assert course.leftovers() == []


def test_grading_works_wherever_the_course_and_its_environment_lie(tmp_path_factory):
    """A course under /tmp, in a folder whose name has spaces, graded by a .venv reached
    through a symbolic link: all three at once, as an instructor's machine may have them."""
    base = tmp_path_factory.mktemp("place") / "a folder with spaces"
    base.mkdir()
    link = base / "elsewhere"
    os.symlink(Path(sys.prefix).resolve(), link)
    python = link / "bin" / Path(sys.executable).name
    assert str(base).startswith("/tmp/")
    course = GradedCourse(base)
    _honest(course, "honest")
    _blank(course, "blank")
    done = course.autograde(python=python)
    assert "local lane" in done.stdout  # graded by lanes started from the linked .venv
    assert _auto(course, "honest") == FULL and _auto(course, "blank") == 0.0
    assert course.leftovers() == []


def test_plain_nbgrader_autograde_gives_the_grade_of_record_never_the_kernels(tmp_path):
    course = GradedCourse(tmp_path)
    _blank(course, "blank")
    _honest(course, "honest")
    for student in ("blank", "honest"):
        course.nbgrader("autograde", PS1, "--student", student, "--force")
    # the visible tests of a blank notebook swallow their failures under autograde:
    # the kernel would have given full marks
    assert _auto(course, "blank") == 0.0 and course.status("blank") == ("graded", None)
    assert _auto(course, "honest") == FULL
    assert course.leftovers() == []


def test_the_formgrader_autograde_button_gives_the_grade_of_record(tmp_path):
    import json
    import socket
    import urllib.request

    course = GradedCourse(tmp_path)
    _blank(course, "blank")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = "formgrader-test-token"
    server = subprocess.Popen(
        [str(BIN / "jupyter-server"), "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course.course}",
         "--allow-root"],
        cwd=course.course, env=course.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/formgrader/api/submission/{PS1}/blank/autograde"
        headers = {"Authorization": f"token {token}"}
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/status", headers=headers), timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(1)
        request = urllib.request.Request(url, data=b"", method="POST", headers=headers)
        with urllib.request.urlopen(request, timeout=600) as response:
            answer = json.loads(response.read())
        assert answer["success"], answer
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert _auto(course, "blank") == 0.0 and course.status("blank") == ("graded", None)


def test_a_notebook_that_sleeps_past_the_whole_run_limit_is_cut_short(tmp_path):
    course = GradedCourse(tmp_path)
    config = course.course / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.BoundedExecute.max_run_seconds = 6\n")
    from graded_course import Submission

    def sleepy(nb, _course):
        for _ in range(3):
            nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(25)"))

    course.submit(Submission("sleepy", edit=sleepy))
    course.autograde()
    autograded = nbformat.read(course.course / "autograded" / "sleepy" / PS1 / f"{PS1}.ipynb",
                               as_version=4)
    notes = [o.get("text", "") for c in autograded.cells[-3:] for o in c.get("outputs", [])]
    assert sum("Not run: the notebook's time limit" in n for n in notes) >= 2
    assert _auto(course, "sleepy") == FULL  # the grade of record does not wait for the kernel


def test_symbolic_links_and_special_files_are_refused_wherever_submissions_enter(tmp_path):
    course = GradedCourse(tmp_path)
    folder = course.course / "submitted" / "linker" / PS1
    folder.mkdir(parents=True)
    os.symlink(os.path.relpath(course.source, folder), folder / f"{PS1}.ipynb")
    fifo = course.course / "submitted" / "fifo" / PS1
    fifo.mkdir(parents=True)
    (fifo / f"{PS1}.ipynb").write_bytes(course.release.read_bytes())
    os.mkfifo(fifo / "pipe")
    done = course.autograde(check=False)
    assert done.returncode == 1
    for student in ("linker", "fifo"):
        status, cause = course.status(student)
        assert status == "not graded" and cause.startswith("refused:"), (student, cause)
        assert _all_zero_waiting(course, student)
        assert f"NOT GRADED: {student}/{PS1}: refused" in done.stderr
    # zip-collect: a link in the archive folder, and a link inside a zip archive
    import zipfile

    archive = course.course / "downloaded" / PS1 / "archive"
    archive.mkdir(parents=True)
    os.symlink(course.source, archive / f"mallory_2025-03-14-14-07-09_{PS1}.ipynb")
    zipped = subprocess.run([sys.executable, "-m", "tools.workflow", "zip-collect",
                             "--course", str(course.course)], cwd=course.course, env=course.env,
                            capture_output=True, text=True, timeout=600)
    assert zipped.returncode != 0 and "refused" in zipped.stderr
    (archive / f"mallory_2025-03-14-14-07-09_{PS1}.ipynb").unlink()
    info = zipfile.ZipInfo(f"eve_2025-03-14-14-07-09_{PS1}.ipynb")
    info.external_attr = (0o120777 << 16)
    with zipfile.ZipFile(archive / "eve.zip", "w") as zf:
        zf.writestr(info, str(course.source))
    zipped = subprocess.run([sys.executable, "-m", "tools.workflow", "zip-collect",
                             "--course", str(course.course)], cwd=course.course, env=course.env,
                            capture_output=True, text=True, timeout=600)
    assert zipped.returncode != 0 and "eve.zip" in zipped.stderr
    assert not (course.course / "submitted" / "eve").exists()
