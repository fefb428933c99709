-- What each data-quality rule (docs/kpis.md, "Incomplete extracts") left out, per authority and period:
-- one row per (la_code, kpi_code, source_table, period_type, period_start, issue) with the number of
-- rows removed (only issues that removed something). kpi_code is null where the rows left every KPI that
-- reads source_table (one population for every KPI); else it names the one KPI whose figure lost them.
-- Issues:
-- - `unknown parent`: a row about a child, period of care or plan the same extract does not hold;
--   left out of every KPI (by its event date; a care-leaver record at each period end, as the care
--   leaver KPIs read it).
-- - `duplicate_review`: a second non-cancelled CLA review of one period of care on the same date.
-- - `chain_before_history`: a review whose period of care started before history_start and that is the
--   earliest of the period in the extract, with no case-system due date: not judged for timeliness
--   (and a "second review" there is not known to be the second).
-- - `missing_review_details`: a review without its ext_cla_review_details row: its permanence plan is
--   unknown, not "no".
-- - `missing_fte`: IROs holding children at period end with no FTE recorded, left out of the caseloads.
with periods as (
    select la_code, period_type, period_start, period_end from {{ ref('int_kpi_periods') }}
),

review_status as (
    select * from {{ ref('int_kpi_cla_review_status') }}
),

dated_issues as (
    -- same-day duplicates: every non-cancelled held review beyond the first of its period and date
    select
        la_code,
        cast(null as text) as kpi_code,
        'ssd_cla_reviews' as source_table,
        'duplicate_review' as issue,
        clar_cla_review_date as event_date,
        count(*) - 1 as n_rows
    from {{ ref('stg_ssd__cla_reviews') }}
    where not coalesce(clar_cla_review_cancelled, false) and clar_cla_review_date <= extract_date
    group by la_code, clar_cla_id, clar_cla_review_date
    having count(*) > 1
    union all
    select la_code, null, 'ssd_cla_reviews', 'unknown parent', review_date, 1
    from review_status where is_unknown_parent
    union all
    select la_code, null, 'ssd_cla_episodes', 'unknown parent', start_date, 1
    from {{ ref('fct_cla_episodes') }} where child_key is null
    union all
    select la_code, null, 'ssd_cp_plans', 'unknown parent', start_date, 1
    from {{ ref('fct_cp_plans') }} where child_key is null
    union all
    select
        la_code, null,
        case when conference_type = 'RCPC' then 'ssd_cp_reviews' else 'ssd_initial_cp_conference' end,
        'unknown parent', conference_date, 1
    from {{ ref('fct_cp_conferences') }} where child_key is null
    union all
    select la_code, null, 'ext_iro_challenges', 'unknown parent', raised_date, 1
    from {{ ref('fct_iro_challenges') }} where child_key is null
    union all
    select
        la_code, null,
        case record_kind
            when 'sdq' then 'ssd_sdq_scores'
            when 'immunisation_status' then 'ssd_cla_immunisations'
            else 'ssd_cla_health'
        end,
        'unknown parent', check_date, 1
    from {{ ref('fct_cla_health_checks') }} where child_key is null
    union all
    select la_code, null, 'ssd_missing', 'unknown parent', start_date, 1
    from {{ ref('fct_cla_missing_episodes') }} where child_key is null
    union all
    select la_code, null, 'ssd_cla_visits', 'unknown parent', visit_date, 1
    from {{ ref('fct_cla_visits') }} where child_key is null
    union all
    select la_code, 'CLA_REVIEWS_TIMELY', 'ssd_cla_reviews', 'chain_before_history', review_date, 1
    from review_status where is_in_population and is_chain_before_history and due_date is null
    union all
    select la_code, 'CLA_PERMANENCE_AT_SECOND_REVIEW', 'ssd_cla_reviews', 'chain_before_history', review_date, 1
    from review_status where is_in_population and review_sequence = 2 and not is_known_second_review
    union all
    select
        la_code, 'CLA_PERMANENCE_AT_SECOND_REVIEW', 'ext_cla_review_details', 'missing_review_details',
        review_date, 1
    from review_status where is_in_population and is_known_second_review and not has_details
),

counted as (
    select
        p.la_code,
        i.kpi_code,
        i.source_table,
        p.period_type,
        p.period_start,
        p.period_end,
        i.issue,
        sum(i.n_rows) as n_rows
    from periods as p
    inner join dated_issues as i
        on p.la_code = i.la_code and i.event_date between p.period_start and p.period_end
    group by p.la_code, i.kpi_code, i.source_table, p.period_type, p.period_start, p.period_end, i.issue
    union all
    select
        la_code,
        null,
        'ssd_professionals',
        period_type,
        period_start,
        period_end,
        'missing_fte',
        count(distinct professional_id)
    from {{ ref('int_kpi_iro_held') }}
    where coalesce(fte, 0) <= 0
    group by la_code, period_type, period_start, period_end
    union all
    -- care-leaver records as they stood at each period end (the nightly history) about a young person
    -- the extract holds no person row for
    select
        p.la_code,
        null,
        'ssd_care_leavers',
        p.period_type,
        p.period_start,
        p.period_end,
        'unknown parent',
        count(*)
    from periods as p
    inner join {{ ref('fct_care_leaver_history') }} as h
        on p.la_code = h.la_code and {{ is_open_at('h.valid_from', 'h.valid_to', 'p.period_end') }}
    where h.child_key is null
    group by p.la_code, p.period_type, p.period_start, p.period_end
)

-- a rule about a KPI the authority cannot have (kpi_availability) removed nothing that is published
select
    c.la_code,
    c.kpi_code,
    c.source_table,
    c.period_type,
    c.period_start,
    c.period_end,
    c.issue,
    cast(c.n_rows as integer) as rows  -- noqa: RF04
from counted as c
left join {{ ref('kpi_availability') }} as av on c.la_code = av.la_code and c.kpi_code = av.kpi_code
where c.kpi_code is null or av.is_available
