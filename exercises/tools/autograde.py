"""Autograde every submission under ``submitted/<student>/<assignment>/`` (``make autograde``).

For each submission, in one Python process (nbgrader is imported once):

1. ``nbgrader autograde`` (through nbgrader's API, ``--force``), timed; a
   submission whose files have not changed since it was last graded is skipped
   (``--force`` regrades everything: do so after changing a check);
2. then, when ``grading/record.py`` exists, its ``main()`` for the submissions
   just autograded: the grade of record, computed outside the learner's kernel;
3. a table of every student's scores, read back from the gradebook.

A resubmission (new files under ``submitted/``) is regraded and its scores
replace the old ones; running twice without changes changes nothing.

Usage::

    python exercises/tools/autograde.py [--assignment NAME] [--student ID ...] [--force]
"""

import argparse
import contextlib
import hashlib
import json
import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from course import COURSE, assignments, check, load_api, submissions  # noqa: E402

HASHES = ".submission-hashes.json"


def submission_hash(folder):
    """SHA-256 of every file under a submission folder (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_hashes(course):
    path = Path(course) / "autograded" / HASHES
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def _write_hashes(course, hashes):
    path = Path(course) / "autograded" / HASHES
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(hashes, indent=1, sort_keys=True), encoding="utf-8")


def ensure_generated(api, course, names):
    """Generate the assignments the gradebook does not know yet (a fresh clone)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        missing = []
        for name in names:
            try:
                gb.find_assignment(name)
            except MissingEntry:
                missing.append(name)
    for name in missing:
        print(f"generating {name} (not in the gradebook yet)")
        check(api.generate_assignment(name, force=True, create=True), f"generate {name}")


def run_record(course, graded):
    """The grade of record (``grading/record.py``), if that step is installed."""
    if not (Path(course) / "grading" / "record.py").exists():
        return
    if str(course) not in sys.path:
        sys.path.insert(0, str(course))
    from grading import record

    by_assignment = {}
    for student, assignment in graded:
        by_assignment.setdefault(assignment, []).append(student)
    for assignment, students in sorted(by_assignment.items()):
        started = time.perf_counter()
        with _cwd(course):
            status = record.main([assignment, *students], course_root=str(course))
        seconds = time.perf_counter() - started
        print(f"grade of record: {assignment}, {len(students)} submission(s), {seconds:.1f} s")
        if status:
            print(f"grade of record: {assignment} reported a failure", file=sys.stderr)


@contextlib.contextmanager
def _cwd(path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def score_table(api, names):
    """``{student: {assignment: (auto score, auto max, needs manual grade)}}``."""
    from nbgrader.api import Gradebook, MissingEntry

    table = {}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for name in names:
            try:
                assignment = gb.find_assignment(name)
            except MissingEntry:
                continue
            for submission in assignment.submissions:
                auto, auto_max, manual = 0.0, 0.0, False
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.cell.cell_type == "code":
                            auto += grade.score
                            auto_max += grade.max_score
                        elif grade.needs_manual_grade:
                            manual = True
                table.setdefault(submission.student.id, {})[name] = (auto, auto_max, manual)
    return table


def print_table(table, names, seconds):
    """One row per student, one column per assignment: autograded points."""
    width = max([7] + [len(s) for s in table])
    header = f"{'student':{width}s}  " + "  ".join(f"{n[:16]:>16s}" for n in names)
    print(header)
    print("-" * len(header))
    for student in sorted(table):
        cells = []
        for name in names:
            if name in table[student]:
                auto, auto_max, manual = table[student][name]
                cells.append(f"{auto:g}/{auto_max:g}{' +w' if manual else '   '}")
            else:
                cells.append("-")
        print(f"{student:{width}s}  " + "  ".join(f"{c:>16s}" for c in cells))
    print("(autograded points; +w: a written answer awaits manual grading)")
    if seconds:
        values = sorted(seconds.values())
        print(
            f"nbgrader autograde: {len(values)} submission(s), "
            f"{sum(values) / len(values):.2f} s each on average (max {values[-1]:.2f} s)"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", help="only this assignment")
    parser.add_argument("--student", nargs="+", help="only these students")
    parser.add_argument("--force", action="store_true", help="regrade unchanged submissions too")
    parser.add_argument("--course", default=str(COURSE), help="course folder")
    args = parser.parse_args(argv)
    course = Path(args.course).resolve()
    names = assignments(course)
    if args.assignment and args.assignment not in names:
        raise SystemExit(f"unknown assignment {args.assignment!r}; known: {', '.join(names)}")

    warnings.filterwarnings("ignore", module="sqlalchemy")
    warnings.filterwarnings("ignore", message=".*not in Session.*")
    api = load_api(course)
    pairs = [(s, a) for s, a in submissions(course, args.assignment)
             if not args.student or s in args.student]
    ensure_generated(api, course, sorted({a for _, a in pairs}))
    hashes = _read_hashes(course)
    graded, seconds, failed = [], {}, []
    for student, assignment in pairs:
        key = f"{student}/{assignment}"
        digest = submission_hash(course / "submitted" / student / assignment)
        done = (course / "autograded" / student / assignment).is_dir()
        if not args.force and done and hashes.get(key) == digest:
            print(f"unchanged, skipped: {key}")
            continue
        started = time.perf_counter()
        result = api.autograde(assignment, student, force=True, create=True)
        seconds[key] = time.perf_counter() - started
        if not result.get("success"):
            failed.append(key)
            hashes.pop(key, None)
            print(f"FAILED: {key}\n{result.get('log', '')}{result.get('error', '')}",
                  file=sys.stderr)
            continue
        hashes[key] = digest
        graded.append((student, assignment))
        print(f"autograded {key} in {seconds[key]:.2f} s")
    _write_hashes(course, hashes)
    if graded:
        run_record(course, graded)
    shown = [args.assignment] if args.assignment else names
    print_table(score_table(api, shown), shown, seconds)
    if not pairs:
        print("no submissions under exercises/submitted/<student>/<assignment>/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
