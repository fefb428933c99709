{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 OC2 file: one row per child looked after continuously for 12 months at 31 March.
-- SDQ_SCORE: the score of the child's latest questionnaire completed in the collection year; without
-- one, SDQ_REASON: the reason recorded on an undated record (none was returned).
-- CONVICTED (children aged 10 or over at 31 March): 1 with a conviction dated in the year
-- (ssd_cla_convictions), else 0.
-- SUBSTANCE_MISUSE with its intervention items and the health items go together (the DfE rules 182 and
-- 547 want them all or none): only for an authority that sends ssd_cla_substance_misuse, ssd_cla_health
-- and ssd_cla_immunisations. SUBSTANCE_MISUSE 1 with a problem identified in the year, INTERVENTION_*
-- from the latest such record (OFFERED only when none was received); TEETH_CHECK and HEALTH_ASSESSMENT
-- 1 when completed in the year, HEALTH_CHECK (under 5s) when a health surveillance check was;
-- IMMUNISATIONS the child's recorded status (blank without one). Every item is blank (unknown) when
-- its table was not sent, never 0.
with sdq as (
    select distinct on (s.la_code, s.csdq_person_id)
        s.la_code,
        s.csdq_person_id as person_id,
        s.csdq_sdq_score as score,
        s.csdq_sdq_reason as reason
    from {{ ref('stg_ssd__sdq_scores') }} as s
    where
        (
            s.csdq_sdq_score is not null
            and s.csdq_sdq_completed_date between {{ ssda903_year_start() }} and {{ ssda903_year_end() }}
        )
        or (s.csdq_sdq_completed_date is null and s.csdq_sdq_reason is not null)
    order by
        s.la_code asc, s.csdq_person_id asc, (s.csdq_sdq_score is not null) desc,
        s.csdq_sdq_completed_date desc nulls last, s.csdq_table_id desc
),

sent as (
    select
        la_code,
        bool_or(table_name = 'ssd_cla_convictions') as convictions,
        count(*) filter (
            where table_name in ('ssd_cla_substance_misuse', 'ssd_cla_health', 'ssd_cla_immunisations')
        ) = 3 as health
    from {{ ref('int_ssda903_tables_sent') }}
    group by la_code
),

convicted as (
    select distinct la_code, clac_person_id as person_id
    from {{ ref('stg_ssd__cla_convictions') }}
    where clac_cla_conviction_date between {{ ssda903_year_start() }} and {{ ssda903_year_end() }}
),

misuse as (
    select distinct on (la_code, clas_person_id)
        la_code,
        clas_person_id as person_id,
        clas_intervention_received as received,
        clas_intervention_offered as offered
    from {{ ref('stg_ssd__cla_substance_misuse') }}
    where clas_substance_misuse_date between {{ ssda903_year_start() }} and {{ ssda903_year_end() }}
    order by la_code asc, clas_person_id asc, clas_substance_misuse_date desc, clas_substance_misuse_id desc
),

checks as (
    select
        la_code,
        clah_person_id as person_id,
        bool_or(clah_health_check_type = 'DENTAL_CHECK') as teeth,
        bool_or(clah_health_check_type in ('HEALTH_ASSESSMENT', 'IHA', 'RHA')) as assessment,
        bool_or(clah_health_check_type = 'HEALTH_SURVEILLANCE') as surveillance
    from {{ ref('stg_ssd__cla_health') }}
    where
        clah_health_check_status = 'COMPLETED'
        and clah_health_check_date between {{ ssda903_year_start() }} and {{ ssda903_year_end() }}
    group by la_code, clah_person_id
),

immunised as (
    select distinct on (la_code, clai_person_id)
        la_code,
        clai_person_id as person_id,
        clai_immunisations_status as up_to_date
    from {{ ref('stg_ssd__cla_immunisations') }}
    where clai_immunisations_status is not null
    order by la_code asc, clai_person_id asc, clai_immunisations_status_date desc nulls last
),

outcomes as (
    select
        c.la_code,
        c.person_id,
        case
            when s.convictions and {{ age_in_years('p.pers_dob', ssda903_year_end()) }} >= 10
                then case when cv.person_id is null then '0' else '1' end
        end as convicted,
        case when s.health then case when mi.person_id is null then '0' else '1' end end as substance_misuse,
        case when s.health then mi.received end as received,
        case when s.health and not mi.received then mi.offered end as offered,
        case when s.health then coalesce(ch.teeth, false) end as teeth,
        case when s.health then coalesce(ch.assessment, false) end as assessment,
        case
            when s.health and {{ age_in_years('p.pers_dob', ssda903_year_end()) }} < 5
                then coalesce(ch.surveillance, false)
        end as surveillance,
        case when s.health then im.up_to_date end as immunised
    from {{ ref('int_ssda903_continuously_looked_after') }} as c
    inner join {{ ref('stg_ssd__person') }} as p on c.la_code = p.la_code and c.person_id = p.pers_person_id
    left join sent as s on c.la_code = s.la_code
    left join convicted as cv on c.la_code = cv.la_code and c.person_id = cv.person_id
    left join misuse as mi on c.la_code = mi.la_code and c.person_id = mi.person_id
    left join checks as ch on c.la_code = ch.la_code and c.person_id = ch.person_id
    left join immunised as im on c.la_code = im.la_code and c.person_id = im.person_id
)

select
    c.la_code,
    c.person_id as child,
    {{ dfe_date('p.pers_dob') }} as dob,
    cast(q.score as text) as sdq_score,
    case when q.score is null then q.reason end as sdq_reason,
    o.convicted,
    cast(cast(o.surveillance as int) as text) as health_check,
    cast(cast(o.immunised as int) as text) as immunisations,
    cast(cast(o.teeth as int) as text) as teeth_check,
    cast(cast(o.assessment as int) as text) as health_assessment,
    o.substance_misuse,
    cast(cast(o.received as int) as text) as intervention_received,
    cast(cast(o.offered as int) as text) as intervention_offered
from {{ ref('int_ssda903_continuously_looked_after') }} as c
inner join {{ ref('stg_ssd__person') }} as p on c.la_code = p.la_code and c.person_id = p.pers_person_id
left join sdq as q on c.la_code = q.la_code and c.person_id = q.person_id
inner join outcomes as o on c.la_code = o.la_code and c.person_id = o.person_id
