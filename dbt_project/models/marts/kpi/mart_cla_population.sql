-- Children looked after at each period end by age band, legal status, placement type group and
-- locality (one row per combination that has children): sum the column over any subset of the
-- dimensions; the total equals kpi_values CLA_AT_END.
select
    la_code,
    period_type,
    period_start,
    period_end,
    age_band,
    legal_status,
    placement_type_group,
    locality,
    count(*) as children
from {{ ref('int_kpi_cla_at_end') }}
group by la_code, period_type, period_start, period_end, age_band, legal_status, placement_type_group, locality
