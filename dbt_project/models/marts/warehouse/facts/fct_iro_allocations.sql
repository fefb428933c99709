-- One row per involvement of a professional with a child (IRO allocations flagged), with the
-- professional's FTE and the team's locality: the basis of IRO caseloads at any date.
select
    i.la_code,
    i.invo_involvements_id as involvement_id,
    p.child_key,
    i.invo_professional_id as professional_id,
    i.invo_professional_role_id as professional_role,
    upper(i.invo_professional_role_id) = 'IRO' as is_iro_allocation,
    coalesce(i.invo_professional_team, pr.team_id) as team_id,
    t.locality,
    i.invo_involvement_start_date as start_date,
    i.invo_involvement_end_date as end_date,
    i.invo_involvement_end_date is null as is_open,
    i.invo_worker_change_reason as worker_change_reason,
    cast(pr.fte as numeric(6, 3)) as professional_fte,
    pr.is_agency_worker
from {{ ref('stg_ssd__involvements') }} as i
left join {{ ref('dim_professional') }} as pr
    on i.la_code = pr.la_code and i.invo_professional_id = pr.professional_id
left join {{ ref('dim_team') }} as t
    on i.la_code = t.la_code and coalesce(i.invo_professional_team, pr.team_id) = t.team_id
left join {{ ref('int_person') }} as p on i.la_code = p.la_code and i.invo_person_id = p.person_id
where {{ is_changed_child('i.la_code', 'i.invo_person_id') }}
