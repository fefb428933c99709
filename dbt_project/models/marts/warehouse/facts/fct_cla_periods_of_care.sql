-- One row per period of care (episodes sharing clae_cla_id).
select
    poc.la_code,
    poc.period_of_care_id,
    p.child_key,
    poc.start_date,
    poc.end_date,
    poc.end_date is null as is_open,
    poc.episode_count,
    poc.period_sequence,
    poc.first_start_reason,
    poc.last_ceased_reason,
    poc.first_primary_need,
    poc.is_short_break_only,
    {{ age_in_years('p.date_of_birth', 'poc.start_date') }} as age_at_start,
    {{ locality_at('poc.la_code', 'poc.person_id', 'poc.start_date') }} as locality_at_start
from {{ ref('int_cla_periods_of_care') }} as poc
left join {{ ref('int_person') }} as p on poc.la_code = p.la_code and poc.person_id = p.person_id
where {{ is_changed_child('poc.la_code', 'poc.person_id') }}
