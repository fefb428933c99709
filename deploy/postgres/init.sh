#!/usr/bin/env bash
# First start of the production Postgres: separate databases and roles for the warehouse, Airflow's
# metadata and Metabase's application data, plus a login for BI that is a member of `reporter`
# (the role dbt grants read access on the marts schema, and nothing else).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
create role cscw_owner login password '${WAREHOUSE_DB_PASSWORD}';
create role airflow login password '${AIRFLOW_DB_PASSWORD}';
create role metabase login password '${METABASE_DB_PASSWORD}';
create role reporter nologin;
create role bi_reader login password '${REPORTER_LOGIN_PASSWORD}' in role reporter;
create database warehouse owner cscw_owner;
create database airflow owner airflow;
create database metabase owner metabase;
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname warehouse <<SQL
revoke all on database warehouse from public;
grant connect on database warehouse to reporter;
revoke create on schema public from public;
SQL
# The BI login connects to the warehouse only: no CONNECT (or TEMP) through PUBLIC anywhere else.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
revoke all on database postgres from public;
revoke all on database airflow from public;
revoke all on database metabase from public;
revoke connect on database template1 from public;
SQL
