{{ config(indexes=[{'columns': ['la_code', 'child_key']}]) }}
-- The episodes the placement-stability KPIs count (docs/ssda903.md, "The imported history in the
-- KPIs"): the extract's (short-break periods left out) and, before what the extract holds of each
-- child, the imported SSDA903 episodes. An authority without an import gets the extract's episodes
-- unchanged.
--
-- - cutoff: the earlier of the authority's history_start and the child's first extract episode; an
--   imported episode is used only when it starts before it, and ends at the cutoff at the latest (the
--   extract holds what follows). An episode open in its latest return ends there (covered_until).
-- - continuation: the child's first extract episode continues the imported care when an imported
--   episode runs up to its start (both on the cutoff). Its period of care then started at the imported
--   period's start (the latest imported S episode, else the earliest imported episode), and a start
--   reason S there (where the case system's records begin) is a new placement only when the placement
--   type is known and differs from the imported one.
-- - imported short-break episodes (legal status V3, V4) are left out, as the extract's are.
with extract_episodes as (
    select
        la_code,
        child_key,
        period_of_care_id,
        start_date,
        ceased_date,
        start_reason,
        is_new_placement,
        placement_type,
        row_number() over (partition by la_code, child_key order by start_date, episode_id) as child_sequence
    from {{ ref('fct_cla_episodes') }}
    where not is_short_break_period and child_key is not null
),

periods as (
    select la_code, period_of_care_id, start_date from {{ ref('fct_cla_periods_of_care') }}
),

-- the imported children the extract holds, with their cutoff (only they: an authority without an
-- import costs nothing here); every extract episode counts for it, short breaks included
cutoffs as (
    select
        h.la_code,
        p.child_key,
        p.person_id,
        least(h.history_start, min(e.start_date)) as cutoff
    from (select distinct la_code, child_id from {{ ref('stg_import__ssda903_episodes') }}) as i
    inner join {{ ref('int_kpi_history_start') }} as h on i.la_code = h.la_code
    inner join {{ ref('int_person') }} as p on i.la_code = p.la_code and i.child_id = p.person_id
    left join {{ ref('fct_cla_episodes') }} as e on p.la_code = e.la_code and p.child_key = e.child_key
    where h.history_start is not null
    group by h.la_code, p.child_key, p.person_id, h.history_start
),

imported as (
    select
        i.la_code,
        c.child_key,
        c.cutoff,
        i.start_date,
        least(coalesce(i.ceased_date, i.covered_until), c.cutoff) as ceased_date,
        i.start_reason,
        i.start_reason in ('S', 'P', 'B') as is_new_placement,
        i.placement_type,
        coalesce(
            max(i.start_date) filter (where i.start_reason = 'S') over (
                partition by i.la_code, c.child_key order by i.start_date rows unbounded preceding
            ),
            min(i.start_date) over (partition by i.la_code, c.child_key)
        ) as imported_period_start
    from {{ ref('stg_import__ssda903_episodes') }} as i
    inner join cutoffs as c on i.la_code = c.la_code and i.child_id = c.person_id
    where i.start_date < c.cutoff and i.legal_status not in ('V3', 'V4')
),

-- the extract period of care that continues imported care, with the imported episode it continues
continued as (
    select distinct on (e.la_code, e.period_of_care_id)
        e.la_code,
        e.period_of_care_id,
        i.child_key,
        i.imported_period_start,
        i.placement_type as imported_placement_type
    from extract_episodes as e
    inner join imported as i
        on e.la_code = i.la_code and e.child_key = i.child_key and i.ceased_date = e.start_date
    where e.child_sequence = 1 and e.start_date = i.cutoff
    order by e.la_code asc, e.period_of_care_id asc, i.start_date desc
)

select
    e.la_code,
    e.child_key,
    e.period_of_care_id,
    coalesce(c.imported_period_start, p.start_date) as period_of_care_start,
    e.start_date,
    e.ceased_date,
    case
        when c.period_of_care_id is not null and e.child_sequence = 1 and e.start_reason = 'S'
            then coalesce(e.placement_type <> c.imported_placement_type, false)
        else e.is_new_placement
    end as is_new_placement,
    false as is_imported
from extract_episodes as e
inner join periods as p on e.la_code = p.la_code and e.period_of_care_id = p.period_of_care_id
left join continued as c on e.la_code = c.la_code and e.period_of_care_id = c.period_of_care_id
union all
select
    i.la_code,
    i.child_key,
    -- imported episodes of the continued care belong to the extract's period of care
    c.period_of_care_id,
    i.imported_period_start,
    i.start_date,
    i.ceased_date,
    i.is_new_placement,
    true
from imported as i
left join continued as c
    on i.la_code = c.la_code and i.child_key = c.child_key and i.imported_period_start = c.imported_period_start
