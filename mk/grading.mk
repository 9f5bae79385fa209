# Grading integrity: the adversarial catalogue and the grade of record on its own.
.PHONY: test-grading record

test-grading: $(STAMP)
	$(PYTEST) -n 2 --dist loadfile tests/grading

test: test-grading

# make record ASSIGNMENT=ps1_sigmoid_bce [STUDENTS="alice bob"]: recompute the grades of record.
record: $(STAMP)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make record ASSIGNMENT=<name> [STUDENTS=...]"; exit 2; }
	cd exercises && $(CURDIR)/$(PY) -m grading.record $(ASSIGNMENT) $(STUDENTS)
