"""
### performance_pack

Writes the IRO annual report (the performance pack: figures, tables and charts as HTML and PDF) and the
monthly Corporate Parenting Board scorecard for every
authority in the marts, each for its latest complete financial year, whenever the nightly DAG publishes
the marts (the `cscw_marts` asset), not on a clock. Reports go to `CSCW_REPORT_DIR` (default
`CSCW_HOME/reports`); the newest `CSCW_REPORT_KEEP` (default 7) of each kind are kept.
A failure is announced through the pipeline notifier (`CSCW_NOTIFIER`). See docs/report.md.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from _common.assets import MARTS_ASSET
from _common.callbacks import warehouse_url
from airflow.sdk import dag, task


def notify_failure(context) -> None:
    """Report failures go to the same notifier as the nightly pipeline's (after the last retry)."""
    from ingestion.notify import notify

    ti = context.get("task_instance") or context.get("ti")
    notify(
        f"cscw performance pack failed ({getattr(ti, 'task_id', 'unknown')})",
        f"run {context.get('run_id')}: {context.get('exception')}",
    )


@dag(
    dag_id="performance_pack",
    schedule=[MARTS_ASSET],
    start_date=pendulum.datetime(2024, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["cscw", "reports"],
    default_args={"retries": 1, "retry_delay": timedelta(minutes=5), "on_failure_callback": notify_failure},
)
def performance_pack():
    @task(execution_timeout=timedelta(hours=1))
    def render_reports() -> list[str]:
        """Both packs per authority: the IRO annual report and the monthly Corporate Parenting Board
        scorecard (imported here: matplotlib stays out of DAG parsing). Both are attempted."""
        from ingestion.report import render_for_all
        from ingestion.report.board_pack import render_packs_for_all

        url, paths, errors = warehouse_url(), [], []
        for render in (render_for_all, render_packs_for_all):
            try:
                paths += [str(r.html_path) for r in render(url)]
            except RuntimeError as exc:
                errors.append(str(exc))
        if errors:
            raise RuntimeError("; ".join(errors))
        return paths

    render_reports()


performance_pack()
