-- The child population (0-17) that each authority's financial years use for rates per 10,000: the
-- latest ONS mid-year not after the financial year's start year, else the earliest there is. Rows
-- come from the seed kpi_child_population plus var kpi_child_population_extra (a list of
-- {la_code, mid_year, population_0_17}: test authorities, or an authority's override without editing
-- the seed); an extra row replaces a seed row for the same authority and year.
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
    select distinct la_code, fy_start_year from {{ ref('int_kpi_periods') }}
)

select
    y.la_code,
    y.fy_start_year,
    (
        select p.population_0_17
        from population as p
        where p.la_code = y.la_code
        order by (p.mid_year <= y.fy_start_year) desc, abs(p.mid_year - y.fy_start_year)
        limit 1
    ) as population_0_17
from years as y
