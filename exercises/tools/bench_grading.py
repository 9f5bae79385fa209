"""Time ``make autograde`` per submission (``make bench-grading``).

Copies the course to a temporary folder, makes ``N`` submissions per
assignment (alternately the reference solutions and a mistaken notebook whose
first function returns 0), autogrades them in one batch exactly as
``make autograde`` does (:func:`tools.autograde.main`), and prints the median
and 95th percentile of the time per submission and per stage: nbgrader's
autograde with the grade of record inside it (the cost of a submission), and
the grade of record's own time (it runs concurrently with the kernel). Every
reference submission must get full marks and every mistaken one lose the first
function's points, or the benchmark fails.

Usage::

    cd exercises && python -m tools.bench_grading [--n 2]
"""

import argparse
import contextlib
import io
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from .course import COURSE, assignments

GENERATED = ("release", "submitted", "autograded", "feedback", "downloaded", ".exchange",
             "gradebook.db", "grades.csv", "__pycache__", "grading-secret.txt")


def percentile(values, q):
    """The ``q``-quantile of ``values`` (nearest rank).

    Examples
    --------
    >>> percentile([1, 2, 3, 4, 5], 0.95), percentile([3, 1, 2], 0.5)
    (5, 2)
    """
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _submission(source, release, wrong):
    answers = {c.metadata.nbgrader["grade_id"]: c.source for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    first = next(iter(answers))
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
            if wrong and gid == first:
                cell.source = f"def {gid}(*args, **kwargs):\n    return 0.0\n"
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2, help="submissions per assignment")
    args = parser.parse_args(argv)
    from . import assignments as generate
    from . import autograde

    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        course = Path(tmp) / "exercises"
        shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns(*GENERATED))
        with contextlib.redirect_stdout(io.StringIO()):
            generate.main(["--no-check", "--course", str(course)])
        subs = []
        for name in assignments(course):
            source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
            release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
            for k in range(args.n):
                student = f"{'wrong' if k % 2 else 'ref'}{k}"
                folder = course / "submitted" / student / name
                folder.mkdir(parents=True)
                nbformat.write(_submission(source, release, k % 2 == 1),
                               folder / f"{name}.ipynb")
                subs.append((name, student))
        rows, problems = [], []
        out = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(out):
            status = autograde.main(["--course", str(course)])
        batch = time.perf_counter() - started
        text = out.getvalue()
        for name, student in subs:
            found = re.search(rf"autograded {student}/{name} in ([\d.]+) s "
                              rf"\(grade of record ([\d.]+) s", text)
            score = re.search(rf"{name} {student}: ([\d.]+) / ([\d.]+) \(grade of record\)",
                              text)
            if status or not found or not score:
                problems.append(f"{name} {student}: not graded")
                continue
            got, top = float(score.group(1)), float(score.group(2))
            if (student.startswith("ref") and got != top) or (
                    student.startswith("wrong") and got >= top):
                problems.append(f"{name} {student}: {got:g} / {top:g}")
            total, record = float(found.group(1)), float(found.group(2))
            rows.append((name, student, total, record))
            print(f"{name:22s} {student:7s} {got:g}/{top:g}  per submission {total:.2f} s  "
                  f"(grade of record alone {record:.2f} s, concurrent with the kernel)")
        print(f"batch of {len(subs)}: {batch:.1f} s in all, {batch / len(subs):.2f} s per "
              "submission (with the start-up check and the score table)")
    for label, chosen in (("all", rows), ("reference", [r for r in rows
                                                       if r[1].startswith("ref")])):
        for stage, index in (("per submission", 2), ("grade of record", 3)):
            values = [r[index] for r in chosen]
            if values:
                print(f"{label:9s} {stage:16s} n={len(values):3d}  median "
                      f"{statistics.median(values):6.2f} s  p95 {percentile(values, 0.95):6.2f} s")
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
