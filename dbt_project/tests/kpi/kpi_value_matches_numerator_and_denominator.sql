-- Every value follows from its numerator and denominator by its unit: percent = 100 n / d,
-- rate = 10000 n / d, average = n / d, count = n (denominator null); a median has a null numerator.
-- Returns the rows that break it.
select *
from {{ ref('kpi_values') }}
where
    case unit
        when 'percent' then
            (denominator = 0 and value is not null)
            or (denominator <> 0 and abs(value - 100.0 * numerator / denominator) > 1e-9)
            or denominator is null
        when 'rate_per_10k' then
            (denominator <> 0 and abs(value - 10000.0 * numerator / denominator) > 1e-9)
            or (denominator is null and value is not null)
        when 'average' then
            (denominator = 0 and value is not null)
            or (denominator <> 0 and abs(value - 1.0 * numerator / denominator) > 1e-9)
        when 'count' then value is distinct from numerator or denominator is not null or numerator < 0
        when 'days' then numerator is not null or (denominator = 0 and value is not null)
        else true
    end
    or (unit = 'percent' and (value < 0 or value > 100) and kpi_code <> 'IRO_CHALLENGES_PER_100_REVIEWS')
    or (numerator > denominator and unit = 'percent' and kpi_code <> 'IRO_CHALLENGES_PER_100_REVIEWS')
