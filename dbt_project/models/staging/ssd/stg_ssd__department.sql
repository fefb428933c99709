{{ config(indexes=[{'columns': ['la_code', 'dept_team_id']}]) }}
-- ssd_department: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_department') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.dept_team_id') }} as dept_team_id,
    {{ free_text('src.dept_team_name') }} as dept_team_name,
    {{ clean_text('src.dept_team_parent_id') }} as dept_team_parent_id,
    {{ free_text('src.dept_team_parent_name') }} as dept_team_parent_name,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
