-- Professionals without names or staff numbers: job title, team, FTE, agency flag and whether they
-- act as an IRO (an IRO involvement, or a job title naming the role).
with iro as (
    select distinct
        la_code,
        invo_professional_id as professional_id
    from {{ ref('stg_ssd__involvements') }}
    where upper(invo_professional_role_id) = 'IRO'
)

select
    p.la_code,
    p.prof_professional_id as professional_id,
    p.prof_professional_job_title as job_title,
    p.prof_professional_department as team_id,
    t.locality,
    p.prof_full_time_equivalency as fte,
    coalesce(p.prof_agency_worker_flag, false) as is_agency_worker,
    (
        iro.professional_id is not null
        or p.prof_professional_job_title ilike '%independent reviewing%'
        or p.prof_professional_job_title ~ '\mIRO\M'
    ) as is_iro
from {{ ref('stg_ssd__professionals') }} as p
left join {{ ref('dim_team') }} as t
    on p.la_code = t.la_code and p.prof_professional_department = t.team_id
left join iro on p.la_code = iro.la_code and p.prof_professional_id = iro.professional_id
