"""Run a learner's solution cells and call one function on the check cases.

Two roles in one file:

* as a script (``python -I harness.py INPUT OUTPUT``), inside the isolated
  process: it executes the setup code and the solution cells, calls the graded
  function on every case and writes the outcomes as JSON;
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


# ---------------------------------------------------------------------------
# the isolated side
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


def _without_magics(source):
    """Replace IPython magic and shell lines (``%...``, ``!...``) by ``pass``."""
    lines = []
    for line in source.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            line = line[: len(line) - len(stripped)] + "pass"
        lines.append(line)
    return "\n".join(lines)


def _describe(exc):
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 500 else text[:497] + "..."


def _run(request, np):
    import builtins

    namespace = {"__name__": "__main__", "__builtins__": builtins}
    report = {"cells": [], "function_found": False, "results": {}, "references_error": None}
    for cell in request["cells"]:
        entry = {"cell": cell["id"], "error": None}
        try:
            code = compile(_without_magics(cell["source"]), f"<cell {cell['id']}>", "exec")
            exec(code, namespace)  # noqa: S102 - running the cells is this process's job
        except BaseException as exc:  # noqa: BLE001 - SystemExit etc. count as errors
            entry["error"] = _describe(exc)
        report["cells"].append(entry)
    function = namespace.get(request["function"])
    report["function_found"] = callable(function)
    # The other graded functions are replaced by their references, so that a
    # mistake in one costs only that one's points.
    for name, reference in _references(request, report).items():
        if name != request["function"]:
            namespace[name] = reference

    def build_code(source):
        return eval(source, {"np": np, "__builtins__": builtins})  # noqa: S307

    for grade_id, cases in request["checks"].items():
        report["results"][grade_id] = [_call(function, case, np, build_code) for case in cases]
    return report


def _references(request, report):
    spec = request.get("references")
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
        report["references_error"] = _describe(exc)
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
            return {**failed, "error": _describe(exc)}
    seen = [_describe_warning(w) for w in caught[:20]]
    try:
        plain = encode(value, np)
        after = [encode(a, np) if isinstance(a, np.ndarray) else None for a in args]
    except BaseException as exc:  # noqa: BLE001
        return {**failed, "error": f"unusable return value: {exc}"}
    return {"value": plain, "args_after": {"__tuple__": after}, "error": None, "warnings": seen}


def _describe_warning(w):
    text = f"{getattr(w.category, '__name__', 'Warning')}: {w.message}"
    return text if len(text) <= 300 else text[:297] + "..."


def main(input_path, output_path):
    """Read the request, run it with learner output captured, write the report."""
    import os

    import numpy as np

    with open(input_path, encoding="utf-8") as fh:
        request = json.load(fh)
    out, err = sys.stdout, sys.stderr
    sys.stdout = _CappedStream(request.get("output_limit", 65536))
    sys.stderr = _CappedStream(request.get("output_limit", 65536))
    try:
        report = _run(request, np)
    finally:
        captured = sys.stdout.size + sys.stderr.size
        sys.stdout, sys.stderr = out, err
    report["output_chars"] = captured
    text = json.dumps(report, allow_nan=True)
    tmp = output_path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, output_path)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
