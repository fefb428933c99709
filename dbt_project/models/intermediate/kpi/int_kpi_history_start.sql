-- The history window of each authority (docs/kpis.md, "History window"): history_start
-- is the manifest's optional `history_start` of the latest loaded extract, else the earliest event date
-- of any kind in that extract (dates of birth, due and target dates excluded: they are not events).
-- No review chain is judged on history before it, and no financial year starting before it is published.
{%- set events = [
    ('stg_ssd__cla_episodes', 'clae_cla_episode_start_date'),
    ('stg_ssd__legal_status', 'lega_legal_status_start_date'),
    ('stg_ssd__cla_placement', 'clap_cla_placement_start_date'),
    ('stg_ssd__cla_reviews', 'clar_cla_review_date'),
    ('stg_ssd__s47_enquiry', 's47e_s47_start_date'),
    ('stg_ssd__initial_cp_conference', 'icpc_icpc_date'),
    ('stg_ssd__cp_plans', 'cppl_cp_plan_start_date'),
    ('stg_ssd__cp_reviews', 'cppr_cp_review_date'),
    ('stg_ssd__involvements', 'invo_involvement_start_date'),
    ('stg_ssd__cla_visits', 'clav_cla_visit_date'),
    ('stg_ssd__missing', 'miss_missing_episode_start_date'),
    ('stg_ext__iro_challenges', 'chal_raised_date'),
    ('stg_ext__iro_challenge_stages', 'chst_start_date'),
] %}
with events as (
    {%- for model, column in events %}
    select la_code, min({{ column }}) as first_date from {{ ref(model) }} group by la_code
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

declared as (
    select b.la_code, b.history_start
    from {{ source('raw', '_batches') }} as b
    inner join {{ ref('stg_raw__latest_extracts') }} as le
        on b.la_code = le.la_code and b.extract_date = le.extract_date
    where b.status = 'loaded'
)

select
    le.la_code,
    le.extract_date,
    d.history_start as declared_history_start,
    min(e.first_date) as first_event_date,
    coalesce(d.history_start, min(e.first_date)) as history_start
from {{ ref('stg_raw__latest_extracts') }} as le
left join declared as d on le.la_code = d.la_code
left join events as e on le.la_code = e.la_code
group by le.la_code, le.extract_date, d.history_start
