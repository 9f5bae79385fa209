# The course on a local JupyterHub (hub/; see exercises/README.md, "Running the course on
# JupyterHub"). make hub needs root: it creates the demo system accounts and starts each
# account's server as that account. Everything it writes is under hub/state/ (HUB_STATE).
.PHONY: hub hub-setup hub-clean hub-release hub-collect hub-autograde hub-feedback test-hub

HUB_LAUNCH = $(PY) hub/launch.py
PROXY_BIN = hub/node_modules/.bin/configurable-http-proxy

# configurable-http-proxy, pinned in hub/package-lock.json, installed under hub/ only.
$(PROXY_BIN): hub/package.json hub/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install npm"; exit 1; }
	npm ci --prefix hub --no-audit --no-fund --loglevel=error
	@touch $@

hub-setup: $(STAMP) $(PROXY_BIN)
	$(HUB_LAUNCH) setup $(if $(ASSIGNMENT),--release $(ASSIGNMENT))

# Accounts, course folder and exchange, then JupyterHub in the foreground (Ctrl-C stops it).
hub: hub-setup
	$(HUB_LAUNCH) run

hub-clean:
	$(HUB_LAUNCH) clean

# The instructor's steps on the hub's course, run as the instructor (ASSIGNMENT=<name>).
hub-release hub-collect hub-feedback: $(STAMP)
	$(HUB_LAUNCH) instructor $(@:hub-%=%) $(ASSIGNMENT)

hub-autograde: $(STAMP)
	$(HUB_LAUNCH) instructor autograde $(ASSIGNMENT)

# The learner's journey in Chromium on a hub of its own (free ports, temporary state),
# then the bad-input and fault tests on the same hub. Needs root, Debian's chromium and acl.
test-hub: $(STAMP) $(PROXY_BIN)
	$(PYTEST) -p no:xdist -p no:cacheprovider tests/hub

test: test-hub
