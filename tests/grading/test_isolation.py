"""The pieces of the grade of record on their own: plain-data codec, audit, isolated process."""

import os
import subprocess
import sys
import time

import numpy as np
import psutil
import pytest
from graded_course import EXERCISES, INTEGRITY_LINE, still_running
from grading import harness
from grading.audit import answer_key_objects, audit_cells
from grading.sandbox import Limits, run_function
from grading.spec import Case, Code

KEYS = {f: answer_key_objects(f) for f in ("sigmoid", "binary_cross_entropy", "predict_proba")}
SETUP = [("setup", "import numpy as np\nimport math")]
FAST = Limits(cpu_seconds=3, wall_seconds=15)


# --- plain data ------------------------------------------------------------


@pytest.mark.parametrize("value", [
    0.5, 3, True, None, "text", np.float32(1.5), np.int64(-2),
    np.arange(6, dtype=np.int32).reshape(2, 3), np.array([np.nan, np.inf, -0.0]),
    (np.zeros(2), 1.0), [1, 2.5], {"a": np.ones(1)}, np.empty((0, 3)),
])
def test_plain_data_round_trips_with_its_type(value):
    back = harness.decode(harness.encode(value, np), np)
    assert type(back) is type(value)
    np.testing.assert_equal(back, value)
    if isinstance(value, np.ndarray | np.generic):
        assert back.dtype == value.dtype


def test_learner_objects_arrive_as_numbers_or_not_at_all():
    class Yes(np.ndarray):
        def __eq__(self, other):
            return True

    class Anything:
        def __eq__(self, other):
            return True

    arrived = harness.decode(harness.encode(np.zeros(3).view(Yes), np), np)
    assert type(arrived) is np.ndarray and not np.any(arrived == 1)
    with pytest.raises(harness.PlainDataError, match="not a number"):
        harness.encode(Anything(), np)
    with pytest.raises(harness.PlainDataError):
        harness.encode(np.array([object()]), np)


@pytest.mark.parametrize("forged", [
    {"__nd__": "object", "shape": [1], "data": [1]},
    {"__nd__": "float64", "shape": [3], "data": [1.0]},
    {"__nd__": "int64", "shape": [1], "data": [1.5]},
    {"__nd__": "float64", "shape": [-1], "data": []},
    {"__code__": "__import__('os').system('id')"},
    {"__pickle__": "gASV"},
    {"__tuple__": "not a list"},
    {"__np__": "float64", "value": "1"},
    2**70,
])
def test_forged_results_are_rejected(forged):
    with pytest.raises(harness.PlainDataError):
        harness.decode(forged, np)


# --- static audit ----------------------------------------------------------


def _rules(source):
    return {(f.rule, None if f.functions is None else tuple(sorted(f.functions)))
            for f in audit_cells([("cell", source)], KEYS, SETUP)}


@pytest.mark.parametrize("source", [
    "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
    "from course_lib.losses import cross_entropy\ndef f(y, p):\n    return cross_entropy(y, p)\n",
    "def binary_cross_entropy(y, p):\n    return float(-np.mean(y * np.log(p)))\n",
    "data = np.loadtxt('data.csv')\nimport os\nx = os.path.join('a', 'b')\n",
    "%matplotlib inline\nimport math\nimport sys\neps = sys.float_info.epsilon\n",
])
def test_honest_code_is_not_flagged(source):
    assert _rules(source) == set()


@pytest.mark.parametrize("source, expected", [
    ("import course_lib as cl\ndef sigmoid(z):\n    return cl.activations.sigmoid(z)\n",
     ("answer-key", ("sigmoid",))),
    ("from course_lib import sigmoid\n", ("answer-key", ("sigmoid",))),
    ("from course_lib.losses import *\n", ("answer-key", ("binary_cross_entropy",))),
    ("import course_lib\ndef sigmoid(z):\n    return getattr(course_lib, 'sig' + 'moid')(z)\n",
     ("indirect-module", ("sigmoid",))),
    ("import course_lib\ndef predict_proba(X, w, b):\n    return course_lib.sigmoid(X @ w + b)\n",
     ("library", ("predict_proba",))),
    ("import os\nm = os\n", ("indirect-module", None)),
    ("def sigmoid(z):\n    return eval('1')\n", ("forbidden-name", ("sigmoid",))),
    ("import importlib\n", ("forbidden-import", None)),
    ("import subprocess\n", ("forbidden-import", None)),
    ("from ctypes import CDLL\n", ("forbidden-import", None)),
    ("import builtins\n", ("forbidden-import", None)),
    ("import sys\nsys.modules['numpy'] = None\n", ("forbidden-attribute", None)),
    ("x = (lambda: 0).__globals__\n", ("forbidden-attribute", None)),
    ("print(_ih[-2])\n", ("forbidden-name", None)),
    ("np.allclose = lambda *a, **k: True\n", ("patches-module", None)),
    ("setattr(np.testing, 'assert_allclose', print)\n", ("patches-module", None)),
    ("open('../../../gradebook.db')\n", ("file-access", None)),
    ("np.save(path, x)\n", ("file-access", None)),
    ("!pip install cheat\n", ("magic", None)),
    ("import os\ndef _h():\n    os._exit(0)\ndef predict_proba(X, w, b):\n    return _h()\n",
     ("forbidden-attribute", ("predict_proba",))),
])
def test_each_rule_fires_for_the_functions_concerned(source, expected):
    assert expected in _rules(source)


# --- the isolated process --------------------------------------------------

PROBE = '''
import os, socket
def probe(path):
    seen = {}
    try:
        seen["listing"] = len(os.listdir(path))
    except OSError as exc:
        seen["listing"] = type(exc).__name__
    try:
        socket.create_connection(("127.0.0.1", 22), timeout=1)
        seen["net"] = "open"
    except OSError as exc:
        seen["net"] = type(exc).__name__
    try:
        open(os.path.join(os.path.dirname(np.__file__), "x"), "w")
        seen["write"] = "yes"
    except OSError as exc:
        seen["write"] = type(exc).__name__
    return (float(os.getuid()), seen["listing"], seen["net"], seen["write"], os.getcwd())
'''


def test_the_isolated_process_sees_no_course_no_network_and_writes_nothing():
    result = run_function([("probe", PROBE)], "probe", {"g": [Case((str(EXERCISES),))]},
                          hide=[EXERCISES], limits=FAST, setup=SETUP)
    assert result.status == "ok", (result.detail, result.stderr)
    uid, listing, net, write, cwd = result.report["results"]["g"][0]["value"]
    assert uid != 0.0
    # The course folder is an empty mount, or absent altogether when the course
    # lies under /tmp (the sandbox's own /tmp replaces the real one).
    assert listing in (0, "FileNotFoundError")
    assert net == "OSError" or net.endswith("Error")
    # Not the grader's files: denied to the sandbox user, or a read-only mount (EROFS).
    assert write in ("PermissionError", "OSError")
    assert cwd.startswith("/tmp/work/call-")  # a fresh folder per request
    assert "MISSING" not in str(result.isolation.get("missing")).upper()
    # As root: another user; otherwise a user namespace without capabilities (confine.py).
    identity = "separate-user" if os.geteuid() == 0 else "user-namespace"
    assert {"hidden-paths", "no-network", identity} <= set(result.isolation["measures"])


@pytest.mark.parametrize("body, status", [
    ("import os\n    os._exit(3)", "crashed"),
    ("while True:\n        pass", "cpu-limit"),
    ("np.lib.stride_tricks.as_strided(np.zeros(1), (10**9,), (10**7,)).sum()", "crashed"),
])
def test_abnormal_ends_are_reported(body, status):
    source = f"def f(x):\n    {body}\n    return x\n"
    result = run_function([("f", source)], "f", {"g": [Case((1.0,))]}, hide=[EXERCISES],
                          limits=FAST, setup=SETUP)
    assert result.status == status, (result.detail, result.stderr)
    assert result.report is None


def test_code_arguments_are_built_inside_and_mutations_come_back():
    source = "def f(g, x):\n    x[0] = g(x)\n    return x.sum()\n"
    case = Case((Code("lambda w: float(np.sum(w ** 2))"), np.array([1.0, 2.0])))
    result = run_function([("f", source)], "f", {"g": [case]}, hide=[EXERCISES], limits=FAST,
                          setup=SETUP)
    outcome = result.report["results"]["g"][0]
    assert outcome["value"] == 7.0
    np.testing.assert_array_equal(outcome["args_after"][1], [5.0, 2.0])


def test_an_output_flood_hits_the_file_size_limit():
    source = "import os\ndef f(x):\n    for _ in range(4):\n        os.write(1, b'x' * 10**7)\n"
    result = run_function([("f", source)], "f", {"g": [Case((1.0,))]}, hide=[EXERCISES],
                          limits=FAST, setup=SETUP)
    assert result.status == "ok"
    assert "File too large" in result.report["results"]["g"][0]["error"]


def test_course_config_loads_the_integrity_settings():
    """``exercises/nbgrader_config.py`` must load ``nbgrader_config_integrity.py``."""
    from traitlets.config.loader import PyFileConfigLoader

    assert INTEGRITY_LINE in (EXERCISES / "nbgrader_config.py").read_text()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(EXERCISES)).load_config()
    assert config.Execute.kernel_manager_class.__name__ == "ConfinedKernelManager"
    assert config.OverwriteCells.add_missing_cells is True
    assert "StripHiddenTests" in [p.__name__ for p in config.Autograde.sanitize_preprocessors]
    assert config.ExportApp.plugin_class == "nbgrader_plugins.export.IntegrityCsvExportPlugin"


def test_the_kernel_started_early_is_the_configured_confined_one():
    """The kernel started while nbgrader sanitizes is of the configured (confined) class."""
    from nbgrader_plugins.kernel import ConfinedKernelManager
    from nbgrader_plugins.preprocessors import BoundedExecute, _configured
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(EXERCISES)).load_config()
    assert _configured(config, "kernel_manager_class") is ConfinedKernelManager
    # nbgrader's Execute passes its own default class as an argument, which wins over the
    # configuration until nbclient re-reads it: the class must not be read off an instance
    assert BoundedExecute(config=config).kernel_manager_class is not ConfinedKernelManager


# A grader that starts a confined program and is then killed (a lane, or a whole run).
GRADER = """
import subprocess, sys, time
sys.path.insert(0, sys.argv[1])
from grading.sandbox import Limits, confine_command, make_box, python_executable
make_box(sys.argv[2])
program = [python_executable(), "-I", "-c", "import time; time.sleep(300)  # learner-" + "program"]
launcher = subprocess.Popen(confine_command(sys.argv[2], argv=program, hide=[],
                                            limits=Limits(cpu_seconds=5, wall_seconds=300)))
print(launcher.pid, flush=True)
time.sleep(300)
"""


def _learner_programs():
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if "# learner-program" in " ".join(process.info["cmdline"] or []):
            found.append(process)
    return found


def test_a_confined_program_ends_with_the_grader_that_started_it(tmp_path):
    assert _learner_programs() == []
    grader = subprocess.Popen([sys.executable, "-c", GRADER, str(EXERCISES), str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        launcher = psutil.Process(int(grader.stdout.readline()))
        deadline = time.monotonic() + 60
        while not _learner_programs():
            assert time.monotonic() < deadline, "the confined program did not start"
            time.sleep(0.1)
        program = _learner_programs()[0]
        grader.kill()  # SIGKILL: the grader cannot clean up
        grader.wait()
        deadline = time.monotonic() + 10
        while still_running(launcher) or still_running(program):
            assert time.monotonic() < deadline, "the confined program outlived its grader"
            time.sleep(0.1)
    finally:
        grader.kill()
        grader.stdout.close()
        for process in _learner_programs():
            process.kill()
