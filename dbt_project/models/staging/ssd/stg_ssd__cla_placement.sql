{{ config(indexes=[{'columns': ['la_code', 'clap_cla_placement_id']}]) }}
-- ssd_cla_placement: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_cla_placement') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.clap_cla_placement_id') }} as clap_cla_placement_id,
    {{ clean_text('src.clap_cla_id') }} as clap_cla_id,
    {{ clean_text('src.clap_person_id') }} as clap_person_id,
    {{ parse_date('src.clap_cla_placement_start_date') }} as clap_cla_placement_start_date,
    {{ normalise_code('src.clap_cla_placement_type', 'placement_type') }} as clap_cla_placement_type,
    {{ clean_text('src.clap_cla_placement_urn') }} as clap_cla_placement_urn,
    {{ parse_decimal('src.clap_cla_placement_distance') }} as clap_cla_placement_distance,
    {{ normalise_code('src.clap_cla_placement_provider', 'placement_provider') }} as clap_cla_placement_provider,
    {{ clean_text('src.clap_cla_placement_postcode') }} as clap_cla_placement_postcode,
    {{ parse_date('src.clap_cla_placement_end_date') }} as clap_cla_placement_end_date,
    {{ normalise_code('src.clap_cla_placement_change_reason', 'placement_change_reason') }} as clap_cla_placement_change_reason,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
