"""nbgrader plug-ins of the course: glue between nbgrader and the grading engine.

They run in nbgrader's process and call :mod:`grading` (the engine); the engine
never imports them. ``kernel`` (the confined kernel), ``preprocessors`` (the
autograde steps that start and save the grade of record, the hidden-test cut),
``export`` (``make grades``), ``lms_collector`` (``make zip-collect``) and
``feedback_filter`` (feedback without hidden tests).
"""
