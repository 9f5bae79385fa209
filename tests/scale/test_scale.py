"""Grading at course scale: lanes, a Dask cluster, PostgreSQL, and faults survived.

Every run grades the same batch (``conftest.BATCH``: honest, mistaken,
hanging and memory-flooding submissions) and must give the ``grades.csv`` of
the reference run (SQLite, one lane), each submission graded exactly once.
"""

import os
import signal
import time

import psutil
import pytest
from graded_course import PS1, PS1_POINTS, Submission, still_running, unreadable_environment
from scale_course import STUDENTS, ScaleCourse, grading_process

pytestmark = pytest.mark.nbgrader


def _scores(rows):
    return {r["student_id"]: (r["status"], r["score"], r["max_score"]) for r in rows}


def _processes_of(course):
    """The command lines of the processes still running this course's grading code."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if str(course.course) in cmdline and process.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(cmdline[:200])
    return found


def _assert_each_graded_once(run):
    assert {s: run.graded(s) for s in STUDENTS} == {s: 1 for s in STUDENTS}, run.output


def test_reference_run_grades_the_batch_and_a_hanging_submission_does_not_hold_up_the_others(
        reference):
    course, run, rows = reference
    _assert_each_graded_once(run)
    scores = _scores(rows)
    full = sum(PS1_POINTS.values())
    assert float(scores["c_honest"][1]) == float(scores["e_honest"][1]) == full
    # the mistaken sigmoid, the looping predict_proba, the memory flood lose those points
    assert float(scores["d_mistaken"][1]) == full - PS1_POINTS["sigmoid_tests"]
    assert float(scores["a_loop"][1]) == full - PS1_POINTS["predict_proba_tests"]
    assert float(scores["b_memory"][1]) < full
    assert all(status == "graded" for status, _, _ in scores.values())
    assert "[5/5]" in run.output and "per minute" in run.output


def test_two_lanes_on_postgresql_give_the_same_grades(tmp_path, reference, postgres,
                                                      secret_file):
    course = ScaleCourse(tmp_path, secret_file, postgres.url("two_lanes"))
    course.submit_batch()
    run = course.run("--lanes", "2")
    assert run.returncode == 0, run.output
    assert "on 2 local lane(s)" in run.output
    _assert_each_graded_once(run)
    # the hanging submission, started first, finished after the other lane graded others
    order = [line.split()[1].split("/")[0] for line in run.lines
             if line.startswith("autograded ")]
    assert order.index("a_loop") > 0, order
    assert course.grades_csv() == reference[2]
    assert not (course.course / "gradebook.db").exists()  # everything went to PostgreSQL


def _lane_pids(coordinator):
    def pids():
        try:
            return [p.pid for p in psutil.Process(coordinator).children(recursive=True)
                    if "confine.py" not in " ".join(p.cmdline())]
        except psutil.Error:
            return []
    return pids


def test_a_lane_killed_mid_run_has_its_submission_graded_again_elsewhere(tmp_path, reference,
                                                                          secret_file):
    course = ScaleCourse(tmp_path, secret_file)
    course.submit_batch()
    running = course.start("--lanes", "2")
    running.wait_for("grading 5 submission(s)")
    victim = grading_process(_lane_pids(running.proc.pid))
    os.kill(victim, signal.SIGKILL)
    run = running.finish()
    assert run.returncode == 0, run.output
    _assert_each_graded_once(run)
    assert course.leftovers() == []  # the killed lane's kernel and folders were cleared
    assert course.grades_csv() == reference[2]


def test_a_dask_cluster_of_separate_processes_survives_a_killed_worker(tmp_path, reference,
                                                                      secret_file):
    course = ScaleCourse(tmp_path, secret_file)
    course.submit_batch()
    cluster = course.dask_cluster(workers=2)
    try:
        running = course.start(env={"GRADING_SCHEDULER": cluster.address})
        running.wait_for("grading 5 submission(s) on Dask scheduler")
        victim = grading_process(lambda: [w.pid for w in cluster.workers])
        cluster.kill(victim)
        run = running.finish()
    finally:
        cluster.close()
    assert run.returncode == 0, run.output
    _assert_each_graded_once(run)
    assert course.leftovers() == []  # the killed worker's kernel and folders were cleared
    assert course.grades_csv() == reference[2]


def test_a_killed_coordinator_leaves_no_partial_score_and_the_next_run_finishes(
        tmp_path, reference, secret_file):
    course = ScaleCourse(tmp_path, secret_file)
    course.submit_batch()
    running = course.start("--lanes", "2")
    running.wait_for("autograded ")
    grading_process(lambda: [running.proc.pid])  # a learner program is running below it
    below = psutil.Process(running.proc.pid).children(recursive=True)
    running.proc.kill()
    running.proc.wait(timeout=60)
    # its lanes end with it, and the learner programs they had started with them
    deadline = time.monotonic() + 20
    while left := [p.pid for p in below if still_running(p)] + _processes_of(course):
        assert time.monotonic() < deadline, f"still running after the kill: {left}"
        time.sleep(0.2)
    first = running.finish()
    finished = [s for s in STUDENTS if first.graded(s)]
    assert finished and len(finished) < len(STUDENTS), first.output
    expected = {r["student_id"]: r for r in reference[2]}
    from grading.gradebook import GRADED, ledger

    with course.gradebook() as gb:
        rows = ledger(gb)
        for student in STUDENTS:
            entry = rows.get((PS1, student))
            if entry is None:
                continue  # not begun
            nb = gb.find_submission_notebook(PS1, PS1, student)
            score = sum(g.auto_score or 0.0 for g in nb.grades if g.cell.cell_type == "code")
            if entry["status"] == GRADED:
                assert score == float(expected[student]["score"]), student
            else:  # begun, not finished: zero, waiting for a grade
                assert score == 0.0 and all(g.needs_manual_grade for g in nb.grades
                                            if g.cell.cell_type == "code"), student
    second = course.run("--lanes", "2")
    assert second.returncode == 0, second.output
    for student in STUDENTS:
        assert second.graded(student) == (0 if student in finished else 1), second.output
        assert (f"unchanged, skipped: {student}/{PS1}" in second.output) == \
            (student in finished)
    assert course.grades_csv() == reference[2]


def test_postgresql_restarted_mid_run_is_waited_for(tmp_path, reference, postgres, secret_file):
    course = ScaleCourse(tmp_path, secret_file, postgres.url("restarted"))
    course.submit_batch()
    running = course.start("--lanes", "2")
    running.wait_for("grading 5 submission(s)")
    postgres.stop()
    time.sleep(8)  # the lanes go on grading while the database is down
    postgres.start()
    run = running.finish()
    assert run.returncode == 0, run.output
    _assert_each_graded_once(run)
    assert course.grades_csv() == reference[2]


def test_a_database_that_stays_down_stops_the_run_with_one_line(tmp_path, postgres,
                                                                 secret_file):
    course = ScaleCourse(tmp_path, secret_file, postgres.url("down"))
    course.submit_batch()
    postgres.stop()
    try:
        run = course.run("--lanes", "1", "--db-wait", "3")
    finally:
        postgres.start()
    assert run.returncode == 3, run.output
    stops = [line for line in run.lines if line.startswith("make autograde: stopped:")]
    assert len(stops) == 1 and "did not answer for 3 s" in stops[0], run.output
    assert "Traceback" not in run.output
    with course.gradebook() as gb:
        from grading.gradebook import ledger

        assert ledger(gb) == {}  # nothing recorded


@pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox user differs from the grader as root")
def test_a_dask_worker_that_cannot_grade_stops_the_run_with_one_line(tmp_path, secret_file):
    """A worker whose environment the isolated process cannot use: the run checks every
    worker before grading, stops with one line naming the worker, and changes nothing."""
    course = ScaleCourse(tmp_path, secret_file)
    course.submit(Submission("c_honest"))
    cluster = course.dask_cluster(workers=1, python=unreadable_environment(tmp_path))
    try:
        run = course.run(env={"GRADING_SCHEDULER": cluster.address})
    finally:
        cluster.close()
    assert run.returncode == 2, run.output
    stops = [line for line in run.lines if line.startswith("make autograde: ")]
    assert len(stops) == 1 and stops[0].startswith("make autograde: cannot grade on worker "), \
        run.output
    assert "did not start" in stops[0] and "Traceback" not in run.output
    assert not any(line.startswith("autograded ") for line in run.lines)
    with course.gradebook() as gb:
        from grading.gradebook import ledger

        assert ledger(gb) == {} and [s.id for s in gb.students] == []  # nothing recorded
