"""The package's public names: every one importable, and imported only when used."""

import importlib
import json
import subprocess
import sys

import pytest

import course_lib


@pytest.mark.parametrize("name", course_lib.__all__)
def test_every_public_name_comes_from_its_module(name):
    value = getattr(course_lib, name)
    module = importlib.import_module(f"course_lib.{course_lib._EXPORTS[name]}")
    assert value is getattr(module, name)
    assert name in dir(course_lib)


def test_star_import_gives_the_public_names():
    namespace = {}
    exec("from course_lib import *", namespace)
    assert set(course_lib.__all__) <= set(namespace)


def test_an_unknown_name_is_refused_with_its_name():
    with pytest.raises(AttributeError, match="no attribute 'sigmod'"):
        course_lib.sigmod  # noqa: B018 - the attribute access is the test


def _modules_after(statement):
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                         check=True)
    return set(json.loads(out.stdout))


def test_the_numerical_modules_do_not_import_scikit_learn_pandas_or_matplotlib():
    # The grader's isolated process imports only these; scikit-learn alone costs it a second.
    loaded = _modules_after("import course_lib.activations, course_lib.losses, "
                            "course_lib.gradients, course_lib.metrics")
    assert not {"sklearn", "pandas", "matplotlib", "scipy"} & loaded


def test_a_name_that_needs_scikit_learn_loads_it_when_asked_for():
    assert "sklearn" not in _modules_after("import course_lib")
    assert "sklearn" in _modules_after("from course_lib import LogisticRegression")
