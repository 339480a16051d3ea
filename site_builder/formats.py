"""Dates, numbers and amounts as the build renders them: the Python side's one formatter, shared with the
functions (sharewall_common.formats, Babel's CLDR rules), so a page and a function's file write a date alike."""

from __future__ import annotations

from sharewall_common.formats import DATE_STYLE, FormatError, amount, date, locale, moment, number  # noqa: F401
