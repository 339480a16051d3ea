"""TARGET2 (T2) business days: the days the Eurosystem settles euro payments, so the days a bank can execute
a SEPA credit transfer. T2 is closed on Saturdays and Sundays, 1 January, Good Friday, Easter Monday, 1 May
and 25 and 26 December (ECB). Easter comes from the Gregorian computus (python-dateutil, which botocore
brings), so every year works without a table. Pure: no clock, no AWS.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.easter import easter

FIXED_CLOSING_DAYS = ((1, 1), (5, 1), (12, 25), (12, 26))  # (month, day)


# The weekdays T2 is closed in `year`: the fixed days and the two around Easter
def closing_days(year: int) -> frozenset[date]:
    sunday = easter(year)
    fixed = {date(year, month, day) for month, day in FIXED_CLOSING_DAYS}
    return frozenset(fixed | {sunday - timedelta(days=2), sunday + timedelta(days=1)})


# Whether a bank can execute a SEPA credit transfer on `day`
def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in closing_days(day.year)


# The first T2 business day after `day`: the earliest execution date a payment run created on `day` may ask for
def next_business_day(day: date) -> date:
    candidate = day + timedelta(days=1)
    while not is_business_day(candidate):
        candidate += timedelta(days=1)
    return candidate
