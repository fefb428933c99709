-- int_kpi_cla_health looks up one child's records up to a date
{{ config(indexes=[{'columns': ['la_code', 'child_key', 'check_date']}]) }}
-- One row per health record of a looked-after child: each health check (health assessment, dental
-- check, surveillance check, with its status), each strengths and difficulties questionnaire (score or
-- the reason none was returned) and the child's immunisation status. record_kind says which.
with checks as (
    select h.*
    from {{ ref('stg_ssd__cla_health') }} as h
    where {{ is_changed_child('h.la_code', 'h.clah_person_id') }}
),

sdqs as (
    select s.*
    from {{ ref('stg_ssd__sdq_scores') }} as s
    where {{ is_changed_child('s.la_code', 's.csdq_person_id') }}
),

immunisations as (
    select i.*
    from {{ ref('stg_ssd__cla_immunisations') }} as i
    where {{ is_changed_child('i.la_code', 'i.clai_person_id') }}
),

records as (
    select
        c.la_code,
        'health_check' as record_kind,
        c.clah_health_check_id as record_id,
        c.clah_person_id as person_id,
        c.clah_health_check_type as check_type,
        g.code_group as check_group,
        c.clah_health_check_date as check_date,
        c.clah_health_check_status as status,
        cast(null as integer) as sdq_score,
        cast(null as text) as sdq_reason,
        cast(null as boolean) as immunisations_up_to_date
    from checks as c
    left join {{ ref('stg_ref__code_lists') }} as g
        on g.code_list = 'health_check_type' and c.clah_health_check_type = g.code
    union all
    select
        s.la_code,
        'sdq',
        s.csdq_table_id,
        s.csdq_person_id,
        'SDQ',
        'sdq',
        s.csdq_sdq_completed_date,
        case when s.csdq_sdq_completed_date is not null then 'COMPLETED' end,
        s.csdq_sdq_score,
        s.csdq_sdq_reason,
        null
    from sdqs as s
    union all
    -- one status per child: the record's id is the pseudonymous child key, never the person id
    select
        i.la_code,
        'immunisation_status',
        {{ child_key('i.la_code', 'i.clai_person_id') }},
        i.clai_person_id,
        'IMMUNISATIONS',
        'immunisations',
        i.clai_immunisations_status_date,
        null,
        null,
        null,
        i.clai_immunisations_status
    from immunisations as i
)

select
    r.la_code,
    r.record_kind,
    r.record_id,
    p.child_key,
    r.check_type,
    r.check_group,
    r.check_date,
    r.status,
    coalesce(r.status = 'COMPLETED', false) as is_completed,
    r.sdq_score,
    r.sdq_reason,
    r.immunisations_up_to_date,
    {{ age_in_years('p.date_of_birth', 'r.check_date') }} as age_at_check
from records as r
left join {{ ref('int_person') }} as p on r.la_code = p.la_code and r.person_id = p.person_id
