"""The instructor's steps on the hub's course, through nbgrader's API in one process.

Run as the instructor by ``hub/launch.py`` (``make hub-setup``, ``make hub-release``,
``make hub-collect``, ``make hub-feedback``)::

    python hub/course_steps.py COURSE STEP ASSIGNMENT ...

``STEP`` is ``generate`` (release versions into ``COURSE/release/``),
``release`` (generate, then copy to the exchange), ``collect`` (latest
submissions into ``COURSE/submitted/``) or ``feedback`` (feedback pages, then
released to the exchange). One line per assignment says what was done; a
failing step prints nbgrader's log and exits non-zero.
"""

import sys
from pathlib import Path

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"
sys.path.insert(0, str(EXERCISES))

from tools.course import check, load_api  # noqa: E402


def run(api, step, name):
    """One step for one assignment; the line that says what was done."""
    if step in ("generate", "release"):
        check(api.generate_assignment(name, force=True, create=True), f"generate {name}")
        if step == "generate":
            return f"generated {name}"
        check(api.release_assignment(name), f"release {name}")
        return f"released {name}"
    if step == "collect":
        check(api.collect(name, update=True), f"collect {name}")
        students = sorted(p.parent.name for p in
                          Path(api.coursedir.root, "submitted").glob(f"*/{name}"))
        return f"collected {name}: {len(students)} submission(s) ({', '.join(students)})"
    if step == "feedback":
        check(api.generate_feedback(name, force=True), f"generate_feedback {name}")
        check(api.release_feedback(name), f"release_feedback {name}")
        return f"feedback of {name} generated and released"
    raise SystemExit(f"unknown step {step!r}")


def main(argv):
    course, step, names = argv[0], argv[1], argv[2:]
    api = load_api(course)
    for name in names:
        print(run(api, step, name), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
