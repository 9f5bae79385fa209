"""What a learner's code can reach while a grading lane grades it (``make autograde``).

A lane (``tools/lane.py``) grades in a scratch course folder of its own, on the
coordinator's machine beside the instructor's course. A probe cell handed in
with a submission tries to read the course's gradebook, source notebook and
configuration, another learner's hand-in, the lane's scratch gradebook and
secret, and to list the folders where the lanes keep them; it prints what it
got into the autograded notebook, which the test reads. The same probe run by
the test itself (unconfined) reads every one of them, so a probe that saw
nothing saw nothing because of the lane's isolation.
"""

import json
import os
import re
from pathlib import Path

import nbformat
from graded_course import PS1, GradedCourse, Submission
from tools.lane import _api

PROBE = '''
import glob, json, os
report = {}
for name, path in TARGETS.items():
    try:
        with open(path, "rb") as fh:
            report[name] = "read %d bytes" % len(fh.read())
    except OSError as exc:
        report[name] = type(exc).__name__
report["grader folders"] = sorted(glob.glob(FOLDERS))
print("PROBE " + json.dumps(report, sort_keys=True))
'''


def _probe_cell(course):
    """The probe's code: the course's files, another learner's, the lanes' scratch folders."""
    targets = {
        "course gradebook": str(course.course / "gradebook.db"),
        "course source notebook": str(course.source),
        "course configuration": str(course.course / "nbgrader_config.py"),
        "another learner's hand-in": str(course.course / "submitted" / "honest" / PS1
                                          / f"{PS1}.ipynb"),
    }
    # where the lanes keep their scratch courses: <TMPDIR>/grading-<pid>/lane-*/
    folders = os.path.join(course.env["TMPDIR"], "grading-*", "lane-*", "*")
    return PROBE.replace("TARGETS", repr(targets)).replace("FOLDERS", repr(folders))


def _insert_probe(code):
    def edit(nb, course):
        nb.cells.insert(1, nbformat.v4.new_code_cell(code))
    return edit


def _probe_report(notebook):
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            match = re.search(r"^PROBE (.*)$", output.get("text", ""), re.MULTILINE)
            if match:
                return json.loads(match.group(1))
    raise AssertionError("the probe printed nothing")


def test_learner_code_in_a_lane_reaches_neither_the_course_nor_the_lane_folders(tmp_path):
    course = GradedCourse(tmp_path)
    code = _probe_cell(course)
    course.submit(Submission("honest"))
    course.submit(Submission("probe", edit=_insert_probe(code)))
    course.autograde("--lanes", "1")
    graded = nbformat.read(course.course / "autograded" / "probe" / PS1 / f"{PS1}.ipynb",
                           as_version=4)
    seen = _probe_report(graded)
    assert seen.pop("grader folders") == [], "the lanes' scratch folders are visible"
    assert seen and all(not result.startswith("read") for result in seen.values()), seen

    # the same probe, unconfined, while a lane's scratch course exists: it reads everything
    lane_root = Path(course.env["TMPDIR"]) / "grading-1" / "lane-probe"
    lane_root.mkdir(parents=True)
    (lane_root / "gradebook.db").write_bytes(b"scratch")
    unconfined = {}
    exec(compile(code.replace("print(", "unconfined['out'] = ("), "<probe>", "exec"),  # noqa: S102
         {"unconfined": unconfined})
    control = json.loads(unconfined["out"][len("PROBE "):])
    assert control.pop("grader folders") == [str(lane_root / "gradebook.db")]
    assert all(result.startswith("read") for result in control.values()), control


def test_a_lane_hides_the_course_and_its_scratch_course_explicitly(tmp_path):
    """Not only through ``/tmp``: the kernel and the grade of record are told to hide
    the lane's scratch course and the instructor's course, wherever they lie."""
    course = GradedCourse(tmp_path)
    scratch_root = tmp_path / "scratch course"
    api = _api(scratch_root, {"course": str(course.course), "course_id": "logreg"})
    for hidden in (api.config.GradeOfRecordSettings.hide, api.config.ConfinedKernelManager.hide):
        assert str(scratch_root) in hidden and str(course.course) in hidden
