"""site_builder.formats: dates, numbers and amounts by each interface language's CLDR rules (Babel), the same
styles format.js asks Intl for; a language without CLDR data is a clear error, never English in disguise."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from site_builder import formats
from tests.interface_languages import interface_languages

NBSP, NNBSP = "\u00a0", "\u202f"  # CLDR's no-break space (before €) and narrow no-break space (French groups)


@pytest.mark.parametrize(("language", "expected"), [
    ("de", "05.12.2026"), ("en", "Dec 5, 2026"), ("fr", "5 déc. 2026")])
def test_a_date_reads_as_the_language_writes_it(language: str, expected: str) -> None:
    assert formats.date(date(2026, 12, 5), language) == expected


def test_a_moment_is_formatted_as_the_day_it_is_where_it_was_converted_to() -> None:
    late = datetime(2026, 12, 5, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert formats.date(late.astimezone(ZoneInfo("Europe/Berlin")), "fr") == "6 déc. 2026"
    assert formats.date(late, "fr") == "5 déc. 2026"


@pytest.mark.parametrize(("language", "expected"), [
    ("de", "1.234.567,5"), ("en", "1,234,567.5"), ("fr", f"1{NNBSP}234{NNBSP}567,5")])
def test_numbers_group_and_mark_decimals_by_the_language(language: str, expected: str) -> None:
    assert formats.number(Decimal("1234567.5"), language) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("de", f"1.234,50{NBSP}€"), ("en", "€1,234.50"), ("fr", f"1{NNBSP}234,50{NBSP}€")])
def test_amounts_are_euros_by_the_language(language: str, expected: str) -> None:
    assert formats.amount(Decimal("1234.5"), language) == expected


def test_every_interface_language_of_the_site_has_its_formats() -> None:
    for language in interface_languages():  # mkdocs.yml's, whatever they are
        assert formats.date(date(2026, 1, 31), language) and formats.number(1000, language)


def test_a_language_without_cldr_data_is_named_in_the_error() -> None:
    with pytest.raises(formats.FormatError, match="'xx'"):
        formats.date(date(2026, 12, 5), "xx")
