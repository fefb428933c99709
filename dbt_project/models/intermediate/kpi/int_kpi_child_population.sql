-- The child population (0-17) that each authority's financial years use for rates per 10,000: the
-- latest ONS mid-year not after the financial year's start year, else the earliest there is. Rows
-- come from the seed kpi_child_population plus var kpi_child_population_extra (a list of
-- {la_code, mid_year, population_0_17}: test authorities, or an authority's override without editing
-- the seed); an extra row replaces a seed row for the same authority and year. A synthetic extract
-- uses the population of the authority it was generated from, times its scale (int_kpi_extract_origin),
-- so that its rates match the generator's calibration whatever the scale.
{%- set extra = var('kpi_child_population_extra', []) %}
{%- if extra is string %}{% set extra = [] %}{% endif %}
with extra (la_code, mid_year, population_0_17) as (
    {%- if extra %}
    values
    {%- for r in extra %}
        ('{{ r["la_code"] | replace("'", "") }}', {{ r["mid_year"] | int }}, {{ r["population_0_17"] | int }})
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
    {%- else %}
    select cast(null as text), cast(null as integer), cast(null as integer) where false
    {%- endif %}
),

population as (
    select la_code, mid_year, population_0_17 from extra
    union all
    select s.la_code, s.mid_year, s.population_0_17
    from {{ ref('kpi_child_population') }} as s
    where not exists (select 1 from extra as e where e.la_code = s.la_code and e.mid_year = s.mid_year)
),

years as (
    select distinct
        p.la_code,
        p.fy_start_year,
        coalesce(o.synthetic_population_la_code, p.la_code) as population_la_code,
        coalesce(o.synthetic_scale, 1) as scale
    from {{ ref('int_kpi_periods') }} as p
    left join {{ ref('int_kpi_extract_origin') }} as o on p.la_code = o.la_code
)

select
    y.la_code,
    y.fy_start_year,
    cast(round((
        select p.population_0_17
        from population as p
        where p.la_code = y.population_la_code
        order by (p.mid_year <= y.fy_start_year) desc, abs(p.mid_year - y.fy_start_year)
        limit 1
    ) * y.scale) as integer) as population_0_17
from years as y
