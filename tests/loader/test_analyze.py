"""Planner statistics for raw: analyze_raw analyzes exactly the tables loaded since their last analyze."""

from __future__ import annotations

import psycopg2

from ingestion.loader.schema import analyze_raw
from tests.loader.extract import write_extract


def test_analyze_raw_covers_new_loads_once(db_url, landing, load, query):
    conn = psycopg2.connect(db_url)
    try:
        assert analyze_raw(conn) == []  # nothing loaded yet: no raw schema, nothing to do
        write_extract(landing, extract_date="2019-04-01", n=20)
        assert load(landing)[0].status == "loaded"
        analyzed = analyze_raw(conn)
        assert "ssd_person" in analyzed and "ssd_cla_episodes" in analyzed
        # the statistics are there: raw.ssd_person's inherited statistics (over its snapshot tables)
        stats = "select count(*) from pg_stats where schemaname = 'raw' and tablename = %s and inherited"
        assert query(stats, ("ssd_person",))[0][0] > 0
        assert analyze_raw(conn) == []  # nothing loaded since
        write_extract(landing, extract_date="2019-04-02", n=20)
        load(landing)
        assert "ssd_person" in analyze_raw(conn)
    finally:
        conn.close()
