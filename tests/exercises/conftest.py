"""Fixtures of the exercise tests: a graded temporary copy of the course per assignment."""

import time
from pathlib import Path

import pytest
from course_copy import CourseCopy, learner_notebook
from notebook_tools import ROOT, graded_functions, read_source
from variants import MISTAKES

N_MISTAKES = 3


def mistake_names(assignment, function):
    """The first ``N_MISTAKES`` mistakes of a function, in catalogue order."""
    return list(MISTAKES[assignment][function])[:N_MISTAKES]


def mixed_submissions(assignment):
    """``{student: (replacements, wrong functions)}``: mistake k in every other function.

    For k = 0..2 and parity 0/1, the functions whose position has that parity get
    their k-th mistake and the others stay correct, so every listed mistake is
    graded next to correct functions.
    """
    functions = graded_functions(assignment)
    subs = {}
    for k in range(N_MISTAKES):
        for parity in (0, 1):
            wrong = [f for i, f in enumerate(functions) if i % 2 == parity]
            if not wrong:
                continue
            replacements = {f: MISTAKES[assignment][f][mistake_names(assignment, f)[k]]
                            for f in wrong}
            subs[f"mistake{k}-{parity}"] = (replacements, wrong)
    return subs


@pytest.fixture(scope="module")
def graded(assignment, tmp_path_factory):
    """A course copy where one assignment's submissions have been autograded.

    Students: ``reference`` (the source notebook itself), ``blank`` (the release
    notebook untouched), ``resubmitter`` (blank at first; resubmits correct
    answers written unlike the reference), and the mixed-mistake students.
    """
    course = CourseCopy(tmp_path_factory.mktemp(assignment))
    course.run("assignments.py", "--no-check", assignment)
    source = read_source(assignment)
    release = course.release_notebook(assignment)
    course.submit("reference", assignment, source)
    course.submit("blank", assignment, release)
    course.submit("resubmitter", assignment, release)
    mixed = mixed_submissions(assignment)
    for student, (replacements, _) in mixed.items():
        course.submit(student, assignment, learner_notebook(release, source, replacements))
    started = time.perf_counter()
    out = course.run("autograde.py")
    elapsed = time.perf_counter() - started
    n = 3 + len(mixed)
    report = (f"{assignment}: {n} submissions autograded (nbgrader, then the grade of record) "
              f"in {elapsed:.1f} s, {elapsed / n:.2f} s per submission; "
              + next((line for line in out.splitlines() if line.startswith("nbgrader autograde:")),
                     ""))
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with open(artifacts / "exercises-autograde-times.txt", "a", encoding="utf-8") as fh:
        fh.write(report + "\n")
    print(report)
    course.mixed = mixed
    course.assignment = assignment
    course.first_output = out
    return course


@pytest.fixture(scope="session")
def repo_root():
    return Path(ROOT)


def pytest_configure(config):
    # registered here too, for runs without xdist (-p no:xdist), where it is unknown
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one worker")
