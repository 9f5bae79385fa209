"""Instructor tools of the course: notebook generation, grading workflow, feedback."""
