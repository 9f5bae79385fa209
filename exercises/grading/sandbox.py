"""Run a learner's solution cells in an isolated process and bring back plain data.

:func:`run_function` is the trusted side of one graded function: it writes the
solution cells and the check cases into a fresh, empty box, starts
``harness.py`` there through ``confine.py`` (hidden course directory, no
network, another user, resource limits, ``python -I``), waits at most
``Limits.wall_seconds`` and decodes the JSON that comes back, strictly. Nothing
the learner's code produces is trusted beyond "these are the numbers my
function returned".
"""

import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import harness

HERE = Path(__file__).resolve().parent
CONFINE = HERE / "confine.py"

#: Paths every confined process loses sight of, besides the course directory.
DEFAULT_HIDDEN = ("/root", "/home", "/var/tmp", "/dev/shm", "/run/user", "/mnt", "/media", "/srv")


@dataclass(frozen=True)
class Limits:
    """Resource limits of one isolated run."""

    cpu_seconds: int = 20
    wall_seconds: float = 60.0
    memory_bytes: int = 2 * 2**30
    file_bytes: int = 16 * 2**20
    open_files: int = 64
    processes: int = 512
    output_chars: int = 65536

    def as_config(self):
        """The ``limits`` entry of a ``confine.py`` configuration."""
        return {
            "cpu": self.cpu_seconds,
            "memory": self.memory_bytes,
            "file_size": self.file_bytes,
            "open_files": self.open_files,
            "processes": self.processes,
        }


@dataclass
class RunResult:
    """What one isolated run gave back.

    ``status`` is ``"ok"`` or the reason there is no usable report:
    ``"timeout"``, ``"cpu-limit"``, ``"output-limit"``, ``"crashed"``,
    ``"bad-result"``. ``report`` is the decoded harness report (``None`` unless
    ``status == "ok"``): ``cells`` (per solution cell: error or ``None``),
    ``function_found`` and ``results`` (grade_id -> list of outcome dicts with
    ``value``, ``args_after``, ``error``). ``isolation`` lists the measures in
    force and the missing ones.
    """

    status: str
    detail: str = ""
    report: dict | None = None
    isolation: dict = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""


def sandbox_identity():
    """The (uid, gid) confined programs run as: ``nobody`` when it exists."""
    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def exposed_paths():
    """Directories a confined Python needs even if they lie under a hidden path."""
    import course_lib

    paths = {sys.base_prefix, sys.prefix, str(Path(os.path.realpath(sys.executable)).parent)}
    paths.add(str(Path(course_lib.__file__).resolve().parent))
    return sorted(paths)


def scrubbed_environment(box="{box}"):
    """The whole environment of a confined program (nothing of the grader's)."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": f"{box}/home",
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{box}/home",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def make_box(run_dir):
    """Create ``run_dir/box`` with ``work``, ``home`` and ``out`` owned by the sandbox user."""
    box = Path(run_dir) / "box"
    box.mkdir(mode=0o755)
    os.chmod(box, 0o755)
    uid, gid = sandbox_identity()
    for name in ("work", "home", "out"):
        sub = box / name
        sub.mkdir(mode=0o700)
        if os.geteuid() == 0:
            os.chown(sub, uid, gid)
    return box


def confine_command(run_dir, *, argv, hide, limits, network=False, cwd="{box}/work",
                    env=None, rewrite_file=None, quiet=False):
    """Write ``run_dir/config.json`` and return the command that starts ``argv`` confined.

    ``quiet``: the program's standard output and error go to ``/dev/null``.
    """
    uid, gid = sandbox_identity()
    config = {
        "argv": list(argv),
        "env": env or scrubbed_environment(),
        "box": str(Path(run_dir) / "box"),
        "cwd": cwd,
        "hide": sorted({str(Path(p).resolve()) for p in hide} | set(DEFAULT_HIDDEN)
                       | {os.path.expanduser("~")}),
        "expose": exposed_paths(),
        "network": network,
        "uid": uid,
        "gid": gid,
        "limits": limits.as_config(),
        "rewrite_file": rewrite_file,
        "quiet": quiet,
        "report": str(Path(run_dir) / "isolation.json"),
    }
    path = Path(run_dir) / "config.json"
    path.write_text(json.dumps(config))
    return [sys.executable, "-I", "-S", str(CONFINE), str(path)]


def _read_capped(path, limit):
    try:
        with open(path, "rb") as fh:
            return fh.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


_SIGNAL_STATUS = {
    signal.SIGXCPU: ("cpu-limit", "ran out of CPU time"),
    signal.SIGKILL: ("cpu-limit", "was killed (CPU time or memory limit)"),
    signal.SIGXFSZ: ("output-limit", "wrote more output than allowed"),
    signal.SIGSEGV: ("crashed", "crashed (segmentation fault)"),
    signal.SIGABRT: ("crashed", "crashed (aborted)"),
}


def _status_from_exit(code):
    signum = -code if code < 0 else code - 128 if code > 128 else None
    if signum in _SIGNAL_STATUS:
        return _SIGNAL_STATUS[signum]
    if signum:
        return "crashed", f"was ended by signal {signum}"
    return "crashed", f"exited with code {code} before reporting"


def run_function(cells, function, checks, *, hide=(), limits=Limits(), setup=(),
                 references=None):
    """Run solution ``cells`` in isolation and call ``function`` on each check's cases.

    Parameters
    ----------
    cells : list of (str, str)
        ``(cell_id, source)`` of the solution cells, in notebook order.
    function : str
        Name of the function to call.
    checks : dict
        ``grade_id -> list[Case]``.
    hide : iterable of path
        Paths the isolated process must not see (the course directory).
    limits : Limits
    setup : list of (str, str)
        ``(cell_id, source)`` of trusted code run before the solution cells
        (the notebook's own imports).
    references : str, optional
        Name of the check catalogue module (e.g. ``"grading.checks.ps1_sigmoid_bce"``)
        whose ``REFERENCES`` replace the *other* graded functions during the
        calls. The ``grading`` package is copied into the box for it.

    Returns
    -------
    RunResult
    """
    run_dir = tempfile.mkdtemp(prefix="grading-run-")
    try:
        box = make_box(run_dir)
        shutil.copyfile(HERE / "harness.py", box / "harness.py")
        if references:
            shutil.copytree(HERE, box / "lib" / "grading",
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        request = {
            "references": {"path": "lib", "module": references} if references else None,
            "cells": [{"id": c, "source": s} for c, s in list(setup) + list(cells)],
            "function": function,
            "checks": {
                gid: [{"args": harness.encode(tuple(case.args), np),
                       "kwargs": harness.encode(dict(case.kwargs), np)} for case in cases]
                for gid, cases in checks.items()
            },
            "output_limit": limits.output_chars,
        }
        (box / "input.json").write_text(json.dumps(request))
        argv = [sys.executable, "-I", "{box}/harness.py", "{box}/input.json",
                "{box}/out/result.json"]
        command = confine_command(run_dir, argv=argv, hide=hide, limits=limits)
        with open(Path(run_dir) / "stdout", "wb") as out, \
                open(Path(run_dir) / "stderr", "wb") as err:
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    start_new_session=True, cwd=run_dir)
            try:
                code = proc.wait(timeout=limits.wall_seconds)
                timed_out = False
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                code = proc.wait()
                timed_out = True
            _kill_group(proc)
        result = RunResult(
            status="ok",
            stdout=_read_capped(Path(run_dir) / "stdout", 4096),
            stderr=_read_capped(Path(run_dir) / "stderr", 4096),
        )
        try:
            result.isolation = json.loads((Path(run_dir) / "isolation.json").read_text())
        except (OSError, ValueError):
            result.isolation = {"measures": [], "missing": ["unknown: the launcher did not report"]}
        if timed_out:
            result.status, result.detail = "timeout", (
                f"did not finish within {limits.wall_seconds:g} s")
            return result
        report_path = box / "out" / "result.json"
        if code != 0 or not report_path.is_file():
            result.status, result.detail = _status_from_exit(code)
            return result
        try:
            result.report = _load_report(report_path, checks, limits)
        except (ValueError, OSError) as exc:
            result.status, result.detail = "bad-result", f"returned unusable data ({exc})"
        return result
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def _load_report(path, checks, limits):
    """Read and validate the harness report; every value decoded strictly."""
    with open(path, "rb") as fh:
        raw = fh.read(limits.file_bytes + 1)
    if len(raw) > limits.file_bytes:
        raise ValueError("report too large")
    data = json.loads(raw.decode("utf-8"))
    if type(data) is not dict or type(data.get("results")) is not dict:
        raise ValueError("malformed report")
    if set(data["results"]) != set(checks):
        raise ValueError("report does not answer the checks asked")
    cells = data.get("cells")
    if type(cells) is not list or any(type(c) is not dict for c in cells):
        raise ValueError("malformed cell list")
    report = {
        "cells": [{"cell": str(c.get("cell")), "error": _short(c.get("error"))} for c in cells],
        "function_found": data.get("function_found") is True,
        "output_chars": data.get("output_chars") if type(data.get("output_chars")) is int else 0,
        "references_error": _short(data.get("references_error")),
        "results": {},
    }
    for gid, cases in checks.items():
        outcomes = data["results"][gid]
        if type(outcomes) is not list or len(outcomes) != len(cases):
            raise ValueError(f"wrong number of outcomes for {gid}")
        decoded = []
        for item in outcomes:
            if type(item) is not dict or set(item) != {"value", "args_after", "error",
                                                         "warnings"}:
                raise ValueError("malformed outcome")
            error, caught = item["error"], item["warnings"]
            if error is not None and type(error) is not str:
                raise ValueError("malformed error")
            if type(caught) is not list or any(type(w) is not str for w in caught):
                raise ValueError("malformed warnings")
            value = harness.decode(item["value"], np)
            after = harness.decode(item["args_after"], np)
            if after is not None and type(after) is not tuple:
                raise ValueError("malformed args_after")
            decoded.append({"value": value, "args_after": after or (), "error": _short(error),
                            "warnings": tuple(_short(w) for w in caught[:20])})
        report["results"][gid] = decoded
    return report


def _short(text, limit=500):
    if text is None:
        return None
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."
