# Grading at course scale: local lanes, a Dask cluster of separate processes, PostgreSQL
# (a throwaway server from Debian's postgresql package), and runs hit by faults. Two tests
# at a time: each worker has its own PostgreSQL server, grading secret and reference run.
.PHONY: test-scale

test-scale: $(STAMP)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "PostgreSQL's server is missing: apt-get install postgresql"; exit 1; }
	$(PYTEST) -n 2 tests/scale

test: test-scale
