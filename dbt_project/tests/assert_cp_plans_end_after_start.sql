-- No plan ends before it starts (the loader quarantines such rows upstream; this guards the fact).
select
    la_code,
    plan_id,
    start_date,
    end_date
from {{ ref('fct_cp_plans') }}
where end_date < start_date
