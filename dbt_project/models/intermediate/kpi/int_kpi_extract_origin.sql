-- Where each authority's latest loaded extract came from: the manifest's source_system. A synthetic
-- extract (written by `cscw generate`) says "synthetic: ..., <profile> profile (authority NNN), scale X,
-- ..." (ingestion.generator.synthetic_source_system): its reports are marked SYNTHETIC, and its rates
-- use authority NNN's child population times X, the population the generator drew its children from.
select
    l.la_code,
    b.source_system,
    coalesce(b.source_system ilike 'synthetic%', false) as synthetic,
    case
        when b.source_system ilike 'synthetic%'
            then cast(substring(b.source_system from 'scale ([0-9]+(?:\.[0-9]+)?)') as numeric)
    end as synthetic_scale,
    case
        when b.source_system ilike 'synthetic%'
            then substring(b.source_system from 'authority ([0-9]{3})')
    end as synthetic_population_la_code
from {{ ref('stg_raw__latest_extracts') }} as l
inner join {{ source('raw', '_batches') }} as b
    on l.batch_id = b.batch_id
