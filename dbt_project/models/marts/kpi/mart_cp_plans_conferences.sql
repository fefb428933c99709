-- Child protection plans and conferences per period, one column per measure (kpi_values pivoted).
select
    kv.la_code,
    kv.period_type,
    kv.period_start,
    kv.period_end,
    {{ kpi_pivot('CP_PLANS_AT_END') }} as plans_at_end,
    {{ kpi_pivot('CP_RATE_PER_10K') }} as plans_per_10k,
    {{ kpi_pivot('CP_PLANS_STARTED') }} as plans_started,
    {{ kpi_pivot('CP_REPEAT_PLANS', field='numerator') }} as repeat_plans,
    {{ kpi_pivot('CP_REPEAT_PLANS') }} as pct_repeat_plans,
    {{ kpi_pivot('CP_REPEAT_PLANS_12M', field='numerator') }} as repeat_plans_12m,
    {{ kpi_pivot('CP_REPEAT_PLANS_12M') }} as pct_repeat_plans_12m,
    {{ kpi_pivot('CP_PLANS_ENDED_2Y_PLUS', field='denominator') }} as plans_ended,
    {{ kpi_pivot('CP_PLANS_ENDED_2Y_PLUS', field='numerator') }} as plans_ended_2y_plus,
    {{ kpi_pivot('CP_PLANS_ENDED_2Y_PLUS') }} as pct_plans_ended_2y_plus,
    {{ kpi_pivot('CP_PLANS_OPEN_18M_PLUS') }} as plans_open_18m_plus,
    {{ kpi_pivot('CP_ICPC_TIMELY', field='denominator') }} as icpcs_held,
    {{ kpi_pivot('CP_ICPC_TIMELY') }} as pct_icpc_timely,
    {{ kpi_pivot('CP_RCPC_TIMELY', field='denominator') }} as rcpcs_held,
    {{ kpi_pivot('CP_RCPC_TIMELY') }} as pct_rcpc_timely,
    {{ kpi_pivot('CP_RCPC_OVERDUE') }} as rcpcs_overdue,
    {{ kpi_pivot('CP_REPORT_TO_PARENTS_TIMELY') }} as pct_report_to_parents_timely
from {{ ref('kpi_values') }} as kv
where kv.kpi_code like 'CP\_%'
group by kv.la_code, kv.period_type, kv.period_start, kv.period_end
