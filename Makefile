# The two commands that do all the set-up on a fresh machine:
#   make example   install, then build every pack from the example inputs/
#   make test      install, then run the test suite (what CI runs)
PERIOD ?= 2020-03

.PHONY: setup example validate test lint bench

setup:
	bash scripts/setup.sh

example: setup
	reportgen validate --period $(PERIOD)
	reportgen build --period $(PERIOD)

validate:
	reportgen validate --period $(PERIOD)

test: setup
	python3 -I -m pytest -p no:cacheprovider

lint:
	ruff check . && ruff format --check . && mypy

bench: setup
	python3 bench/run.py
