-- IRO challenges per period (month or financial year): raised by type and subject, informal and
-- good-practice notes, open over 4 weeks at period end, PRs resolved by the highest level reached,
-- median days to resolve and challenges per 100 CLA reviews (kpi_values pivoted).
select
    kv.la_code,
    kv.period_type,
    kv.period_start,
    kv.period_end,
    {{ kpi_pivot('IRO_CHALLENGES_RAISED') }} as challenges_raised,
    {{ kpi_pivot('IRO_CHALLENGES_RAISED', 'challenge_type', 'PR') }} as problem_resolutions_raised,
    {{ kpi_pivot('IRO_CHALLENGES_RAISED', 'challenge_type', 'MA') }} as management_alerts_raised,
    {{ kpi_pivot('IRO_CHALLENGES_RAISED', 'subject', 'CLA') }} as cla_challenges_raised,
    {{ kpi_pivot('IRO_CHALLENGES_RAISED', 'subject', 'CP') }} as cp_challenges_raised,
    {{ kpi_pivot('IRO_INFORMAL_CHALLENGES') }} as informal_challenges,
    {{ kpi_pivot('IRO_GOOD_PRACTICE_NOTES') }} as good_practice_notes,
    {{ kpi_pivot('IRO_CHALLENGES_OPEN_OVER_4W') }} as open_over_4_weeks,
    {{ kpi_pivot('IRO_CHALLENGE_RESOLUTION_LEVEL', 'level', 'PRACTICE_MANAGER', 'denominator') }} as prs_resolved,
{%- for lvl in ['PRACTICE_MANAGER', 'TEAM_MANAGER', 'SERVICE_MANAGER', 'HEAD_OF_SERVICE', 'DIRECTOR', 'CAFCASS'] %}
    {{ kpi_pivot('IRO_CHALLENGE_RESOLUTION_LEVEL', 'level', lvl, 'numerator') }} as prs_resolved_{{ lvl | lower }},
{%- endfor %}
    {{ kpi_pivot('IRO_CHALLENGE_DAYS_TO_RESOLVE') }} as median_days_to_resolve,
    {{ kpi_pivot('IRO_CHALLENGES_PER_100_REVIEWS') }} as challenges_per_100_reviews
from {{ ref('kpi_values') }} as kv
where kv.kpi_code like 'IRO\_CHALLENGE%' or kv.kpi_code in ('IRO_INFORMAL_CHALLENGES', 'IRO_GOOD_PRACTICE_NOTES')
group by kv.la_code, kv.period_type, kv.period_start, kv.period_end
