#!/usr/bin/env bash
# Run the project's DAGs in a local `airflow standalone` (UI on http://localhost:8080): SQLite metadata
# and logs under CSCW_HOME/airflow, DAGs from ./dags, the warehouse connection from CSCW_DATABASE_URL or
# the embedded Postgres. See docs/operations.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
$BIN/cscw nightly --prepare          # the dbt manifest for Cosmos (no database needed)
exec $BIN/python -m ingestion.airflow_env standalone
