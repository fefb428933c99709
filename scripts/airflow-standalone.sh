#!/usr/bin/env bash
# Run the project's DAGs in a local `airflow standalone` (UI on http://127.0.0.1:8080, or
# CSCW_AIRFLOW_PORT): SQLite metadata and logs under CSCW_HOME/airflow, DAGs from ./dags (they start
# paused: unpause them in the UI), the warehouse connection from CSCW_DATABASE_URL or the embedded
# Postgres. Sized for a small machine (CSCW_AIRFLOW_PARALLELISM task processes, default 2).
# Ctrl-C or `kill <pid of this script>` stops every Airflow process it started. See docs/operations.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
$BIN/cscw nightly --prepare          # the dbt manifest for Cosmos (no database needed)

# Airflow's components (scheduler, its task processes, API server, DAG processor, triggerer) run in a
# process group of their own, so stopping takes all of them, not only `airflow standalone` itself.
setsid "$BIN/python" -m ingestion.airflow_env standalone &
group=$!

stop() {
    trap - INT TERM EXIT
    kill -TERM -- "-$group" 2>/dev/null || return 0
    for _ in $(seq 30); do
        kill -0 -- "-$group" 2>/dev/null || return 0
        sleep 1
    done
    echo "airflow-standalone: still running after 30 s, killing" >&2
    kill -KILL -- "-$group" 2>/dev/null || true
}
trap stop INT TERM EXIT
wait "$group" || true
