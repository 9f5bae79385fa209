r"""Feedback pages whose maths renders without internet: MathJax inlined, not from a CDN.

nbgrader's feedback template calls nbconvert's ``mathjax()`` macro, which
loads MathJax 2 from a CDN: offline, a learner sees raw ``$$\sigma(z) = ...$$``.
:func:`enable` puts ``templates/base/mathjax.html.j2`` of this folder ahead of
nbconvert's: its ``mathjax()`` writes MathJax 3 (``tex-svg.js``, which needs no
font files, from the ``sphinx-mathjax-offline`` package the book already uses
for the same purpose) into the page itself, with the delimiters nbconvert uses
(``$...$``, ``$$...$$``, ``\(...\)``, ``\[...\]``). Each page grows by about
2 MB and works as a single file, wherever it is opened.

Enable it in an ``nbgrader_config.py``::

    from nbgrader_plugins.offline_mathjax import enable; enable(c)

Examples
--------
>>> script = mathjax_script()
>>> len(script) > 1_000_000 and "MathJax" in script
True
>>> from traitlets.config import Config
>>> c = Config(); enable(c)
>>> c.HTMLExporter.extra_template_basedirs[0] == str(TEMPLATES)
True
"""

import functools
import os
from importlib.metadata import distribution
from pathlib import Path

__all__ = ["TEMPLATES", "enable", "mathjax_script"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
_NBGRADER_TEMPLATES = ("nbgrader", "server_extensions", "formgrader", "templates")


@functools.lru_cache(maxsize=1)
def mathjax_script(_=None):
    """The text of MathJax 3's ``tex-svg.js`` from the ``sphinx-mathjax-offline`` package.

    Registered as the Jinja filter ``offline_mathjax`` (its argument is ignored).
    """
    path = distribution("sphinx-mathjax-offline").locate_file(
        "sphinx-mathjax-offline/static/mathjax/tex-svg.js")
    # A script element ends at the first "</script"; MathJax's text has none, but be sure.
    return Path(path).read_text(encoding="utf-8").replace("</script", "<\\/script")


def enable(c):
    """Configure nbconvert's HTML export (nbgrader's feedback) to inline MathJax.

    Sets ``HTMLExporter.extra_template_basedirs`` (this folder's templates, then
    nbgrader's feedback template, which nbgrader would otherwise add itself) and
    registers the ``offline_mathjax`` filter.
    """
    import nbgrader

    nbgrader_templates = os.path.join(os.path.dirname(nbgrader.__file__),
                                      *_NBGRADER_TEMPLATES[1:])
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), nbgrader_templates]
    c.HTMLExporter.filters = {"offline_mathjax": f"{__name__}.mathjax_script"}
