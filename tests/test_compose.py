"""docker-compose.yml is the production shape. Docker cannot run here, so the file is checked by parsing:
services, volumes, the landing mount, the shared Airflow configuration and that no secret is inlined."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import REPO_DIR

SECRET_NAME = re.compile(r"(PASSWORD|PASS|SECRET|TOKEN|KEY|SQL_ALCHEMY_CONN|DATABASE_URL)$", re.I)
AIRFLOW_SERVICES = ["airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO_DIR / "docker-compose.yml").read_text())


def _environment(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def test_services_are_the_production_shape(compose):
    services = compose["services"]
    for name in ["postgres", "airflow-init", "metabase", *AIRFLOW_SERVICES]:
        assert name in services, name
    for name in AIRFLOW_SERVICES:
        env = _environment(services[name])
        assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
        assert env["AIRFLOW__COSMOS__ENABLE_TELEMETRY"] == "False"
        assert env["AIRFLOW__CORE__DEFAULT_TIMEZONE"] == "Europe/London"
        assert services[name]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
    commands = {name: services[name]["command"][1] for name in AIRFLOW_SERVICES}
    assert commands == {
        "airflow-apiserver": "api-server",
        "airflow-scheduler": "scheduler",
        "airflow-dag-processor": "dag-processor",
        "airflow-triggerer": "triggerer",
    }


def test_landing_folder_and_named_volumes(compose):
    declared = set(compose["volumes"])
    for name, service in compose["services"].items():
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            if not source.startswith("."):
                assert source in declared, f"{name} mounts undeclared volume {source}"
    scheduler_mounts = compose["services"]["airflow-scheduler"]["volumes"]
    assert any(m.startswith("./landing:") for m in scheduler_mounts)


def test_no_secret_is_inlined(compose):
    """Every secret comes from the env file; the compose file holds none."""
    for name, service in compose["services"].items():
        for key, value in _environment(service).items():
            if SECRET_NAME.search(key):
                raise AssertionError(f"{name}: {key} is set inline; put it in the env file")
            assert "password" not in str(value).lower(), f"{name}: {key} looks like a credential"
        assert service.get("env_file") == ".env", f"{name} must take its secrets from the env file"
    example = (REPO_DIR / "deploy" / "env.example").read_text()
    for line in example.splitlines():
        if "=" in line and not line.startswith("#") and SECRET_NAME.search(line.split("=", 1)[0]):
            assert "CHANGE_ME" in line, f"env.example must not carry a real secret: {line}"


def test_referenced_files_exist(compose):
    build = compose["services"]["airflow-scheduler"]["build"]
    assert (REPO_DIR / build["dockerfile"]).is_file()
    for service in compose["services"].values():
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            if source.startswith("./deploy"):
                assert (REPO_DIR / source).exists(), source


def test_celery_override_parses(compose):
    override = yaml.safe_load((REPO_DIR / "deploy" / "docker-compose.celery.yml").read_text())
    assert "airflow-worker" in override["services"]
    assert (
        override["services"]["airflow-worker"]["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    )


def test_the_warehouse_url_is_written_once(compose):
    """The env file holds the warehouse URL; the Airflow connection is derived from it, never repeated."""
    example = (REPO_DIR / "deploy" / "env.example").read_text()
    settings = dict(line.split("=", 1) for line in example.splitlines() if "=" in line and line[0] != "#")
    assert "AIRFLOW_CONN_CSCW_WAREHOUSE" not in settings
    assert sum("@postgres:5432/warehouse" in value for value in settings.values()) == 1
    override = yaml.safe_load((REPO_DIR / "deploy" / "docker-compose.celery.yml").read_text())
    workers = [compose["services"][name] for name in AIRFLOW_SERVICES]
    workers.append(override["services"]["airflow-worker"])
    for service in workers:
        conn = _environment(service)["AIRFLOW_CONN_CSCW_WAREHOUSE"]
        assert conn.startswith("${CSCW_DATABASE_URL:?"), conn
