{{ config(indexes=[{'columns': ['la_code', 'chal_challenge_id']}]) }}
-- ext_iro_challenges: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ext_iro_challenges') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.chal_challenge_id') }} as chal_challenge_id,
    {{ clean_text('src.chal_person_id') }} as chal_person_id,
    {{ parse_date('src.chal_raised_date') }} as chal_raised_date,
    {{ clean_text('src.chal_raised_by_professional_id') }} as chal_raised_by_professional_id,
    {{ normalise_code('src.chal_challenge_type', 'challenge_type') }} as chal_challenge_type,
    {{ normalise_code('src.chal_subject', 'challenge_subject') }} as chal_subject,
    {{ free_text('src.chal_category') }} as chal_category,
    {{ free_text('src.chal_impact') }} as chal_impact,
    {{ clean_text('src.chal_linked_review_id') }} as chal_linked_review_id,
    {{ clean_text('src.chal_escalated_from_id') }} as chal_escalated_from_id,
    {{ parse_date('src.chal_resolved_date') }} as chal_resolved_date,
    {{ normalise_code('src.chal_outcome', 'challenge_outcome') }} as chal_outcome,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
