{{ config(indexes=[{'columns': ['la_code', 'perm_table_id']}]) }}
-- ssd_permanence: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_permanence') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.perm_table_id') }} as perm_table_id,
    {{ clean_text('src.perm_person_id') }} as perm_person_id,
    {{ clean_text('src.perm_cla_id') }} as perm_cla_id,
    {{ parse_date('src.perm_adm_decision_date') }} as perm_adm_decision_date,
    {{ parse_date('src.perm_placement_order_date') }} as perm_placement_order_date,
    {{ parse_date('src.perm_matched_date') }} as perm_matched_date,
    {{ parse_date('src.perm_placed_for_adoption_date') }} as perm_placed_for_adoption_date,
    {{ parse_flag('src.perm_adopted_by_carer_flag') }} as perm_adopted_by_carer_flag,
    {{ parse_date('src.perm_decision_reversed_date') }} as perm_decision_reversed_date,
    {{ normalise_code('src.perm_decision_reversed_reason', 'adoption_reversed_reason') }} as perm_decision_reversed_reason,
    {{ parse_date('src.perm_permanence_order_date') }} as perm_permanence_order_date,
    {{ clean_text('src.perm_permanence_order_type') }} as perm_permanence_order_type,
    {{ parse_int('src.perm_number_of_adopters') }} as perm_number_of_adopters,
    {{ normalise_code('src.perm_adopter_sex', 'adopter_sex') }} as perm_adopter_sex,
    {{ normalise_code('src.perm_adopter_legal_status', 'adopter_legal_status') }} as perm_adopter_legal_status,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
