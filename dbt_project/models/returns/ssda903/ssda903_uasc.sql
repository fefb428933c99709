{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 UASC file: unaccompanied asylum-seeking children and the date that status ceased. The extract
-- has no immigration status, so the file has its columns and no rows.
select
    c.la_code,
    c.person_id as child,
    c.sex,
    {{ dfe_date('c.date_of_birth') }} as dob,
    cast(null as text) as duc
from {{ ref('int_ssda903_children') }} as c
where false
