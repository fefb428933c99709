{{ config(pre_hook=["{{ kpi_analyze([ref('fct_cp_plans'), ref('fct_iro_allocations')]) }}"]) }}
-- The children each IRO holds at each period end t: an open IRO involvement (start <= t, end null or
-- > t) of a child looked after (short breaks excluded) or on this authority's CP plan at t; a child
-- who is both is a CLA case. An IRO without a recorded FTE (null or 0) is left out of the caseload
-- measures, never taken as 1 FTE (marts.kpi_data_quality counts it as `missing_fte`).
with periods as (
    select la_code, period_type, period_start, period_end from {{ ref('int_kpi_periods') }}
),

cp_at_end as (
    select distinct p.la_code, p.period_type, p.period_start, pl.child_key
    from periods as p
    inner join {{ ref('fct_cp_plans') }} as pl
        on
            p.la_code = pl.la_code
            and {{ is_open_at('pl.start_date', 'pl.end_date', 'p.period_end') }}
    where not pl.is_other_la_plan
),

-- materialized: the two lookups below then hash-join on all four keys; joined straight to the
-- allocations, the planner merged on (la_code, child_key) alone and filtered every period of every
-- child (13 M rows at four authorities)
open_allocations as materialized (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        al.professional_id,
        al.professional_fte,
        al.child_key
    from periods as p
    inner join {{ ref('fct_iro_allocations') }} as al
        on
            p.la_code = al.la_code
            and al.is_iro_allocation
            and {{ is_open_at('al.start_date', 'al.end_date', 'p.period_end') }}
),

held as (
    select distinct
        o.la_code,
        o.period_type,
        o.period_start,
        o.period_end,
        o.professional_id,
        o.professional_fte as fte,
        o.child_key,
        case when cla.child_key is not null then 'CLA' else 'CP' end as caseload_kind
    from open_allocations as o
    left join {{ ref('int_kpi_cla_at_end') }} as cla
        on
            o.la_code = cla.la_code and o.period_type = cla.period_type
            and o.period_start = cla.period_start and o.child_key = cla.child_key
    left join cp_at_end as cp
        on
            o.la_code = cp.la_code and o.period_type = cp.period_type
            and o.period_start = cp.period_start and o.child_key = cp.child_key
    where (cla.child_key is not null or cp.child_key is not null)
)

select * from held
