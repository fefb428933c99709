"""The nightly pipeline's steps, with no Airflow imports: sense (landing), load (loading), check
freshness and build (dbt_steps), publish (publishing), record (records), and the whole night without
Airflow (nightly, `cscw nightly`). The Airflow DAG (dags/nightly_case_extract.py) calls the same step
functions from its tasks, so both run the same code.

A run is keyed on its extract date (the night's local date), never on Airflow's data interval.
For each authority the load step also loads any missed nights between its newest loaded extract and
the run's date, oldest first, so a backfill is in date order; the loader is idempotent, so re-running
a night changes nothing. Each build pins the loaded batches it reads and builds its marts into a schema
of its own under the warehouse build lock (ingestion.builds); ingestion.publish swaps them into `marts`
only after every model and test passed.
"""
