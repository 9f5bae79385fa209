"""The instructor's other steps: release, collect, zip-collect, feedback, grades.

Usage::

    python -m tools.workflow release     [--assignment NAME]
    python -m tools.workflow collect     [--assignment NAME]
    python -m tools.workflow zip-collect [--assignment NAME]
    python -m tools.workflow feedback    [--assignment NAME]
    python -m tools.workflow grades

Each step prints what it did. See ``exercises/README.md`` for the whole workflow.
"""

import argparse
import csv
import os
import subprocess
import sys
import warnings
from pathlib import Path

from grading.intake import irregular_entries, irregular_zip_members

from .course import COURSE, assignments, check, load_api


def refuse_irregular(step, found):
    """Stop ``step`` with one message if any submission holds a link or a special file."""
    if found:
        listed = "\n".join(f"    {path}" for path in found[:20])
        raise SystemExit(
            f"{step}: refused: these entries are not regular files (symbolic links or special "
            f"files); nothing was copied. Remove them (the learner hands in the notebook itself) "
            f"and run the step again:\n{listed}")


def _names(course, only):
    names = assignments(course)
    if only and only not in names:
        raise SystemExit(f"unknown assignment {only!r}; known: {', '.join(names)}")
    return [only] if only else names


def release(course, names):
    """Copy each release notebook to the local exchange (``nbgrader release_assignment``)."""
    from nbgrader.utils import capture_log

    api = load_api(course)
    root = Path(api.exchange.config.Exchange.get("root", course / ".exchange"))
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o777)  # learners on the same machine write their submissions here
    for name in names:
        if not (course / "release" / name).is_dir():
            check(api.generate_assignment(name, force=True, create=True), f"generate {name}")
        app = api.exchange.ReleaseAssignment(
            coursedir=api.coursedir, authenticator=api.authenticator, parent=api
        )
        app.coursedir.assignment_id = name
        app.force = True
        check(capture_log(app), f"release {name}")
        print(f"released {name} to {root / api.coursedir.course_id / 'outbound' / name}")


def collect(course, names):
    """Copy learners' submissions from the exchange to ``submitted/`` (``nbgrader collect``)."""
    api = load_api(course)
    inbound = Path(api.exchange.config.Exchange.get("root", course / ".exchange")) / \
        api.coursedir.course_id / "inbound"
    for name in names:
        found = []
        for folder in sorted(inbound.glob(f"*+{name}+*")) if inbound.is_dir() else []:
            found += irregular_entries(folder)
        refuse_irregular(f"collect {name}", found)
        before = _timestamps(course, name)
        check(api.collect(name, update=True), f"collect {name}")
        after = _timestamps(course, name)
        new = sorted(s for s, t in after.items() if before.get(s) != t)
        print(f"collect {name}: {len(new)} new or updated submission(s), {len(after)} in all")
        for student in new:
            print(f"    submitted/{student}/{name}/ (submitted {after[student]})")


def _timestamps(course, name):
    """``{student: timestamp}`` of the submissions of one assignment under ``submitted/``."""
    stamps = {}
    for path in (course / "submitted").glob(f"*/{name}/timestamp.txt"):
        stamps[path.parent.parent.name] = path.read_text(encoding="utf-8").strip()
    return stamps


def zip_collect(course, names):
    """Unpack LMS downloads from ``downloaded/<assignment>/archive/`` into ``submitted/``."""
    found = False
    for name in names:
        archive = course / "downloaded" / name / "archive"
        if not archive.is_dir() or not any(archive.iterdir()):
            continue
        found = True
        bad = [p for p in irregular_entries(archive)]
        for path in sorted(archive.glob("*.zip")):
            if path in map(Path, bad):
                continue
            bad += [f"{path}: {member}" for member in irregular_zip_members(path)]
        refuse_irregular(f"zip-collect {name}", bad)
        done = subprocess.run(
            [str(Path(sys.executable).parent / "nbgrader"), "zip_collect", name, "--force"],
            cwd=course, capture_output=True, text=True,
            env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                                      f"{os.environ.get('PATH', '')}"},
        )
        log = done.stdout + done.stderr
        copied = [line.split("Copying to: ", 1)[1] for line in log.splitlines()
                  if "Copying to: " in line and "/submitted/" in line]
        skipped = [line for line in log.splitlines() if "Skipped" in line or "not follow" in line]
        print(f"zip-collect {name}: {len(copied)} file(s) into submitted/")
        for path in copied:
            print(f"    {Path(path).relative_to(course)}")
        for line in skipped:
            print(f"    {line.split('] ', 1)[-1]}")
        if done.returncode != 0:
            sys.stderr.write(log)
            raise SystemExit(f"zip-collect {name} failed")
    if not found:
        print("zip-collect: nothing under exercises/downloaded/<assignment>/archive/")


def feedback(course, names):
    """HTML feedback for every autograded submission, under ``feedback/``."""
    api = load_api(course)
    for name in names:
        if not any((course / "autograded").glob(f"*/{name}")):
            continue
        check(api.generate_feedback(name, force=True), f"feedback {name}")
    pages = sorted((course / "feedback").glob("*/*/*.html"))
    for page in pages:
        print(f"feedback: {page.relative_to(course.parent)}")
    print(f"{len(pages)} feedback page(s)")


def grades(course):
    """``grades.csv``: one row per student and assignment (``nbgrader export``)."""
    bindir = Path(sys.executable).parent
    done = subprocess.run(
        [str(bindir / "nbgrader"), "export", "--to", "grades.csv"],
        cwd=course, capture_output=True, text=True,
        env={**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("nbgrader export failed")
    path = course / "grades.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    print(f"wrote {path.relative_to(course.parent)}: {len(rows)} row(s)")
    for row in rows:
        flag = f"  FLAGGED: {row['flag_reasons']}" if row.get("flagged") == "yes" else ""
        print(f"    {row['assignment']:22s} {row['student_id']:12s} "
              f"{float(row['score']):g} / {float(row['max_score']):g}{flag}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["release", "collect", "zip-collect", "feedback", "grades"])
    parser.add_argument("--assignment", help="only this assignment")
    parser.add_argument("--course", default=str(COURSE), help="course folder")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", module="sqlalchemy")
    course = Path(args.course).resolve()
    names = _names(course, args.assignment)
    if args.step == "release":
        release(course, names)
    elif args.step == "collect":
        collect(course, names)
    elif args.step == "zip-collect":
        zip_collect(course, names)
    elif args.step == "feedback":
        feedback(course, names)
    else:
        grades(course)
    return 0


if __name__ == "__main__":
    sys.exit(main())
