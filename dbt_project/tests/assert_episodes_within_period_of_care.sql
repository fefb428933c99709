-- Every episode lies inside its period of care, and each period's dates are exactly its episodes'
-- bounds: it starts at its earliest episode and ends at its latest ceased date when every episode has
-- ceased (open otherwise). Both facts are built incrementally from the same staging rows, so this
-- catches them drifting apart (a period missing or stale for its episodes), an episode that ends
-- before it starts, and a period with no episodes. Returns the offending rows.
with bounds as (
    select
        la_code,
        period_of_care_id,
        min(start_date) as first_start,
        case when bool_and(ceased_date is not null) then max(ceased_date) end as last_ceased,
        count(*) as n_episodes
    from {{ ref('fct_cla_episodes') }}
    group by la_code, period_of_care_id
)

select
    'episode outside its period' as problem,
    e.la_code,
    e.period_of_care_id,
    e.episode_id
from {{ ref('fct_cla_episodes') }} as e
left join {{ ref('fct_cla_periods_of_care') }} as poc
    on e.la_code = poc.la_code and e.period_of_care_id = poc.period_of_care_id
where
    poc.period_of_care_id is null
    or e.ceased_date < e.start_date
    or e.start_date < poc.start_date
    or (poc.end_date is not null and (e.ceased_date is null or e.ceased_date > poc.end_date))
union all
select
    'period dates are not its episodes'' bounds',
    coalesce(poc.la_code, b.la_code),
    coalesce(poc.period_of_care_id, b.period_of_care_id),
    null
from {{ ref('fct_cla_periods_of_care') }} as poc
full outer join bounds as b
    on poc.la_code = b.la_code and poc.period_of_care_id = b.period_of_care_id
where
    b.period_of_care_id is null
    or poc.period_of_care_id is null
    or poc.start_date is distinct from b.first_start
    or poc.end_date is distinct from b.last_ceased
    or poc.episode_count is distinct from b.n_episodes
