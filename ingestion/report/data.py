"""Reading the report's figures: `marts.kpi_values` (the published interface,
docs/kpis.md), the KPI catalogue, comparators and the "data as at" date.
Nothing here computes a KPI: every number the report prints is a row of kpi_values."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO_DIR / "dbt_project" / "seeds"
KPI_COLUMNS = (
    "la_code, kpi_code, period_type, period_start, period_end, breakdown, breakdown_value, "
    "numerator, denominator, value, unit"
)


@dataclass(frozen=True)
class FinancialYear:
    start: date

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """'2018-19', '2018/19' or '2018' (the year it starts) -> 1 April 2018 to 31 March 2019."""
        m = re.fullmatch(r"\s*(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?\s*", str(text))
        if not m:
            raise ValueError(f"not a financial year: {text!r} (expected e.g. 2018-19)")
        first = int(m.group(1))
        if m.group(2) and int(m.group(2)) % 100 != (first + 1) % 100:
            raise ValueError(f"not a financial year: {text!r} (the second year must follow the first)")
        return cls(date(first, 4, 1))

    @property
    def end(self) -> date:
        return date(self.start.year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start.year}-{(self.start.year + 1) % 100:02d}"

    def shifted(self, years: int) -> FinancialYear:
        return FinancialYear(date(self.start.year + years, 4, 1))


@dataclass(frozen=True)
class KpiValue:
    """One row of marts.kpi_values."""

    la_code: str
    kpi_code: str
    period_type: str
    period_start: date
    period_end: date
    breakdown: str
    breakdown_value: str
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    unit: str
    suppressed: bool = False
    # as the marts round and rate them (kpi_round, RAG from the catalogue): the report prints these and
    # never rounds or rates a figure itself, so the pack and BI cannot disagree
    value_rounded: Decimal | None = None
    rag: str | None = None


@dataclass
class KpiInfo:
    """One row of the KPI catalogue (dbt_project/seeds/kpi/kpi_catalogue.csv), the columns the report uses."""

    code: str
    name: str
    unit: str = ""
    definition: str = ""  # the plain-English definition: what every report shows for the KPI
    rule: str = ""  # the exact counting rule (the catalogue's description), for analysts
    direction: str = ""  # 'higher' or 'lower' is better; 'neutral' or '' = a context measure, no RAG
    target: Decimal | None = None
    amber_band: Decimal | None = None  # how far on the wrong side of the target still counts as amber
    section: str = ""
    target_source: str = ""
    reference: str = ""
    tables: tuple[str, ...] = ()  # every table it reads (required_tables and optional_tables)


def table_exists(conn, qualified: str) -> bool:
    with conn.cursor() as cur:
        cur.execute("select to_regclass(%s) is not null", (qualified,))
        return bool(cur.fetchone()[0])


PUBLICATION_VIEW = "marts.pub_kpi_values"


def fetch_values(conn, la_code: str, first: date, last: date, *, publish: bool = False) -> list[KpiValue]:
    """Every kpi_values row of one authority whose period lies within [first, last]. For publication the
    rows come from the publication view, which applies the small-number suppression rule (the one
    definition of it): a withheld row has no numerator, denominator or value."""
    relation, flag = (PUBLICATION_VIEW, "is_suppressed") if publish else ("marts.kpi_values", "false")
    if publish and not table_exists(conn, relation):
        raise LookupError(f"{relation} is missing: build the KPI marts before writing a publication")
    with conn.cursor() as cur:
        cur.execute(
            f"select {KPI_COLUMNS}, {flag}, value_rounded, rag from {relation}"
            " where la_code = %s and period_start >= %s"
            " and period_end <= %s order by kpi_code, period_type, period_start, breakdown, breakdown_value",
            (la_code, first, last),
        )
        return [KpiValue(*row) for row in cur.fetchall()]


def fetch_caveats(conn, la_code: str, fy: FinancialYear) -> tuple[list[tuple], list[tuple]]:
    """What the figures leave out for one authority and year: the KPIs not available (code, reason:
    marts.kpi_availability) and the rows each data-quality rule removed from the year (issue, source
    table, KPI or None for every KPI, rows: marts.kpi_data_quality). Empty where the marts lack them."""
    unavailable: list[tuple] = []
    removed: list[tuple] = []
    with conn.cursor() as cur:
        if table_exists(conn, "marts.kpi_availability"):
            cur.execute(
                "select kpi_code, reason from marts.kpi_availability"
                " where la_code = %s and not is_available order by kpi_code",
                (la_code,),
            )
            unavailable = cur.fetchall()
        if table_exists(conn, "marts.kpi_data_quality"):
            cur.execute(
                "select issue, source_table, kpi_code, rows from marts.kpi_data_quality"
                " where la_code = %s and period_type = 'financial_year' and period_start = %s"
                " order by issue, source_table, kpi_code nulls first",
                (la_code, fy.start),
            )
            removed = cur.fetchall()
    return unavailable, removed


def authorities(conn, relation: str = "marts.kpi_values") -> list[str]:
    with conn.cursor() as cur:
        cur.execute(f"select distinct la_code from {relation} order by la_code")
        return [r[0] for r in cur.fetchall()]


def latest_financial_year(conn, la_code: str, as_at: date | None) -> FinancialYear | None:
    """The latest financial year the marts hold for the authority that had ended by the data date
    (an annual report covers a whole year); failing that, the latest year held."""
    with conn.cursor() as cur:
        cur.execute(
            "select distinct period_start, period_end from marts.kpi_values"
            " where la_code = %s and period_type = 'financial_year' order by period_start desc",
            (la_code,),
        )
        years = cur.fetchall()
    if not years:
        return None
    for start, end in years:
        if as_at is None or end <= as_at:
            return FinancialYear(start)
    return FinancialYear(years[0][0])


def data_as_at(conn, la_code: str) -> date | None:
    """The date of the extract the marts were built from: marts.data_freshness (written when the
    nightly pipeline publishes), else the latest loaded extract in raw._batches."""
    for relation, sql in (
        ("marts.data_freshness", "select max(data_as_at) from marts.data_freshness where la_code = %s"),
        (
            "raw._batches",
            "select max(extract_date) from raw._batches where la_code = %s and status = 'loaded'",
        ),
    ):
        if table_exists(conn, relation):
            with conn.cursor() as cur:
                cur.execute(sql, (la_code,))
                found = cur.fetchone()[0]
            if found:
                return found
    return None


def _decimal(text) -> Decimal | None:
    if text is None or str(text).strip() == "":
        return None
    return Decimal(str(text).strip())


def catalogue_from_rows(rows: list[dict]) -> dict[str, KpiInfo]:
    out: dict[str, KpiInfo] = {}
    for row in rows:
        code = str(row["kpi_code"]).strip()
        out[code] = KpiInfo(
            code=code,
            name=str(row.get("name") or code),
            unit=str(row.get("unit") or ""),
            definition=str(row.get("plain_definition") or row.get("description") or ""),
            rule=str(row.get("description") or ""),
            direction=str(row.get("direction") or "").strip().lower(),
            target=_decimal(row.get("target")),
            amber_band=_decimal(row.get("amber_band")),
            section=str(row.get("section") or ""),
            target_source=str(row.get("target_source") or ""),
            reference=str(row.get("reference") or ""),
            tables=tuple(
                t.strip()
                for column in ("required_tables", "optional_tables")
                for t in str(row.get(column) or "").split("|")
                if t.strip()
            ),
        )
    return out


CATALOGUE_CSV = SEEDS_DIR / "kpi" / "kpi_catalogue.csv"


def _marts_table(conn, name: str) -> str | None:
    """Where dbt built a seed-backed table `name` (the marts copy first), quoted for SQL, or None."""
    with conn.cursor() as cur:
        cur.execute(
            "select table_schema from information_schema.tables where table_name = %s"
            " order by (table_schema = 'marts') desc, table_schema limit 1",
            (name,),
        )
        found = cur.fetchone()
    return f'"{found[0]}"."{name}"' if found else None


def _dicts(conn, sql: str, params=None) -> list[dict]:
    with conn.cursor() as cur:
        cur.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _csv_dicts(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_catalogue(conn=None, path: Path | None = None) -> dict[str, KpiInfo]:
    """The KPI catalogue, the one source of KPI names, units, directions and targets: the table dbt
    built from the seed (so it matches the build being reported), else the seed CSV in the repo."""
    table = _marts_table(conn, "kpi_catalogue") if path is None and conn is not None else None
    if table:
        return catalogue_from_rows(_dicts(conn, f"select * from {table}"))
    return catalogue_from_rows(_csv_dicts(Path(path or CATALOGUE_CSV)))


def load_code_lists() -> dict[str, list[tuple[str, str, str]]]:
    """ref_code_lists.csv as code_list -> [(code, description, code_group)] in file order."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    with (SEEDS_DIR / "ref_code_lists.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["code_list"], []).append((row["code"], row["description"], row["code_group"]))
    return out


def load_comparators(conn, la_code: str) -> list[dict]:
    """Published comparator figures for the authority (kpi_comparators seed: la_code, kpi_code,
    financial_year, comparator, comparator_name, value): the table dbt built, else the seed CSV."""
    table = _marts_table(conn, "kpi_comparators")
    if table:
        return _dicts(
            conn,
            f"select kpi_code, financial_year, comparator, comparator_name, value from {table}"
            " where la_code::text = %s",
            (la_code,),
        )
    return [r for r in _csv_dicts(SEEDS_DIR / "kpi" / "kpi_comparators.csv") if r["la_code"] == la_code]


def fetch_iro_caseloads(conn, la_code: str, period_end: date) -> list[tuple[Decimal, Decimal, int]]:
    """Caseload per FTE, FTE and children of each IRO at a year end (the wide mart
    marts.mart_iro_caseloads), largest first; IROs are not identified in the report."""
    if not table_exists(conn, "marts.mart_iro_caseloads"):
        return []
    with conn.cursor() as cur:
        cur.execute(
            "select caseload_per_fte, fte, children from marts.mart_iro_caseloads where la_code = %s"
            " and period_type = 'financial_year' and period_end = %s and caseload_per_fte is not null"
            " order by caseload_per_fte desc",
            (la_code, period_end),
        )
        return cur.fetchall()


def fetch_review_timeliness_by_locality(conn, la_code: str, start: date, end: date) -> list[tuple]:
    """(locality, reviews held, held on time) over the months of a year, from the wide mart
    marts.mart_cla_review_timeliness (locality of the child's team on the review date); the
    'All localities' row comes last and equals the CLA_REVIEWS_HELD / CLA_REVIEWS_TIMELY headline."""
    if not table_exists(conn, "marts.mart_cla_review_timeliness"):
        return []
    with conn.cursor() as cur:
        cur.execute(
            "select locality, sum(reviews_held), sum(reviews_on_time) from marts.mart_cla_review_timeliness"
            " where la_code = %s and month_start >= %s and month_end <= %s group by locality"
            " order by locality = 'All localities', locality",
            (la_code, start, end),
        )
        return cur.fetchall()


def load_variants() -> dict[str, str]:
    """The KPI variables' defaults (dbt_project/seeds/kpi/kpi_variants.csv: var_name, default_value)."""
    return {r["var_name"]: r["default_value"] for r in _csv_dicts(SEEDS_DIR / "kpi" / "kpi_variants.csv")}
