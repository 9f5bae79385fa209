"""The audit's rules on their own: which libraries may answer which function, file access
under other names, harmless magics, and names a learner binds.

Each case is audited as the grade of record audits it: the assignment's own setup cells
(from the source notebook) first, the answer keys of its check catalogue, and the solution
cell; every finding must concern exactly the functions listed.
"""

import re

import nbformat
import pytest
from graded_course import EXERCISES
from grading import allowed_libraries
from grading.audit import answer_key_objects, audit_cells
from grading.engine import load_checks
from grading.record import program

ASSIGNMENTS = sorted(p.name for p in (EXERCISES / "source").iterdir() if p.is_dir())


def _context(assignment):
    nb = nbformat.read(str(EXERCISES / "source" / assignment / f"{assignment}.ipynb"), 4)
    solution_ids = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                    if c.metadata.get("nbgrader", {}).get("solution")}
    setup, _ = program(nb, nb, solution_ids)
    checks = load_checks(assignment)
    keys = {c.function: answer_key_objects(c.function, c.answer_keys) for c in checks}
    return setup, keys


CONTEXT = {a: _context(a) for a in ASSIGNMENTS}


def findings(source, assignment="ps1_sigmoid_bce"):
    setup, keys = CONTEXT[assignment]
    return audit_cells([("cell", source)], keys, setup)


def concerned(source, assignment="ps1_sigmoid_bce"):
    """``{(rule, functions)}``; ``functions`` is ``"all"`` when every function is concerned."""
    return {(f.rule, "all" if f.functions is None else tuple(sorted(f.functions)))
            for f in findings(source, assignment)}


HONEST_SIGMOID = ("def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n"
                  "    return 1 / (1 + np.exp(-z))\n")
HONEST_PREDICT = "def predict_proba(X, w, b):\n    return sigmoid(np.asarray(X) @ w + b)\n"


# --- item 3: answer keys under other names ----------------------------------------------

ANSWER_KEYS_ELSEWHERE = [
    # (assignment, source, function withheld)
    ("ps1_sigmoid_bce",
     "import scipy.stats\ndef sigmoid(z):\n    return scipy.stats.logistic.cdf(z)\n", "sigmoid"),
    ("ps1_sigmoid_bce",
     "import scipy.stats as ss\ndef sigmoid(z):\n    return ss.logistic.cdf(z)\n", "sigmoid"),
    ("ps1_sigmoid_bce",
     "from scipy.stats import logistic as L\ndef sigmoid(z):\n    return L.cdf(z)\n", "sigmoid"),
    ("ps1_sigmoid_bce",
     "from scipy.stats import *\ndef sigmoid(z):\n    return logistic.cdf(z)\n", "sigmoid"),
    ("ps1_sigmoid_bce",
     "import course_lib\ndef predict_proba(X, w, b):\n"
     "    return np.exp(course_lib.log_sigmoid(X @ w + b))\n", "predict_proba"),
    ("ps1_sigmoid_bce",
     "from course_lib import cross_entropy as ce\n"
     "def binary_cross_entropy(y_true, y_prob):\n"
     "    y = np.asarray(y_true, dtype=int)\n"
     "    return ce(np.eye(2)[y], np.column_stack([1 - y_prob, y_prob]))\n",
     "binary_cross_entropy"),
    ("ps2_gradient_descent",
     "from course_lib import objectives as o\nfrom course_lib import solvers as s\n"
     "def fit_gd(X, y, learning_rate=0.1, n_iters=1000):\n"
     "    problem = o.BinaryCrossEntropy(X, y)\n"
     "    return s.gradient_descent(problem, learning_rate, n_iters)\n", "fit_gd"),
    # through a helper, a top-level alias, a default value, a class, a later import
    ("ps1_sigmoid_bce",
     "import course_lib\ndef _p(z):\n    return course_lib.sigmoid(z)\n"
     "def predict_proba(X, w, b):\n    return _p(np.asarray(X) @ w + b)\n", "predict_proba"),
    ("ps1_sigmoid_bce",
     "import scipy.special\nf = scipy.special.expit\ndef sigmoid(z):\n    return f(z)\n",
     "sigmoid"),
    ("ps1_sigmoid_bce",
     "import scipy.special as sp\ndef sigmoid(z, f=sp.expit):\n    return f(z)\n", "sigmoid"),
    ("ps1_sigmoid_bce",
     "import scipy.special as sp\nclass K:\n    f = staticmethod(sp.expit)\n"
     "def sigmoid(z):\n    return K.f(z)\n", "sigmoid"),
    ("ps1_sigmoid_bce",
     "def sigmoid(z):\n    return expit(z)\nfrom scipy.special import expit\n", "sigmoid"),
    ("ps1_sigmoid_bce",
     "import scipy.special as sp\ndef sigmoid(z):\n    return getattr(sp, 'expit')(z)\n",
     "sigmoid"),
    ("ps1_sigmoid_bce", "from scipy.special import expit as sigmoid\n", "sigmoid"),
    ("ps1_sigmoid_bce",
     "import sklearn.linear_model as lm\ndef predict_proba(X, w, b):\n"
     "    model = lm.LogisticRegression()\n    model.coef_, model.intercept_ = w[None], [b]\n"
     "    model.classes_ = np.array([0, 1])\n    return model.predict_proba(X)[:, 1]\n",
     "predict_proba"),
    ("ps4_softmax",
     "import scipy.special\ndef softmax(Z):\n    return scipy.special.softmax(Z, axis=1)\n",
     "softmax"),
    ("ps3_mle_map",
     "def fit_map(X, y, C):\n    from sklearn.linear_model import LogisticRegression\n"
     "    m = LogisticRegression(C=C).fit(X, y)\n    return m.coef_[0], m.intercept_[0]\n",
     "fit_map"),
]


@pytest.mark.parametrize("assignment, source, function", ANSWER_KEYS_ELSEWHERE)
def test_a_library_answer_under_any_name_withholds_that_function_only(assignment, source,
                                                                     function):
    found = findings(source, assignment)
    assert found, "not flagged"
    assert {f.rule for f in found} <= {"library", "answer-key"}, found
    assert all(f.functions == frozenset({function}) for f in found), found


HONEST = [
    ("ps1_sigmoid_bce", HONEST_SIGMOID + HONEST_PREDICT),
    ("ps1_sigmoid_bce",
     "import math\nfrom functools import reduce\n" + HONEST_SIGMOID
     + "def predict_proba(X, w, b):\n    X = np.asarray(X, dtype=float)\n"
       "    z = np.einsum('ij,j->i', X, w) + b + 0 * math.pi\n"
       "    return sigmoid(np.linalg.norm(np.ones(1)) * z)\n"),
    # course_lib for one's own experiments, outside the graded functions
    ("ps1_sigmoid_bce",
     "import course_lib\nimport matplotlib.pyplot as plt\n" + HONEST_SIGMOID
     + "z = np.linspace(-5, 5)\nprint(np.max(np.abs(sigmoid(z) - course_lib.sigmoid(z))))\n"
     + "plt.plot(course_lib.sigmoid(np.zeros(2)))\n"),
    # what an assignment grants
    ("ps3_mle_map",
     "def fit_map(X, y, C):\n    from scipy.optimize import minimize\n    d = X.shape[1]\n"
     "    def objective(theta):\n        dw, db = map_gradient(X, y, theta[:d], theta[d], C)\n"
     "        return map_objective(X, y, theta[:d], theta[d], C), np.append(dw, db)\n"
     "    r = minimize(objective, np.zeros(d + 1), jac=True)\n    return r.x[:d], r.x[d]\n"),
    ("ps3_mle_map",
     "import scipy.optimize as opt\ndef fit_map(X, y, C):\n"
     "    r = opt.minimize(lambda t: map_objective(X, y, t[:-1], t[-1], C), np.zeros(3))\n"
     "    return r.x[:-1], r.x[-1]\n"),
    ("ps4_softmax",
     "from scipy.special import logsumexp\ndef softmax(Z):\n"
     "    Z = np.asarray(Z, dtype=float)\n"
     "    return np.exp(Z - logsumexp(Z, axis=1, keepdims=True))\n"),
    # a name bound to a library elsewhere, but a parameter here
    ("ps1_sigmoid_bce",
     "from scipy.special import expit\nprint(expit(0.0))\n"
     "def predict_proba(X, w, b, expit=None):\n    return sigmoid(np.asarray(X) @ w + b)\n"),
]


@pytest.mark.parametrize("assignment, source", HONEST)
def test_honest_uses_of_libraries_are_not_flagged(assignment, source):
    assert findings(source, assignment) == []


def test_a_granted_library_is_granted_to_that_function_only():
    source = ("import scipy.optimize as opt\n"
              "def map_gradient(X, y, w, b, C):\n"
              "    return opt.approx_fprime(w, lambda v: map_objective(X, y, v, b, C)), 0.0\n")
    assert concerned(source, "ps3_mle_map") == {("library", ("map_gradient",))}


def test_every_grant_names_one_graded_function_of_one_assignment():
    owners = {}
    for assignment in ASSIGNMENTS:
        for check in load_checks(assignment):
            owners.setdefault(check.function, set()).add(assignment)
    assert all(len(a) == 1 for a in owners.values()), owners
    assert set(allowed_libraries.FOR_FUNCTION) <= set(owners)
    for entries in allowed_libraries.FOR_FUNCTION.values():
        assert all(allowed_libraries.importable(e) for e in entries)


def test_only_known_libraries_may_be_imported():
    for module in ("subprocess", "codecs", "pathlib", "io", "pickle", "fileinput", "linecache",
                   "h5py", "torch", "shutil", "logging", "configparser", "xml.etree.ElementTree"):
        assert not allowed_libraries.importable(module), module
        rules = concerned(f"import {module}\n")
        assert ("forbidden-import", "all") in rules, (module, rules)


# --- item 9: file access under other names ---------------------------------------------

FILE_ACCESS = [
    "o = open\nprint(o('/etc/passwd').read())\n",
    "print([open][0]('../input.json').read())\n",
    "print(open('/etc/passwd').read())\n",
    "import builtins\nf = getattr(builtins, 'open')\n",
    "f = getattr(__builtins__, 'open')\n",
    "import io\nprint(io.open('../input.json').read())\n",
    "print(io.open('../input.json').read())\n",  # io is imported by the notebook's setup cell
    "import codecs\nprint(codecs.open('/etc/passwd').read())\n",
    "import os\nfd = os.open('/etc/passwd', 0)\n",
    "import pathlib\nprint(pathlib.Path('/etc/passwd').read_text())\n",
    "print(np.loadtxt('/etc/passwd', dtype=str, delimiter='\\n'))\n",
    "load = np.loadtxt\nprint(load(path))\n",
    "from numpy import genfromtxt as g\nprint(g('../input.json', dtype=str))\n",
    "print(np.lib.npyio.loadtxt(p, dtype=str))\n",
    "print(getattr(np, 'fromfile')(p))\n",
    "print(np.DataSource().open('/etc/passwd').read())\n",
    "import pandas as pd\nprint(pd.read_csv(p))\n",
    "import scipy.io\nprint(scipy.io.loadmat(p))\n",
    "np.zeros(3).tofile('/tmp/x')\n",
    "x = np.zeros(3)\nx.dump(p)\n",
]


@pytest.mark.parametrize("source", FILE_ACCESS)
def test_file_access_under_any_name_is_flagged(source):
    rules = {rule for rule, _ in concerned(source)}
    assert rules & {"file-access", "forbidden-import", "forbidden-name",
                    "forbidden-attribute"}, rules


def test_file_access_inside_a_graded_function_concerns_it():
    source = HONEST_SIGMOID.replace("def sigmoid(z):\n",
                                    "def sigmoid(z):\n    read = open\n    read('x').close()\n")
    assert concerned(source) == {("file-access", ("sigmoid",))}


def test_a_plain_relative_literal_path_is_fine():
    assert concerned("data = np.loadtxt('data.csv')\nwith open('notes.txt') as fh:\n"
                     "    text = fh.read()\n") == set()


@pytest.mark.parametrize("source", [
    "import pandas as pd\ndf = pd.DataFrame({'a': [1.0]})\nprint(df.to_csv())\n"
    "print(df.to_html())\n",
    "from sklearn.datasets import make_classification\nX, y = make_classification(20)\n",
])
def test_what_opens_no_file_is_fine(source):
    assert concerned(source) == set()


# --- item 11: harmless magics cost nothing; a finding withholds what it concerns ---------

@pytest.mark.parametrize("magic", [
    "%timeit sigmoid(np.zeros(3))",
    "%timeit -n 10 -r 2 sigmoid(np.linspace(-3, 3))",
    "%time y = sigmoid(np.ones(5))",
    "%matplotlib inline",
    "%matplotlib",
])
def test_harmless_magics_cost_nothing(magic):
    assert findings(HONEST_SIGMOID + magic + "\n") == []
    assert findings(magic + "\n" + HONEST_SIGMOID) == []


@pytest.mark.parametrize("magic", ["%%time", "%%timeit", "%%timeit -n 3 z = np.ones(4)"])
def test_harmless_cell_magics_cost_nothing(magic):
    assert findings(magic + "\n" + HONEST_SIGMOID + "sigmoid(np.zeros(2))\n") == []


def test_code_timed_by_a_magic_is_audited():
    assert ("forbidden-name", "all") in concerned("%time x = eval('1 + 1')\n")


@pytest.mark.parametrize("magic", ["%run helpers.py", "!cat /etc/passwd", "%load_ext foo",
                                   "%%bash"])
def test_other_magics_withhold_the_functions_of_their_cell_only(magic):
    assert concerned(HONEST_PREDICT + magic + "\n") == {("magic", ("predict_proba",))}
    assert concerned(magic + "\n") == {("magic", "all")}


def test_top_level_machinery_concerns_every_function():
    """Top-level code runs before each function's check: it may change what any sees."""
    assert concerned(HONEST_SIGMOID + "np.allclose = lambda *a, **k: True\n") == \
        {("patches-module", "all")}


def test_code_in_annotations_is_audited():
    source = "def sigmoid(z: eval('int')) -> exec('x = 1'):\n    return 1 / (1 + np.exp(-z))\n"
    assert concerned(source) == {("forbidden-name", ("sigmoid",))}


def test_a_finding_in_one_function_leaves_the_others():
    source = HONEST_PREDICT + "def sigmoid(z):\n    return eval('1 / (1 + np.exp(-z))')\n"
    assert concerned(source) == {("forbidden-name", ("sigmoid",))}


# --- item 12: names the learner binds are not IPython's ---------------------------------

@pytest.mark.parametrize("source", [
    "def sigmoid(z):\n    In = np.asarray(z, dtype=float)\n    return 1 / (1 + np.exp(-In))\n",
    "def _h(In, Out):\n    return In + Out\n"
    "def predict_proba(X, w, b):\n    return sigmoid(_h(np.asarray(X) @ w, b))\n",
    "def predict_proba(X, w, b):\n    z = np.array([In for In in np.asarray(X) @ w]) + b\n"
    "    return sigmoid(z)\n",
    "class Box:\n    def __init__(self):\n        self.In = 1\n"
    "def predict_proba(X, w, b):\n    return sigmoid(np.asarray(X) @ w + b + 0 * Box().In)\n",
    "In = np.zeros(3)\nprint(In, len(In))\n",
    "Out = {}\ndef predict_proba(X, w, b):\n    Out['x'] = 1\n"
    "    return sigmoid(np.asarray(X) @ w + b)\n",
    "def sigmoid(z, exec=None, compile=None):\n    return 1 / (1 + np.exp(-np.asarray(z)))\n",
    "def sigmoid(z):\n    for _i1 in range(1):\n        pass\n    return 1 / (1 + np.exp(-z))\n",
])
def test_names_the_learner_binds_are_not_flagged(source):
    assert findings(source) == []


@pytest.mark.parametrize("source, functions", [
    ("print(In[-2])\n", "all"),
    ("def sigmoid(z):\n    return In[-1]\n", ("sigmoid",)),
    ("x = Out\n", "all"),
    ("print(_i3)\n", "all"),
    ("print(In[-1])\nIn = 0\n", "all"),  # read before the learner's own binding
    ("if False:\n    In = 0\nprint(In[-1])\n", "all"),  # a binding that may not run
    ("In = 0\ndel In\nprint(In)\n", "all"),
    ("def predict_proba(X, w, b):\n    return [v for In in In for v in In]\n", ("predict_proba",)),
    ("def sigmoid(z):\n    return _ih[-1]\nIn = 0\n", ("sigmoid",)),
])
def test_ipython_history_is_flagged(source, functions):
    assert concerned(source) == {("forbidden-name", functions)}


def test_the_rule_is_stated_in_every_notebook_introduction():
    for assignment in ASSIGNMENTS:
        nb = nbformat.read(str(EXERCISES / "source" / assignment / f"{assignment}.ipynb"), 4)
        intro = nb.cells[0]
        assert intro.cell_type == "markdown"
        text = re.sub(r"\s+", " ", intro.source)
        assert "NumPy" in text and "standard library" in text, assignment
        assert "course_lib" in text and "%timeit" in text, assignment
        functions = {c.function for c in load_checks(assignment)}
        for function, entries in allowed_libraries.FOR_FUNCTION.items():
            if function in functions:
                for entry in entries:
                    assert f"`{entry}`" in text, (assignment, entry)
