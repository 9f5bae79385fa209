"""Run a learner's solution cells once and call the graded functions on the check cases.

Two roles in one file:

* as a script (``python -I harness.py INPUT OUTDIR``), inside the isolated
  process of one submission (:func:`serve`): it executes the setup code and the
  solution cells once, then answers the trusted side's requests ("call
  ``predict_proba`` on its cases, with the references standing in for the
  other graded functions" or "... with the learner's own ``sigmoid``"), each
  in a forked child, and writes the outcomes as JSON;
* as a module, in the trusted process: :func:`encode` writes the cases,
  :func:`decode` reads the outcomes back and rejects anything that is not
  plain data (numbers, strings, tuples, lists, dicts, numeric arrays).

No pickle crosses the boundary in either direction. Learner objects never
reach the trusted process: every value is converted to JSON here, in the
isolated process, with ``np.asarray``-style coercion (so an object whose
``__eq__`` always returns ``True`` arrives as whatever numbers it converts to,
or as an error).
"""

import json
import math
import sys

MAX_DEPTH = 6
MAX_ITEMS = 2_000_000
MAX_STRING = 2_000
#: Longest error or warning text that leaves the isolated process (it reaches the feedback).
ERROR_CHARS = 200
NUMERIC_KINDS = {"f": "float64", "i": "int64", "u": "uint64", "b": "bool"}
#: Array and scalar dtypes that cross as they are; others become their kind's default.
DTYPES = frozenset({
    "float16", "float32", "float64", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64", "bool",
})


class PlainDataError(ValueError):
    """The data is not plain data of the accepted kinds."""


# ---------------------------------------------------------------------------
# encoding (both sides)
# ---------------------------------------------------------------------------


def encode(value, np, *, _depth=0, _count=None):
    """Return ``value`` as JSON-compatible plain data, or raise ``PlainDataError``.

    Arrays become ``{"__nd__": dtype, "shape": [...], "data": [...]}``, tuples
    ``{"__tuple__": [...]}``, dicts ``{"__dict__": [[key, value], ...]}``,
    code arguments ``{"__code__": source}``. Scalars become ``int``,
    ``float`` or ``bool``. Anything else is coerced with ``np.asarray``.
    """
    count = _count if _count is not None else [0]
    if _depth > MAX_DEPTH:
        raise PlainDataError("nested too deeply")
    count[0] += 1
    if count[0] > MAX_ITEMS:
        raise PlainDataError("too many values")
    kind = type(value)
    if value is None:
        return None
    if kind is bool or kind is np.bool_:
        return bool(value)
    if kind is int:
        return value if abs(value) < 2**63 else float(value)
    if kind is float:
        return value
    if kind is str:
        if len(value) > MAX_STRING:
            raise PlainDataError("string too long")
        return value
    if getattr(kind, "__name__", "") == "Code" and hasattr(value, "source"):
        return {"__code__": str(value.source)}
    if kind is tuple or kind is list:
        items = [encode(v, np, _depth=_depth + 1, _count=count) for v in value]
        return {"__tuple__": items} if kind is tuple else items
    if kind is dict:
        return {
            "__dict__": [
                [encode(k, np, _depth=_depth + 1, _count=count),
                 encode(v, np, _depth=_depth + 1, _count=count)]
                for k, v in value.items()
            ]
        }
    if isinstance(value, np.generic) and str(value.dtype) in DTYPES:
        return {"__np__": str(value.dtype), "value": value.item()}
    return _encode_array(value, np, count)


def _encode_array(value, np, count):
    """Coerce anything array-like to a plain numeric ndarray and encode it."""
    try:
        arr = np.array(value, copy=True, subok=False)
        if arr.dtype.kind not in NUMERIC_KINDS:
            arr = np.array(value, dtype=float, copy=True, subok=False)
    except Exception as exc:  # noqa: BLE001 - any failure means "not numbers"
        raise PlainDataError(
            f"a value of type {type(value).__name__} is not a number or numeric array"
        ) from exc
    if type(arr) is not np.ndarray or arr.dtype.kind not in NUMERIC_KINDS:
        raise PlainDataError(f"a value of type {type(value).__name__} is not numeric")
    if str(arr.dtype) not in DTYPES:
        arr = arr.astype(NUMERIC_KINDS[arr.dtype.kind])
    if arr.shape == () and not isinstance(value, np.ndarray):
        return arr.item()  # a number-like object: send the number
    count[0] += arr.size
    if count[0] > MAX_ITEMS:
        raise PlainDataError("too many values")
    return {"__nd__": str(arr.dtype), "shape": list(arr.shape), "data": arr.ravel().tolist()}


def decode(data, np, *, code=None, _depth=0, _count=None):
    """Inverse of :func:`encode`, strict about types; ``code(source)`` builds code arguments.

    Raises ``PlainDataError`` for anything that :func:`encode` cannot have written.
    """
    count = _count if _count is not None else [0]
    if _depth > MAX_DEPTH:
        raise PlainDataError("nested too deeply")
    count[0] += 1
    if count[0] > MAX_ITEMS:
        raise PlainDataError("too many values")
    kind = type(data)
    if data is None or kind in (bool, int, float):
        if kind is int and not -(2**63) <= data < 2**64:
            raise PlainDataError("integer out of range")
        return data
    if kind is str:
        if len(data) > MAX_STRING:
            raise PlainDataError("string too long")
        return data
    if kind is list:
        return [decode(v, np, code=code, _depth=_depth + 1, _count=count) for v in data]
    if kind is not dict or len(data) not in (1, 2, 3):
        raise PlainDataError(f"unexpected {kind.__name__}")
    if set(data) == {"__np__", "value"}:
        return _decode_scalar(data, np)
    if set(data) == {"__tuple__"} and type(data["__tuple__"]) is list:
        return tuple(decode(v, np, code=code, _depth=_depth + 1, _count=count)
                     for v in data["__tuple__"])
    if set(data) == {"__dict__"} and type(data["__dict__"]) is list:
        out = {}
        for pair in data["__dict__"]:
            if type(pair) is not list or len(pair) != 2:
                raise PlainDataError("bad dict entry")
            key = decode(pair[0], np, code=code, _depth=_depth + 1, _count=count)
            if type(key) not in (str, int, float, bool, tuple):
                raise PlainDataError("bad dict key")
            out[key] = decode(pair[1], np, code=code, _depth=_depth + 1, _count=count)
        return out
    if set(data) == {"__code__"} and type(data["__code__"]) is str:
        if code is None:
            raise PlainDataError("code is not accepted here")
        return code(data["__code__"])
    if set(data) == {"__nd__", "shape", "data"}:
        return _decode_array(data, np, count)
    raise PlainDataError("unexpected mapping")


def _allowed_types(dtype):
    if dtype == "bool":
        return (bool,)
    if dtype.startswith(("int", "uint")):
        return (int,)
    return (int, float)


def _decode_scalar(data, np):
    dtype, value = data["__np__"], data["value"]
    if dtype not in DTYPES or type(value) not in _allowed_types(dtype):
        raise PlainDataError("bad NumPy scalar")
    if type(value) is int and not -(2**63) <= value < 2**64:
        raise PlainDataError("integer out of range")
    return np.array(value, dtype=dtype)[()]


def _decode_array(data, np, count):
    dtype, shape, flat = data["__nd__"], data["shape"], data["data"]
    if dtype not in DTYPES:
        raise PlainDataError(f"dtype {dtype!r} is not accepted")
    if type(shape) is not list or len(shape) > 32:
        raise PlainDataError("bad shape")
    if any(type(n) is not int or n < 0 for n in shape) or type(flat) is not list:
        raise PlainDataError("bad shape")
    size = math.prod(shape)
    count[0] += size
    if size != len(flat) or count[0] > MAX_ITEMS:
        raise PlainDataError("shape does not match data")
    allowed = _allowed_types(dtype)
    if any(type(x) not in allowed for x in flat):
        raise PlainDataError("array data of the wrong type")
    try:
        return np.array(flat, dtype=dtype).reshape(shape)
    except (OverflowError, ValueError) as exc:
        raise PlainDataError("array data out of range") from exc


# the isolated side: one process per submission, one fork per request
# ---------------------------------------------------------------------------


class _CappedStream:
    """A text stream that keeps the first ``limit`` characters and drops the rest."""

    def __init__(self, limit):
        self.limit, self.size, self.parts = limit, 0, []

    def write(self, text):
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
        self.size += len(text)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


def without_magics(source):
    """Replace IPython magic and shell lines (``%...``, ``!...``) by ``pass``.

    Examples
    --------
    >>> without_magics("%timeit f(1)\\nx = 1")
    'pass\\nx = 1'
    """
    lines = []
    for line in source.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            line = line[: len(line) - len(stripped)] + "pass"
        lines.append(line)
    return "\n".join(lines)


#: The name the audit imports (it parses cells by the same rule).
_without_magics = without_magics


def describe(text, limit=ERROR_CHARS):
    """``text`` (an exception becomes ``"Type: message"``) cut to ``limit`` characters.

    Error messages cross into the feedback; the cap keeps a learner's code from
    carrying file contents or hidden inputs out through them.

    Examples
    --------
    >>> describe(ValueError("bad"))
    'ValueError: bad'
    >>> len(describe(ValueError("x" * 1000)))
    200
    """
    if isinstance(text, BaseException):
        text = f"{type(text).__name__}: {text}"
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _references(spec, errors):
    """``REFERENCES`` of the catalogue module named in the request (empty on failure)."""
    if not spec:
        return {}
    import importlib
    import os

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), spec["path"])
    sys.path.insert(0, path)
    try:
        module = importlib.import_module(spec["module"])
        return dict(getattr(module, "REFERENCES", {}))
    except BaseException as exc:  # noqa: BLE001
        errors.append(describe(exc))
        return {}
    finally:
        sys.path.remove(path)


def _call(function, case, np, build_code):
    import warnings

    args = decode(case["args"], np, code=build_code)
    kwargs = decode(case["kwargs"], np, code=build_code)
    failed = {"value": None, "args_after": None, "warnings": []}
    if not callable(function):
        return {**failed, "error": "NameError: the function is not defined"}
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            value = function(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001
            return {**failed, "error": describe(exc)}
    seen = [describe(f"{getattr(w.category, '__name__', 'Warning')}: {w.message}")
            for w in caught[:20]]
    try:
        plain = encode(value, np)
        after = [encode(a, np) if isinstance(a, np.ndarray) else None for a in args]
    except BaseException as exc:  # noqa: BLE001
        return {**failed, "error": f"unusable return value: {describe(exc)}"}
    return {"value": plain, "args_after": {"__tuple__": after}, "error": None, "warnings": seen}


def _answer(request, job, namespace, references, np):
    """In the forked child: bind the names, call the function on its cases, write the report."""
    import builtins
    import os
    import tempfile

    function = job["function"]
    own = set(job.get("own", ()))
    for name, reference in references.items():
        if name != function and name not in own:
            namespace[name] = reference
    work = os.path.join(os.path.dirname(os.path.abspath(__file__)), "work")
    os.chdir(tempfile.mkdtemp(prefix="call-", dir=work))

    def build_code(source):
        return eval(source, {"np": np, "__builtins__": builtins})  # noqa: S307

    target = namespace.get(function)
    checks = request["functions"][function]
    report = {"function_found": callable(target), "results": {}}
    for grade_id, cases in checks.items():
        report["results"][grade_id] = [_call(target, case, np, build_code) for case in cases]
    return report


def _write_json(path, data):
    import os

    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, allow_nan=True))
    os.replace(tmp, path)


def _wait(pid, seconds):
    """Wait for a child at most ``seconds``; its wait status, or ``None`` (killed) on timeout."""
    import os
    import select
    import signal

    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        ready, _, _ = select.select([fd], [], [], seconds)
        os.close(fd)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        return os.waitpid(pid, 0)[1]
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def serve(input_path, out_dir, *, requests=None, replies=None):
    """The isolated session: run the cells once, then answer one request per line.

    Protocol (the trusted side is :class:`grading.sandbox.Session`): this
    process writes ``started`` on its reply channel once Python and NumPy are
    up (before any learner code runs), then ``ready`` after the cells; each
    request line ``{"id": n, "function": f, "own": [...]}`` is answered in a
    forked child (a fresh copy of the namespace, its own CPU budget and working
    folder), which writes ``OUT/<n>.json``; the reply line is
    ``{"id": n, "status": ...}``. An empty line or end of input ends the session.
    """
    import os

    import numpy as np

    requests = os.fdopen(os.dup(0), "r") if requests is None else requests
    replies = os.fdopen(os.dup(1), "w") if replies is None else replies
    # The learner's code sees no protocol: stdin is empty, raw output goes to a
    # size-limited file.
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sink = os.open(os.path.join(out_dir, "output.txt"), os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                   0o600)
    os.dup2(sink, 1)
    os.dup2(sink, 2)
    os.close(sink)

    def reply(message):
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    with open(input_path, encoding="utf-8") as fh:
        request = json.load(fh)
    reply("started")
    import builtins

    limit = request.get("output_limit", 65536)
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _CappedStream(limit), _CappedStream(limit)
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    cells = []
    for cell in request["cells"]:
        entry = {"cell": cell["id"], "error": None}
        try:
            code = compile(without_magics(cell["source"]), f"<cell {cell['id']}>", "exec")
            exec(code, namespace)  # noqa: S102 - running the cells is this process's job
        except BaseException as exc:  # noqa: BLE001 - SystemExit etc. count as errors
            entry["error"] = describe(exc)
        cells.append(entry)
    errors = []
    references = _references(request.get("references"), errors)
    sys.stdout, sys.stderr = stdout, stderr
    _write_json(os.path.join(out_dir, "cells.json"),
                {"cells": cells, "references_error": errors[0] if errors else None})
    reply("ready")
    for line in requests:
        if not line.strip():
            break
        job = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                sys.stdout, sys.stderr = _CappedStream(limit), _CappedStream(limit)
                report = _answer(request, job, namespace, references, np)
                report["output_chars"] = sys.stdout.size + sys.stderr.size
                sys.stdout, sys.stderr = stdout, stderr
                _write_json(os.path.join(out_dir, f"{int(job['id'])}.json"), report)
            except BaseException:  # noqa: BLE001 - reported as a crash by the exit code
                code = 70
            os._exit(code)
        status = _wait(pid, float(request.get("wall_seconds", 60)))
        if status is None:
            reply({"id": job["id"], "status": "timeout"})
        elif os.WIFSIGNALED(status):
            reply({"id": job["id"], "status": -os.WTERMSIG(status)})
        else:
            reply({"id": job["id"], "status": os.WEXITSTATUS(status)})


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
