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


#: ``assignment -> graded course copy``, built once per worker process.
_GRADED = {}


@pytest.fixture
def graded(assignment, tmp_path_factory):
    """A course copy where one assignment's submissions have been autograded.

    Students: ``reference`` (the source notebook itself), ``blank`` (the release
    notebook untouched), ``resubmitter`` (blank at first; resubmits correct
    answers written unlike the reference), and the mixed-mistake students.

    Built once per assignment and worker and kept (a module-scoped fixture is
    torn down and built again whenever pytest-xdist hands a worker its tests in
    more than one batch); the tests of an assignment stay on one worker
    (``--dist loadgroup``) and run in file order.
    """
    if assignment not in _GRADED:
        _GRADED[assignment] = _graded_copy(assignment, tmp_path_factory)
    return _GRADED[assignment]


def _graded_copy(assignment, tmp_path_factory):
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
