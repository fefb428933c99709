-- Every held CLA review falls inside its own period of care (from its start to its end, inclusive).
select
    r.la_code,
    r.review_id,
    r.period_of_care_id,
    r.review_date,
    poc.start_date,
    poc.end_date
from {{ ref('fct_cla_reviews') }} as r
left join {{ ref('fct_cla_periods_of_care') }} as poc
    on r.la_code = poc.la_code and r.period_of_care_id = poc.period_of_care_id
where
    poc.period_of_care_id is null
    or r.review_date < poc.start_date
    or r.review_date > coalesce(poc.end_date, r.review_date)
