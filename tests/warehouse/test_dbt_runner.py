"""The committed dbt profile and the connection variables run_dbt fills it from."""

from __future__ import annotations

import yaml

from ingestion.dbt_runner import CONNECTION_ENV, PROFILES_DIR, connection_environment


def test_connection_variables_come_from_the_url():
    env = connection_environment("postgresql://someone:s3cr%40t@db.example:6543/wh")
    assert env == {
        "CSCW_DBT_HOST": "db.example",
        "CSCW_DBT_PORT": "6543",
        "CSCW_DBT_USER": "someone",
        "CSCW_DBT_PASSWORD": "s3cr@t",
        "CSCW_DBT_DBNAME": "wh",
    }


def test_the_committed_profile_reads_every_connection_variable_and_holds_no_secret():
    text = (PROFILES_DIR / "profiles.yml").read_text()
    out = yaml.safe_load(text)["cscw"]["outputs"]["warehouse"]
    assert yaml.safe_load(text)["cscw"]["target"] == "warehouse"
    for part, env in CONNECTION_ENV.items():
        assert f"env_var('{env}'" in str(out[part]), part
    assert "env_var('CSCW_DBT_PASSWORD', '')" in out["password"], "the password has no default but empty"
