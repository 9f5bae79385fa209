"""Sphinx extension: launch buttons (Binder, Colab) only for a real repository.

The launch links of sphinx-book-theme are built from ``repository.url`` in
``_config.yml``. That one setting decides:

- empty (the default): the chapters have no launch menu, only the ``.ipynb``
  download; no page links to Binder or Colab;
- ``https://github.com/<owner>/<name>`` (or ``https://gitlab.com/...``): the
  launch menu opens that repository's chapters on Binder and Colab;
- anything else (another host, a path that is not ``<owner>/<name>``, or a
  placeholder such as ``your-organisation``): the build stops with a message,
  so a build never shows a link to a repository that does not exist.

Examples
--------
>>> repository_problem("")
>>> repository_problem("https://github.com/course-authors/logistic-regression")
>>> repository_problem("https://github.com/your-organisation/logistic-regression-course")
"'your-organisation' in https://github.com/your-organisation/... looks like a placeholder"
>>> repository_problem("https://example.org/course")
'https://example.org/course is not https://github.com/<owner>/<name> or https://gitlab.com/<owner>/<name>'
"""

import re

from sphinx.errors import ConfigError

LAUNCH_KEYS = (
    "binderhub_url",
    "jupyterhub_url",
    "colab_url",
    "deepnote_url",
    "thebe",
)
REPOSITORY = re.compile(
    r"https://(github\.com|gitlab\.com)/(?P<owner>[A-Za-z0-9_.-]+)/(?P<name>[A-Za-z0-9_.-]+?)(\.git)?/?"
)
# Words that mark an address copied from a template rather than a real one.
PLACEHOLDER = re.compile(
    r"your[-_]?.*|(example|owner|user|username|org|organi[sz]ation|name|repo|changeme|placeholder)"
)


def repository_problem(url):
    """Why ``url`` cannot be the course repository, or None if it can (or is empty)."""
    if not url:
        return None
    match = REPOSITORY.fullmatch(url)
    if not match:
        return f"{url} is not https://github.com/<owner>/<name> or https://gitlab.com/<owner>/<name>"
    for part in ("owner", "name"):
        if PLACEHOLDER.fullmatch(match.group(part).lower()):
            shown = (
                url if part == "name" else url[: match.end("owner")] + "/..."
            )
            return f"'{match.group(part)}' in {shown} looks like a placeholder"
    return None


def keep_launch_buttons_for_real_repository(app, config):
    options = config.html_theme_options
    url = (options.get("repository_url") or "").strip()
    problem = repository_problem(url)
    if problem:
        raise ConfigError(
            f"repository.url in _config.yml: {problem}. Set it to the course's public "
            "repository, or leave it empty for a book without launch buttons."
        )
    if not url:
        launch = dict(options.get("launch_buttons") or {})
        for key in LAUNCH_KEYS:
            launch.pop(key, None)
        options["launch_buttons"] = launch
        for button in (
            "use_repository_button",
            "use_issues_button",
            "use_edit_page_button",
        ):
            options[button] = False


def setup(app):
    # After jupyter-book has written html_theme_options, before the theme reads them.
    app.connect(
        "config-inited", keep_launch_buttons_for_real_repository, priority=900
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
