-- The review fact holds exactly the non-cancelled reviews dated on or before their extract, per authority,
-- same-day duplicates of one period of care counted once.
with expected as (
    select
        la_code,
        count(distinct concat_ws('|', clar_cla_id, clar_cla_review_date)) as n
    from {{ ref('stg_ssd__cla_reviews') }}
    where not coalesce(clar_cla_review_cancelled, false) and clar_cla_review_date <= extract_date
    group by la_code
),

actual as (
    select
        la_code,
        count(*) as n
    from {{ ref('fct_cla_reviews') }}
    group by la_code
)

select
    coalesce(e.la_code, a.la_code) as la_code,
    e.n as expected_rows,
    a.n as actual_rows
from expected as e
full outer join actual as a on e.la_code = a.la_code
where e.n is distinct from a.n
