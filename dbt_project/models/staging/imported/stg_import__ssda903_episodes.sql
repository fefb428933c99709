-- Imported SSDA903 episodes (docs/ssda903.md, "Importing past returns"), typed. The import checked
-- every value (dates DD/MM/YYYY, codes from the code lists), so the casts cannot fail.
with rows as (
    select
        la_code,
        collection_year,
        child as child_id,
        to_date(decom, 'DD/MM/YYYY') as start_date,
        rne as start_reason,
        ls as legal_status,
        pl as placement_type,
        to_date(dec, 'DD/MM/YYYY') as ceased_date,
        rec as ceased_reason,
        -- 31 March of the collection year 2017-18 is 2018-03-31
        make_date(cast(left(collection_year, 4) as integer) + 1, 3, 31) as year_end
    from {{ optional_source('imported_903', 'ssda903_episodes', ['la_code', 'collection_year', 'child', 'decom', 'rne', 'ls', 'pl', 'dec', 'rec']) }} as episodes  -- noqa: AL05
),

latest as (
    select distinct on (la_code, child_id, start_date) *
    from rows
    order by la_code asc, child_id asc, start_date asc, collection_year desc
)

select
    l.la_code,
    l.collection_year,
    l.child_id,
    l.start_date,
    l.start_reason,
    l.legal_status,
    l.placement_type,
    l.ceased_date,
    l.ceased_reason,
    cast(l.year_end + 1 as date) as covered_until
from latest as l
