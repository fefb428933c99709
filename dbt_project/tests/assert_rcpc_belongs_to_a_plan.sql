-- Every review child protection conference belongs to a plan of the same authority.
select
    c.la_code,
    c.conference_id,
    c.plan_id
from {{ ref('fct_cp_conferences') }} as c
left join {{ ref('fct_cp_plans') }} as p
    on c.la_code = p.la_code and c.plan_id = p.plan_id
where c.conference_type = 'RCPC' and p.plan_id is null
