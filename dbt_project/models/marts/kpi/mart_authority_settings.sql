{{ config(schema='marts', alias='authority_settings', materialized='table', post_hook=["{{ grant_reporter_sql(this.schema, this) }}"]) }}
-- One row per authority with a loaded extract: its name and child-population source from the seed
-- authority_settings, whether rates per 10,000 can be computed (a child population row applies), and
-- whether the extract is synthetic. `cscw kpis`, `cscw report` and `cscw demo` warn when the name or
-- population is missing, and mark synthetic figures as such. Var authority_settings_extra (a list of
-- {la_code, la_name}) adds or replaces rows without editing the seed, as kpi_child_population_extra does.
{%- set extra = var('authority_settings_extra', []) %}
{%- if extra is string %}{% set extra = [] %}{% endif %}
with extra (la_code, la_name, population_source) as (
    {%- if extra %}
    values
    {%- for r in extra %}
        (
            '{{ r["la_code"] | replace("'", "") }}',
            '{{ r["la_name"] | replace("'", "''") }}',
            '{{ r.get("population_source", "") | replace("'", "''") }}'
        )
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
    {%- else %}
    select cast(null as text), cast(null as text), cast(null as text) where false
    {%- endif %}
),

settings as (
    select la_code, la_name, population_source from extra
    union all
    select s.la_code, s.la_name, s.population_source
    from {{ ref('authority_settings') }} as s
    where not exists (select 1 from extra as e where e.la_code = s.la_code)
),

population as (
    select
        la_code,
        count(population_0_17) as years_with_population
    from {{ ref('int_kpi_child_population') }}
    group by la_code
)

select
    o.la_code,
    s.la_name,
    s.population_source,
    s.la_code is not null as has_settings,
    coalesce(p.years_with_population, 0) > 0 as has_population,
    o.synthetic,
    o.synthetic_scale,
    o.source_system
from {{ ref('int_kpi_extract_origin') }} as o
left join settings as s on o.la_code = s.la_code
left join population as p on o.la_code = p.la_code
