# The two commands: `make demo` (the nightly job end to end on the embedded database) and
# `make test` (the whole suite). Both create .venv from the pinned requirements when needed, with a
# supported Python (3.11, 3.12 or 3.13) that scripts/find-python finds; `make PYTHON=/path/python3.12`
# chooses one.
PYTHON ?=
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := False

.PHONY: demo test lint sqllint pytest venv clean benchmarks mutation bank-holidays

venv: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || { python=$$(scripts/find-python "$(PYTHON)") && $$python -m venv $(VENV); }
	@echo "installing the pinned dependencies into $(VENV) (about 2 minutes the first time)..."
	@$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt -c constraints.txt
	@$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)
	@echo "$(VENV) is ready ($$($(BIN)/python --version))"

demo: $(STAMP)
	$(BIN)/cscw demo

test: lint sqllint pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

sqllint: $(STAMP)
	$(BIN)/sqlfluff lint dbt_project --dialect postgres

pytest: $(STAMP)
	$(BIN)/pytest

# the committed bank-holiday seed, regenerated from the pinned `holidays` package
bank-holidays: $(STAMP)
	$(BIN)/python -m ingestion.bank_holidays

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/load_benchmark.py

# the KPI suite against mutants of the KPI SQL and date macros (slow: one dbt build per mutant)
mutation: $(STAMP)
	$(BIN)/python benchmarks/kpi_mutation.py $(MUTATION_ARGS)

clean:
	rm -rf $(VENV) .cscw dbt_project/target dbt_project/logs
