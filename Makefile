# The two commands of the README's quick start, and the checks CI runs.
EXAMPLE ?= examples/how-vaccines-work.srt

.PHONY: demo test check setup setup-test

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

# Set up and summarize the example talk with the built-in summarizer (no model, no network).
demo: setup
	.venv/bin/distill summarize $(EXAMPLE)

# Set up everything the tests need and run the whole suite.
test: setup-test
	.venv/bin/python -m pytest

check: setup-test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
