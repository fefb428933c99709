-- One row per version of a care leaver's record over the nightly extracts (hist_ssd__care_leavers): the
-- case system keeps only the latest status, the warehouse keeps every night's, so a status "at t" is
-- the version valid at the latest loaded extract on or before t (valid_from <= t and (valid_to is null
-- or valid_to > t)) and a monthly trend can be rebuilt as it stood. Content typed as in staging.
with versions as (
    select h.*
    from {{ ref('hist_ssd__care_leavers') }} as h
    where {{ is_changed_child('h.la_code', 'h.person_id') }}
),

content as (
    select
        v.la_code,
        v.source_id,
        v.person_id,
        v.valid_from,
        v.valid_to,
        {{ normalise_code('r.clea_care_leaver_eligibility', 'care_leaver_eligibility') }} as eligibility,
        {{ normalise_code('r.clea_care_leaver_in_touch', 'care_leaver_in_touch') }} as in_touch,
        {{ parse_date('r.clea_care_leaver_latest_contact') }} as latest_contact_date,
        {{ normalise_code('r.clea_care_leaver_accommodation', 'care_leaver_accommodation') }} as accommodation,
        {{ normalise_code('r.clea_care_leaver_accom_suitable', 'care_leaver_accom_suitable') }}
            as accommodation_suitability,
        {{ normalise_code('r.clea_care_leaver_activity', 'care_leaver_activity') }} as activity,
        {{ parse_date('r.clea_pathway_plan_review_date') }} as pathway_plan_review_date
    from versions as v
    inner join {{ source('raw', 'ssd_care_leavers') }} as r
        on v.la_code = r._la_code and v.valid_from = r._extract_date and v.source_id = trim(r.clea_table_id)
)

select
    c.la_code,
    c.source_id as care_leaver_id,
    p.child_key,
    c.valid_from,
    c.valid_to,
    c.eligibility,
    c.in_touch,
    c.latest_contact_date,
    c.accommodation,
    case c.accommodation_suitability when '1' then true when '2' then false end as is_accommodation_suitable,
    c.activity,
    -- EET (F and P codes), NEET (G codes), not_known (0 or blank)
    coalesce(act.code_group, 'not_known') as activity_group,
    c.pathway_plan_review_date
from content as c
left join {{ ref('int_person') }} as p on c.la_code = p.la_code and c.person_id = p.person_id
left join {{ ref('stg_ref__code_lists') }} as act
    on act.code_list = 'care_leaver_activity' and c.activity = act.code
