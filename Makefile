# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test setup install system-packages bench clean

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

# Debian packages for PDF export and the document tests: LibreOffice Writer (headless conversion),
# a CJK font it falls back to for 仿宋/黑体, poppler (pdftotext, pdftoppm). Installed when missing.
DEB_PACKAGES := libreoffice-writer fonts-wqy-zenhei poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

system-packages:
	@if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null \
	    || ! (fc-list 2>/dev/null | grep -qi wenquanyi); then \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $(DEB_PACKAGES); \
	fi

test: setup system-packages
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/bench_runtime.py

clean:
	rm -rf $(VENV) var *.egg-info
