"""The mutation check's rules (benchmarks/kpi_mutation.py) on small SQL texts: each rule makes the
mutant it names, applying one changes exactly one spot, and no mutant comes from comments, Jinja
statements, distinct-on key directions or macros outside the ones asked for."""

from __future__ import annotations

import importlib.util
import sys

from tests.conftest import REPO_DIR

_spec = importlib.util.spec_from_file_location("kpi_mutation", REPO_DIR / "benchmarks" / "kpi_mutation.py")
kpi_mutation = importlib.util.module_from_spec(_spec)
sys.modules["kpi_mutation"] = kpi_mutation  # dataclasses look their module up
_spec.loader.exec_module(kpi_mutation)

SQL = """-- a comment with <= and max( in it
{#- a Jinja comment: pl.end_date > p.period_end -#}
{%- set x = 1 %}
select distinct on (p.la_code, c.child_key)
    count(c.id) filter (where c.is_late and c.due_date < p.period_end) as n_late,
    max(c.due_date) as last_due,
    {{ add_months_clamped('c.start_date', 3) }} as due
from p
left join c
    on
        p.la_code = c.la_code
        and c.start_date between p.period_start and p.period_end
        and (c.end_date is null or c.end_date > p.period_end)
where not c.is_short_break
order by p.la_code asc, c.child_key desc, c.start_date desc
"""


def _mutated(m) -> str:
    return kpi_mutation.apply(SQL, m).split("\n")[m.line - 1]


def test_rules_make_the_mutants_they_name():
    got = {(m.rule, _mutated(m).strip()) for m in kpi_mutation.mutants_of("x.sql", SQL)}
    expected = {
        ("comparison", "count(c.id) filter (where c.is_late and c.due_date <= p.period_end) as n_late,"),
        ("+1 day", "count(c.id) filter (where c.is_late and c.due_date < p.period_end + 1) as n_late,"),
        ("filter condition dropped", "count(c.id) filter (where true) as n_late,"),
        ("max <-> min", "min(c.due_date) as last_due,"),
        ("3 months <-> 6", "{{ add_months_clamped('c.start_date', 6) }} as due"),
        ("between lower + 1", "and c.start_date between p.period_start + 1 and p.period_end"),
        ("between upper - 1", "and c.start_date between p.period_start and p.period_end - 1"),
        ("and condition dropped", ""),
        ("null test flipped", "and (c.end_date is not null or c.end_date > p.period_end)"),
        ("comparison", "and (c.end_date is null or c.end_date >= p.period_end)"),
        ("+1 day", "and (c.end_date is null or c.end_date > p.period_end + 1)"),
        ("not dropped", "where c.is_short_break"),
        ("where condition dropped", "where true"),
        ("asc <-> desc", "order by p.la_code asc, c.child_key desc, c.start_date asc"),
    }
    assert expected <= got, expected - got
    lines = {m.line for m in kpi_mutation.mutants_of("x.sql", SQL)}
    assert not lines & {1, 2, 3}, "comments and Jinja statements are not mutated"
    directions = [_mutated(m) for m in kpi_mutation.mutants_of("x.sql", SQL) if m.rule == "asc <-> desc"]
    assert directions == ["order by p.la_code asc, c.child_key desc, c.start_date asc"], directions


def test_macro_files_only_mutate_the_macros_asked_for():
    text = """{% macro used(d) -%}
    {{ d }} <= current_date
{%- endmacro %}

{% macro unused(d) -%}
    {{ d }} >= current_date
{%- endmacro %}
"""
    mutants = kpi_mutation.mutants_of("macros/m.sql", text, {"used"})
    assert {m.line for m in mutants} == {2}
    got = [kpi_mutation.apply(text, m).split("\n")[1].strip() for m in mutants]
    assert got == ["{{ d }} < current_date", "{{ d }} <= current_date + 1"]
