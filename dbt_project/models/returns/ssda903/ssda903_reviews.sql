{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 Reviews file: statutory reviews held in the collection year for children looked after
-- then (cancelled meetings are not reviews), with the participation code. Reviews during a short break
-- (V3/V4) are not returned: those children's reviews are not collected.
with reviews as (
    select
        r.*,
        coalesce(r.clar_cla_person_id, poc.person_id) as person_id
    from {{ ref('stg_ssd__cla_reviews') }} as r
    left join {{ ref('int_cla_periods_of_care') }} as poc
        on r.la_code = poc.la_code and r.clar_cla_id = poc.period_of_care_id
)

select
    r.la_code,
    r.person_id as child,
    {{ dfe_date('c.date_of_birth') }} as dob,
    {{ dfe_date('r.clar_cla_review_date') }} as review,
    r.clar_cla_review_participation as review_code
from reviews as r
inner join {{ ref('int_ssda903_children') }} as c
    on r.la_code = c.la_code and r.person_id = c.person_id and c.looked_after
where
    r.clar_cla_review_date between {{ ssda903_year_start() }} and {{ ssda903_year_end() }}
    and not coalesce(r.clar_cla_review_cancelled, false)
    and not exists (
        select 1 from {{ ref('int_ssda903_episode_chain') }} as e
        where
            e.la_code = r.la_code
            and e.person_id = r.person_id
            and e.ls in ('V3', 'V4')
            and r.clar_cla_review_date between e.decom and coalesce(e.ceased, date '9999-12-31')
    )
