"""A grader who is not root: the same isolation through user namespaces, or no run at all.

The confined program here runs through ``confine.py`` as an ordinary user (when the tests
run as root, as the system user of :mod:`unprivileged`). It walks every route to the
course folder it can think of (``/proc/<pid>/cwd`` and ``/proc/<pid>/root`` of every
visible process, ``..`` chains, the paths themselves) and must find nothing, while the
same walk, unconfined and as the same user, finds every file: the walk itself works.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import unprivileged
from graded_course import EXERCISES
from grading import confine
from grading.sandbox import Limits, confine_command, make_box, run_function
from grading.spec import Case

SOURCE = EXERCISES / "source" / "ps1_sigmoid_bce" / "ps1_sigmoid_bce.ipynb"

#: Tries every route to each target; prints the targets it could read and how.
WALK = r'''
import json, os, sys
targets = json.loads(sys.argv[1])
found = {}

def attempt(route, path):
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            with open(path, "rb") as fh:
                fh.read(16)
    except OSError:
        return
    found.setdefault(route, []).append(path)

pids = [p for p in os.listdir("/proc") if p.isdigit()]
for target in targets:
    attempt("direct", target)
    for k in range(1, 12):
        attempt("dotdot", os.path.join(os.getcwd(), *[".."] * k, target.lstrip("/")))
    for pid in pids:
        attempt("proc-root", f"/proc/{pid}/root{target}")
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        rel = os.path.relpath(target, cwd)
        if not rel.startswith(".."):
            attempt("proc-cwd", os.path.join(f"/proc/{pid}/cwd", rel))
        for k in range(1, 12):
            attempt("proc-cwd-dotdot",
                    os.path.join(f"/proc/{pid}/cwd", *[".."] * k, target.lstrip("/")))
print(json.dumps({"found": found, "uid": os.getuid(), "pids": len(pids)}))
'''


@pytest.fixture(scope="module")
def course():
    """A course folder the test user may read: gradebook, another learner's work."""
    root = Path(tempfile.mkdtemp(prefix="grading-course-"))
    try:
        (root / "submitted" / "other" / "ps1").mkdir(parents=True)
        (root / "gradebook.db").write_bytes(b"SQLite format 3\0")
        (root / "submitted" / "other" / "ps1" / "ps1.ipynb").write_text("{}")
        if os.geteuid() == 0:
            entry = unprivileged.ensure_user(unprivileged.DEFAULT_USER)
            for path in [root, *root.rglob("*")]:
                os.chown(path, entry.pw_uid, entry.pw_gid)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _targets(course):
    return [str(course / "gradebook.db"), str(course / "submitted" / "other" / "ps1"),
            str(SOURCE), str(EXERCISES / "nbgrader_config.py")]


def _confined(course, program, env=None):
    """Run ``program`` through confine.py as an ordinary user; ``(CompletedProcess, report)``."""
    run_dir = Path(tempfile.mkdtemp(prefix="grading-unpriv-"))
    try:
        make_box(run_dir)
        if os.geteuid() == 0:
            entry = unprivileged.ensure_user(unprivileged.DEFAULT_USER)
            for path in [run_dir, *run_dir.rglob("*")]:
                os.chown(path, entry.pw_uid, entry.pw_gid)
        argv = confine_command(run_dir, argv=program, hide=[course, EXERCISES],
                               limits=Limits(cpu_seconds=20))
        os.chmod(run_dir / "config.json", 0o644)
        done = subprocess.run(unprivileged.command(argv), cwd=course, env=env or os.environ,
                              capture_output=True, text=True, timeout=120)
        try:
            report = json.loads((run_dir / "isolation.json").read_text())
        except (OSError, ValueError):
            report = None
        return done, report
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def _walk(course):
    return [sys.executable, "-I", "-c", WALK, json.dumps(_targets(course))]


def test_the_walk_finds_everything_when_not_confined(course):
    done = subprocess.run(unprivileged.command(_walk(course)), cwd=course,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["uid"] != 0
    assert sorted(result["found"]["direct"]) == sorted(_targets(course))
    assert result["found"].get("proc-cwd"), result  # the grader's folder, through /proc


def test_a_non_root_grader_gets_hidden_course_private_tmp_no_network_pid_namespace(course):
    done, report = _confined(course, _walk(course))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["found"] == {}, result
    assert result["uid"] != 0
    assert result["pids"] <= 3  # bubblewrap's init, the program, nothing of the grader's
    assert report["missing"] == []
    assert {"hidden-paths", "private-tmp", "pid-namespace", "no-network", "user-namespace",
            "read-only-system"} <= set(report["measures"])


PRIVILEGES = r'''
import json, os, socket
out = {}
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
out["cap_eff"] = int(status["CapEff"].strip(), 16)
out["no_new_privs"] = status["NoNewPrivs"].strip()
for path in ("/usr/lib/probe", "/etc/probe", "/root/probe", "/var/probe", "/probe"):
    try:
        open(path, "w").close()
        out[path] = "written"
    except OSError as exc:
        out[path] = type(exc).__name__
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    out["net"] = "open"
except OSError as exc:
    out["net"] = type(exc).__name__
open("/tmp/work/mine.txt", "w").write("the box is writable")
out["tmp"] = sorted(os.listdir("/tmp"))
print(json.dumps(out))
'''


def test_the_program_has_no_capabilities_no_network_and_writes_only_its_box(course):
    done, _ = _confined(course, [sys.executable, "-I", "-c", PRIVILEGES])
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["cap_eff"] == 0 and out["no_new_privs"] == "1"
    for path, outcome in out.items():
        if path.startswith("/"):
            assert outcome != "written", path
    assert out["net"] != "open"
    assert "work" in out["tmp"] and "config.json" not in out["tmp"]


def _without_bwrap():
    """An environment whose PATH holds no ``bwrap`` (as on a machine without bubblewrap)."""
    bin_dir = Path(tempfile.mkdtemp(prefix="grading-nobwrap-"))
    for tool in ("true", "sh"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    os.chmod(bin_dir, 0o755)
    return bin_dir, dict(os.environ, PATH=str(bin_dir))


def test_without_user_namespaces_learner_code_is_refused(course):
    marker = [sys.executable, "-I", "-c", "print('learner code ran')"]
    bin_dir, env = _without_bwrap()
    try:
        env.pop(confine.ALLOW_UNCONFINED, None)
        done, report = _confined(course, marker, env=env)
        assert done.returncode == confine.REFUSED
        assert "learner code ran" not in done.stdout
        assert confine.ALLOW_UNCONFINED in done.stderr
        assert confine.ALLOW_UNCONFINED in report["refused"]
        # The instructor opts in explicitly: the code runs, and the report says what is missing.
        done, report = _confined(course, marker, env={**env, confine.ALLOW_UNCONFINED: "1"})
        assert done.returncode == 0 and "learner code ran" in done.stdout, done.stderr
        assert any(confine.ALLOW_UNCONFINED in m for m in report["missing"])
        assert "hidden-paths" not in report["measures"]
    finally:
        shutil.rmtree(bin_dir, ignore_errors=True)


MODE = ("import sys; sys.path.insert(0, {path!r}); import confine; "
        "print(confine.isolation_mode())")


def test_isolation_mode_names_what_will_happen():
    code = MODE.format(path=str(EXERCISES / "grading"))
    done = subprocess.run(unprivileged.command([sys.executable, "-I", "-c", code]),
                          capture_output=True, text=True, timeout=120, cwd=EXERCISES)
    assert done.stdout.strip() == "user-namespace", done.stderr
    bin_dir, env = _without_bwrap()
    try:
        env.pop(confine.ALLOW_UNCONFINED, None)
        for extra, expected in (({}, "refused"), ({confine.ALLOW_UNCONFINED: "1"}, "unconfined")):
            done = subprocess.run(unprivileged.command([sys.executable, "-I", "-c", code]),
                                  capture_output=True, text=True, timeout=120, cwd=EXERCISES,
                                  env={**env, **extra})
            assert done.stdout.strip() == expected, done.stderr
    finally:
        shutil.rmtree(bin_dir, ignore_errors=True)
    assert confine.isolation_mode() == ("root" if os.geteuid() == 0 else "user-namespace")


WALKER_CELL = '''
import sys


def walk(targets):
    sys.argv = ["walk", targets]
    import io, contextlib
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(WALK, {"__name__": "walk"})
    return out.getvalue()
'''


def test_a_solution_cell_walking_proc_finds_nothing_in_the_grade_of_record(course):
    """The isolated run of the grade of record, as whoever runs these tests."""
    cell = f"WALK = {WALK!r}\n" + WALKER_CELL
    result = run_function([("walk", cell)], "walk", {"g": [Case((json.dumps(_targets(course)),))]},
                          hide=[course, EXERCISES], limits=Limits(cpu_seconds=20),
                          setup=[("setup", "import numpy as np")])
    assert result.status == "ok", (result.detail, result.stderr)
    out = json.loads(result.report["results"]["g"][0]["value"])
    assert out["found"] == {}, out


def test_the_grade_of_record_stops_at_once_when_learner_code_would_be_refused():
    bin_dir, env = _without_bwrap()
    try:
        env.pop(confine.ALLOW_UNCONFINED, None)
        done = subprocess.run(
            unprivileged.command([sys.executable, "-m", "grading.record", "ps1_sigmoid_bce",
                                  "alice", "--course", "/nonexistent"]),
            capture_output=True, text=True, timeout=300, cwd=EXERCISES, env=env)
    finally:
        shutil.rmtree(bin_dir, ignore_errors=True)
    assert done.returncode == 1
    assert "NOT GRADED" in done.stderr and confine.ALLOW_UNCONFINED in done.stderr
    assert "Traceback" not in done.stderr


INTERRUPTIBLE = r'''
import signal, time
received = []
signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
print("ready", flush=True)
deadline = time.monotonic() + 60
while not received and time.monotonic() < deadline:
    time.sleep(0.05)
time.sleep(0.5)
print(f"interrupted {len(received)}", flush=True)
'''


def test_an_interrupt_reaches_the_program_and_does_not_end_the_sandbox(course):
    """A kernel is interrupted through its process group (nbgrader's cell timeout)."""
    run_dir = Path(tempfile.mkdtemp(prefix="grading-unpriv-"))
    try:
        make_box(run_dir)
        if os.geteuid() == 0:
            entry = unprivileged.ensure_user(unprivileged.DEFAULT_USER)
            for path in [run_dir, *run_dir.rglob("*")]:
                os.chown(path, entry.pw_uid, entry.pw_gid)
        argv = confine_command(run_dir, argv=[sys.executable, "-I", "-c", INTERRUPTIBLE],
                               hide=[course], limits=Limits(cpu_seconds=20))
        os.chmod(run_dir / "config.json", 0o644)
        with subprocess.Popen(unprivileged.command(argv), stdout=subprocess.PIPE, text=True,
                              start_new_session=True) as proc:
            try:
                assert proc.stdout.readline().strip() == "ready"
                os.killpg(proc.pid, signal.SIGINT)
                assert proc.stdout.readline().strip() == "interrupted 1"
                assert proc.wait(timeout=60) == 0
            finally:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
