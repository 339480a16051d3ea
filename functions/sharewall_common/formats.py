"""Dates, times, numbers and amounts as the Python side writes them, by the language's CLDR rules (Babel).

The one formatter of the Python side: the build (site_builder.formats re-exports it) for what pages show, the
functions for the files people open (claims' CSV). Page scripts do the same with `Intl` in
templates/assets/sharewall/format.js, with the same CLDR styles, so a date reads alike whichever side wrote
it: German 05.12.2026, English Dec 5, 2026, French 5 déc. 2026.
"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal, get_decimal_symbol

DATE_STYLE = "medium"  # Intl's dateStyle "medium", as format.js shows dates
TIME_STYLE = "short"  # hours and minutes (German 14:05, English 2:05 PM)


class FormatError(ValueError):
    """A language Babel has no CLDR data for; the message names it."""


# The CLDR locale of an interface language, checked once: an unknown code is a clear error, not English
@lru_cache(maxsize=32)
def locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise FormatError(f"no CLDR formats for interface language {language!r}") from None


# A day as the language writes it (a moment's day where it is: convert to the site's timezone first)
def date(value: Date | datetime, language: str) -> str:
    return format_date(value, DATE_STYLE, locale=locale(language))


# A moment as its day and time of day, where it is (convert to the site's timezone first): German 05.12.2026 14:05
def moment(value: datetime, language: str) -> str:
    return f"{date(value, language)} {format_time(value, TIME_STYLE, locale=locale(language))}"


# A count or other number with the language's grouping and decimal signs (French: 1 234,5)
def number(value: int | float | Decimal, language: str) -> str:
    return format_decimal(value, locale=locale(language))


# An amount in a currency, euros unless told (German 1.234,50 €, English €1,234.50)
def amount(value: Decimal | int, language: str, currency: str = "EUR") -> str:
    return format_currency(value, currency, locale=locale(language))


# An amount as a spreadsheet cell reads it as a number: two decimals, the language's decimal sign, no grouping
def plain_amount(cents: int, language: str) -> str:
    return format_decimal(Decimal(cents) / 100, format="0.00", locale=locale(language))


# The language's decimal sign: spreadsheets of a decimal-comma language separate cells with ';'
def decimal_sign(language: str) -> str:
    return get_decimal_symbol(locale(language))
