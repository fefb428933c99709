{{ config(indexes=[{'columns': ['la_code', 'invo_involvements_id']}]) }}
-- ssd_involvements: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_involvements') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.invo_involvements_id') }} as invo_involvements_id,
    {{ clean_text('src.invo_professional_id') }} as invo_professional_id,
    {{ clean_text('src.invo_person_id') }} as invo_person_id,
    {{ clean_text('src.invo_professional_role_id') }} as invo_professional_role_id,
    {{ clean_text('src.invo_professional_team') }} as invo_professional_team,
    {{ parse_date('src.invo_involvement_start_date') }} as invo_involvement_start_date,
    {{ parse_date('src.invo_involvement_end_date') }} as invo_involvement_end_date,
    {{ free_text('src.invo_worker_change_reason') }} as invo_worker_change_reason,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
