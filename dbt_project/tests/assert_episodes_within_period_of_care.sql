-- Every episode lies inside its period of care, and the period's dates are its episodes' bounds.
select
    e.la_code,
    e.episode_id,
    e.period_of_care_id
from {{ ref('fct_cla_episodes') }} as e
inner join {{ ref('fct_cla_periods_of_care') }} as poc
    on e.la_code = poc.la_code and e.period_of_care_id = poc.period_of_care_id
where
    e.start_date < poc.start_date
    or (poc.end_date is not null and (e.ceased_date is null or e.ceased_date > poc.end_date))
