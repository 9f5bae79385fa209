"""Make the course's ``grading`` package importable, as nbgrader does (course root on the path)."""

import sys

from graded_course import EXERCISES

if str(EXERCISES) not in sys.path:
    sys.path.insert(0, str(EXERCISES))
