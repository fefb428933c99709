{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 OC2 file: one row per child looked after continuously for 12 months at 31 March.
-- SDQ_SCORE: the score of the child's latest questionnaire completed in the collection year; without
-- one, SDQ_REASON: the reason recorded on an undated record (none was returned). The health items stay
-- blank: the DfE rules want immunisations, teeth check, health assessment and substance misuse
-- together (rules 182, 547), and the extract has no substance-misuse or conviction records.
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
)

select
    c.la_code,
    c.person_id as child,
    {{ dfe_date('p.pers_dob') }} as dob,
    cast(q.score as text) as sdq_score,
    case when q.score is null then q.reason end as sdq_reason,
    cast(null as text) as convicted,
    cast(null as text) as health_check,
    cast(null as text) as immunisations,
    cast(null as text) as teeth_check,
    cast(null as text) as health_assessment,
    cast(null as text) as substance_misuse,
    cast(null as text) as intervention_received,
    cast(null as text) as intervention_offered
from {{ ref('int_ssda903_continuously_looked_after') }} as c
inner join {{ ref('stg_ssd__person') }} as p on c.la_code = p.la_code and c.person_id = p.pers_person_id
left join sdq as q on c.la_code = q.la_code and c.person_id = q.person_id
