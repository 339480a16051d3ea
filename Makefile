# Two commands on a fresh machine: `make serve` and `make test`. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAM := .tools/sam/bin/sam
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8000
SERVE_ARGS ?=  # more options for `sharewall serve`, e.g. SERVE_ARGS="--parameter StatsMinimumPeople=1"

.PHONY: install serve test check build bench clean

## install: the virtualenv with Sharewall (editable), Chromium, axe-core and the SAM CLI; a no-op when done
install: $(VENV)/.installed /usr/bin/chromium node_modules/axe-core/axe.min.js $(SAM)

$(VENV)/.installed: pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

/usr/bin/chromium:
	$(SUDO) apt-get update -qq
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

# The SAM CLI pins its own boto3 and friends: it gets a virtualenv of its own.
$(SAM):
	$(PYTHON) -m venv .tools/sam
	.tools/sam/bin/pip install --quiet --upgrade pip
	.tools/sam/bin/pip install --quiet aws-sam-cli==1.170.0

## serve: build the demo wall and serve it with the local API on http://localhost:$(PORT)/
serve: install
	$(BIN)/sharewall serve --port $(PORT) $(SERVE_ARGS)

## test: every test — content rules, functions against moto over HTTP, template lint, browser
test: install
	PATH="$(CURDIR)/.tools/sam/bin:$$PATH" $(BIN)/python -m pytest

## check: validate the content like the pull-request gate does
check: install
	$(BIN)/sharewall check content

## build: the static site into site/
build: install
	$(BIN)/sharewall build

## bench: every benchmark (slow: minutes); bench/synthetic.py is their library, not a benchmark
bench: install
	for script in $(filter-out bench/synthetic.py,$(wildcard bench/*.py)); do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .tools node_modules site .pytest_cache
