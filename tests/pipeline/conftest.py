"""Fixtures for the pipeline tests: the dbt manifest Cosmos renders from (built once, `dbt parse`)."""

from __future__ import annotations

import pytest

from ingestion.pipeline.dbt_steps import prepare_dbt


@pytest.fixture(scope="session")
def dbt_manifest():
    return prepare_dbt()
