-- The calendar macros on known dates, then their agreement over every date 2015-2030.
-- Known dates (England and Wales bank holidays, weekends and special holidays; d is day 0): a
-- calendar that lost or moved a holiday, or macros that count the start day, fail here even when they
-- still agree with each other. Agreement: wd_diff(d, wd_add(d, n)) = n for n >= 0, wd_add lands on a
-- working day (n <> 0), and counting back from a working day returns there: wd_add(wd_add(d, n), -n) = d.
with known (d, n, expected_add, note) as (
    values
    (date '2019-05-03', 1, date '2019-05-07', 'Fri; Mon 6 May 2019 bank holiday'),
    (date '2019-05-04', 1, date '2019-05-07', 'from a Saturday before a bank holiday'),
    (date '2019-05-06', 1, date '2019-05-07', 'from the bank holiday itself'),
    (date '2019-05-06', -1, date '2019-05-03', 'back from a bank holiday'),
    (date '2019-05-04', -1, date '2019-05-03', 'back from a Saturday'),
    (date '2019-05-07', -1, date '2019-05-03', 'back over a bank holiday weekend'),
    (date '2019-05-04', 0, date '2019-05-04', 'n = 0 gives d, even on a weekend'),
    (date '2018-12-24', 1, date '2018-12-27', 'Christmas and Boxing Day 2018'),
    (date '2018-12-22', 1, date '2018-12-24', 'Sat before Christmas: Monday 24th works'),
    (date '2018-12-31', 1, date '2019-01-02', 'New Year 2019'),
    (date '2019-04-18', 1, date '2019-04-23', 'Good Friday and Easter Monday 2019'),
    (date '2020-05-07', 1, date '2020-05-11', 'Early May holiday moved to Fri 8 May 2020'),
    (date '2022-06-01', 1, date '2022-06-06', 'Platinum Jubilee, Thu 2 and Fri 3 June 2022'),
    (date '2022-09-16', 1, date '2022-09-20', 'State funeral, Mon 19 Sep 2022'),
    (date '2018-06-04', 20, date '2018-07-02', 'first CLA review: June 2018 has no holiday'),
    (date '2018-08-01', 20, date '2018-08-30', 'first CLA review over the August holiday'),
    (date '2018-08-25', 20, date '2018-09-24', 'from a Saturday: Mon 27 Aug 2018 holiday'),
    (date '2018-05-01', 15, date '2018-05-23', 'ICPC over the Early May holiday'),
    (date '2019-02-20', -3, date '2019-02-15', 'RCPC report to parents')
),

known_diff (a, b, expected_diff) as (
    values
    (date '2019-05-03', date '2019-05-07', 1),
    (date '2019-05-04', date '2019-05-07', 1),
    (date '2019-05-07', date '2019-05-03', -1),
    (date '2018-04-27', date '2018-06-01', 23),
    (date '2018-10-03', date '2018-10-31', 20),
    (date '2019-05-04', date '2019-05-06', 0)
),

cases as (
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
    'known wd_add: ' || k.note as problem,
    k.d as date_day,
    k.n,
    {{ wd_add('k.d', 'k.n') }} as added
from known as k
where {{ wd_add('k.d', 'k.n') }} is distinct from k.expected_add
union all
select
    'known wd_diff',
    k.a,
    k.expected_diff,
    k.b
from known_diff as k
where {{ wd_diff('k.a', 'k.b') }} is distinct from k.expected_diff
union all
select
    'wd_add and wd_diff disagree',
    c.date_day,
    c.n,
    c.added
from computed as c
left join {{ ref('dim_date') }} as t on c.added = t.date_day
where
    c.added is null
    or not t.is_working_day
    or (c.n > 0 and {{ wd_diff('c.date_day', 'c.added') }} <> c.n)
    or (c.is_working_day and {{ wd_add('c.added', '-c.n') }} <> c.date_day)
