{{ config(pre_hook=["{{ kpi_analyze([ref('dim_team'), ref('fct_iro_challenges')]) }}"]) }}
-- Every value each breakdown can take, per authority, so kpi_values has a row for every value of the
-- breakdown's list (zero rows included) and tables and charts keep their shape. Code lists come from
-- ref_code_lists; localities from the authority's teams; challenge categories (a free local code) from
-- the authority's own challenges. 'Unknown' collects rows without a value, so breakdowns sum to the
-- headline.
with las as (
    select la_code from {{ ref('stg_raw__latest_extracts') }}
),

codes as (
    select code_list, code, code_group from {{ ref('stg_ref__code_lists') }}
),

fixed (breakdown, breakdown_value, sort_order) as (
    values
    ('age_band', 'under 1', 1), ('age_band', '1-4', 2), ('age_band', '5-9', 3), ('age_band', '10-15', 4),
    ('age_band', '16-17', 5), ('age_band', 'Unknown', 6),
    ('caseload_kind', 'CLA', 1), ('caseload_kind', 'CP', 2),
    ('challenge_type', 'PR', 1), ('challenge_type', 'MA', 2)
),

per_la as (
    select las.la_code, f.breakdown, f.breakdown_value, f.sort_order
    from las cross join fixed as f
    union all
    select las.la_code, 'participation_code', c.code, row_number() over (partition by las.la_code order by c.code)
    from las cross join codes as c where c.code_list = 'participation'
    union all
    select las.la_code, 'subject', c.code, row_number() over (partition by las.la_code order by c.code)
    from las cross join codes as c where c.code_list = 'challenge_subject'
    union all
    select las.la_code, 'level', c.code, cast(c.code_group as integer)
    from las cross join codes as c where c.code_list = 'challenge_level'
    union all
    select las.la_code, 'level', 'Unknown', 99 from las
    union all
    select las.la_code, 'legal_status', c.code, row_number() over (partition by las.la_code order by c.code)
    from las cross join codes as c where c.code_list = 'legal_status'
    union all
    select las.la_code, 'legal_status', 'Unknown', 99 from las
    union all
    select g.la_code, 'placement_type', g.code_group, row_number() over (partition by g.la_code order by g.code_group)
    from (
        select distinct las.la_code, c.code_group
        from las cross join codes as c where c.code_list = 'placement_type' and c.code_group is not null
    ) as g
    union all
    select las.la_code, 'placement_type', 'Unknown', 99 from las
    union all
    select l.la_code, 'locality', l.locality, row_number() over (partition by l.la_code order by l.locality)
    from (select distinct la_code, locality from {{ ref('dim_team') }} where locality is not null) as l
    union all
    select las.la_code, 'locality', 'Unknown', 999 from las
    union all
    select c.la_code, 'category', c.category, row_number() over (partition by c.la_code order by c.category)
    from (
        select distinct la_code, category from {{ ref('fct_iro_challenges') }}
        where is_challenge and category is not null and category <> 'Unknown'
    ) as c
    union all
    select las.la_code, 'category', 'Unknown', 999 from las
)

select la_code, breakdown, breakdown_value, sort_order from per_la
