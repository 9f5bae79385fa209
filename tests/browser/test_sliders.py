"""The two interactive figures move in the static book: no kernel, no network.

For each slider (chapter 9's threshold, chapter 5's lambda) the test opens the
built page in headless Chromium with every remote request blocked, moves the
range input as a reader would (keyboard) and clicks the step buttons, and
checks after each move that the displayed frame's image data changed, that the
shown value follows, and that moving back restores the first image. Screenshots
of the figure before and after go to ``test-artifacts/screenshots/``.
"""

import re

import pytest
from book_site import require_built_book

pytestmark = pytest.mark.browser

REMOTE_URL = re.compile(r"^(https?|wss?)://(?!(127\.0\.0\.1|localhost)(:\d+)?/)", re.IGNORECASE)

SLIDERS = [
    # page, slider name, value shown first, number of positions
    ("book/09_threshold_tuning.html", "threshold-slider", "0.50", 9),
    ("book/05_mle_map.html", "lambda-slider", "0.001", 9),
]

STATE = """
name => ({
  src: document.getElementById(name + "-frame").src,
  value: document.getElementById(name + "-value").textContent.trim(),
  position: Number(document.getElementById(name + "-input").value),
  max: Number(document.getElementById(name + "-input").max),
  loaded: document.getElementById(name + "-frame").complete
    && document.getElementById(name + "-frame").naturalWidth > 0,
})
"""


@pytest.mark.parametrize(("page_path", "name", "first_value", "positions"), SLIDERS)
def test_slider_changes_the_figure(
    page_path, name, first_value, positions, http_root, browser_context, screenshot_dir
):
    require_built_book()
    page = browser_context.new_page()
    remote, errors = [], []
    page.route(REMOTE_URL, lambda route: (remote.append(route.request.url), route.abort()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(http_root + page_path, wait_until="load")
        figure = page.locator(f"#{name}")
        assert figure.count() == 1, f"{page_path} has no slider #{name}"
        figure.scroll_into_view_if_needed()
        start = page.evaluate(STATE, name)
        assert start["loaded"], "the first frame did not load"
        assert start["value"] == first_value
        assert start["max"] == positions - 1
        figure.screenshot(path=str(screenshot_dir / f"{name}-start.png"))

        # keyboard: one step right moves to the next frame
        page.locator(f"#{name}-input").focus()
        page.keyboard.press("ArrowRight" if start["position"] < positions - 1 else "ArrowLeft")
        moved = page.evaluate(STATE, name)
        assert moved["position"] != start["position"]
        assert moved["src"] != start["src"], "moving the slider did not change the image"
        assert moved["value"] != start["value"]
        assert moved["loaded"]
        figure.screenshot(path=str(screenshot_dir / f"{name}-moved.png"))

        # every position shows its own image
        seen = set()
        for position in range(positions):
            page.locator(f"#{name}-input").fill(str(position))
            state = page.evaluate(STATE, name)
            assert state["position"] == position
            seen.add(state["src"])
        assert len(seen) == positions, "two positions of the slider show the same image"

        # the step buttons move one position each way, and stop at the ends
        page.locator(f"#{name}-previous").click()
        assert page.evaluate(STATE, name)["position"] == positions - 2
        page.locator(f"#{name}-next").click()
        page.locator(f"#{name}-next").click()
        assert page.evaluate(STATE, name)["position"] == positions - 1

        # back to the start: the first image again
        page.locator(f"#{name}-input").fill(str(start["position"]))
        assert page.evaluate(STATE, name)["src"] == start["src"]
    finally:
        page.close()
    assert not remote, f"requests to remote hosts: {remote}"
    assert not errors, f"script errors: {errors}"
