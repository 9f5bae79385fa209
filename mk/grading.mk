# Grading integrity: the adversarial catalogue and the grade of record on its own.
.PHONY: test-grading record

test-grading: $(STAMP)
	$(PYTEST) -n 2 --dist loadfile --doctest-modules tests/grading exercises/grading exercises/nbgrader_plugins exercises/tools

test: test-grading

# make record ASSIGNMENT=ps1_sigmoid_bce [STUDENTS="alice bob"]: recompute the grades of record.
record: $(STAMP)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make record ASSIGNMENT=<name> [STUDENTS=...]"; exit 2; }
	cd exercises && $(CURDIR)/$(PY) -m grading.record $(ASSIGNMENT) $(STUDENTS)

# make bench-grading [N=2] [LANES=n | DASK=1] [QUEUE_MINUTES=m]: N generated submissions per
# assignment (reference and mistaken) autograded in one batch, on LANES local lanes or on a
# Dask scheduler and two workers started separately (DASK=1); prints the median and 95th
# percentile per submission and per stage, submissions per minute and the coordinator's peak
# memory (QUEUE_MINUTES=m: that memory with every submission queued, sampled for m minutes).
.PHONY: bench-grading
bench-grading: $(STAMP)
	cd exercises && $(CURDIR)/$(PY) -m tools.bench_grading --n $(or $(N),2) \
		$(if $(LANES),--lanes $(LANES)) $(if $(DASK),--dask) \
		$(if $(QUEUE_MINUTES),--queue-only $(QUEUE_MINUTES))
