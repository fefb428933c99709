-- Participation in CLA reviews per period: the count of reviews held with each code PN0-PN7 and the
-- participation rate (kpi_values CLA_REVIEW_PARTICIPATION, pivoted).
select
    kv.la_code,
    kv.period_type,
    kv.period_start,
    kv.period_end,
{%- for pn in ['PN0', 'PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7'] %}
    {{ kpi_pivot('CLA_REVIEW_PARTICIPATION', 'participation_code', pn, 'numerator') }} as {{ pn | lower }}_reviews,
{%- endfor %}
    {{ kpi_pivot('CLA_REVIEW_PARTICIPATION', field='numerator') }} as reviews_participating,
    {{ kpi_pivot('CLA_REVIEW_PARTICIPATION', field='denominator') }} as reviews_aged_4_plus,
    {{ kpi_pivot('CLA_REVIEW_PARTICIPATION') }} as pct_participating
from {{ ref('kpi_values') }} as kv
where kv.kpi_code = 'CLA_REVIEW_PARTICIPATION'
group by kv.la_code, kv.period_type, kv.period_start, kv.period_end
