# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test setup install system-packages lint bench clean web web-test

# The browser app (web/): `npm ci` only when the lockfile changed, the build only when a source did.
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json web/package.json
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages the tests and exports use, installed when missing: Chromium and a Chinese font for
# the browser tests (never `playwright install`), LibreOffice Writer for PDF export with a CJK font it
# falls back to for 仿宋/黑体, and poppler (pdftotext, pdftoppm) to check the PDFs.
DEB_PACKAGES := chromium fonts-wqy-microhei libreoffice-writer fonts-wqy-zenhei poppler-utils

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

web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run build

web: web/dist/index.html

web-test: web/node_modules/.installed
	cd web && npm test

system-packages:
	@if [ ! -x /usr/bin/chromium ] || ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! command -v pdftoppm >/dev/null || ! fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" \
	    || ! fc-list 2>/dev/null | grep -qi "WenQuanYi Zen Hei"; then \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $(DEB_PACKAGES); \
	fi

run: setup web
	$(BIN)/pingxuan demo
	$(BIN)/pingxuan serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: setup lint web system-packages web-test
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/bench_runtime.py

clean:
	rm -rf $(VENV) var *.egg-info web/node_modules web/dist
