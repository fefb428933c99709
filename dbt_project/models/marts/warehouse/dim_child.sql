-- One row per child: the pseudonymous key and what breakdowns need (sex, ethnicity, birth month for
-- age bands, disability, the locality of the current allocation). No name, exact date of birth, UPN or NHS number.
with need as (
    select
        la_code,
        clae_person_id as person_id,
        bool_or(clae_cla_primary_need_code = 'N2') as has_disability_need
    from {{ ref('stg_ssd__cla_episodes') }}
    group by la_code, clae_person_id
)

select
    p.la_code,
    p.child_key,
    p.sex,
    p.ethnicity,
    eg.code_group as ethnicity_group,
    cast(extract(year from p.date_of_birth) as integer) as birth_year,
    cast(date_trunc('month', p.date_of_birth) as date) as birth_month,
    coalesce(need.has_disability_need, false) as is_disabled,
    p.death_date is not null as has_died,
    {{ locality_at('p.la_code', 'p.person_id', 'le.extract_date') }} as current_locality
from {{ ref('int_person') }} as p
left join {{ ref('stg_raw__latest_extracts') }} as le on p.la_code = le.la_code
left join need on p.la_code = need.la_code and p.person_id = need.person_id
left join {{ ref('stg_ref__code_lists') }} as eg
    on eg.code_list = 'ethnicity' and p.ethnicity = eg.code
