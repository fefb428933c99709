-- Teams and their locality (the parent in the department hierarchy; a team without a parent is its
-- own locality). Locality drives the KPI breakdowns.
select
    la_code,
    dept_team_id as team_id,
    dept_team_name as team_name,
    dept_team_parent_id as parent_team_id,
    coalesce(dept_team_parent_name, dept_team_name) as locality
from {{ ref('stg_ssd__department') }}
