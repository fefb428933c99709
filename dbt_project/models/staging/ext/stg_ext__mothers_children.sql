{{ config(indexes=[{'columns': ['la_code', 'moch_table_id']}]) }}
-- ext_mothers_children: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ext_mothers_children') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.moch_table_id') }} as moch_table_id,
    {{ clean_text('src.moch_person_id') }} as moch_person_id,
    {{ parse_date('src.moch_child_dob') }} as moch_child_dob,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
