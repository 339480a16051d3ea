"""Dates, numbers and amounts as the Python side renders them, by the interface language's CLDR rules (Babel).

The one place the build formats what a page shows (cards' dates, counts, page numbers); page scripts do the
same with `Intl` in templates/assets/sharewall/format.js, with the same CLDR styles, so a date reads alike
whichever side wrote it: German 05.12.2026, English Dec 5, 2026, French 5 déc. 2026.
"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

DATE_STYLE = "medium"  # Intl's dateStyle "medium", as format.js shows dates


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


# A count or other number with the language's grouping and decimal signs (French: 1 234,5)
def number(value: int | float | Decimal, language: str) -> str:
    return format_decimal(value, locale=locale(language))


# An amount in a currency, euros unless told (German 1.234,50 €, English €1,234.50)
def amount(value: Decimal | int, language: str, currency: str = "EUR") -> str:
    return format_currency(value, currency, locale=locale(language))
