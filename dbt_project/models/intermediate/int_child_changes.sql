{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    indexes=[{'columns': ['la_code', 'change_date']}],
    pre_hook="{{ delete_from_restart('change_date') }}",
    post_hook="{{ record_model_batches() }}"
) }}
-- Which children's records changed on which extract date, from the history models: a version of one of
-- the child's rows began or ended (changed, new or deleted). Rows that name no child are traced to one:
-- CLA reviews through their period of care, review and conference details through the review or
-- conference, challenge stages through the challenge, and a change to a professional or a team reaches
-- every child with an involvement (or conference) there. The incremental facts recompute these children
-- (macros/incremental_facts.sql). Incremental itself: each run recomputes the events from the earliest
-- extract it has not read (macros/model_batches.sql: the new night, a corrected night or a late older one).
{%- set child_tables = ['hist_ssd__person', 'hist_ssd__cla_episodes', 'hist_ssd__cla_placement',
    'hist_ssd__cla_reviews', 'hist_ssd__cla_visits', 'hist_ssd__cp_plans', 'hist_ssd__cp_reviews',
    'hist_ssd__initial_cp_conference', 'hist_ssd__involvements', 'hist_ssd__legal_status', 'hist_ssd__missing',
    'hist_ssd__s47_enquiry', 'hist_ssd__care_leavers', 'hist_ext__iro_challenges',
    'hist_ext__cla_review_details', 'hist_ext__cp_conference_details', 'hist_ext__iro_challenge_stages',
    'hist_ssd__professionals', 'hist_ssd__department', 'hist_ssd__cla_health', 'hist_ssd__cla_immunisations',
    'hist_ssd__sdq_scores'] %}
with
{% if is_incremental() -%}
restarts as (
    {{ restart_dates() }}
),

{% endif -%}
versions as (
    {%- for name in child_tables %}
    select
        '{{ name }}' as history_model,
        h.la_code,
        h.source_id,
        h.person_id,
        h.parent_id,
        h.valid_from,
        h.valid_to
    from {{ ref(name) }} as h
    {%- if is_incremental() %}
    inner join restarts as rs
        on h.la_code = rs.la_code and (h.valid_from >= rs.restart_date or h.valid_to >= rs.restart_date)
    {%- endif %}
    {{- "\n    union all" if not loop.last }}
    {%- endfor %}
),

events as (
    select
        history_model,
        la_code,
        source_id,
        person_id,
        parent_id,
        valid_from as change_date
    from versions
    union all
    select
        history_model,
        la_code,
        source_id,
        person_id,
        parent_id,
        valid_to as change_date
    from versions
    where valid_to is not null
),

new_events as (
    select e.*
    from events as e
    {%- if is_incremental() %}
    inner join restarts as rs on e.la_code = rs.la_code and e.change_date >= rs.restart_date
    {%- endif %}
),

child_events as (
    -- rows naming the child
    select
        la_code,
        person_id,
        change_date
    from new_events
    where person_id is not null
    union all
    -- CLA reviews without a person id: the child of the period of care
    select
        e.la_code,
        poc.person_id,
        e.change_date
    from new_events as e
    inner join {{ ref('int_cla_periods_of_care') }} as poc
        on e.la_code = poc.la_code and e.parent_id = poc.period_of_care_id
    where e.history_model = 'hist_ssd__cla_reviews' and e.person_id is null
    union all
    -- review details: the review's child (any version of the review, so a deleted one too)
    select
        e.la_code,
        coalesce(r.person_id, poc.person_id),
        e.change_date
    from new_events as e
    inner join {{ ref('hist_ssd__cla_reviews') }} as r
        on e.la_code = r.la_code and e.parent_id = r.source_id
    left join {{ ref('int_cla_periods_of_care') }} as poc
        on r.la_code = poc.la_code and r.parent_id = poc.period_of_care_id
    where e.history_model = 'hist_ext__cla_review_details'
    union all
    -- challenge stages: the challenge's child
    select
        e.la_code,
        ch.person_id,
        e.change_date
    from new_events as e
    inner join {{ ref('hist_ext__iro_challenges') }} as ch
        on e.la_code = ch.la_code and e.parent_id = ch.source_id
    where e.history_model = 'hist_ext__iro_challenge_stages'
    union all
    -- conference details: the child of the conference with that meeting id (a conference whose meeting
    -- id changed or that was deleted is an event of its own)
    select
        e.la_code,
        c.icpc_person_id,
        e.change_date
    from new_events as e
    inner join {{ ref('stg_ssd__initial_cp_conference') }} as c
        on e.la_code = c.la_code and e.parent_id = c.icpc_icpc_meeting_id
    where e.history_model = 'hist_ext__cp_conference_details'
    union all
    select
        e.la_code,
        r.cppr_person_id,
        e.change_date
    from new_events as e
    inner join {{ ref('stg_ssd__cp_reviews') }} as r
        on e.la_code = r.la_code and e.parent_id = r.cppr_cp_review_meeting_id
    where e.history_model = 'hist_ext__cp_conference_details'
    union all
    -- a professional (FTE, team, agency): every child with an involvement of theirs
    select
        e.la_code,
        i.invo_person_id,
        e.change_date
    from new_events as e
    inner join {{ ref('stg_ssd__involvements') }} as i
        on e.la_code = i.la_code and e.source_id = i.invo_professional_id
    where e.history_model = 'hist_ssd__professionals'
    union all
    -- a team (its locality): every child with an involvement there, directly or through the professional
    select
        e.la_code,
        i.invo_person_id,
        e.change_date
    from new_events as e
    inner join {{ ref('stg_ssd__involvements') }} as i on e.la_code = i.la_code
    left join {{ ref('stg_ssd__professionals') }} as pr
        on i.la_code = pr.la_code and i.invo_professional_id = pr.prof_professional_id
    where
        e.history_model = 'hist_ssd__department'
        and e.source_id = coalesce(i.invo_professional_team, pr.prof_professional_department)
    union all
    select
        e.la_code,
        c.icpc_person_id,
        e.change_date
    from new_events as e
    inner join {{ ref('stg_ssd__initial_cp_conference') }} as c
        on e.la_code = c.la_code and e.source_id = c.icpc_icpc_team
    where e.history_model = 'hist_ssd__department'
)

select distinct
    la_code,
    person_id,
    change_date
from child_events
where person_id is not null
