"""One module per assignment, each defining ``CHECKS``: a list of :class:`FunctionCheck`."""
