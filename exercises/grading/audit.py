"""Static audit of a learner's solution cells (syntax tree, nothing is run).

The isolated run (:mod:`.sandbox`) makes tampering with the grader pointless;
the audit catches what isolation alone cannot judge: a solution that hands
back the library's answer instead of computing it, and code that reaches for
the machinery (dynamic imports, ``exec``, the interpreter's internals, the
IPython kernel, the file system, other processes). A finding withholds the
points of the function it concerns and flags the submission for manual review
with the reason; a person then decides.

Rules
-----
``answer-key``
    The solution uses an *answer key* of a graded function (by default the
    ``course_lib`` object of the same name, see ``FunctionCheck.answer_keys``),
    under any alias. Withholds that function only: ``course_lib`` is free to
    use for everything else (e.g. ``course_lib.sigmoid`` inside
    ``predict_proba``, once ``sigmoid`` has been graded in an earlier
    assignment).
``indirect-module``
    A ``course_lib`` module, ``os``, ``sys``, ``builtins`` or ``importlib``
    used as a value (``getattr(course_lib, name)``, ``m = os``...), which
    would hide what is used.
``forbidden-name``, ``forbidden-import``, ``forbidden-attribute``
    ``__import__``, ``exec``, ``eval``, ``compile``, ``globals``, ``vars``,
    ``get_ipython``, IPython's history (``In``, ``_ih``...); modules such as
    ``importlib``, ``subprocess``, ``ctypes``, ``socket``, ``pickle``,
    ``inspect``; attributes such as ``os._exit``, ``sys.modules``,
    ``__globals__``, ``__subclasses__``.
``patches-module``
    Assigning to or deleting an attribute of a module (``np.allclose = ...``).
``file-access``
    ``open``, ``np.load``, ``np.save``, ``pd.read_csv``... with a path that is
    not a plain relative string literal inside the working directory.
``magic``
    IPython magics or shell escapes (``%run``, ``!pip``), except ``%matplotlib``.

A finding inside a graded function concerns that function; inside a helper,
the graded functions that use the helper; anywhere else, every function.
"""

import ast
import importlib
import re
import warnings
from dataclasses import dataclass

from .harness import _without_magics

__all__ = ["Finding", "answer_key_objects", "audit_cells", "resolve"]

#: Top-level packages whose objects the audit may import to compare identities.
RESOLVABLE_ROOTS = frozenset({
    "course_lib", "numpy", "scipy", "sklearn", "pandas", "math", "statistics", "os", "sys",
})

#: Modules used as values count as hiding what is used.
SENSITIVE_MODULES = ("course_lib", "os", "sys", "builtins", "importlib", "posix")

FORBIDDEN_NAMES = {
    "__import__": "imports modules dynamically",
    "exec": "runs code built at run time",
    "eval": "runs code built at run time",
    "compile": "builds code at run time",
    "globals": "reaches into the interpreter's namespaces",
    "locals": "reaches into the interpreter's namespaces",
    "vars": "reaches into the interpreter's namespaces",
    "breakpoint": "starts a debugger",
    "get_ipython": "reaches into the IPython kernel",
    "exit": "ends the interpreter",
    "quit": "ends the interpreter",
    "__builtins__": "reaches into the built-in functions",
    "__loader__": "reaches into the import machinery",
    "__spec__": "reaches into the import machinery",
    "In": "reads IPython's input history",
    "Out": "reads IPython's output history",
    "_ih": "reads IPython's input history",
    "_oh": "reads IPython's output history",
    "_dh": "reads IPython's directory history",
    "_i": "reads IPython's input history",
    "_ii": "reads IPython's input history",
    "_iii": "reads IPython's input history",
}
_HISTORY = re.compile(r"_i\d+|_\d+")

FORBIDDEN_MODULES = {
    name: "imports a module outside what solutions need"
    for name in (
        "importlib", "imp", "builtins", "__builtin__", "subprocess", "ctypes", "cffi",
        "multiprocessing", "threading", "_thread", "concurrent", "signal", "socket", "ssl",
        "http", "urllib", "requests", "shutil", "pathlib", "io", "pickle", "cPickle", "marshal",
        "shelve", "dbm", "sqlite3", "runpy", "pkgutil", "zipimport", "inspect", "gc", "atexit",
        "code", "codeop", "IPython", "ipykernel", "jupyter_client", "nbformat", "nbclient",
        "nbconvert", "nbgrader", "traitlets", "tempfile", "glob", "resource", "faulthandler",
        "pty", "fcntl", "mmap", "posix", "select", "selectors", "zmq", "grading", "exercises",
        "sysconfig", "site", "ast", "dis", "tracemalloc", "trace", "pdb", "bdb", "webbrowser",
        "platform", "pwd", "grp", "termios", "zipfile", "tarfile",
    )
}

#: Attributes of ``os``/``sys`` that solutions may use; every other one is a finding.
ALLOWED_ATTRIBUTES = {
    "os": {"path", "sep", "linesep", "getcwd", "cpu_count", "curdir"},
    "sys": {"float_info", "int_info", "maxsize", "version", "version_info", "platform",
            "byteorder", "float_repr_style", "getrecursionlimit", "hexversion"},
}

FORBIDDEN_ATTRIBUTES = {
    "__globals__", "__code__", "__builtins__", "__subclasses__", "__bases__", "__base__",
    "__mro__", "__dict__", "__getattribute__", "__import__", "__loader__", "__spec__",
    "__closure__", "__self__", "__reduce__", "__reduce_ex__", "__func__", "__wrapped__",
    "f_globals", "f_locals", "f_back", "f_builtins", "f_code", "gi_frame", "cr_frame",
    "ag_frame", "tb_frame", "tb_next", "co_code", "func_globals",
}

#: Calls that read or write files, by the name of the function or method called.
FILE_FUNCTIONS = {
    "open", "load", "loadtxt", "genfromtxt", "fromfile", "memmap", "save", "savez",
    "savez_compressed", "savetxt", "tofile", "read_csv", "read_table", "read_json",
    "read_excel", "read_parquet", "read_pickle", "read_feather", "read_hdf", "read_html",
    "read_sql", "read_fwf", "to_csv", "to_json", "to_pickle", "to_parquet", "to_excel",
    "savefig", "imread", "imsave",
}
#: Modules whose ``load``/``save``-style functions count as file access.
FILE_MODULE_ROOTS = ("numpy", "pandas", "matplotlib", "scipy", "builtins", "io")

_MAGIC_OK = re.compile(r"%matplotlib(\s+\w+)?\s*$")


@dataclass(frozen=True)
class Finding:
    """One reason to withhold points.

    ``functions`` is the set of graded functions concerned, ``None`` for all.
    """

    cell: str
    line: int
    rule: str
    message: str
    functions: frozenset | None = None

    def describe(self):
        """One line for the autograde summary, the feedback and the export."""
        return f"{self.rule} (cell {self.cell}, line {self.line}): {self.message}"


_UNRESOLVED = object()
_resolved = {}


def resolve(dotted):
    """The object a dotted name refers to, importing only well-known packages.

    Returns a sentinel (never ``None``-like) when the name cannot be resolved.
    """
    if dotted in _resolved:
        return _resolved[dotted]
    parts = dotted.split(".")
    result = _UNRESOLVED
    if parts[0] in RESOLVABLE_ROOTS:
        for i in range(len(parts), 0, -1):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    obj = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                continue
            for attr in parts[i:]:
                obj = getattr(obj, attr, _UNRESOLVED)
                if obj is _UNRESOLVED:
                    break
            result = obj
            break
    _resolved[dotted] = result
    return result


def answer_key_objects(function, names=()):
    """The objects that answer ``function``: ``names`` resolved, or the same-named course_lib one.

    Returns
    -------
    dict
        ``dotted name -> object``.
    """
    keys = {}
    for name in names:
        obj = resolve(name)
        if obj is _UNRESOLVED:
            raise ValueError(f"answer key {name!r} of {function!r} cannot be resolved.")
        keys[name] = obj
    if not names:
        import pkgutil

        import course_lib

        candidates = ["course_lib"] + [
            f"course_lib.{m.name}" for m in pkgutil.iter_modules(course_lib.__path__)
            if not m.name.startswith("_")
        ]
        for module in candidates:
            obj = resolve(f"{module}.{function}")
            if obj is not _UNRESOLVED and callable(obj) and \
                    not any(obj is known for known in keys.values()):
                home = getattr(obj, "__module__", module)
                keys[f"{home}.{function}" if resolve(f"{home}.{function}") is obj
                     else f"{module}.{function}"] = obj
    return keys


def _is_module(obj):
    return type(obj).__name__ == "module"


class _CellAuditor(ast.NodeVisitor):
    """Walk one cell; ``aliases`` (name -> dotted path) is shared across cells."""

    def __init__(self, cell, aliases, keys, report):
        self.cell, self.aliases, self.keys, self.report = cell, aliases, keys, report
        self.scope = None  # name of the enclosing top-level def, if any
        self.bases = set()  # ids of Name/Attribute nodes used as an attribute base

    # -- helpers ------------------------------------------------------------

    def add(self, node, rule, message, only=None, scope="here"):
        """Record a finding; ``only``: the one function it can concern (answer keys)."""
        self.report(self.cell, getattr(node, "lineno", 0), rule, message,
                    self.scope if scope == "here" else scope, only)

    def dotted(self, node):
        """``np.linalg.norm`` -> ``"numpy.linalg.norm"`` when rooted at a known alias."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.aliases:
            return ".".join([self.aliases[node.id], *reversed(parts)])
        return None

    def check_reference(self, node, dotted, bound_as=None):
        """Answer keys, forbidden attributes and modules for one dotted reference.

        ``bound_as``: the name an import binds it to. Importing an answer key
        under its function's own name makes it the answer wherever it sits;
        otherwise only a use inside the function (or code it relies on) counts.
        """
        obj = resolve(dotted)
        for function, keys in self.keys.items():
            for key_name, key in keys.items():
                if dotted == key_name or (obj is not _UNRESOLVED and obj is key):
                    if bound_as is None:
                        self.add(node, "answer-key",
                                 f"uses {key_name}, the library's answer for {function}",
                                 only=function)
                    elif bound_as == function:
                        self.add(node, "answer-key",
                                 f"imports {key_name}, the library's answer, as {function}",
                                 only=function, scope=None)
                    break
        root, _, rest = dotted.partition(".")
        if root in FORBIDDEN_MODULES:
            self.add(node, "forbidden-import", f"uses {root}: {FORBIDDEN_MODULES[root]}")
        if root in ALLOWED_ATTRIBUTES and rest:
            first = rest.split(".")[0]
            if first not in ALLOWED_ATTRIBUTES[root]:
                self.add(node, "forbidden-attribute", f"uses {root}.{first}")
        return obj

    def bind(self, name, dotted):
        self.aliases[name] = dotted

    # -- imports ------------------------------------------------------------

    def visit_Import(self, node):
        for alias in node.names:
            self.check_reference(node, alias.name, bound_as=alias.asname or alias.name)
            if alias.asname:
                self.bind(alias.asname, alias.name)
            else:
                root = alias.name.split(".")[0]
                self.bind(root, root)

    def visit_ImportFrom(self, node):
        if node.level or not node.module:
            self.add(node, "forbidden-import", "uses a relative import")
            return
        for alias in node.names:
            if alias.name == "*":
                self.check_reference(node, node.module, bound_as="*")
                self.star_import(node, node.module)
                continue
            dotted = f"{node.module}.{alias.name}"
            self.check_reference(node, dotted, bound_as=alias.asname or alias.name)
            self.bind(alias.asname or alias.name, dotted)

    def star_import(self, node, module):
        obj = resolve(module)
        if obj is _UNRESOLVED or not _is_module(obj):
            self.add(node, "forbidden-import", f"imports * from {module}, which hides what is used")
            return
        public = set(getattr(obj, "__all__", [n for n in vars(obj) if not n.startswith("_")]))
        for function, keys in self.keys.items():
            for key_name, key in keys.items():
                if any(getattr(obj, n, None) is key for n in public):
                    self.add(node, "answer-key",
                             f"imports * from {module}, which holds {key_name}, "
                             f"the library's answer for {function}", only=function, scope=None)
                    break
        for name in public:
            self.bind(name, f"{module}.{name}")

    # -- definitions --------------------------------------------------------

    def _visit_def(self, node):
        self.aliases.pop(node.name, None)  # the learner's own definition shadows an import
        outer = self.scope
        if self.scope is None:
            self.scope = node.name
        self.generic_visit(node)
        self.scope = outer

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _visit_def

    # -- names and attributes -----------------------------------------------

    def visit_Name(self, node):
        name = node.id
        if name in FORBIDDEN_NAMES or _HISTORY.fullmatch(name):
            reason = FORBIDDEN_NAMES.get(name, "reads IPython's history")
            self.add(node, "forbidden-name", f"uses {name}: {reason}")
        if name in self.aliases and isinstance(node.ctx, ast.Load):
            dotted = self.aliases[name]
            obj = self.check_reference(node, dotted)
            if id(node) not in self.bases and _is_module(obj) and \
                    dotted.split(".")[0] in SENSITIVE_MODULES:
                self.add(node, "indirect-module",
                         f"uses the module {dotted} as a value, which hides what is used")
        elif isinstance(node.ctx, ast.Store) and name in self.aliases:
            del self.aliases[name]  # rebound to something else

    def visit_Attribute(self, node):
        if node.attr in FORBIDDEN_ATTRIBUTES:
            self.add(node, "forbidden-attribute", f"uses .{node.attr}")
        base = node.value
        if isinstance(base, ast.Name | ast.Attribute):
            self.bases.add(id(base))
        dotted = self.dotted(node)
        if dotted is not None and id(node) not in self.bases:
            self.check_reference(node, dotted)
            if isinstance(node.ctx, ast.Store | ast.Del):
                self.add(node, "patches-module", f"replaces or deletes {dotted}")
        elif dotted is not None and isinstance(node.ctx, ast.Store | ast.Del):
            self.add(node, "patches-module", f"replaces or deletes {dotted}")
        # Walk the base chain without re-checking every prefix as a reference.
        self._visit_base(base)

    def _visit_base(self, node):
        while isinstance(node, ast.Attribute):
            if node.attr in FORBIDDEN_ATTRIBUTES:
                self.add(node, "forbidden-attribute", f"uses .{node.attr}")
            node = node.value
        if isinstance(node, ast.Name):
            if node.id in FORBIDDEN_NAMES or _HISTORY.fullmatch(node.id):
                reason = FORBIDDEN_NAMES.get(node.id, "reads IPython's history")
                self.add(node, "forbidden-name", f"uses {node.id}: {reason}")
        else:
            self.visit(node)

    def visit_Assign(self, node):
        self.visit(node.value)
        for target in node.targets:
            self.visit(target)
        dotted = self.dotted(node.value) if isinstance(node.value, ast.Name | ast.Attribute) \
            else None
        if dotted is not None:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.bind(target.id, dotted)

    def visit_Call(self, node):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else \
            func.attr if isinstance(func, ast.Attribute) else None
        if name in ("getattr", "setattr", "delattr", "hasattr") and isinstance(func, ast.Name):
            self.check_getattr(node, name)
        if name in FILE_FUNCTIONS and self.is_file_call(func, name):
            self.check_path(node, name)
        self.generic_visit(node)

    def check_getattr(self, node, name):
        if not node.args:
            return
        target = node.args[0]
        dotted = self.dotted(target) if isinstance(target, ast.Name | ast.Attribute) else None
        if dotted is None or not _is_module(resolve(dotted)):
            return
        if isinstance(target, ast.Name | ast.Attribute):
            self.bases.add(id(target))
        attr = node.args[1] if len(node.args) > 1 else None
        if name in ("setattr", "delattr"):
            self.add(node, "patches-module", f"{name} on the module {dotted}")
        elif isinstance(attr, ast.Constant) and isinstance(attr.value, str):
            self.check_reference(node, f"{dotted}.{attr.value}")
        else:
            self.add(node, "indirect-module",
                     f"{name} on the module {dotted} with a computed name")

    def is_file_call(self, func, name):
        if isinstance(func, ast.Name):
            if name == "open":
                return "open" not in self.aliases
            dotted = self.aliases.get(name, "")
            return dotted.split(".")[0] in FILE_MODULE_ROOTS
        dotted = self.dotted(func)
        if dotted is not None:
            return dotted.split(".")[0] in FILE_MODULE_ROOTS
        return name in ("tofile", "to_csv", "to_json", "to_pickle", "to_parquet", "to_excel",
                        "savefig")

    def check_path(self, node, name):
        arg = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg in ("file", "fname", "path", "filename",
                                                           "filepath_or_buffer", "path_or_buf")),
            None)
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            path = arg.value
            parts = re.split(r"[\\/]", path)
            if path and not path.startswith(("/", "~", "\\")) and ".." not in parts \
                    and ":" not in path:
                return
            self.add(node, "file-access", f"{name}({path!r}) reaches outside the working directory")
        else:
            self.add(node, "file-access", f"{name}() with a path computed at run time")


def _magic_lines(source):
    for number, line in enumerate(source.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith(("%", "!")) and not _MAGIC_OK.match(stripped):
            yield number, stripped


def _parse(source):
    """Parse a cell with magic lines replaced by ``pass``; ``None`` if it is not Python."""
    try:
        return ast.parse(_without_magics(source))
    except (SyntaxError, ValueError):
        return None


def _top_level_defs(tree):
    return {n.name: n for n in tree.body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}


def _names_in(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def audit_cells(cells, keys, setup=()):
    """Audit solution cells.

    Parameters
    ----------
    cells : list of (str, str)
        ``(cell_id, source)`` of the solution cells in notebook order.
    keys : dict
        ``graded function name -> {dotted name: object}`` of its answer keys
        (see :func:`answer_key_objects`); its keys are the graded functions.
    setup : list of (str, str)
        The notebook's own (trusted) code cells before and between them: only
        their imports are read, to know the aliases (``np``...).

    Returns
    -------
    list of Finding
        Each with the set of graded functions it concerns.
    """
    graded = set(keys)
    aliases = {}
    for _, source in setup:
        tree = _parse(source)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    name = alias.asname or alias.name.split(".")[0]
                    aliases[name] = alias.name if alias.asname else name
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    raw = []

    def report(cell, line, rule, message, scope, only):
        raw.append((cell, line, rule, message, scope, only))

    trees = []
    for cell, source in cells:
        for number, line in _magic_lines(source):
            raw.append((cell, number, "magic", f"runs IPython magic or shell command {line!r}",
                        None, None))
        tree = _parse(source)
        if tree is None:
            continue
        trees.append(tree)
        _CellAuditor(cell, aliases, keys, report).visit(tree)

    # Which graded functions use which helper (transitively)?
    defs = {}
    for tree in trees:
        defs.update(_top_level_defs(tree))
    uses = {name: _names_in(node) & set(defs) for name, node in defs.items()}

    def users_of(helper):
        found, frontier = set(), [g for g in graded if g in uses]
        for g in frontier:
            seen, stack = set(), [g]
            while stack:
                current = stack.pop()
                if current in seen:
                    continue
                seen.add(current)
                stack.extend(uses.get(current, ()))
            if helper in seen:
                found.add(g)
        return found

    findings, seen = [], set()
    for cell, line, rule, message, scope, only in raw:
        if scope is None:
            functions = None
        elif scope in graded:
            functions = frozenset({scope})
        else:
            users = users_of(scope)
            functions = frozenset(users) if users else None
        if only is not None:
            if functions is not None and only not in functions:
                continue  # the answer key helps another function: allowed
            functions = frozenset({only})
        if (cell, line, rule, message) not in seen:
            seen.add((cell, line, rule, message))
            findings.append(Finding(cell, line, rule, message, functions))
    return findings
