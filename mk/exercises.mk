# Graded exercises (nbgrader course in exercises/; see exercises/README.md).
# ASSIGNMENT=<name> limits a step to one assignment; make autograde also takes
# STUDENT="<id> ..." and FORCE=1 (regrade unchanged submissions, e.g. after changing a check),
# LANES=<n> (local grading lanes; default one per core) and, from the environment,
# GRADING_SCHEDULER=tcp://host:8786 (a Dask cluster's workers grade; exercises/README.md).
.PHONY: assignments release-notebooks release collect zip-collect autograde feedback grades

EXERCISE_ARGS = $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT))
AUTOGRADE_ARGS = $(if $(STUDENT),--student $(STUDENT)) $(if $(FORCE),--force) \
	$(if $(LANES),--lanes $(LANES))

# Release versions of the notebooks, and a check that sources pass and releases fail.
assignments: $(STAMP)
	cd exercises && $(CURDIR)/$(PY) -m tools.assignments $(ASSIGNMENT)

# Release versions only (no test runs), for the book's download links.
release-notebooks: $(STAMP)
	cd exercises && $(CURDIR)/$(PY) -m tools.assignments --no-check

release: release-notebooks
	cd exercises && $(CURDIR)/$(PY) -m tools.workflow release $(EXERCISE_ARGS)

collect: $(STAMP)
	cd exercises && $(CURDIR)/$(PY) -m tools.workflow collect $(EXERCISE_ARGS)

zip-collect: $(STAMP)
	cd exercises && $(CURDIR)/$(PY) -m tools.workflow zip-collect $(EXERCISE_ARGS)

autograde: $(STAMP)
	cd exercises && $(CURDIR)/$(PY) -m tools.autograde $(EXERCISE_ARGS) $(AUTOGRADE_ARGS)

feedback: $(STAMP)
	cd exercises && $(CURDIR)/$(PY) -m tools.workflow feedback $(EXERCISE_ARGS)

grades: $(STAMP)
	cd exercises && $(CURDIR)/$(PY) -m tools.workflow grades
