# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test setup install bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Migrate the embedded database (var/pingxuan.db unless DATABASE_URL says otherwise) and deploy processes/.
setup: install
	$(BIN)/pingxuan db upgrade
	$(BIN)/pingxuan deploy processes
	$(BIN)/pingxuan user demo

run: setup
	$(BIN)/pingxuan demo
	$(BIN)/pingxuan serve --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/bench_runtime.py

clean:
	rm -rf $(VENV) var *.egg-info
