# Graded exercises (nbgrader course in exercises/; see exercises/README.md).
# ASSIGNMENT=<name> limits a step to one assignment; make autograde also takes
# STUDENT="<id> ..." and FORCE=1 (regrade unchanged submissions, e.g. after changing a check).
.PHONY: assignments release-notebooks release collect zip-collect autograde feedback grades

EXERCISE_ARGS = $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT))
AUTOGRADE_ARGS = $(if $(STUDENT),--student $(STUDENT)) $(if $(FORCE),--force)

# Release versions of the notebooks, and a check that sources pass and releases fail.
assignments: $(STAMP)
	$(PY) exercises/tools/assignments.py $(ASSIGNMENT)

# Release versions only (no test runs), for the book's download links.
release-notebooks: $(STAMP)
	$(PY) exercises/tools/assignments.py --no-check

release: release-notebooks
	$(PY) exercises/tools/workflow.py release $(EXERCISE_ARGS)

collect: $(STAMP)
	$(PY) exercises/tools/workflow.py collect $(EXERCISE_ARGS)

zip-collect: $(STAMP)
	$(PY) exercises/tools/workflow.py zip-collect $(EXERCISE_ARGS)

autograde: $(STAMP)
	$(PY) exercises/tools/autograde.py $(EXERCISE_ARGS) $(AUTOGRADE_ARGS)

feedback: $(STAMP)
	$(PY) exercises/tools/workflow.py feedback $(EXERCISE_ARGS)

grades: $(STAMP)
	$(PY) exercises/tools/workflow.py grades
