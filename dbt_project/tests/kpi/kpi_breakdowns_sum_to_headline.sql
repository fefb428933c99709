-- Breakdowns that partition the headline add up to it (Unknown rows included): CLA_AT_END by legal
-- status, placement type, age band and locality; IRO_CHALLENGES_RAISED by type, subject, category and
-- locality; IRO_CASELOAD_AVG by caseload kind; PRs resolved by level add up to all PRs resolved; the
-- participation codes PN1-PN7 add up to the participation denominator; care leavers' activity groups
-- add up to the EET denominator. Care leavers' age_group is not a partition (17-18 lies outside the
-- 19-21 headline) and is not checked. Returns the mismatches.
with kv as (
    select * from {{ ref('kpi_values') }}
),

sums as (
    select
        la_code,
        kpi_code,
        period_type,
        period_start,
        breakdown,
        sum(numerator) as breakdown_sum,
        max(denominator) as breakdown_denominator
    from kv
    where
        breakdown not in ('all', 'age_group')
        and (kpi_code <> 'CLA_REVIEW_PARTICIPATION' or breakdown_value <> 'PN0')
    group by la_code, kpi_code, period_type, period_start, breakdown
)

select
    s.*,
    h.numerator as headline_numerator,
    h.denominator as headline_denominator
from sums as s
inner join kv as h
    on
        s.la_code = h.la_code and s.kpi_code = h.kpi_code and s.period_type = h.period_type
        and s.period_start = h.period_start and h.breakdown = 'all'
where
    case
        when s.kpi_code = 'CLA_REVIEW_PARTICIPATION' or s.breakdown = 'activity_group'
            then s.breakdown_sum is distinct from h.denominator
        else s.breakdown_sum is distinct from h.numerator
    end
