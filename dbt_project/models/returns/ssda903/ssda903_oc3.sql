{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 OC3 file: care leavers whose 17th to 21st birthday falls in the collection year, from their
-- latest care-leaver record: in touch, activity, and accommodation with its suitability (1 suitable,
-- 2 not) as the code's second character. A 17- or 18-year-old still looked after in the year is not a
-- care leaver of this year's return.
with latest as (
    select distinct on (cl.la_code, cl.clea_person_id)
        cl.*
    from {{ ref('stg_ssd__care_leavers') }} as cl
    order by
        cl.la_code asc, cl.clea_person_id asc, cl.clea_care_leaver_latest_contact desc nulls last, cl.clea_table_id desc
)

select
    c.la_code,
    c.person_id as child,
    {{ dfe_date('c.date_of_birth') }} as dob,
    upper(l.clea_care_leaver_in_touch) as in_touch,
    -- a young person who died or went home to parents for 6 months or more has no activity or
    -- accommodation to report: 0 for both (the 903 guidance; DfE rule 344)
    case
        when upper(l.clea_care_leaver_in_touch) in ('DIED', 'RHOM') then '0'
        else upper(l.clea_care_leaver_activity)
    end as activ,
    case
        when upper(l.clea_care_leaver_in_touch) in ('DIED', 'RHOM') then '0'
        else upper(l.clea_care_leaver_accommodation) || l.clea_care_leaver_accom_suitable
    end as accom
from {{ ref('int_ssda903_children') }} as c
inner join latest as l on c.la_code = l.la_code and c.person_id = l.clea_person_id
where
    {{ age_in_years('c.date_of_birth', ssda903_year_end()) }} between 19 and 21
    or ({{ age_in_years('c.date_of_birth', ssda903_year_end()) }} between 17 and 18 and not c.looked_after)
