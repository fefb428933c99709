-- add_months_clamped on known dates: the day of month is kept and clamped to the month's last day
-- (31 Jan + 3 months = 30 Apr; 30 Nov + 3 months = 28 or 29 Feb), in both
-- directions and across leap years. Returns the dates it gets wrong.
with known (d, n, expected) as (
    values
    (date '2019-01-31', 3, date '2019-04-30'),
    (date '2019-01-31', 1, date '2019-02-28'),
    (date '2020-01-31', 1, date '2020-02-29'),
    (date '2018-11-30', 3, date '2019-02-28'),
    (date '2019-11-30', 3, date '2020-02-29'),
    (date '2018-08-31', 6, date '2019-02-28'),
    (date '2019-08-31', 6, date '2020-02-29'),
    (date '2018-07-03', 3, date '2018-10-03'),
    (date '2020-02-29', 12, date '2021-02-28'),
    (date '2019-03-31', -1, date '2019-02-28'),
    (date '2019-03-31', -18, date '2017-09-30'),
    (date '2019-03-31', -24, date '2017-03-31'),
    (date '2019-03-31', -30, date '2016-09-30'),
    (date '2018-12-31', 0, date '2018-12-31')
)

select
    d,
    n,
    expected,
    {{ add_months_clamped('d', 'n') }} as got
from known
where {{ add_months_clamped('d', 'n') }} is distinct from expected
