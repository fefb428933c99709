{{ config(indexes=[{'columns': ['la_code', 'person_id']}]) }}
-- The child's allocated team over time, from involvements: social-work allocations (any role other
-- than IRO) first; a child with none is placed with its IRO's team. Used for locality breakdowns.
with inv as (
    select
        i.la_code,
        i.invo_person_id as person_id,
        i.invo_involvements_id as involvement_id,
        coalesce(i.invo_professional_team, p.prof_professional_department) as team_id,
        i.invo_involvement_start_date as start_date,
        i.invo_involvement_end_date as end_date,
        upper(i.invo_professional_role_id) = 'IRO' as is_iro
    from {{ ref('stg_ssd__involvements') }} as i
    left join {{ ref('stg_ssd__professionals') }} as p
        on i.la_code = p.la_code and i.invo_professional_id = p.prof_professional_id
),

has_allocation as (
    select
        la_code,
        person_id,
        bool_or(not is_iro and team_id is not null) as has_social_work_team
    from inv
    group by la_code, person_id
)

select
    inv.la_code,
    inv.person_id,
    inv.involvement_id,
    inv.team_id,
    t.locality,
    inv.start_date,
    inv.end_date
from inv
inner join has_allocation as h on inv.la_code = h.la_code and inv.person_id = h.person_id
left join {{ ref('dim_team') }} as t on inv.la_code = t.la_code and inv.team_id = t.team_id
where inv.team_id is not null and (inv.is_iro = not h.has_social_work_team)
