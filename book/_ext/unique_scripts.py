"""Sphinx extension: drop the second copy of an inline script from every page.

Sphinx 7.4 registers an inline script added by an extension (``add_js_file(None,
body=...)``) once under the name ``None`` and, when the HTML builder prepares
its pages, again under ``""``; the two copies do not compare equal, so both are
written. A page then declares sphinx-thebe's ``const THEBE_JS_URL`` twice and
the browser raises a SyntaxError. This keeps the first copy of each script.
"""


def _key(script):
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {})
    return (str(filename), tuple(sorted(attributes.items())))


def keep_first_copy(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    # Late, after the extensions that add page-specific scripts have run.
    app.connect("html-page-context", keep_first_copy, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
