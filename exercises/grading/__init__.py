"""Trusted grading: the checks whose results are the grades of record."""
