# Helpline: `make serve` and `make test` do all the set-up.
PORT ?= 8000
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: browser-deps serve test install venv migrate content static messages lint clean bench

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[test]'
	touch $(STAMP)

var/secret_key:
	@mkdir -p var
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	@chmod 600 var/secret_key

install: $(STAMP) var/secret_key

messages: install
	@if command -v msgfmt >/dev/null 2>&1; then $(PY) -m helpline compilemessages --ignore=.venv -v 0; \
	else echo "msgfmt not found: using the compiled catalogs in the repository"; fi

migrate: install
	HELPLINE_HTTPS=0 $(PY) -m helpline migrate --noinput -v 0

content: migrate
	$(PY) -m helpline loadcontent --if-empty
	$(PY) -m helpline loadresources --if-empty

# Compressed, content-hashed static files and their manifest (var/static).
static: install
	$(PY) -m helpline collectstatic --noinput -v 0

# httptools and uvloop (uvicorn[standard]) named, so a missing one fails instead of falling
# back to h11/asyncio (about 0.2 ms more per request). No uvicorn access log: the app logs
# one line per request itself (helpline.request, with the request id).
serve: content static
	@echo "Helpline on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	HELPLINE_HTTPS=0 $(VENV)/bin/uvicorn helpline.asgi:application --host 127.0.0.1 --port $(PORT) \
	  --http httptools --loop uvloop --no-access-log --lifespan off

# ruff with the rule set in pyproject.toml ([tool.ruff.lint]); tools/run-tests runs it first.
lint: install
	$(PY) -m ruff check .

test: install browser-deps
	bash tools/run-tests

# axe-core for the accessibility checks in tests/browser (from the npm registry).
browser-deps:
	@if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then \
	  if command -v npm >/dev/null 2>&1; then (cd tests/browser && npm ci --no-audit --no-fund --silent); \
	  else echo "npm not found: the axe-core checks in tests/browser skip (and fail with CI=true)"; fi; \
	fi

bench: install
	@cat bench/README.md

clean:
	rm -rf var/test_* var/test-logs var/pdf .pytest_cache
