"""The TARGET2 calendar (claims.target2): the days a payment run's SEPA file may ask the bank to execute it."""

from __future__ import annotations

from datetime import date

import pytest

from claims.target2 import closing_days, is_business_day, next_business_day


@pytest.mark.parametrize(("year", "good_friday", "easter_monday"), [
    (2024, date(2024, 3, 29), date(2024, 4, 1)),
    (2025, date(2025, 4, 18), date(2025, 4, 21)),
    (2026, date(2026, 4, 3), date(2026, 4, 6)),
    (2027, date(2027, 3, 26), date(2027, 3, 29)),
    (2038, date(2038, 4, 23), date(2038, 4, 26)),  # Easter as late as it gets (25 April)
    (2285, date(2285, 3, 20), date(2285, 3, 23)),  # and as early (22 March): computed, not a table of years
])
def test_easter_closes_good_friday_and_easter_monday_every_year(year, good_friday, easter_monday):
    assert {good_friday, easter_monday} <= closing_days(year)
    assert not is_business_day(good_friday) and not is_business_day(easter_monday)
    assert len(closing_days(year)) == 6


@pytest.mark.parametrize("day", [date(2027, 1, 1), date(2026, 5, 1), date(2026, 12, 25), date(2026, 12, 26),
                                 date(2026, 12, 5), date(2026, 12, 6)])  # the fixed days, a Saturday, a Sunday
def test_fixed_closing_days_and_weekends_are_no_business_days(day):
    assert not is_business_day(day)


@pytest.mark.parametrize("day", [date(2026, 12, 24), date(2026, 12, 31), date(2025, 10, 3), date(2026, 4, 2),
                                 date(2026, 4, 7), date(2026, 5, 14)])  # German holidays T2 keeps open (3 Oct, Ascension)
def test_other_weekdays_are_business_days(day):
    assert is_business_day(day)


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 12, 7), date(2026, 12, 8)),  # Monday -> Tuesday
    (date(2026, 12, 4), date(2026, 12, 7)),  # Friday -> Monday
    (date(2026, 12, 5), date(2026, 12, 7)),  # Saturday -> Monday
    (date(2026, 12, 24), date(2026, 12, 28)),  # Christmas Eve -> over 25, 26 and the weekend
    (date(2026, 12, 31), date(2027, 1, 4)),  # New Year's Eve 2026 -> over 1 January (Friday) and the weekend
    (date(2026, 4, 2), date(2026, 4, 7)),  # Maundy Thursday -> over Good Friday, the weekend, Easter Monday
    (date(2027, 4, 30), date(2027, 5, 3)),  # Friday before 1 May on a Saturday
])
def test_next_business_day_is_strictly_after_and_skips_every_closing_day(day, expected):
    assert next_business_day(day) == expected
