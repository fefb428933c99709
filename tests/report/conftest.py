"""Fixtures for the performance pack: a database shaped exactly as the published interface
(marts.kpi_values, raw._batches), filled with figures for a synthetic
authority from the real KPI catalogue and code lists, and Chromium (installed when missing)."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from decimal import Decimal

import psycopg2
import pytest

from ingestion.report import chromium, render_report
from ingestion.report.data import CATALOGUE_CSV, FinancialYear, load_catalogue
from tests.conftest import create_database

LA = "901"
SMALL_LA = "902"  # two KPIs only: cheap to render where a test needs many reports
YEAR = FinancialYear.parse("2018-19")
AS_AT = date(2019, 4, 2)
BREAKDOWN_VALUES = {
    "participation_code": [f"PN{i}" for i in range(8)],
    "challenge_type": ["PR", "MA"],
    "subject": ["CLA", "CP"],
    "category": ["compliance", "practice", "implementation", "resources"],
    "locality": ["North", "Central", "East"],
    "level": [
        "PRACTICE_MANAGER",
        "TEAM_MANAGER",
        "SERVICE_MANAGER",
        "HEAD_OF_SERVICE",
        "DIRECTOR",
        "CAFCASS",
    ],
    "legal_status": ["C1", "C2", "E1", "V2"],
    "placement_type": ["foster", "placed_for_adoption", "placed_with_parents", "residential", "independent"],
    "age_band": ["under 1", "1-4", "5-9", "10-15", "16-17"],
    "caseload_kind": ["CLA", "CP"],
    "age_group": ["19-21", "17-18"],
    "activity_group": ["EET", "NEET", "not_known"],
}
# (FTE, children) of each IRO at the year end: 60 and 70 are within 50-70, 84 above, 40 below.
IRO_CASELOADS = [(Decimal(1), 60), (Decimal("0.5"), 35), (Decimal(1), 84), (Decimal(1), 40)]
# (locality, reviews held, on time) in every month; 'All localities' is their total.
LOCALITY_MONTH = [("North", 10, 9), ("East", 3, 2), ("All localities", 13, 11)]
DDL = """
create schema marts;
create table marts.kpi_values (
    la_code text not null, kpi_code text not null, period_type text not null,
    period_start date not null, period_end date not null, breakdown text not null,
    breakdown_value text not null, numerator numeric, denominator numeric, value numeric, unit text not null,
    -- as macro kpi_round rounds and kpi_values rates (set by rate_headlines below)
    value_rounded numeric
        generated always as (round(value, case when unit = 'count' then 0 else 1 end)) stored,
    rag text,
    primary key (la_code, kpi_code, period_type, period_start, period_end, breakdown, breakdown_value));
-- The publication view as the KPI marts define it (dbt_project/models/marts/kpi/pub_kpi_values.sql,
-- suppression_max = 4), so the report's publication mode reads the same interface here.
create view marts.pub_kpi_values as
with v as (
    select kv.*,
        (kv.numerator > 0 and kv.numerator <= 4
            and kv.unit in ('count', 'percent', 'rate_per_10k', 'average'))
        or (kv.denominator > 0 and kv.denominator <= 4 and kv.unit in ('percent', 'days')) as is_suppressed
    from marts.kpi_values kv)
select la_code, kpi_code, period_type, period_start, period_end, breakdown, breakdown_value,
    case when not is_suppressed then numerator end as numerator,
    case when not is_suppressed then denominator end as denominator,
    case when not is_suppressed then value end as value, unit, is_suppressed,
    case when not is_suppressed then value_rounded end as value_rounded,
    case when not is_suppressed then rag end as rag
from v;
-- The two wide marts the report reads beside kpi_values (the columns it uses).
create table marts.mart_iro_caseloads (la_code text, period_type text, period_start date, period_end date,
    professional_id text, fte numeric, children bigint, caseload_per_fte numeric);
create table marts.mart_cla_review_timeliness (la_code text, month_start date, month_end date, locality text,
    reviews_held bigint, reviews_on_time bigint);
-- The caveat marts (models/marts/kpi/kpi_availability.sql, kpi_data_quality.sql), empty here: every KPI
-- sent, no row left out; tests/report/test_board_pack.py reads them filled by a real build.
create table marts.kpi_availability (la_code text, kpi_code text, is_available boolean, reason text,
    first_extract_date date);
create table marts.kpi_data_quality (la_code text, kpi_code text, source_table text, period_type text,
    period_start date, period_end date, issue text, rows integer);
-- As the nightly publish step leaves it (ingestion/publish.py), here for authority 902 only.
create table marts.data_freshness (la_code text, data_as_at date);
insert into marts.data_freshness values ('902', '2019-05-01');
create schema raw;
create table raw._batches (batch_id bigint primary key, la_code text, extract_date date, status text);
"""


def month_periods(fy: FinancialYear) -> list[tuple[date, date]]:
    out, d = [], fy.start
    while d <= fy.end:
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        out.append((d, nxt - timedelta(days=1)))
        d = nxt
    return out


def figure(rng: random.Random, unit: str, small: bool) -> tuple:
    """(numerator, denominator, value) shaped as the spec says for each unit."""
    if unit == "percent":
        den = rng.randint(2, 4) if small else rng.randint(40, 900)
        num = rng.randint(0, den)
        return Decimal(num), Decimal(den), Decimal(num) * 100 / Decimal(den)
    if unit == "count":
        n = rng.randint(1, 4) if small else rng.randint(5, 400)
        return Decimal(n), None, Decimal(n)
    if unit == "rate_per_10k":
        n, pop = rng.randint(100, 2500), 247700
        return Decimal(n), Decimal(pop), Decimal(n) * 10000 / Decimal(pop)
    if unit == "average":
        fte = Decimal(rng.randint(80, 450)) / 10
        total = rng.randint(800, 3500)
        return Decimal(total), fte, Decimal(total) / fte
    if unit == "days":
        n = rng.randint(5, 300)
        return None, Decimal(n), Decimal(rng.randint(10, 120)) / 2
    raise ValueError(unit)


def synthetic_rows(la: str, years: list[FinancialYear], seed: int = 7) -> list[tuple]:
    """kpi_values rows for every catalogue KPI: each year's headline and catalogue breakdowns (every code,
    some small numbers among them), and the report year's months."""
    rng = random.Random(seed)
    with CATALOGUE_CSV.open(newline="", encoding="utf-8") as f:
        catalogue = list(csv.DictReader(f))
    rows = []
    for kpi in catalogue:
        code, unit = kpi["kpi_code"], kpi["unit"]
        breakdowns = [b for b in (kpi["breakdowns"] or "").split("|") if b]
        for fy in years:
            periods = [("financial_year", fy.start, fy.end)]
            if fy == years[-1] and kpi["period_types"] == "both":
                periods += [("month", s, e) for s, e in month_periods(fy)]
            for ptype, start, end in periods:
                rows.append((la, code, ptype, start, end, "all", "all", *figure(rng, unit, False), unit))
                for b in breakdowns if ptype == "financial_year" or code == "IRO_CHALLENGES_RAISED" else []:
                    if ptype == "month" and b != "challenge_type":
                        continue
                    for v in BREAKDOWN_VALUES[b]:
                        bunit = "count" if b == "participation_code" else unit
                        n, d, val = figure(rng, bunit, small=rng.random() < 0.25)
                        if b == "participation_code":
                            d = None  # spec: the count per code, denominator null
                        rows.append((la, code, ptype, start, end, b, v, n, d, val, bunit))
    return rows


RATE_HEADLINE = """
update marts.kpi_values set rag = case
    when %(direction)s = 'higher' and value >= %(target)s then 'green'
    when %(direction)s = 'higher' and value >= %(target)s - %(band)s then 'amber'
    when %(direction)s = 'lower' and value <= %(target)s then 'green'
    when %(direction)s = 'lower' and value <= %(target)s + %(band)s then 'amber'
    else 'red' end
where kpi_code = %(code)s and breakdown = 'all' and value is not null
"""


def rate_headlines(cur) -> None:
    """kpi_values.rag as the KPI marts set it from the catalogue (models/marts/kpi/kpi_values.sql)."""
    for info in load_catalogue().values():
        if info.target is not None and info.direction in ("higher", "lower"):
            cur.execute(
                RATE_HEADLINE,
                {
                    "direction": info.direction,
                    "target": info.target,
                    "band": info.amber_band or 0,
                    "code": info.code,
                },
            )


@pytest.fixture(scope="session")
def spec_marts_url(pg_server) -> str:
    """A database with marts.kpi_values for authority 901 (every catalogue KPI, five years to 2018-19),
    a small authority 902, and raw._batches."""
    url = create_database(pg_server, "rpt")
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute(DDL)
        rows = synthetic_rows(LA, [YEAR.shifted(-i) for i in range(4, -1, -1)])
        small = [r for r in synthetic_rows(SMALL_LA, [YEAR]) if r[1] in ("CLA_AT_END", "CLA_REVIEWS_TIMELY")]
        insert = "insert into marts.kpi_values values (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
        cur.executemany(insert, rows + [r for r in small if r[2] == "financial_year"])
        rate_headlines(cur)
        cur.executemany(
            "insert into marts.mart_iro_caseloads values (%s, 'financial_year', %s, %s, %s, %s, %s, %s)",
            [
                (LA, YEAR.start, YEAR.end, f"P{i}", fte, n, Decimal(n) / fte)
                for i, (fte, n) in enumerate(IRO_CASELOADS)
            ],
        )
        cur.executemany(
            "insert into marts.mart_cla_review_timeliness values (%s, %s, %s, %s, %s, %s)",
            [
                (LA, s, e, loc, held, on_time)
                for s, e in month_periods(YEAR)
                for loc, held, on_time in LOCALITY_MONTH
            ]
            + [(LA, YEAR.start, date(2018, 4, 30), "West", 2, 1)],  # a locality with two reviews in the year
        )
        cur.execute(
            "insert into raw._batches values (1, %s, %s, 'loaded'), (2, %s, %s, 'rejected')",
            (LA, AS_AT, LA, AS_AT + timedelta(days=1)),
        )
    conn.close()
    return url


@pytest.fixture(scope="session")
def full_report(spec_marts_url, tmp_path_factory):
    """Authority 901's 2018-19 report (HTML only), rendered once for every module that reads it."""
    result = render_report(spec_marts_url, LA, "2018-19", tmp_path_factory.mktemp("reports"), pdf=False)
    return result, result.html_path.read_text(encoding="utf-8")


def small_authorities_url(pg_server, las: list[str]) -> str:
    """A fresh database shaped like spec_marts_url holding only two KPIs for each of `las`."""
    url = create_database(pg_server, "rpts")
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute(DDL)
        for la in las:
            rows = [r for r in synthetic_rows(la, [YEAR]) if r[1] in ("CLA_AT_END", "CLA_REVIEWS_TIMELY")]
            cur.executemany(
                "insert into marts.kpi_values values (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                [r for r in rows if r[2] == "financial_year"],
            )
        rate_headlines(cur)
    conn.close()
    return url


@pytest.fixture(scope="session")
def chromium_exe() -> str:
    """Chromium for the PDF and screenshot tests: Debian's package, installed when missing."""
    try:
        return chromium.install_chromium()
    except Exception as exc:  # no root or no mirror: say so rather than pass silently
        pytest.fail(f"Chromium is missing and could not be installed: {exc}")
