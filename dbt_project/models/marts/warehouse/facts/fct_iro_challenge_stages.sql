-- One row per stage of an IRO challenge: the level, dates and response timeliness, with the child of
-- the challenge (null when the challenge is missing from the extract).
select
    st.la_code,
    st.chst_stage_id as stage_id,
    st.chst_challenge_id as challenge_id,
    p.child_key,
    st.chst_stage_number as stage_number,
    st.chst_level as challenge_level,
    lv.level_rank,
    st.chst_start_date as start_date,
    st.chst_response_due_date as response_due_date,
    st.chst_response_date as response_date,
    st.chst_response_date - st.chst_start_date as days_to_response,
    st.chst_response_date <= st.chst_response_due_date as is_response_on_time,
    st.chst_outcome as outcome
from {{ ref('stg_ext__iro_challenge_stages') }} as st
left join {{ ref('stg_ext__iro_challenges') }} as ch
    on st.la_code = ch.la_code and st.chst_challenge_id = ch.chal_challenge_id
left join {{ ref('int_person') }} as p on ch.la_code = p.la_code and ch.chal_person_id = p.person_id
left join {{ ref('stg_ref__code_lists') }} as lv
    on lv.code_list = 'challenge_level' and st.chst_level = lv.code
where {{ is_changed_child('st.la_code', 'ch.chal_person_id') }}
