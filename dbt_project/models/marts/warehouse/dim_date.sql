{{ config(
    indexes=[
        {'columns': ['date_day'], 'unique': True},
        {'columns': ['working_day_ordinal', 'is_working_day']},
    ]
) }}
-- The calendar: one row per day over the bank-holiday seed's years, with the England and Wales
-- working-day flag and the working-day ordinal that wd_add() and wd_diff() use.
with bounds as (
    select
        make_date(cast(extract(year from min(holiday_date)) as integer), 1, 1) as first_day,
        make_date(cast(extract(year from max(holiday_date)) as integer), 12, 31) as last_day
    from {{ ref('bank_holidays') }}
),

days as (
    select cast(gs.day_ts as date) as date_day
    from bounds
    cross join lateral generate_series(bounds.first_day, bounds.last_day, interval '1 day') as gs (day_ts)
),

flagged as (
    select
        days.date_day,
        bh.holiday_name as bank_holiday_name,
        bh.holiday_date is not null as is_bank_holiday,
        extract(isodow from days.date_day) >= 6 as is_weekend
    from days
    left join {{ ref('bank_holidays') }} as bh on days.date_day = bh.holiday_date
)

select
    date_day,
    cast(extract(year from date_day) as integer) as calendar_year,
    cast(extract(month from date_day) as integer) as month_number,
    cast(date_trunc('month', date_day) as date) as month_start,
    cast(date_trunc('month', date_day) + interval '1 month' - interval '1 day' as date) as month_end,
    cast(extract(isodow from date_day) as integer) as iso_day_of_week,
    trim(to_char(date_day, 'Day')) as day_name,
    is_weekend,
    is_bank_holiday,
    bank_holiday_name,
    not is_weekend and not is_bank_holiday as is_working_day,
    -- working days up to and including this date (a non-working day carries the previous working day's)
    cast(
        sum(case when not is_weekend and not is_bank_holiday then 1 else 0 end)
            over (order by date_day rows between unbounded preceding and current row)
        as integer
    ) as working_day_ordinal,
    cast(extract(year from date_day - interval '3 months') as integer) as financial_year_start_year,
    cast(extract(year from date_day - interval '3 months') as integer) || '-'
    || to_char(cast(extract(year from date_day - interval '3 months') as integer) % 100 + 1, 'FM00')
        as financial_year,
    make_date(cast(extract(year from date_day - interval '3 months') as integer), 4, 1) as financial_year_start,
    make_date(cast(extract(year from date_day - interval '3 months') as integer) + 1, 3, 31) as financial_year_end
from flagged
