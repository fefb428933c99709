{{ config(
    indexes=[{'columns': ['la_code', 'child_key']}],
    pre_hook=["{{ kpi_analyze([ref('int_child_team_spells'), ref('int_person')]) }}"],
) }}
-- The allocated-team spells of int_child_team_spells keyed by child_key (indexed), so the KPI marts can
-- find a child's locality at many dates with one join instead of one locality_at() subquery per row.
-- The macro kpi_with_locality picks the spell with the same rule as the warehouse macro locality_at.
select
    ts.la_code,
    pe.child_key,
    ts.person_id,
    ts.involvement_id,
    ts.locality,
    ts.start_date,
    ts.end_date
from {{ ref('int_child_team_spells') }} as ts
inner join {{ ref('int_person') }} as pe on ts.la_code = pe.la_code and ts.person_id = pe.person_id
