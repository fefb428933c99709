-- recomputed as time passes: a conference dated after an earlier extract is held once its date has passed
{{ config(meta={'recompute_as_time_passes': ['icpc_date', 'rcpc_date']}) }}
-- Child protection conferences, initial (ICPC, incl. transfer-in) and review (RCPC), one row each.
-- ICPC: due 15 working days after the linked S47 enquiry started. RCPC: the first review of a plan is
-- due 3 months after the plan started, each later one 6 months after the previous held review
-- (stood-down conferences are not held and do not restart the chain). Report-to-parents timeliness:
-- at least 1 working day before an ICPC, 3 before an RCPC.
with details as (
    select * from {{ ref('stg_ext__cp_conference_details') }}
),

icpc as (
    select
        c.la_code,
        'ICPC:' || c.icpc_icpc_id as conference_id,
        c.icpc_icpc_id as source_id,
        case
            when coalesce(c.icpc_icpc_transfer_in, false) or d.cpcd_conference_type = 'TRANSFER_IN' then 'TRANSFER_IN'
            else 'ICPC'
        end as conference_type,
        c.icpc_person_id as person_id,
        coalesce(c.icpc_cp_plan_id, pl.cppl_cp_plan_id) as plan_id,
        c.icpc_icpc_date as conference_date,
        c.icpc_icpc_meeting_id as meeting_id,
        c.icpc_s47_enquiry_id as s47_enquiry_id,
        s.s47e_s47_start_date as s47_start_date,
        c.icpc_icpc_target_date as case_system_due_date,
        c.icpc_icpc_outcome_cp_flag as outcome_cp_plan,
        cast(null as bigint) as review_sequence,
        case
            when s.s47e_s47_start_date <= c.icpc_icpc_date then {{ wd_add('s.s47e_s47_start_date', 15) }}
        end as statutory_due_date,
        c.icpc_icpc_team as team_id
    from {{ ref('stg_ssd__initial_cp_conference') }} as c
    left join {{ ref('stg_ssd__s47_enquiry') }} as s
        on c.la_code = s.la_code and c.icpc_s47_enquiry_id = s.s47e_s47_enquiry_id
    left join details as d on c.la_code = d.la_code and c.icpc_icpc_meeting_id = d.cpcd_meeting_id
    left join (
        select
            la_code,
            cppl_icpc_id,
            min(cppl_cp_plan_id) as cppl_cp_plan_id
        from {{ ref('stg_ssd__cp_plans') }}
        where cppl_icpc_id is not null
        group by la_code, cppl_icpc_id
    ) as pl
        on c.la_code = pl.la_code and c.icpc_icpc_id = pl.cppl_icpc_id
    where c.icpc_icpc_date <= c.extract_date and {{ is_changed_child('c.la_code', 'c.icpc_person_id') }}
),

rcpc_held as (
    select
        r.*,
        coalesce(d.cpcd_stood_down, false) as is_stood_down,
        pl.cppl_cp_plan_start_date as plan_start_date
    from {{ ref('stg_ssd__cp_reviews') }} as r
    left join details as d on r.la_code = d.la_code and r.cppr_cp_review_meeting_id = d.cpcd_meeting_id
    left join {{ ref('stg_ssd__cp_plans') }} as pl
        on r.la_code = pl.la_code and r.cppr_cp_plan_id = pl.cppl_cp_plan_id
    where r.cppr_cp_review_date <= r.extract_date and {{ is_changed_child('r.la_code', 'r.cppr_person_id') }}
),

rcpc_chain as (
    select
        *,
        case when not is_stood_down then
            row_number() over (
                partition by la_code, cppr_cp_plan_id, is_stood_down order by cppr_cp_review_date, cppr_cp_review_id
            )
        end as review_sequence,
        case when not is_stood_down then
            lag(cppr_cp_review_date) over (
                partition by la_code, cppr_cp_plan_id, is_stood_down order by cppr_cp_review_date, cppr_cp_review_id
            )
        end as previous_review_date
    from rcpc_held
),

rcpc as (
    select
        la_code,
        'RCPC:' || cppr_cp_review_id as conference_id,
        cppr_cp_review_id as source_id,
        'RCPC' as conference_type,
        cppr_person_id as person_id,
        cppr_cp_plan_id as plan_id,
        cppr_cp_review_date as conference_date,
        cppr_cp_review_meeting_id as meeting_id,
        cast(null as text) as s47_enquiry_id,
        cast(null as date) as s47_start_date,
        cppr_cp_review_due as case_system_due_date,
        cppr_cp_review_outcome_continue_cp as outcome_cp_plan,
        review_sequence,
        case
            when review_sequence = 1 then {{ add_months_clamped('plan_start_date', 3) }}
            when review_sequence > 1 then {{ add_months_clamped('previous_review_date', 6) }}
        end as statutory_due_date,
        cast(null as text) as team_id
    from rcpc_chain
),

conferences as (
    select * from icpc
    union all
    select * from rcpc
)

select
    c.la_code,
    c.conference_id,
    c.source_id,
    c.conference_type,
    c.conference_type in ('ICPC', 'TRANSFER_IN') as is_initial,
    c.conference_type = 'TRANSFER_IN' as is_transfer_in,
    p.child_key,
    c.plan_id,
    c.conference_date,
    c.meeting_id,
    c.s47_enquiry_id,
    c.s47_start_date,
    c.review_sequence,
    c.statutory_due_date,
    c.case_system_due_date,
    c.conference_date <= c.statutory_due_date as is_on_time,
    c.outcome_cp_plan,
    coalesce(d.cpcd_stood_down, false) as is_stood_down,
    d.cpcd_chair_professional_id as chair_professional_id,
    d.cpcd_report_to_parents_date as report_to_parents_date,
    case when c.conference_type = 'RCPC' then 3 else 1 end as report_to_parents_required_working_days,
    {{ wd_diff('d.cpcd_report_to_parents_date', 'c.conference_date') }} as report_to_parents_working_days_before,
    d.cpcd_report_to_parents_date
    <= {{ wd_add('c.conference_date', '-(case when c.conference_type = \'RCPC\' then 3 else 1 end)') }}
        as is_report_to_parents_timely,
    d.cpcd_record_distributed_date as record_distributed_date,
    d.cpcd_child_attended as child_attended,
    {{ age_in_years('p.date_of_birth', 'c.conference_date') }} as age_at_conference,
    coalesce(t.locality, {{ locality_at('c.la_code', 'c.person_id', 'c.conference_date') }}) as locality
from conferences as c
left join details as d on c.la_code = d.la_code and c.meeting_id = d.cpcd_meeting_id
left join {{ ref('dim_team') }} as t on c.la_code = t.la_code and c.team_id = t.team_id
left join {{ ref('int_person') }} as p on c.la_code = p.la_code and c.person_id = p.person_id
