"""Assets the warehouse DAGs produce. Downstream DAGs (the report, exports) schedule on these:
`schedule=[MARTS_ASSET]` runs them when a night's marts have been published, not on a clock."""

from __future__ import annotations

from airflow.sdk import Asset

# A free-form scheme: the asset names the published schema, not a host that differs per deployment.
MARTS_ASSET = Asset(name="cscw_marts", uri="x-cscw://warehouse/marts")
