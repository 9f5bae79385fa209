# Grading integrity: the adversarial catalogue and the grade of record on its own.
.PHONY: test-grading record

test-grading: $(STAMP)
	$(PYTEST) -n 2 --dist loadfile --doctest-modules tests/grading exercises/grading exercises/nbgrader_plugins exercises/tools

test: test-grading

# make record ASSIGNMENT=ps1_sigmoid_bce [STUDENTS="alice bob"]: recompute the grades of record.
record: $(STAMP)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make record ASSIGNMENT=<name> [STUDENTS=...]"; exit 2; }
	cd exercises && $(CURDIR)/$(PY) -m grading.record $(ASSIGNMENT) $(STUDENTS)

# make bench-grading [N=2]: N generated submissions per assignment (reference and mistaken),
# autograded one by one; prints the median and 95th percentile per submission and per stage.
.PHONY: bench-grading
bench-grading: $(STAMP)
	cd exercises && $(CURDIR)/$(PY) -m tools.bench_grading --n $(or $(N),2)
