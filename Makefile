# The two commands that do all the set-up on a fresh machine:
#   make example   install, then build every pack from the example inputs/
#   make test      install, then run the test suite (what CI runs)
PERIOD ?= 2020-03
# Everything runs from the project's own virtual environment (scripts/setup.sh
# makes it), never the system Python: Debian and Ubuntu refuse pip there.
VENV := .venv/bin

.PHONY: setup example validate test lint bench

setup:
	bash scripts/setup.sh

example: setup
	$(VENV)/reportgen validate --period $(PERIOD)
	$(VENV)/reportgen build --period $(PERIOD)

validate:
	$(VENV)/reportgen validate --period $(PERIOD)

test: setup
	$(VENV)/python -I -m pytest -p no:cacheprovider

lint:
	$(VENV)/ruff check . && $(VENV)/ruff format --check . && $(VENV)/mypy

bench: setup
	$(VENV)/python bench/run.py
