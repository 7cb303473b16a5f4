# The two commands of the README's quick start, and the checks CI runs.
EXAMPLE ?= examples/how-vaccines-work.srt

.PHONY: demo test check lint setup setup-test

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

# Set up and summarize the example talk with the built-in summarizer (no model, no network).
demo: setup
	.venv/bin/distill summarize $(EXAMPLE)
	@echo "Saved in the library in $$(.venv/bin/python -c 'from distill.settings import get_settings; print(get_settings().home)'). Next, offline: .venv/bin/distill serve, then open http://127.0.0.1:8000 (README: Quick start)."

# Set up everything the tests need, lint and type-check, and run the whole suite.
test: setup-test lint
	.venv/bin/python -m pytest

check: setup-test lint

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
