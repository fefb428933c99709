-- IRO caseloads per IRO at each period end: CLA and CP children held, FTE, caseload per FTE (plain
-- and weighted 1.5 CLA / 1 CP) and whether it is within the IRO Handbook range. IROs are identified by
-- the case system's professional id and job title only (no names).
with held as (
    select * from {{ ref('int_kpi_iro_held') }}
)

select
    h.la_code,
    h.period_type,
    h.period_start,
    h.period_end,
    h.professional_id,
    pr.job_title,
    pr.locality as iro_locality,
    max(h.fte) as fte,
    count(distinct h.child_key) filter (where h.caseload_kind = 'CLA') as cla_children,
    count(distinct h.child_key) filter (where h.caseload_kind = 'CP') as cp_children,
    count(distinct h.child_key) as children,
    count(distinct h.child_key) / nullif(max(h.fte), 0) as caseload_per_fte,
    (
        {{ kpi_var('iro_caseload_cla_weight') }} * count(distinct h.child_key) filter (where h.caseload_kind = 'CLA')
        + {{ kpi_var('iro_caseload_cp_weight') }} * count(distinct h.child_key) filter (where h.caseload_kind = 'CP')
    ) / nullif(max(h.fte), 0) as weighted_caseload_per_fte,
    coalesce(
        count(distinct h.child_key) / nullif(max(h.fte), 0)
        between {{ kpi_var('iro_handbook_min') }} and {{ kpi_var('iro_handbook_max') }},
        false
    ) as is_within_handbook
from held as h
left join {{ ref('dim_professional') }} as pr
    on h.la_code = pr.la_code and h.professional_id = pr.professional_id
group by h.la_code, h.period_type, h.period_start, h.period_end, h.professional_id, pr.job_title, pr.locality
