# make run   - set up a virtual environment and start the bot (web widget + API on :8000)
# make test  - set up, install Chromium if missing, lint, check the knowledge base, run the tests
# make bench - print the benchmarks' figures

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: setup run chat test bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[web,slack,test]'
	$(BIN)/python -m compileall -q bot adapters > /dev/null  # faster start where bytecode is not written
	touch $@

run: setup
	$(BIN)/faqbot serve

chat: setup
	$(BIN)/faqbot chat

test: setup
	bash scripts/install-chromium.sh
	$(BIN)/ruff check .
	$(BIN)/faqbot check
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python tests/benchmarks/bench_core.py
	$(BIN)/python tests/benchmarks/bench_stackfaq.py
	$(BIN)/python tests/benchmarks/bench_web.py
	$(BIN)/python tests/benchmarks/bench_slack.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
