"""Static audit of a learner's solution cells (syntax tree, nothing is run).

The isolated run (:mod:`.sandbox`) makes tampering with the grader pointless;
the audit catches what isolation alone cannot judge: a solution that hands
back a library's answer instead of computing it, and code that reaches for
the machinery (dynamic imports, ``exec``, the interpreter's internals, the
IPython kernel, the file system, other processes). A finding withholds the
points of the function it concerns and flags the submission for manual review
with the reason; a person then decides.

Rules
-----
``library``
    A graded function relies on a library that :mod:`.allowed_libraries` does
    not grant it (``course_lib``, ``scipy.stats``, ``scikit-learn``...), under
    any alias, attribute chain, ``from x import *``, or through a helper,
    class or top-level name the function uses. Withholds that function only.
``answer-key``
    The solution uses an *answer key* of a graded function (by default the
    ``course_lib`` object of the same name, see ``FunctionCheck.answer_keys``)
    in that function or in what it relies on. Withholds that function only.
``indirect-module``
    A ``course_lib`` module, ``os``, ``sys``, ``builtins`` or ``importlib``
    used as a value (``m = os``), or ``getattr`` on a module with a computed
    name, which would hide what is used.
``forbidden-name``, ``forbidden-import``, ``forbidden-attribute``
    The built-ins ``__import__``, ``exec``, ``eval``, ``compile``, ``globals``,
    ``vars``..., ``get_ipython`` and IPython's history (``In``, ``_ih``, ``_i3``
    ...) when the name resolves to them (a learner's own variable, parameter or
    comprehension variable of that name is not flagged); importing a module
    :func:`.allowed_libraries.importable` refuses; attributes such as
    ``os._exit``, ``sys.modules``, ``__globals__``, ``__subclasses__``.
``patches-module``
    Assigning to or deleting an attribute of a module (``np.allclose = ...``).
``file-access``
    A function that opens files (``open``, ``io.open``, ``np.loadtxt``,
    ``np.load``, ``pd.read_csv``, ``scipy.io``, ``.to_csv``, ``.savefig``...)
    called with a path that is not a plain relative literal inside the working
    folder, or used as a value (``o = open``, ``f(np.loadtxt)``), which would
    hide what is opened.
``magic``
    IPython magics or shell escapes (``%run``, ``!pip``). ``%time``,
    ``%timeit``, ``%matplotlib`` and the cell magics ``%%time`` and
    ``%%timeit`` are harmless and not flagged (the code they time is audited
    like any other line).

Which functions a finding concerns
----------------------------------
Every top-level statement of the solution cells binds some names and uses
others. A graded function *relies on* the statements that bind its name and,
transitively, on those that bind the names they use (helpers, classes,
aliases, constants), stopping at the other graded functions (each is judged
on its own, and is replaced by its reference while another is checked).

* ``library`` and ``answer-key``: the graded functions that rely on the
  statement where the use sits.
* A rule about the machinery inside a ``def`` or ``class``: the graded
  functions that rely on it (every function if none does, since top-level
  code could still call it).
* The same outside any ``def``/``class`` (top-level code): **every** function.
  Top-level code runs once before each function is called, in the same
  namespace, so it can change what every function sees (patch NumPy, replace
  a helper, read a file into a global); which function it affects cannot be
  told from the code.
* ``magic`` (one that is not harmless): magics do not run in the grade of
  record (they become ``pass``), so they cannot change any result there; they
  are flagged so that a person sees them, and withhold the graded functions
  defined in the same cell (the function the learner was writing with it), or
  every function when the cell defines none.
"""

import ast
import importlib
import re
import warnings
from dataclasses import dataclass, field

from .allowed_libraries import FOR_FUNCTION, allowed_for, importable
from .harness import _without_magics

__all__ = ["Finding", "answer_key_objects", "audit_cells", "resolve"]

#: Top-level packages whose objects the audit may import to compare identities.
RESOLVABLE_ROOTS = frozenset({
    "course_lib", "numpy", "scipy", "sklearn", "pandas", "math", "statistics", "os", "sys",
    "builtins", "io", "codecs",
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

#: Library objects that open files, by dotted name (identity also counts: an alias
#: such as ``numpy.lib.npyio.loadtxt`` is the same object as ``numpy.loadtxt``).
FILE_OBJECTS = (
    "builtins.open", "io.open", "io.open_code", "io.FileIO", "codecs.open", "os.open",
    "os.fdopen", "numpy.load", "numpy.save", "numpy.savez", "numpy.savez_compressed",
    "numpy.loadtxt", "numpy.savetxt", "numpy.genfromtxt", "numpy.fromfile", "numpy.fromregex",
    "numpy.memmap", "numpy.DataSource", "numpy.lib.format.open_memmap",
    "matplotlib.pyplot.savefig", "matplotlib.pyplot.imread", "matplotlib.pyplot.imsave",
)
#: Everything under these dotted prefixes opens files.
FILE_PREFIXES = (
    "pandas.read_", "pandas.io", "scipy.io", "sklearn.datasets.fetch_",
    "sklearn.datasets.load_svmlight", "sklearn.datasets.dump_svmlight", "matplotlib.image",
    "numpy.lib.npyio", "numpy.lib._npyio_impl", "numpy.lib._datasource", "numpy.lib.format",
)
#: Methods that open files, on whatever object (``df.to_csv(p)``, ``fig.savefig(p)``).
FILE_METHODS = frozenset({
    "tofile", "dump", "to_csv", "to_json", "to_pickle", "to_parquet", "to_excel", "to_hdf",
    "to_feather", "to_stata", "to_html", "to_latex", "to_markdown", "to_sql", "savefig",
    "read_text", "read_bytes", "write_text", "write_bytes", "open",
})
#: Of those, the ones that open a file even when called without arguments.
FILE_METHODS_WITHOUT_PATH = frozenset({"open", "read_text", "read_bytes", "write_text",
                                       "write_bytes"})
_PATH_KEYWORDS = ("file", "fname", "path", "filename", "filepath_or_buffer", "path_or_buf",
                  "buf")

#: Magics that cost nothing: ``%name`` (line) and ``%%name`` (cell) forms.
HARMLESS_MAGICS = frozenset({"time", "timeit", "matplotlib"})
HARMLESS_CELL_MAGICS = frozenset({"time", "timeit"})
_MAGIC = re.compile(r"(%%?)([A-Za-z_]\w*)(.*)$")
_TIMEIT_OPTIONS = re.compile(r"^\s*(?:-[nrp]\s*\S+\s+|-[oqct]\s+)*")


def dotted_names(node, roots):
    """The dotted names an attribute chain ``a.b.c`` can stand for.

    ``roots(name)`` gives the modules or objects the chain's first name may be
    bound to; a chain that does not start with a plain name stands for nothing.
    """
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return set()
    return {".".join([root, *reversed(parts)]) for root in roots(node.id)}


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


_file_objects = None


def _is_file_target(dotted, obj):
    """Whether ``dotted`` (resolved to ``obj``) names something that opens files."""
    global _file_objects
    if _file_objects is None:
        _file_objects = [o for o in map(resolve, FILE_OBJECTS) if o is not _UNRESOLVED]
    if dotted in FILE_OBJECTS or any(dotted.startswith(p) for p in FILE_PREFIXES):
        return True
    return obj is not _UNRESOLVED and any(obj is known for known in _file_objects)


# ---------------------------------------------------------------------------
# scopes: which names a learner binds
# ---------------------------------------------------------------------------

_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _walk_scope(nodes):
    """The nodes of one scope: nested scopes contribute only what their parent evaluates."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
        elif isinstance(node, ast.ClassDef):
            stack.extend(node.decorator_list + node.bases + [k.value for k in node.keywords])
        elif isinstance(node, ast.Lambda):
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
        elif isinstance(node, _COMPREHENSIONS):
            stack.append(node.generators[0].iter)
        else:
            stack.extend(ast.iter_child_nodes(node))


def _import_names(node):
    """``(bound name, dotted)`` pairs of an import; ``*`` imports give ``("*", module)``."""
    if isinstance(node, ast.Import):
        return [(a.asname, a.name) if a.asname else (a.name.split(".")[0], a.name.split(".")[0])
                for a in node.names]
    if node.level or not node.module:
        return []
    return [("*", node.module) if a.name == "*" else (a.asname or a.name, f"{node.module}.{a.name}")
            for a in node.names]


def _star_names(module):
    obj = resolve(module)
    if obj is _UNRESOLVED or not _is_module(obj):
        return None
    return set(getattr(obj, "__all__", [n for n in vars(obj) if not n.startswith("_")]))


def _scope_body(node):
    """``(names bound as parameters or targets, nodes evaluated in the scope)``."""
    if isinstance(node, _FUNCTION_NODES):
        a = node.args
        params = {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]
                  if x is not None}
        return params, (node.body if isinstance(node.body, list) else [node.body])
    if isinstance(node, ast.ClassDef):
        return set(), node.body
    generators = node.generators
    body = [g.target for g in generators] + [i for g in generators for i in g.ifs]
    body += [g.iter for g in generators[1:]]
    body += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
    return set(), body


def _bound_names(nodes):
    """Names bound by assignment, definition, import... among ``nodes`` (one scope)."""
    bound, declared_global = set(), set()
    for n in _walk_scope(nodes):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del):
            bound.add(n.id)
        elif isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(n.name)
        elif isinstance(n, ast.Import | ast.ImportFrom):
            bound.update(name for name, _ in _import_names(n) if name != "*")
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound.add(n.name)
        elif isinstance(n, ast.MatchAs | ast.MatchStar) and n.name:
            bound.add(n.name)
        elif isinstance(n, ast.MatchMapping) and n.rest:
            bound.add(n.rest)
        elif isinstance(n, ast.Nonlocal):
            bound.update(n.names)  # bound in an enclosing function: the learner's
        elif isinstance(n, ast.Global):
            declared_global.update(n.names)
    return bound - declared_global


def _local_names(node):
    params, body = _scope_body(node)
    return params | _bound_names(body)


def _unconditional_names(stmt):
    """Names a top-level statement always binds when it runs (not inside if/for/try...)."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {stmt.name}
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return {name for name, _ in _import_names(stmt) if name != "*"}
    targets = stmt.targets if isinstance(stmt, ast.Assign) else \
        [stmt.target] if isinstance(stmt, ast.AnnAssign) and stmt.value is not None else []
    return {n.id for t in targets for n in ast.walk(t)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


@dataclass
class _Statement:
    """One top-level statement of the solution cells."""

    cell: str
    order: int
    node: ast.AST
    binds: set = field(default_factory=set)
    uses: set = field(default_factory=set)

    @property
    def is_definition(self):
        return isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)


class _Scope:
    def __init__(self, kind, bound):
        self.kind, self.bound, self.aliases = kind, bound, {}


class _Module:
    """What the audit knows about the notebook's module namespace (all cells)."""

    def __init__(self):
        self.aliases = {}  # name -> set of dotted names it is ever bound to
        self.first_binding = {}  # name -> (order, line) of its first unconditional binding
        self.deleted = set()  # names deleted anywhere

    def bind_alias(self, name, dotted):
        self.aliases.setdefault(name, set()).add(dotted)

    def read(self, tree, order):
        for stmt in tree.body:
            for name in _unconditional_names(stmt):
                self.first_binding.setdefault(name, (order, stmt.lineno))
        for node in _walk_scope(tree.body):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for name, dotted in _import_names(node):
                    if name == "*":
                        for public in _star_names(dotted) or ():
                            self.bind_alias(public, f"{dotted}.{public}")
                    else:
                        self.bind_alias(name, dotted)
            elif isinstance(node, ast.Assign):
                for dotted in self.dotted(node.value):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            self.bind_alias(target.id, dotted)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Del):
                self.deleted.add(node.id)

    def dotted(self, node):
        return dotted_names(node, lambda name: self.aliases.get(name, ()))


# ---------------------------------------------------------------------------
# the walk
# ---------------------------------------------------------------------------


class _CellAuditor(ast.NodeVisitor):
    """Walk one top-level statement, recording findings, library uses and free names."""

    def __init__(self, audit, statement, key, line=None):
        self.audit, self.statement, self.key = audit, statement, key
        self.module = audit.module
        self.line = line  # report every finding on this line (code of a magic)
        self.scopes = []
        self.bases = set()  # ids of Name/Attribute nodes used as an attribute base
        self.callee = {}  # id(func node) -> its Call

    # -- helpers ------------------------------------------------------------

    def add(self, node, rule, message, only=None):
        line = self.line or getattr(node, "lineno", 0)
        self.audit.raw.append((self.key, self.statement.cell, line, rule, message, only))

    def in_function(self):
        return any(s.kind != "class" for s in self.scopes)

    def visible_scopes(self):
        for depth, scope in enumerate(reversed(self.scopes)):
            if scope.kind == "class" and depth > 0:
                continue  # a class body is not visible from the functions inside it
            yield scope

    def lookup(self, name):
        """The dotted names ``name`` may refer to (empty: not a library object)."""
        for scope in self.visible_scopes():
            if name in scope.bound:
                return scope.aliases.get(name, set())
        return self.module.aliases.get(name, set())

    def learner_bound(self, name, node):
        """Whether ``name`` is the learner's own variable rather than a built-in or IPython's."""
        if any(name in scope.bound for scope in self.visible_scopes()):
            return True
        first = self.module.first_binding.get(name)
        if first is None or name in self.module.deleted:
            return False
        line = self.statement.node.lineno if self.in_function() else node.lineno
        return first < (self.statement.order, line)

    def dotted(self, node):
        return dotted_names(node, self.lookup)

    def use(self, node, dotted, call=None, importing=False):
        """Answer keys, library use, forbidden modules and attributes, file access.

        ``call``: the call whose callee ``node`` is; ``importing``: ``node`` is an
        import (binding a name is no use of a file function yet).
        """
        obj = resolve(dotted)
        for function, keys in self.audit.keys.items():
            for key_name, key in keys.items():
                if dotted == key_name or (obj is not _UNRESOLVED and obj is key):
                    self.add(node, "answer-key",
                             f"uses {key_name}, the library's answer for {function}",
                             only=function)
                    break
        self.audit.library.append((self.key, self.statement.cell,
                                   self.line or getattr(node, "lineno", 0), dotted))
        root, _, rest = dotted.partition(".")
        if not importable(root):
            self.add(node, "forbidden-import",
                     f"uses {root}: a module outside what solutions may use")
        if root in ALLOWED_ATTRIBUTES and rest:
            first = rest.split(".")[0]
            if first not in ALLOWED_ATTRIBUTES[root]:
                self.add(node, "forbidden-attribute", f"uses {root}.{first}")
        if not importing and _is_file_target(dotted, obj):
            self.file_access(node, dotted, call)
        return obj

    def file_access(self, node, name, call):
        if call is None:
            self.add(node, "file-access",
                     f"uses {name} as a value: file access under another name")
        else:
            self.check_path(call, name)

    def check_path(self, call, name):
        arg = call.args[0] if call.args else next(
            (k.value for k in call.keywords if k.arg in _PATH_KEYWORDS), None)
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            path = arg.value
            parts = re.split(r"[\\/]", path)
            if path and not path.startswith(("/", "~", "\\")) and ".." not in parts \
                    and ":" not in path:
                return
            self.add(call, "file-access", f"{name}({path!r}) reaches outside the working directory")
        else:
            self.add(call, "file-access", f"{name}() with a path computed at run time")

    # -- imports ------------------------------------------------------------

    def visit_Import(self, node):
        for alias in node.names:
            if not importable(alias.name):
                self.add(node, "forbidden-import",
                         f"imports {alias.name}: a module outside what solutions may use")
        if self.scopes:
            for name, dotted in _import_names(node):
                self.scopes[-1].aliases[name] = {dotted}

    def visit_ImportFrom(self, node):
        if node.level or not node.module:
            self.add(node, "forbidden-import", "uses a relative import")
            return
        if not importable(node.module):
            self.add(node, "forbidden-import",
                     f"imports {node.module}: a module outside what solutions may use")
            return
        for name, dotted in _import_names(node):
            if name == "*":
                self.star_import(node, dotted)
                continue
            self.use(node, dotted, importing=True)
            if self.scopes:
                self.scopes[-1].aliases[name] = {dotted}

    def star_import(self, node, module):
        public = _star_names(module)
        if public is None:
            self.add(node, "forbidden-import", f"imports * from {module}, which hides what is used")
            return
        obj = resolve(module)
        for function, keys in self.audit.keys.items():
            for key_name, key in keys.items():
                if any(getattr(obj, n, None) is key for n in public):
                    self.add(node, "answer-key",
                             f"imports * from {module}, which holds {key_name}, "
                             f"the library's answer for {function}", only=function)
                    break
        self.audit.library.append((self.key, self.statement.cell, node.lineno, module))
        self.statement.binds.update(public)
        if self.scopes:
            for name in public:
                self.scopes[-1].aliases[name] = {f"{module}.{name}"}

    # -- scopes -------------------------------------------------------------

    def _enter(self, node, kind, outer):
        for child in outer:
            self.visit(child)
        scope = _Scope(kind, _local_names(node))
        self.scopes.append(scope)
        _, body = _scope_body(node)
        for child in body:
            self.visit(child)
        self.scopes.pop()

    def visit_FunctionDef(self, node):
        a = node.args
        annotations = [x.annotation for x in a.posonlyargs + a.args + a.kwonlyargs
                       + [a.vararg, a.kwarg] if x is not None and x.annotation is not None]
        outer = node.decorator_list + a.defaults + \
            [d for d in a.kw_defaults if d is not None] + annotations + \
            ([node.returns] if node.returns is not None else [])
        self._enter(node, "function", outer)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        outer = node.args.defaults + [d for d in node.args.kw_defaults if d is not None]
        self._enter(node, "function", outer)

    def visit_ClassDef(self, node):
        self._enter(node, "class",
                    node.decorator_list + node.bases + [k.value for k in node.keywords])

    def _visit_comprehension(self, node):
        self._enter(node, "comprehension", [node.generators[0].iter])

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _visit_comprehension

    # -- names and attributes -----------------------------------------------

    def visit_Name(self, node):
        name = node.id
        if not isinstance(node.ctx, ast.Load):
            return
        if not any(name in scope.bound for scope in self.visible_scopes()):
            self.statement.uses.add(name)
        if (name in FORBIDDEN_NAMES or _HISTORY.fullmatch(name)) and \
                not self.learner_bound(name, node):
            reason = FORBIDDEN_NAMES.get(name, "reads IPython's history")
            self.add(node, "forbidden-name", f"uses {name}: {reason}")
        if id(node) in self.bases:
            return
        targets = self.lookup(name)
        if name == "open" and not targets and not self.learner_bound(name, node):
            self.file_access(node, "open", self.callee.get(id(node)))
        for dotted in sorted(targets):
            obj = self.use(node, dotted, call=self.callee.get(id(node)))
            if _is_module(obj) and dotted.split(".")[0] in SENSITIVE_MODULES:
                self.add(node, "indirect-module",
                         f"uses the module {dotted} as a value, which hides what is used")

    def visit_Attribute(self, node):
        if node.attr in FORBIDDEN_ATTRIBUTES:
            self.add(node, "forbidden-attribute", f"uses .{node.attr}")
        base = node.value
        if isinstance(base, ast.Name | ast.Attribute):
            self.bases.add(id(base))
        targets = self.dotted(node)
        if id(node) not in self.bases:
            for dotted in sorted(targets):
                self.use(node, dotted, call=self.callee.get(id(node)))
            call = self.callee.get(id(node))
            if not targets and node.attr in FILE_METHODS and not (
                    call is not None and node.attr not in FILE_METHODS_WITHOUT_PATH
                    and not call.args
                    and not any(k.arg in _PATH_KEYWORDS for k in call.keywords)):
                # ``df.to_csv()`` without a path returns text: no file is opened.
                self.file_access(node, f".{node.attr}", call)
        if targets and isinstance(node.ctx, ast.Store | ast.Del):
            for dotted in sorted(targets):
                self.add(node, "patches-module", f"replaces or deletes {dotted}")
        self.visit(base)

    def visit_Assign(self, node):
        self.visit(node.value)
        for target in node.targets:
            self.visit(target)
        if self.scopes and isinstance(node.value, ast.Name | ast.Attribute):
            dotted = self.dotted(node.value)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.scopes[-1].aliases[target.id] = dotted

    def visit_Call(self, node):
        func = node.func
        self.callee[id(func)] = node
        if isinstance(func, ast.Name) and func.id in ("getattr", "setattr", "delattr",
                                                      "hasattr") \
                and not self.learner_bound(func.id, func):
            self.check_getattr(node, func.id)
        self.generic_visit(node)

    def check_getattr(self, node, name):
        if len(node.args) < 2:
            return
        target, attr = node.args[0], node.args[1]
        constant = attr.value if isinstance(attr, ast.Constant) and \
            isinstance(attr.value, str) else None
        if constant in FORBIDDEN_ATTRIBUTES:
            self.add(node, "forbidden-attribute", f"{name}(..., {constant!r})")
        if constant in FILE_METHODS:
            self.add(node, "file-access", f"{name}(..., {constant!r}): file access by name")
        modules = [d for d in self.dotted(target) if _is_module(resolve(d))] \
            if isinstance(target, ast.Name | ast.Attribute) else []
        if not modules:
            return
        self.bases.add(id(target))
        for dotted in modules:
            if name in ("setattr", "delattr"):
                self.add(node, "patches-module", f"{name} on the module {dotted}")
            elif constant is not None:
                self.use(node, f"{dotted}.{constant}")
            else:
                self.add(node, "indirect-module",
                         f"{name} on the module {dotted} with a computed name")


# ---------------------------------------------------------------------------
# magics
# ---------------------------------------------------------------------------


def _magic(line):
    """``(harmless, python_code_or_None)`` for a magic or shell line."""
    stripped = line.strip()
    if stripped.startswith("!"):
        return False, None
    match = _MAGIC.match(stripped)
    if not match:
        return False, None
    percent, name, rest = match.groups()
    allowed = HARMLESS_CELL_MAGICS if percent == "%%" else HARMLESS_MAGICS
    if name not in allowed:
        return False, None
    if name == "matplotlib":
        return bool(re.fullmatch(r"(\s+\w+)?\s*", rest)), None
    if name == "timeit":
        rest = _TIMEIT_OPTIONS.sub("", rest + " ", count=1)
    return True, rest.strip() or None


def _magic_lines(source):
    for number, line in enumerate(source.split("\n"), start=1):
        if line.lstrip().startswith(("%", "!")):
            yield number, line


def _parse(source):
    """Parse a cell with magic lines replaced by ``pass``; ``None`` if it is not Python."""
    try:
        return ast.parse(_without_magics(source))
    except (SyntaxError, ValueError):
        return None


# ---------------------------------------------------------------------------
# the audit
# ---------------------------------------------------------------------------


class _Audit:
    def __init__(self, keys):
        self.keys = keys
        self.graded = set(keys)
        self.module = _Module()
        self.statements = {}  # key -> _Statement
        self.raw = []  # (statement key, cell, line, rule, message, only)
        self.library = []  # (statement key, cell, line, dotted)
        self.magics = []  # (statement key or None, cell, order, line, text)

    def walk_statement(self, cell, order, key, node, line=None):
        statement = _Statement(cell, order, node)
        for n in _walk_scope([node]):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del):
                statement.binds.add(n.id)
            elif isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                statement.binds.add(n.name)
            elif isinstance(n, ast.Import | ast.ImportFrom):
                statement.binds.update(name for name, _ in _import_names(n) if name != "*")
        self.statements[key] = statement
        _CellAuditor(self, statement, key, line).visit(node)

    def relies_on(self, function):
        """Keys of the statements ``function`` relies on (see the module docstring)."""
        binders = {}
        for key, statement in self.statements.items():
            for name in statement.binds:
                binders.setdefault(name, []).append(key)
        seen, stack = set(), list(binders.get(function, ()))
        while stack:
            key = stack.pop()
            if key in seen:
                continue
            seen.add(key)
            for name in self.statements[key].uses:
                if name in self.graded and name != function:
                    continue
                stack.extend(binders.get(name, ()))
        return seen

    def findings(self):
        reach = {g: self.relies_on(g) for g in self.graded}

        def relying(key):
            return frozenset(g for g in self.graded if key in reach[g])

        out, seen = [], set()

        def emit(cell, line, rule, message, functions):
            if (cell, line, rule, message) not in seen:
                seen.add((cell, line, rule, message))
                out.append(Finding(cell, line, rule, message, functions))

        answered = set()
        for key, cell, line, rule, message, only in self.raw:
            if rule == "answer-key":
                if key in reach.get(only, ()):
                    answered.add((cell, line, only))
                    emit(cell, line, rule, message, frozenset({only}))
                continue
            statement = self.statements[key]
            users = relying(key)
            emit(cell, line, rule, message,
                 (users or None) if statement.is_definition else None)
        for key, cell, line, dotted in self.library:
            for function in sorted(relying(key)):
                if allowed_for(function, dotted) or (cell, line, function) in answered:
                    continue
                extra = FOR_FUNCTION.get(function, ())
                granted = f" (and {', '.join(extra)})" if extra else ""
                emit(cell, line, "library",
                     f"{function} relies on {dotted}: graded functions may use NumPy and the "
                     f"standard library only{granted}", frozenset({function}))
        for key, cell, order, line, text in self.magics:
            statement = self.statements.get(key)
            if statement is not None and statement.is_definition:
                functions = relying(key) or None
            else:
                defined = {g for s in self.statements.values() if s.order == order
                           for g in s.binds & self.graded if s.is_definition}
                functions = frozenset(defined) or None
            emit(cell, line, "magic", f"runs IPython magic or shell command {text!r}", functions)
        return out


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
        The notebook's own (trusted) code cells, run before the solution
        cells: read for the names they bind (``np``...), never audited.

    Returns
    -------
    list of Finding
        Each with the set of graded functions it concerns (``None``: all).

    Examples
    --------
    >>> keys = {"sigmoid": answer_key_objects("sigmoid"), "predict_proba": {}}
    >>> honest = ("import numpy as np\\n%timeit np.exp(1.0)\\n"
    ...           "def sigmoid(z):\\n    In = np.asarray(z)\\n    return 1 / (1 + np.exp(-In))\\n")
    >>> audit_cells([("sigmoid", honest)], keys)
    []
    >>> cheat = "import scipy.stats as ss\\ndef sigmoid(z):\\n    return ss.logistic.cdf(z)\\n"
    >>> [(f.rule, sorted(f.functions)) for f in audit_cells([("sigmoid", cheat)], keys)]
    [('library', ['sigmoid'])]
    """
    audit = _Audit(keys)
    for _, source in setup:
        tree = _parse(source)
        if tree is not None:
            audit.module.read(tree, -1)
    trees = []
    for order, (_cell, source) in enumerate(cells):
        tree = _parse(source)
        trees.append(tree)
        if tree is not None:
            audit.module.read(tree, order)
    for order, ((cell, source), tree) in enumerate(zip(cells, trees, strict=True)):
        if tree is not None:
            for index, stmt in enumerate(tree.body):
                audit.walk_statement(cell, order, (order, index), stmt)
        for number, line in _magic_lines(source):
            harmless, code = _magic(line)
            if harmless:
                try:
                    timed = ast.parse(code) if code else None
                except SyntaxError:
                    timed = None  # not Python: not run in the grade of record either
                for index, stmt in enumerate(timed.body if timed else ()):
                    audit.walk_statement(cell, order, (order, "magic", number, index), stmt,
                                         line=number)
                continue
            enclosing = None
            if tree is not None:
                enclosing = next(((order, i) for i, s in enumerate(tree.body)
                                  if s.lineno <= number <= (s.end_lineno or s.lineno)), None)
            audit.magics.append((enclosing, cell, order, number, line.strip()))
    return audit.findings()
