{{ config(indexes=[{'columns': ['la_code', 's47e_s47_enquiry_id']}]) }}
-- ssd_s47_enquiry: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_s47_enquiry') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.s47e_s47_enquiry_id') }} as s47e_s47_enquiry_id,
    {{ clean_text('src.s47e_person_id') }} as s47e_person_id,
    {{ parse_date('src.s47e_s47_start_date') }} as s47e_s47_start_date,
    {{ parse_date('src.s47e_s47_end_date') }} as s47e_s47_end_date,
    {{ parse_flag('src.s47e_s47_nfa') }} as s47e_s47_nfa,
    {{ clean_text('src.s47e_referral_id') }} as s47e_referral_id,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
