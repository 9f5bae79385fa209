"""Fixtures of the exercise tests: a temporary copy of the course, autograded."""

import time
from pathlib import Path

import pytest
from course_copy import CourseCopy, learner_notebook
from notebook_tools import ASSIGNMENTS, ROOT, graded_functions, read_source
from variants import MISTAKES

N_MISTAKES = 3


def mistake_names(assignment, function):
    """The first ``N_MISTAKES`` mistakes of a function, in catalogue order."""
    return list(MISTAKES[assignment][function])[:N_MISTAKES]


def mixed_submissions(assignment):
    """``{student: (replacements, wrong functions)}``: mistake k in every other function.

    For k = 0..2, the functions whose position has the parity of k get their
    k-th mistake and the others stay correct, so every function is graded both
    wrong and right next to the others' right and wrong answers. (Every listed
    mistake of every function is judged by the engine in ``test_checks.py``;
    this is the same engine through the whole pipeline.)
    """
    functions = graded_functions(assignment)
    subs = {}
    for k in range(N_MISTAKES):
        parity = k % 2
        wrong = [f for i, f in enumerate(functions) if i % 2 == parity]
        if not wrong:
            continue
        replacements = {f: MISTAKES[assignment][f][mistake_names(assignment, f)[k]]
                        for f in wrong}
        subs[f"mistake{k}-{parity}"] = (replacements, wrong)
    return subs


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """A course copy where every assignment's submissions were autograded in one run.

    Students, in every assignment: ``reference`` (the source notebook itself),
    ``blank`` (the release notebook untouched), ``resubmitter`` (blank at
    first; resubmits correct answers written unlike the reference), and the
    mixed-mistake students. One ``python -m tools.autograde`` grades them all,
    as ``make autograde`` grades a course.

    Built once per worker process; ``--dist loadfile`` keeps the tests that use it
    (``test_pipeline.py``) on one worker.
    """
    course = CourseCopy(tmp_path_factory.mktemp("course"))
    course.run("assignments.py", "--no-check")
    course.mixed = {}
    for assignment in ASSIGNMENTS:
        source = read_source(assignment)
        release = course.release_notebook(assignment)
        course.submit("reference", assignment, source)
        course.submit("blank", assignment, release)
        course.submit("resubmitter", assignment, release)
        course.mixed[assignment] = mixed_submissions(assignment)
        for student, (replacements, _) in course.mixed[assignment].items():
            course.submit(student, assignment, learner_notebook(release, source, replacements))
    started = time.perf_counter()
    out = course.run("autograde.py")
    elapsed = time.perf_counter() - started
    n = sum(3 + len(mixed) for mixed in course.mixed.values())
    report = (f"{len(ASSIGNMENTS)} assignments, {n} submissions autograded in one run "
              f"(nbgrader, then the grade of record) in {elapsed:.1f} s, {elapsed / n:.2f} s "
              "per submission; "
              + next((line for line in out.splitlines() if line.startswith("nbgrader autograde:")),
                     ""))
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "exercises-autograde-times.txt").write_text(report + "\n", encoding="utf-8")
    print(report)
    course.first_output = out
    return course


@pytest.fixture(scope="session")
def repo_root():
    return Path(ROOT)

