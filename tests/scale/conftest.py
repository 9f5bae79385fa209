"""Fixtures of the grading-at-scale tests: one batch of submissions, its reference grades.

The batch (``scale_course.BATCH``) holds honest, mistaken and attacking submissions of
``ps1_sigmoid_bce``, a hanging one first. ``reference`` grades it once on
SQLite with one lane (once per xdist worker, each with its own grading secret and
PostgreSQL server); every other run (two lanes, a Dask cluster, PostgreSQL, runs
hit by faults) must give the same ``grades.csv``.
"""

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for path in (HERE.parents[1] / "exercises", HERE.parent / "grading", HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from scale_course import ScaleCourse  # noqa: E402


@pytest.fixture(scope="session")
def secret_file(tmp_path_factory):
    """One grading secret for every run, so that every run draws the same cases."""
    from grading.secret import read_or_create

    path = tmp_path_factory.mktemp("secret") / "grading-secret.txt"
    read_or_create(path)
    return path


@pytest.fixture(scope="session")
def reference(tmp_path_factory, secret_file):
    """The batch graded on SQLite by one lane: ``(course, grades.csv rows)``."""
    course = ScaleCourse(tmp_path_factory.mktemp("reference"), secret_file)
    course.submit_batch()
    run = course.run("--lanes", "1")
    assert run.returncode == 0, run.output
    return course, run, course.grades_csv()


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server on 127.0.0.1 (see ``postgres.py``)."""
    import postgres as pg

    server = pg.throwaway()
    yield server
    server.close()

