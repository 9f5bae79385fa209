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
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import harness, scratch

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
    start_seconds: float = 60.0

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


def python_executable():
    """This Python, named through the real path of its environment.

    A virtual environment reached through a symbolic link (``.venv ->
    /elsewhere/.venv``) inside the hidden course folder must still be found
    inside the box: its real folder is exposed, and the interpreter is started
    from there.
    """
    candidate = os.path.join(os.path.realpath(sys.prefix), "bin", os.path.basename(sys.executable))
    return candidate if os.path.exists(candidate) else sys.executable


def exposed_paths():
    """Directories a confined Python needs even if they lie under a hidden path."""
    import course_lib

    paths = {sys.base_prefix, sys.prefix, os.path.realpath(sys.prefix),
             os.path.realpath(sys.base_prefix),
             str(Path(os.path.realpath(sys.executable)).parent)}
    paths.add(str(Path(course_lib.__file__).resolve().parent))
    return sorted(paths)


def scrubbed_environment(box="{box}"):
    """The whole environment of a confined program (nothing of the grader's)."""
    return {
        "PATH": f"{Path(python_executable()).parent}:/usr/bin:/bin",
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
        "parent": os.getpid(),
    }
    path = Path(run_dir) / "config.json"
    path.write_text(json.dumps(config))
    return [python_executable(), "-I", "-S", str(CONFINE), str(path)]


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


class GradingUnavailable(RuntimeError):
    """The isolated process could not be started: the environment, not the learner, failed."""


def _reference_files(module):
    """The catalogue files a session needs for ``module`` (``grading.checks.<assignment>``)."""
    parts = module.split(".")
    if len(parts) != 3 or parts[1] != "checks":
        raise ValueError(f"not a check catalogue module: {module!r}")
    return ["__init__.py", "spec.py", "checks/__init__.py", "checks/_common.py",
            f"checks/{parts[2]}.py"]


class Session:
    """One isolated process for one submission: cells run once, one fork per request.

    Parameters
    ----------
    cells : list of (str, str)
        ``(cell_id, source)`` of the solution cells, in notebook order.
    functions : dict
        ``function -> {grade_id: list[Case]}``: what each request calls.
    hide : iterable of path
        Paths the isolated process must not see (the course directory).
    limits : Limits
        ``wall_seconds`` and ``cpu_seconds`` hold for each request separately.
    setup : list of (str, str)
        Trusted code run before the solution cells (the notebook's own imports).
    references : str, optional
        The check catalogue module (``"grading.checks.<assignment>"``) whose
        ``REFERENCES`` stand in for the graded functions a request does not
        keep. Only that module and what it imports are copied into the box.

    Use as a context manager; :meth:`ask` answers one request.
    """

    def __init__(self, cells, functions, *, hide=(), limits=Limits(), setup=(), references=None):
        self.functions = {f: dict(checks) for f, checks in functions.items()}
        self.limits = limits
        self.run_dir = Path(scratch.temporary_dir("grading-run-"))
        self.isolation = {}
        self.stderr = ""
        self.cells_report = None
        self._proc = None
        self._buffer = b""
        self._count = 0
        self._dead = None
        try:
            self._start(cells, hide, setup, references)
        except BaseException:
            self.close()
            raise

    def _start(self, cells, hide, setup, references):
        box = make_box(self.run_dir)
        shutil.copyfile(HERE / "harness.py", box / "harness.py")
        if references:
            for rel in _reference_files(references):
                target = box / "lib" / "grading" / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(HERE / rel, target)
        request = {
            "references": {"path": "lib", "module": references} if references else None,
            "cells": [{"id": c, "source": s} for c, s in list(setup) + list(cells)],
            "functions": {
                function: {gid: [{"args": harness.encode(tuple(case.args), np),
                                  "kwargs": harness.encode(dict(case.kwargs), np)}
                                 for case in cases]
                           for gid, cases in checks.items()}
                for function, checks in self.functions.items()
            },
            "output_limit": self.limits.output_chars,
            "wall_seconds": self.limits.wall_seconds,
        }
        (box / "input.json").write_text(json.dumps(request))
        argv = [python_executable(), "-I", "{box}/harness.py", "{box}/input.json", "{box}/out"]
        command = confine_command(self.run_dir, argv=argv, hide=hide, limits=self.limits)
        self._stderr_file = open(self.run_dir / "stderr", "wb")  # noqa: SIM115
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=self._stderr_file, start_new_session=True,
                                      cwd=self.run_dir)
        scratch.note_process(self.run_dir, self._proc.pid)
        try:
            first = self._reply(self.limits.start_seconds)
        except EOFError:
            first = None
        self._read_isolation()
        if first != "started":
            self._kill()
            self.stderr = _read_capped(self.run_dir / "stderr", 4096)
            tail = self.stderr.strip().splitlines()[-1:] or ["no message"]
            raise GradingUnavailable(f"the isolated Python did not start ({tail[0][:300]})")
        try:
            ready = self._reply(self.limits.wall_seconds + self.limits.start_seconds)
        except EOFError:
            ready = None
        if ready != "ready":
            self._dead = self._end_status()
            return
        try:
            self.cells_report = _load_cells(box / "out" / "cells.json")
        except (ValueError, OSError) as exc:
            self._dead = ("bad-result", f"returned unusable data ({exc})")

    def _read_isolation(self):
        try:
            self.isolation = json.loads((self.run_dir / "isolation.json").read_text())
        except (OSError, ValueError):
            self.isolation = {"measures": [], "missing": ["unknown: the launcher did not report"]}

    def _reply(self, seconds):
        """The next reply line (decoded JSON) within ``seconds``; ``EOFError`` if none."""
        deadline = time.monotonic() + seconds
        out = self._proc.stdout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise EOFError("no reply in time")
            ready, _, _ = select.select([out], [], [], left)
            if not ready:
                continue
            chunk = os.read(out.fileno(), 65536)
            if not chunk:
                raise EOFError("the isolated process ended")
            self._buffer += chunk
            if len(self._buffer) > 2**20:
                raise EOFError("reply too long")
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return json.loads(line.decode("utf-8"))
        except ValueError:
            return None

    def _end_status(self):
        self._kill()
        try:
            code = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return ("timeout", f"did not finish within {self.limits.wall_seconds:g} s")
        return _status_from_exit(code)

    def _kill(self):
        if self._proc is not None and self._proc.poll() is None:
            _kill_group(self._proc)

    def ask(self, function, own=()):
        """Call ``function`` on its cases; ``own`` names the learner's functions kept.

        Every other graded function is bound to its reference. Returns a
        :class:`RunResult` whose report holds ``cells`` (errors of the
        solution cells), ``function_found`` and ``results``.
        """
        result = RunResult(status="ok", isolation=self.isolation)
        if self._dead is None:
            self._count += 1
            job = {"id": self._count, "function": function, "own": sorted(own)}
            try:
                self._proc.stdin.write((json.dumps(job) + "\n").encode())
                self._proc.stdin.flush()
                answer = self._reply(self.limits.wall_seconds + 30)
            except (EOFError, OSError):
                self._dead = self._end_status()
            else:
                status = answer.get("status") if type(answer) is dict else None
                if type(answer) is not dict or answer.get("id") != self._count:
                    result.status, result.detail = "bad-result", "answered out of turn"
                elif status == "timeout":
                    result.status, result.detail = "timeout", (
                        f"did not finish within {self.limits.wall_seconds:g} s")
                elif status != 0:
                    code = status if type(status) is int else 70
                    result.status, result.detail = _status_from_exit(code)
                else:
                    path = self.run_dir / "box" / "out" / f"{self._count}.json"
                    try:
                        result.report = _load_report(path, self.functions[function],
                                                     self.limits)
                        result.report["cells"] = self.cells_report["cells"]
                        result.report["references_error"] = (
                            self.cells_report["references_error"])
                    except (ValueError, OSError) as exc:
                        result.status, result.detail = "bad-result", (
                            f"returned unusable data ({harness.describe(exc)})")
        if self._dead is not None:
            result.status, result.detail = self._dead
        if result.status != "ok":
            result.report = None
            self.stderr = _read_capped(self.run_dir / "stderr", 4096)
            result.stderr = self.stderr
        return result

    def close(self):
        """End the isolated process and remove its folder."""
        if self._proc is not None:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
            try:
                self._proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
            self._kill()
            self._proc.wait()
            self._proc.stdout.close()
            self._stderr_file.close()
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run_function(cells, function, checks, *, hide=(), limits=Limits(), setup=(),
                 references=None):
    """Run solution ``cells`` in isolation and call ``function`` on each check's cases.

    One :class:`Session` with one request, the other graded functions bound to
    their references. ``checks`` is ``grade_id -> list[Case]``; the other
    parameters are those of :class:`Session`. Returns a :class:`RunResult`.
    """
    with Session(cells, {function: checks}, hide=hide, limits=limits, setup=setup,
                 references=references) as session:
        return session.ask(function)


def _load_cells(path):
    with open(path, "rb") as fh:
        data = json.loads(fh.read(2**20).decode("utf-8"))
    cells = data.get("cells") if type(data) is dict else None
    if type(cells) is not list or any(type(c) is not dict for c in cells):
        raise ValueError("malformed cell list")
    return {
        "cells": [{"cell": str(c.get("cell")), "error": _short(c.get("error"))} for c in cells],
        "references_error": _short(data.get("references_error")),
    }


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
    report = {
        "function_found": data.get("function_found") is True,
        "output_chars": data.get("output_chars") if type(data.get("output_chars")) is int else 0,
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


def _short(text, limit=harness.ERROR_CHARS):
    if text is None:
        return None
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."
