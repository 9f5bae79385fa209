r"""Collect submissions downloaded from a learning-management system (``make zip-collect``).

File names under ``exercises/downloaded/<assignment>/archive/`` (or inside zip
archives there) must follow::

    <student_id>_<YYYY-MM-DD-HH-MM-SS>_<notebook>.ipynb
    e.g. jdoe_2025-03-14-09-30-00_ps1_sigmoid_bce.ipynb

with the submission time in UTC. The student id may contain underscores: it
ends at the first ``_<timestamp>_``.

nbgrader's own timestamp parsing (``nbgrader.utils.parse_utc``, through
``dateutil``) reads ``2025-03-14-09-30-00`` as 09:00 at UTC-00:30 style offsets
and drops minutes and seconds (``2024-03-05-14-07-09`` becomes 23:00), and it
reads a numeric offset such as ``+0100`` as 100 *seconds*. This collector
parses the time itself with :func:`datetime.datetime.strptime` and hands
nbgrader a ``datetime``, which nbgrader then uses as it is.
"""

import os
import re
from datetime import datetime

from nbgrader.plugins import FileNameCollectorPlugin
from traitlets import Unicode

__all__ = ["LmsFileNameCollector", "parse_submission_name"]

PATTERN = (
    r"^(?P<student_id>.+?)_(?P<timestamp>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})_(?P<file_id>.+)$"
)
TIME_FORMAT = "%Y-%m-%d-%H-%M-%S"


def parse_submission_name(filename, pattern=PATTERN):
    """Split a downloaded file name into student id, notebook and UTC time.

    Parameters
    ----------
    filename : str
        A path or bare file name.
    pattern : str
        Regular expression with the groups ``student_id``, ``timestamp`` and
        ``file_id``.

    Returns
    -------
    dict or None
        ``{"student_id", "file_id", "timestamp"}`` with ``timestamp`` a naive
        UTC :class:`~datetime.datetime`, or ``None`` if the name does not match.
    """
    match = re.match(pattern, os.path.basename(filename))
    if match is None:
        return None
    info = match.groupdict()
    info["timestamp"] = datetime.strptime(info["timestamp"], TIME_FORMAT)
    return info


class LmsFileNameCollector(FileNameCollectorPlugin):
    """nbgrader collector for ``<student_id>_<YYYY-MM-DD-HH-MM-SS>_<notebook>.ipynb``."""

    named_regexp = Unicode(PATTERN).tag(config=True)

    def collect(self, submitted_file):
        _, ext = os.path.splitext(submitted_file)
        if ext not in self.valid_ext:
            self.log.debug("Invalid file extension %s: %s", ext, submitted_file)
            return None
        info = parse_submission_name(submitted_file, self.named_regexp)
        if info is None:
            self.log.warning("File name does not follow the pattern: %s", submitted_file)
        return info
