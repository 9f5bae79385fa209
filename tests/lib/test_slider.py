"""Tests of course_lib.slider: precomputed frames and the offline HTML player."""

import base64
import io
import json
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.image import imread

from course_lib.slider import FrameSlider, render_frames


def _draw_line(fig, value):
    ax = fig.subplots()
    ax.plot([0, 1], [0, value])
    ax.set_ylim(-1, 1)


def _pixels(png):
    return imread(io.BytesIO(png), format="png")


def _frames_in_html(markup):
    data = re.search(r"const data = (\{.*?\});\n", markup).group(1)
    return json.loads(data.replace("<\\/", "</"))


@pytest.fixture(scope="module")
def frames():
    return render_frames(_draw_line, [-0.5, 0.0, 0.5], figsize=(2, 1.5), dpi=40)


def test_render_frames_draws_one_png_per_value_at_the_requested_size(frames):
    assert len(frames) == 3
    images = [_pixels(frame) for frame in frames]
    assert all(image.shape[:2] == (60, 80) for image in images)  # (1.5 x 40, 2 x 40) pixels
    # the drawn line differs, so the pixels do
    assert not np.array_equal(images[0], images[2])


def test_render_frames_is_byte_stable_and_closes_its_figures(frames):
    open_before = plt.get_fignums()
    again = render_frames(_draw_line, [-0.5, 0.0, 0.5], figsize=(2, 1.5), dpi=40)
    assert again == frames
    assert plt.get_fignums() == open_before
    assert all(b"Software" not in frame for frame in frames)


def test_render_frames_closes_the_figure_when_drawing_fails():
    open_before = plt.get_fignums()

    def broken(fig, value):
        fig.subplots()
        raise RuntimeError("drawing failed")

    with pytest.raises(RuntimeError, match="drawing failed"):
        render_frames(broken, [1])
    assert plt.get_fignums() == open_before


def test_render_frames_refuses_no_values():
    with pytest.raises(ValueError, match="at least one"):
        render_frames(_draw_line, [])


def test_html_embeds_every_frame_and_label_in_order(frames):
    slider = FrameSlider(frames, ["a", "b", "c"], name="demo", caption="v", alt="line", start=1)
    markup = slider._repr_html_()
    data = _frames_in_html(markup)
    prefix = "data:image/png;base64,"
    decoded = [base64.b64decode(uri.removeprefix(prefix)) for uri in data["frames"]]
    assert decoded == frames
    assert data["labels"] == ["a", "b", "c"]
    # the page starts on frame `start`, with its label, and the input's range covers every frame
    image = re.search(r'<img id="demo-frame" src="([^"]+)"', markup).group(1)
    assert image == data["frames"][1]
    assert 'min="0" max="2" step="1" value="1"' in markup
    assert re.search(r'<output id="demo-value"[^>]*>\s*b</output>', markup)
    for suffix in ("input", "frame", "value", "previous", "next"):
        assert markup.count(f'id="demo-{suffix}"') == 1


def test_html_loads_nothing_from_outside_the_page(frames):
    slider = FrameSlider(frames, ["a", "b", "c"], name="demo", caption="v", alt="line")
    markup = slider._repr_html_()
    sources = re.findall(r'(?:src|href)="([^"]+)"', markup)
    assert sources and all(source.startswith("data:image/png;base64,") for source in sources)
    assert "http" not in markup


def test_text_cannot_break_out_of_the_markup_or_the_script(frames):
    slider = FrameSlider(
        frames, ["</script><b>x", "b", "c"], name="demo", caption='a "b" <c>', alt="<alt>"
    )
    markup = slider._repr_html_()
    assert markup.count("</script>") == 1
    assert 'aria-label="a &quot;b&quot; &lt;c&gt;"' in markup
    assert 'alt="&lt;alt&gt;"' in markup
    assert _frames_in_html(markup)["labels"][0] == "</script><b>x"


def test_png_representation_is_the_starting_frame(frames):
    slider = FrameSlider(frames, ["a", "b", "c"], name="demo", caption="v", alt="line", start=2)
    assert slider._repr_png_() == frames[2]
    assert "3 frames" in repr(slider)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"frames": []}, "at least one frame"),
        ({"labels": ["a", "b"]}, "3 frames but 2 labels"),
        ({"frames": [b"GIF89a"] * 3}, "PNG"),
        ({"name": "Demo"}, "name must be"),
        ({"name": "1demo"}, "name must be"),
        ({"name": "demo slider"}, "name must be"),
        ({"start": 3}, "start must be"),
        ({"start": -1}, "start must be"),
        ({"start": 1.0}, "start must be"),
    ],
)
def test_bad_arguments_are_refused(frames, kwargs, message):
    arguments = {
        "frames": frames,
        "labels": ["a", "b", "c"],
        "name": "demo",
        "caption": "v",
        "alt": "line",
    }
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        FrameSlider(**arguments)
