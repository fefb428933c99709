{{ config(enabled=var('ssda903_year', none) is not none) }}
-- Children looked after continuously for at least 12 months at 31 March of the collection year (the
-- OC2 cohort, DfE definition): in care on 1 April, no new start, no leaving other than on 31 March
-- itself, and no short-break (V3/V4) episode during the year.
with year_episodes as (
    select * from {{ ref('int_ssda903_episode_chain') }}
    where
        decom <= {{ ssda903_year_end() }}
        and (ceased is null or ceased >= {{ ssda903_year_start() }})
)

select
    la_code,
    person_id
from year_episodes
group by la_code, person_id
having
    min(decom) <= {{ ssda903_year_start() }}
    and not bool_or(rne = 'S' and decom > {{ ssda903_year_start() }})
    and not bool_or(coalesce(rec, 'X1') != 'X1' and ceased < {{ ssda903_year_end() }})
    and not bool_or(ls in ('V3', 'V4'))
