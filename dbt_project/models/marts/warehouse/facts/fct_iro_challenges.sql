-- recomputed as time passes: an open challenge's days open run to the latest extract
{{ config(meta={'recompute_as_time_passes': ['open_challenge']}) }}
-- One row per IRO challenge (PR, MA, informal, good-practice note): dates, days open, the highest
-- level its stages reached (PRACTICE_MANAGER < ... < CAFCASS) and the challenge it escalated from.
with stages as (
    select
        st.la_code,
        st.chst_challenge_id as challenge_id,
        count(*) as stage_count,
        max(lv.level_rank) as highest_level_rank
    from {{ ref('stg_ext__iro_challenge_stages') }} as st
    inner join {{ ref('stg_ref__code_lists') }} as lv
        on lv.code_list = 'challenge_level' and st.chst_level = lv.code
    group by st.la_code, st.chst_challenge_id
)

select
    ch.la_code,
    ch.chal_challenge_id as challenge_id,
    p.child_key,
    ch.chal_raised_date as raised_date,
    ch.chal_raised_by_professional_id as raised_by_professional_id,
    ch.chal_challenge_type as challenge_type,
    tg.code_group as challenge_type_group,
    ch.chal_challenge_type in ('PR', 'MA') as is_challenge,
    ch.chal_subject as subject,
    ch.chal_category as category,
    ch.chal_impact as impact,
    ch.chal_linked_review_id as linked_review_id,
    ch.chal_escalated_from_id as escalated_from_challenge_id,
    ch.chal_resolved_date as resolved_date,
    ch.chal_resolved_date is not null as is_resolved,
    ch.chal_outcome as outcome,
    ch.chal_resolved_date - ch.chal_raised_date as days_to_resolve,
    coalesce(ch.chal_resolved_date, ch.extract_date) - ch.chal_raised_date as days_open,
    coalesce(st.stage_count, 0) as stage_count,
    lv.code as highest_level,
    st.highest_level_rank,
    {{ locality_at('ch.la_code', 'ch.chal_person_id', 'ch.chal_raised_date') }} as locality
from {{ ref('stg_ext__iro_challenges') }} as ch
left join stages as st on ch.la_code = st.la_code and ch.chal_challenge_id = st.challenge_id
left join {{ ref('stg_ref__code_lists') }} as lv
    on lv.code_list = 'challenge_level' and st.highest_level_rank = lv.level_rank
left join {{ ref('stg_ref__code_lists') }} as tg
    on tg.code_list = 'challenge_type' and ch.chal_challenge_type = tg.code
left join {{ ref('int_person') }} as p on ch.la_code = p.la_code and ch.chal_person_id = p.person_id
where {{ is_changed_child('ch.la_code', 'ch.chal_person_id') }}
