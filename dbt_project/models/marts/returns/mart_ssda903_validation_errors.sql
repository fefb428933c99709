{{ config(schema='marts', materialized='table', post_hook=["{{ grant_reporter_sql(this.schema, this) }}"]) }}
-- depends_on: {{ ref('int_person') }}
-- The DfE SSDA903 validation errors of each authority's latest validated return, for BI: per child
-- (pseudonymous key), file and rule, the rule's message and how many rows failed it. Read from the
-- restricted table `cscw return 903` writes (ingestion/returns/errors.py); empty before the first one.
{%- if ssda903_errors_recorded() %}
select
    e.la_code,
    e.collection_year,
    e.validated_at,
    p.child_key,
    e.file_name,
    e.rule_code,
    e.rule_message,
    count(*) as error_count
from returns_restricted.ssda903_validation_errors as e
left join {{ ref('int_person') }} as p on e.la_code = p.la_code and e.child_id = p.person_id
group by e.la_code, e.collection_year, e.validated_at, p.child_key, e.file_name, e.rule_code, e.rule_message
{%- else %}
select
    cast(null as text) as la_code,
    cast(null as text) as collection_year,
    cast(null as timestamptz) as validated_at,
    cast(null as text) as child_key,
    cast(null as text) as file_name,
    cast(null as text) as rule_code,
    cast(null as text) as rule_message,
    cast(null as bigint) as error_count
where false
{%- endif %}
