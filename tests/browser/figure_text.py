r"""How large the text of the book's figures is drawn, and how large it is displayed.

The smallest font size
    The chapters' figures are drawn by Matplotlib with the settings in force
    after ``import course_lib`` (a style set by the library would count), and by
    the font sizes the code passes explicitly (``fontsize=``, ``labelsize=``,
    ``size=`` of text calls, ``rcParams`` assignments). :func:`smallest_font_pt`
    is the smallest of the ``rcParams`` text sizes and of the sizes that
    ``course_lib/plotting.py`` passes; :func:`font_sizes_in_code` finds the sizes
    a chapter passes, which must not be smaller (checked statically).

The displayed size of text
    A PNG written by Matplotlib records its resolution in the ``pHYs`` chunk
    (pixels per metre; ``dpi = ppm * 0.0254``). Text of ``s`` points is
    ``s * dpi / 72`` pixels high in the PNG, and the browser shows the PNG at
    ``displayed width / natural width`` of its size, so on the page it is

        displayed px = s * dpi / 72 * displayed_width / natural_width

    in CSS pixels (the width is the ``<img>``'s rendered width; the natural
    width, the PNG's). Evaluated at the smallest font size, this is a lower
    bound for every piece of text in the figure.

Examples
--------
>>> round(displayed_text_px(10, 100, displayed_width=700, natural_width=1000), 2)
9.72
>>> resolve_font_size("small", base=10.0)
8.33
>>> font_sizes_in_code("ax.set_title('t', fontsize=7)\nplt.rcParams['font.size'] = 'x-small'")
[('fontsize=7', 7.0), ("rcParams['font.size']", 6.94)]
"""

import ast
import re
import struct
from pathlib import Path

import matplotlib
from matplotlib.font_manager import font_scalings

REPO = Path(__file__).resolve().parents[2]
# rcParams that set the size of a kind of text (None means: inherit font.size).
RC_TEXT_SIZES = (
    "font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize", "ytick.labelsize",
    "legend.fontsize", "legend.title_fontsize", "figure.titlesize", "figure.labelsize",
)
SIZE_KEYWORDS = {"fontsize", "labelsize", "title_fontsize", "titlesize"}
# Calls whose ``size=`` is a font size (elsewhere ``size`` is e.g. a sample size).
TEXT_CALLS = {
    "text", "annotate", "set_title", "set_xlabel", "set_ylabel", "suptitle", "supxlabel",
    "supylabel", "title", "xlabel", "ylabel", "figtext", "legend", "table", "bar_label",
    "clabel", "FontProperties", "set_fontsize", "set_size",
}


def resolve_font_size(size, base):
    """Points of a Matplotlib font size (a number, or a name such as ``'small'``)."""
    if size is None:
        return round(float(base), 2)
    if isinstance(size, str) and size in font_scalings:
        return round(base * font_scalings[size], 2)
    return round(float(size), 2)


def rc_font_sizes():
    """``{rcParams key: points}`` of every text size after ``import course_lib``."""
    import course_lib.plotting  # noqa: F401  (a style the library sets counts)

    base = float(matplotlib.rcParams["font.size"])
    return {key: resolve_font_size(matplotlib.rcParams[key], base) for key in RC_TEXT_SIZES}


def _literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _call_name(call):
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def font_sizes_in_code(source, base=10.0):
    """``[(where, points)]`` for every literal font size the code passes or sets.

    ``source`` is Python, or a notebook cell (lines starting with ``%`` or ``!``
    are ignored). Sizes that are not literals (variables, expressions) are not
    seen.
    """
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    found = []
    nodes = sorted(
        ast.walk(ast.parse("\n".join(lines))),
        key=lambda node: (getattr(node, "lineno", 0), getattr(node, "col_offset", 0)),
    )
    for node in nodes:
        if isinstance(node, ast.Call):
            name = _call_name(node)
            for keyword in node.keywords:
                text_size = keyword.arg == "size" and name in TEXT_CALLS
                if keyword.arg in SIZE_KEYWORDS or text_size:
                    value = _literal(keyword.value)
                    if isinstance(value, (int, float, str)):
                        found.append((f"{keyword.arg}={value!r}", resolve_font_size(value, base)))
                elif keyword.arg in {"prop", "fontdict", "font_properties"}:
                    value = _literal(keyword.value)
                    if isinstance(value, dict) and "size" in value:
                        size = resolve_font_size(value["size"], base)
                        found.append((f"{keyword.arg}['size']", size))
            if name == "rc" and node.args and _literal(node.args[0]) == "font":
                for keyword in node.keywords:
                    if keyword.arg == "size":
                        size = resolve_font_size(_literal(keyword.value), base)
                        found.append(("rc('font', size=...)", size))
            if name == "update" and node.args and isinstance(node.args[0], ast.Dict):
                for key, value in zip(node.args[0].keys, node.args[0].values, strict=True):
                    key = _literal(key) if key is not None else None
                    if key in RC_TEXT_SIZES:
                        size = resolve_font_size(_literal(value), base)
                        found.append((f"rcParams[{key!r}]", size))
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and _literal(target.slice) in RC_TEXT_SIZES:
                    value = _literal(node.value)
                    if isinstance(value, (int, float, str)):
                        found.append((f"rcParams[{_literal(target.slice)!r}]",
                                      resolve_font_size(value, base)))
    return [(where, points) for where, points in found]


def smallest_font_pt():
    """Smallest text size in the chapters' figures: ``(points, where it comes from)``."""
    candidates = [(points, f"rcParams[{key!r}]") for key, points in rc_font_sizes().items()]
    plotting = REPO / "course_lib" / "plotting.py"
    base = float(matplotlib.rcParams["font.size"])
    candidates += [
        (points, f"course_lib/plotting.py {where}")
        for where, points in font_sizes_in_code(plotting.read_text(encoding="utf-8"), base)
    ]
    return min(candidates)


def png_info(data):
    """``(width, height, dpi or None, written by Matplotlib)`` of PNG bytes."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    position, width, height, dpi, matplotlib_png = 8, None, None, None, False
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"pHYs":
            x_ppu, _, unit = struct.unpack(">IIB", body)
            if unit == 1:  # pixels per metre
                dpi = x_ppu * 0.0254
        elif kind in (b"tEXt", b"iTXt") and re.search(rb"[Mm]atplotlib", body):
            matplotlib_png = True
        elif kind == b"IEND":
            break
        position += 12 + length
    return width, height, dpi, matplotlib_png


def displayed_text_px(points, dpi, displayed_width, natural_width):
    """CSS pixels of ``points``-point text in a PNG of ``dpi``, shown scaled to a width."""
    return points * dpi / 72 * displayed_width / natural_width
