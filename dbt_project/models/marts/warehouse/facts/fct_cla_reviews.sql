-- recomputed as time passes: a review dated after an earlier extract is held once its date has passed
{{ config(meta={'recompute_as_time_passes': ['cla_review_date']}) }}
-- One row per held CLA review: the statutory due date (the chain, see int_cla_review_chain) beside
-- the case system's own due date, timeliness, participation, age, the chairing IRO and the review
-- process dates from ext_cla_review_details when the authority sends them.
select
    c.la_code,
    c.review_id,
    c.period_of_care_id,
    p.child_key,
    c.review_date,
    c.review_sequence,
    c.previous_review_date,
    c.statutory_due_date,
    c.case_system_due_date,
    c.review_date <= c.statutory_due_date as is_on_time,
    greatest(c.review_date - c.statutory_due_date, 0) as days_late,
    c.participation_code,
    pc.code_group as participation_group,
    {{ age_in_years('p.date_of_birth', 'c.review_date') }} as age_at_review,
    c.period_start_date,
    c.period_end_date,
    c.is_short_break_period,
    d.clrd_meeting_id as meeting_id,
    d.clrd_chair_professional_id as chair_professional_id,
    d.clrd_review_kind as review_kind,
    d.clrd_care_plan_received_date as care_plan_received_date,
    d.clrd_sw_report_received_date as sw_report_received_date,
    d.clrd_decisions_recorded_date as decisions_recorded_date,
    d.clrd_record_distributed_date as record_distributed_date,
    {{ wd_diff('c.review_date', 'd.clrd_decisions_recorded_date') }} as decisions_recorded_working_days,
    {{ wd_diff('c.review_date', 'd.clrd_record_distributed_date') }} as record_distributed_working_days,
    d.clrd_parent_attended as parent_attended,
    d.clrd_permanence_plan_agreed as permanence_plan_agreed,
    {{ locality_at('c.la_code', 'c.person_id', 'c.review_date') }} as locality
from {{ ref('int_cla_review_chain') }} as c
left join {{ ref('int_person') }} as p on c.la_code = p.la_code and c.person_id = p.person_id
left join {{ ref('stg_ext__cla_review_details') }} as d
    on c.la_code = d.la_code and c.review_id = d.clrd_cla_review_id
left join {{ ref('stg_ref__code_lists') }} as pc
    on pc.code_list = 'participation' and c.participation_code = pc.code
where {{ is_changed_child('c.la_code', 'c.person_id') }}
