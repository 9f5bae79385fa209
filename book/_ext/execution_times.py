"""Sphinx extension: a table of how long each chapter took to execute in this build.

``{execution-times}`` in a page is replaced, once every notebook has been
executed, by a table (chapter, run time, result) with a whole-book total, and a
sentence naming the total and the slowest chapter. The numbers are MyST-NB's
own execution record, the data behind its ``{nb-exec-table}``; this table
leaves out that one's modification dates and emoji status marks, and adds the
total.
"""

from docutils import nodes
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.addnodes import pending_xref
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

METADATA_KEY = "has_execution_times"


class ExecutionTimesNode(nodes.General, nodes.Element):
    """Placeholder, replaced once all notebooks have run."""


class ExecutionTimes(SphinxDirective):
    """The ``execution-times`` directive (no arguments, no content)."""

    def run(self):
        NbMetadataCollector.set_doc_data(self.env, self.env.docname, METADATA_KEY, True)
        return [ExecutionTimesNode()]


def executed_notebooks(metadata):
    """``{docname: execution record}`` for every notebook executed in this build."""
    return {
        docname: data["exec_data"]
        for docname, data in sorted(metadata.items())
        if data.get("exec_data") and data["exec_data"].get("runtime") is not None
    }


def summary_sentence(runs, titles):
    """One sentence: the total run time and the slowest notebook."""
    if not runs:
        return "No notebook was executed in this build."
    total = sum(run["runtime"] for run in runs.values())
    slowest = max(runs, key=lambda docname: runs[docname]["runtime"])
    failed = [docname for docname, run in runs.items() if not run.get("succeeded")]
    sentence = (
        f"In this build, executing all {len(runs)} chapters took {total:.1f} s in total; "
        f"the slowest was “{_title(slowest, titles)}” ({runs[slowest]['runtime']:.1f} s)."
    )
    if failed:
        sentence += " Failed: " + ", ".join(_title(docname, titles) for docname in failed) + "."
    return sentence


def _title(docname, titles):
    return titles[docname].astext() if docname in titles else docname


def _row(*cells):
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += cell if isinstance(cell, nodes.paragraph) else nodes.paragraph(text=cell)
        row += entry
    return row


def _link(from_docname, to_docname, titles):
    reference = pending_xref(
        refdoc=from_docname,
        reftarget="/" + to_docname,
        reftype="doc",
        refdomain="std",
        refexplicit=True,
        refwarn=True,
    )
    reference += nodes.inline(text=_title(to_docname, titles))
    paragraph = nodes.paragraph()
    paragraph += reference
    return paragraph


def execution_table(from_docname, runs, titles):
    """A table with one row per executed notebook and a total row."""
    table = nodes.table(classes=["colwidths-auto", "execution-times"])
    group = nodes.tgroup(cols=3)
    table += group
    for _ in range(3):
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    head += _row("Chapter", "Run time (s)", "Result")
    group += head
    body = nodes.tbody()
    for docname, run in runs.items():
        body += _row(
            _link(from_docname, docname, titles),
            f"{run['runtime']:.1f}",
            "ran" if run.get("succeeded") else "failed",
        )
    passed = sum(bool(run.get("succeeded")) for run in runs.values())
    total = sum(run["runtime"] for run in runs.values())
    body += _row("Whole book", f"{total:.1f}", f"{passed} of {len(runs)} ran")
    group += body
    return table


class ExecutionTimesPostTransform(SphinxPostTransform):
    """Replace each placeholder by the table and the sentence."""

    default_priority = 8  # before references are resolved (10), like MyST-NB's table

    def run(self, **kwargs):
        runs = executed_notebooks(NbMetadataCollector.get_doc_data(self.env))
        for node in list(self.document.findall(ExecutionTimesNode)):
            replacement = [nodes.paragraph(text=summary_sentence(runs, self.env.titles))]
            if runs:
                replacement.insert(0, execution_table(self.env.docname, runs, self.env.titles))
            node.replace_self(replacement)


def refresh_pages_with_times(app, env):
    """Re-write the pages holding the table whenever a notebook was re-executed."""
    if not NbMetadataCollector.new_exec_data(env):
        return None
    return [
        docname
        for docname, data in NbMetadataCollector.get_doc_data(env).items()
        if data.get(METADATA_KEY)
    ]


def setup(app):
    app.add_node(ExecutionTimesNode)
    app.add_directive("execution-times", ExecutionTimes)
    app.add_post_transform(ExecutionTimesPostTransform)
    app.connect("env-updated", refresh_pages_with_times)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
