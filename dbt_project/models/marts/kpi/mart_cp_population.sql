-- Children on a child protection plan at each period end by age band (at period end; 'Unborn' when
-- the child's date of birth is after it or unknown), latest category of abuse and locality (one row
-- per combination that has children); the total equals kpi_values CP_PLANS_AT_END.
with periods as (
    select la_code, period_type, period_start, period_end from {{ ref('int_kpi_periods') }}
),

open_plans as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        pl.plan_id,
        pl.child_key,
        coalesce(pl.latest_category, pl.initial_category, 'Unknown') as category,
        pe.date_of_birth
    from periods as p
    inner join {{ ref('fct_cp_plans') }} as pl
        on
            p.la_code = pl.la_code
            and {{ is_open_at('pl.start_date', 'pl.end_date', 'p.period_end') }}
    left join {{ ref('int_person') }} as pe on pl.la_code = pe.la_code and pl.child_key = pe.child_key
    where not pl.is_other_la_plan and pl.child_key is not null
),

with_locality as (
    {{ kpi_with_locality('open_plans', ['la_code', 'period_type', 'period_start', 'plan_id'], 'period_end') }}
)

select
    op.la_code,
    op.period_type,
    op.period_start,
    op.period_end,
    case
        when op.date_of_birth is null or op.date_of_birth > op.period_end then 'Unborn'
        when {{ age_in_years('op.date_of_birth', 'op.period_end') }} < 1 then 'under 1'
        when {{ age_in_years('op.date_of_birth', 'op.period_end') }} <= 4 then '1-4'
        when {{ age_in_years('op.date_of_birth', 'op.period_end') }} <= 9 then '5-9'
        when {{ age_in_years('op.date_of_birth', 'op.period_end') }} <= 15 then '10-15'
        else '16+'
    end as age_band,
    op.category,
    op.locality,
    count(*) as children_on_plans
from with_locality as op
group by op.la_code, op.period_type, op.period_start, op.period_end, age_band, op.category, op.locality
