"""Names the package, the dbt project and the DAGs share, defined once. No imports: the DAG files import
this at parse time (and `ingestion/` never imports Airflow at module level)."""

MARTS = "marts"  # the schema BI reads
BUILD_SCHEMA_PREFIX = "marts__build"  # each build's marts go to marts__build_<build id>, then swap in
PREVIOUS_SCHEMA = "marts__previous"  # the previous publish, kept for a manual rollback
REPORTER_ROLE = "reporter"  # the BI role: reads `marts` only

NIGHTLY_DAG_ID = "nightly_case_extract"
WAREHOUSE_CONN_ID = "cscw_warehouse"  # the Airflow connection to the warehouse
DEFAULT_NIGHTLY_CRON = "0 2 * * *"
DEFAULT_NIGHTLY_TIMEZONE = "Europe/London"
