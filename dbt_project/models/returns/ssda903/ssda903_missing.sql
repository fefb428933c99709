{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 Missing file: missing (M) and away-from-placement (A) episodes that started in the collection
-- year while the child was looked after.
select
    m.la_code,
    m.miss_person_id as child,
    {{ dfe_date('c.date_of_birth') }} as dob,
    m.miss_missing_episode_type as missing,
    {{ dfe_date('m.miss_missing_episode_start_date') }} as mis_start,
    {{ dfe_date('m.miss_missing_episode_end_date') }} as mis_end
from {{ ref('stg_ssd__missing') }} as m
inner join {{ ref('int_ssda903_children') }} as c
    on m.la_code = c.la_code and m.miss_person_id = c.person_id and c.looked_after
where m.miss_missing_episode_start_date between {{ ssda903_year_start() }} and {{ ssda903_year_end() }}
