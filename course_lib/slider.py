r"""A figure with a slider that works in a static web page: precomputed frames.

An interactive figure in a notebook usually needs a running kernel to redraw
it. A book page has none, so :func:`render_frames` draws the figure once per
value of the parameter, and :class:`FrameSlider` shows those frames behind an
HTML range input and two step buttons, with a few lines of inline JavaScript
that swap the image. Nothing is loaded from anywhere: every frame is a PNG in
a ``data:`` URI, so the page works offline and from ``file://``.

Displayed in Jupyter, a :class:`FrameSlider` gives two representations: the
HTML player, and the PNG of its starting frame for outputs that cannot run
scripts (a PDF built through LaTeX, for instance).
"""

import base64
import html
import io
import json
import re

import matplotlib.pyplot as plt

__all__ = ["FrameSlider", "render_frames"]

_NAME = re.compile(r"[a-z][a-z0-9-]*")


def render_frames(draw, values, figsize=(6.5, 3.2), dpi=80):
    """Draw one figure per parameter value and return each as PNG bytes.

    Parameters
    ----------
    draw : callable
        ``draw(fig, value)`` draws the frame for ``value`` on the empty
        figure ``fig`` (created with ``layout="constrained"``).
    values : sequence
        The parameter values, one frame each, in slider order.
    figsize : (float, float), default=(6.5, 3.2)
        Size of every frame in inches.
    dpi : int, default=80
        Resolution: a frame is ``figsize * dpi`` pixels. Keep it small, every
        frame is embedded in the page.

    Returns
    -------
    list of bytes
        PNG files, without the software-version metadata, so that the same
        code and library versions give the same bytes.

    Raises
    ------
    ValueError
        If ``values`` is empty.

    Examples
    --------
    >>> frames = render_frames(
    ...     lambda fig, v: fig.subplots().axhline(v), [0.0, 1.0], dpi=20
    ... )
    >>> len(frames), frames[0][1:4]
    (2, b'PNG')
    """
    values = list(values)
    if not values:
        raise ValueError("render_frames needs at least one value.")
    frames = []
    for value in values:
        fig = plt.figure(figsize=figsize, layout="constrained")
        try:
            draw(fig, value)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        finally:
            plt.close(fig)
        frames.append(buffer.getvalue())
    return frames


class FrameSlider:
    """Precomputed frames of a figure behind a slider, for a page without a kernel.

    Parameters
    ----------
    frames : sequence of bytes
        PNG images, one per slider position (see :func:`render_frames`).
    labels : sequence of str
        What the slider shows for each position, such as ``"t = 0.30"``.
    name : str
        Prefix of the HTML ids (lowercase letters, digits and ``-``, starting
        with a letter): ``name-input`` (the range input), ``name-frame`` (the
        image), ``name-value`` (the label), ``name-previous`` and
        ``name-next`` (the step buttons). Unique on its page.
    caption : str
        What the parameter is, shown before its value and read out as the
        slider's accessible name.
    alt : str
        Alternative text of the image.
    start : int, default=0
        Position shown first, and the frame of the PNG representation.

    Raises
    ------
    ValueError
        If there are no frames, if ``labels`` and ``frames`` differ in length,
        if a frame is not a PNG, if ``name`` is not a valid id prefix, or if
        ``start`` is not a position.

    Examples
    --------
    >>> frames = render_frames(
    ...     lambda fig, v: fig.subplots().axhline(v), [0.0, 1.0], dpi=20
    ... )
    >>> slider = FrameSlider(
    ...     frames, ["v = 0", "v = 1"], name="demo", caption="v", alt="a line"
    ... )
    >>> 'id="demo-input"' in slider._repr_html_()
    True
    >>> slider._repr_png_() == frames[0]
    True
    """

    def __init__(self, frames, labels, name, caption, alt, start=0):
        frames, labels = [bytes(frame) for frame in frames], [str(label) for label in labels]
        if not frames:
            raise ValueError("FrameSlider needs at least one frame.")
        if len(labels) != len(frames):
            raise ValueError(f"{len(frames)} frames but {len(labels)} labels.")
        if not all(frame.startswith(b"\x89PNG\r\n\x1a\n") for frame in frames):
            raise ValueError("Every frame must be a PNG image.")
        if not (isinstance(name, str) and _NAME.fullmatch(name)):
            raise ValueError(
                f"name must be lowercase letters, digits and '-', starting with a letter; "
                f"got {name!r}."
            )
        if not (isinstance(start, int) and 0 <= start < len(frames)):
            raise ValueError(f"start must be a position in 0..{len(frames) - 1}; got {start!r}.")
        self.frames, self.labels, self.name = frames, labels, name
        self.caption, self.alt, self.start = caption, alt, start

    def __repr__(self):
        return f"<FrameSlider {self.name!r}: {len(self.frames)} frames of {self.caption}>"

    def _repr_png_(self):
        return self.frames[self.start]

    def _repr_html_(self):
        uris = [
            "data:image/png;base64," + base64.b64encode(frame).decode("ascii")
            for frame in self.frames
        ]
        n, name, start = len(self.frames), self.name, self.start
        caption, alt = html.escape(self.caption), html.escape(self.alt)
        # json.dumps keeps the strings valid JavaScript; "</" is escaped so that
        # a label can never close the script element.
        data = json.dumps({"frames": uris, "labels": self.labels}).replace("</", "<\\/")
        return f"""<div class="frame-slider" id="{name}">
<div style="display: flex; align-items: center; gap: 0.5em; flex-wrap: wrap;">
<button type="button" id="{name}-previous" aria-label="previous frame">&#9664;</button>
<input type="range" id="{name}-input" min="0" max="{n - 1}" step="1" value="{start}"
 aria-label="{caption}" style="flex: 1 1 12em; max-width: 24em;">
<button type="button" id="{name}-next" aria-label="next frame">&#9654;</button>
<span>{caption}: <output id="{name}-value" for="{name}-input">
{html.escape(self.labels[start])}</output></span>
</div>
<img id="{name}-frame" src="{uris[start]}" alt="{alt}" style="max-width: 100%;">
</div>
<script>
(function () {{
  const data = {data};
  const input = document.getElementById("{name}-input");
  const frame = document.getElementById("{name}-frame");
  const value = document.getElementById("{name}-value");
  function show(position) {{
    const k = Math.min(Math.max(position, 0), data.frames.length - 1);
    input.value = k;
    frame.src = data.frames[k];
    value.textContent = data.labels[k];
  }}
  input.addEventListener("input", function () {{ show(Number(input.value)); }});
  document.getElementById("{name}-previous").addEventListener(
    "click", function () {{ show(Number(input.value) - 1); }});
  document.getElementById("{name}-next").addEventListener(
    "click", function () {{ show(Number(input.value) + 1); }});
}})();
</script>
"""
