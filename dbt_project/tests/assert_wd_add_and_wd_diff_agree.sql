-- The calendar macros agree over every date 2015-2030 and a spread of offsets:
-- wd_diff(d, wd_add(d, n)) = n for n >= 0, wd_add lands on a working day (n <> 0), and counting back
-- from a working day returns there: wd_add(wd_add(d, n), -n) = d for a working day d.
with cases as (
    select
        d.date_day,
        d.is_working_day,
        n.n
    from {{ ref('dim_date') }} as d
    cross join (values (1), (5), (15), (20), (-1), (-3)) as n (n)
    where d.date_day between date '2015-01-01' and date '2030-12-31'
),

computed as (
    select
        date_day,
        is_working_day,
        n,
        {{ wd_add('date_day', 'n') }} as added
    from cases
)

select
    c.date_day,
    c.n,
    c.added
from computed as c
inner join {{ ref('dim_date') }} as t on c.added = t.date_day
where
    not t.is_working_day
    or (c.n > 0 and {{ wd_diff('c.date_day', 'c.added') }} <> c.n)
    or (c.is_working_day and {{ wd_add('c.added', '-c.n') }} <> c.date_day)
    or c.added is null
