# The two commands of the README. Both set everything up first (packaging/bootstrap.sh).
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test setup lint stubs bench packages

setup:
	./packaging/bootstrap.sh

demo: setup
	./packaging/run-demo.sh

# The storage tests need a real libvirtd on qemu:///system: run-tests.sh starts it for the run
# and stops it afterwards (root only; it fails with a clear message otherwise, since those tests
# are part of the suite).
test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	VENV=$(VENV) ./packaging/run-tests.sh
	$(MAKE) packages
	./packaging/check-bundle.sh
	./packaging/check-packages.sh

# The console bundle (dist/quantix-console/) and the three .debs (dist/*.deb), each built from
# a venv of its own runtime requirements (never the dev venv): see packaging/.
packages: setup
	./packaging/build-bundle.sh
	./packaging/build-debs.sh

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

stubs: setup
	$(BIN)/python -m proto.generate

bench: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/console_bench.py
