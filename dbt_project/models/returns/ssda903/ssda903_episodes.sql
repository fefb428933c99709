{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 Episodes file: every episode open at some time in the collection year. An episode still open
-- at 31 March has no DEC, REC or REASON_PLACE_CHANGE. HOME_POST is the home postcode recorded for the
-- period of care (ext_cla_home_postcodes); blank without one.
select
    e.la_code,
    e.person_id as child,
    {{ dfe_date('e.decom') }} as decom,
    e.rne,
    e.ls,
    e.cin,
    e.place,
    e.place_provider,
    case when e.ceased <= {{ ssda903_year_end() }} then {{ dfe_date('e.ceased') }} end as dec,  -- noqa: RF04
    case when e.ceased <= {{ ssda903_year_end() }} then e.rec end as rec,
    case when e.ceased <= {{ ssda903_year_end() }} then e.reason_place_change end as reason_place_change,
    upper(hp.clhp_home_postcode) as home_post,
    e.pl_post,
    e.urn
from {{ ref('int_ssda903_episode_chain') }} as e
left join {{ ref('stg_ext__cla_home_postcodes') }} as hp
    on e.la_code = hp.la_code and e.period_of_care_id = hp.clhp_cla_id
where
    e.decom <= {{ ssda903_year_end() }}
    and (e.ceased is null or e.ceased >= {{ ssda903_year_start() }})
