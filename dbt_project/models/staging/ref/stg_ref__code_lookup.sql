{{ config(
    materialized='table',
    indexes=[{'columns': ['code_list', 'lookup_key'], 'unique': True}]
) }}
-- Every accepted spelling of a code -> the DfE code: the code itself (priority 1) and its
-- description, compared ignoring case and punctuation (priority 2). Read by normalise_code().
with spellings as (
    select
        code_list,
        upper(trim(code)) as lookup_key,
        code,
        1 as priority
    from {{ ref('ref_code_lists') }}
    union all
    select
        code_list,
        {{ description_key('description') }} as lookup_key,
        code,
        2 as priority
    from {{ ref('ref_code_lists') }}
    where description is not null
),

ranked as (
    select
        code_list,
        lookup_key,
        code,
        priority,
        row_number() over (partition by code_list, lookup_key order by priority, code) as rn
    from spellings
)

select
    code_list,
    lookup_key,
    code,
    priority
from ranked
where rn = 1
