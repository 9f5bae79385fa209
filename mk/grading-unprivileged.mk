# The adversarial catalogue as a grader who is not root (isolation through user
# namespaces, bubblewrap): as root (CI) the tests run as the system user
# $(GRADING_TEST_USER), created if missing, with the repository and .venv in reach
# (tests/grading/unprivileged.py); as anyone else, as they are.
.PHONY: test-grading-unprivileged

GRADING_TEST_USER ?= coursegrader
UNPRIVILEGED_TESTS = tests/grading/test_unprivileged.py tests/grading/test_isolation.py \
	tests/grading/test_attacks_kernel.py

test-grading-unprivileged: $(STAMP)
	@command -v bwrap >/dev/null || { echo "bubblewrap is missing: apt-get install bubblewrap"; exit 1; }
	$(PY) tests/grading/unprivileged.py $(GRADING_TEST_USER) -- \
		$(abspath $(PY)) -m pytest -p no:cacheprovider -n 2 --dist loadfile $(UNPRIVILEGED_TESTS)

test: test-grading-unprivileged
