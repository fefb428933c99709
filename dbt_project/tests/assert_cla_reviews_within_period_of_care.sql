-- Every held CLA review of a known period of care falls inside it (from its start to its end,
-- inclusive). A review of a period of care the extract does not hold is an orphan: counted as
-- `unknown parent` in marts.kpi_data_quality and left out of every KPI, not a build failure.
select
    r.la_code,
    r.review_id,
    r.period_of_care_id,
    r.review_date,
    poc.start_date,
    poc.end_date
from {{ ref('fct_cla_reviews') }} as r
inner join {{ ref('fct_cla_periods_of_care') }} as poc
    on r.la_code = poc.la_code and r.period_of_care_id = poc.period_of_care_id
where
    r.review_date < poc.start_date
    or r.review_date > coalesce(poc.end_date, r.review_date)
