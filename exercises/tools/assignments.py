"""Generate the release notebooks and check both versions against their own tests.

``make assignments`` runs ``nbgrader generate_assignment`` for every assignment
(release notebooks under ``release/<assignment>/``), then executes

* every **source** notebook: each autograded test cell, visible and hidden
  tests, must pass (the reference solutions are right and the tests run);
* every **release** notebook: each autograded test cell must fail (a blank
  notebook earns nothing), and no solution or hidden test may be left in it;
* the grade of record's engine (:func:`grading.engine.grade_submission`) on
  both: every test cell passes on the source's solutions, none on the
  release's.

``make release-notebooks`` (``--no-check``) only generates, for the book's
download links.

The notebooks are executed in a plain local kernel with this folder on the
import path (the hidden tests import ``grading.checks``), not through
nbgrader's autograde settings, which confine the kernel.
"""

import argparse
import os
import secrets
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .course import COURSE, assignments, check, load_api

FORBIDDEN_IN_RELEASE = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "run_hidden_tests")


def generate(course, names):
    """Run ``generate_assignment`` for each name; return the release notebook paths."""
    api = load_api(course)
    paths = []
    for name in names:
        check(api.generate_assignment(name, force=True, create=True), f"generate {name}")
        path = Path(course) / "release" / name / f"{name}.ipynb"
        if not path.exists():
            raise SystemExit(f"nbgrader wrote no {path}")
        paths.append(path)
    return paths


def execute_and_grade(path, course):
    """Execute a notebook in a fresh kernel; ``[(grade_id, score, max_score, error)]``.

    Only autograded test cells (code grade cells) are listed.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbgrader.utils import determine_grade, is_grade

    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(course)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    )
    os.environ.pop("NBGRADER_EXECUTION", None)
    nb = nbformat.read(str(path), as_version=4)
    with tempfile.TemporaryDirectory() as workdir:
        client = NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": workdir}},
            extra_arguments=[
                "--InteractiveShellApp.ignore_cwd=True",
                "--IPKernelApp.log_level=ERROR",
            ],
        )
        client.execute()
    rows = []
    for cell in nb.cells:
        if cell.cell_type == "code" and is_grade(cell):
            score, max_score = determine_grade(cell)
            error = next(
                (f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"),
                next((o.text for o in cell.outputs if o.get("name") == "stderr"), ""),
            )
            rows.append((cell.metadata.nbgrader.grade_id, score, max_score, error))
    return rows


def check_notebooks(course, names, workers=2):
    """Execute source and release notebooks; return a list of problems (empty: all good)."""
    jobs = []
    for name in names:
        jobs.append(("source", name, Path(course) / "source" / name / f"{name}.ipynb"))
        jobs.append(("release", name, Path(course) / "release" / name / f"{name}.ipynb"))
    problems = []
    for kind, _name, path in jobs:
        if kind == "release":
            text = path.read_text(encoding="utf-8")
            problems += [f"{path}: still contains {s!r}" for s in FORBIDDEN_IN_RELEASE if s in text]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(execute_and_grade, path, course) for _, _, path in jobs]
        for (kind, name, _path), future in zip(jobs, futures, strict=True):
            rows = future.result()
            total = sum(r[1] for r in rows)
            possible = sum(r[2] for r in rows)
            print(f"  {kind:7s} {name:22s} autograded tests: {total:g} / {possible:g}")
            for grade_id, score, max_score, error in rows:
                if kind == "source" and score != max_score:
                    problems.append(f"source {name}: {grade_id} fails: {error.strip()[:300]}")
                if kind == "release" and score != 0:
                    problems.append(f"release {name}: {grade_id} passes on a blank notebook")
            if not rows:
                problems.append(f"{kind} {name}: no autograded test cell")
    print(f"  executed {len(jobs)} notebooks in {time.perf_counter() - started:.1f} s")
    for name in names:
        problems += check_grade_of_record(course, name)
    return problems


def check_grade_of_record(course, name):
    """The engine on the source's solutions (all must pass) and the release's (all must fail)."""
    import nbformat
    from grading.engine import grade_submission
    from grading.record import program
    from grading.secret import case_rng

    source = nbformat.read(Path(course) / "source" / name / f"{name}.ipynb", as_version=4)
    ids = {c.metadata.nbgrader["grade_id"] for c in source.cells
           if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    problems = []
    for kind in ("source", "release"):
        nb = nbformat.read(Path(course) / kind / name / f"{name}.ipynb", as_version=4)
        setup, cells = program(source, nb, ids)
        result = grade_submission(setup, cells, name, case_rng(secrets.token_hex(32), name, kind),
                                  hide=[Path(course)])
        passed = sum(v.passed for v in result.verdicts)
        print(f"  {kind:7s} {name:22s} grade of record: {passed} / {len(result.verdicts)} "
              "test cells passed")
        for verdict in result.verdicts:
            if kind == "source" and not verdict.passed:
                problems.append(f"source {name}: {verdict.grade_id} fails the grade of record: "
                                f"{'; '.join(verdict.messages[:2])}")
            if kind == "release" and verdict.passed:
                problems.append(f"release {name}: {verdict.grade_id} passes the grade of record "
                                "on a blank notebook")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="assignments (default: all)")
    parser.add_argument("--no-check", action="store_true", help="generate only")
    parser.add_argument("--course", default=str(COURSE), help="course folder")
    args = parser.parse_args(argv)
    course = Path(args.course).resolve()
    names = args.names or assignments(course)
    for path in generate(course, names):
        print(f"generated {path.relative_to(course.parent)}")
    if args.no_check:
        return 0
    print("checking: source notebooks must pass their tests, release notebooks fail them")
    problems = check_notebooks(course, names)
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"make assignments: {len(names)} assignments generated and checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
