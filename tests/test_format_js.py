"""format.js, the page scripts' one formatter: numbers, amounts, dates, plural forms and placeholders by the
page's language (Intl, run in Node with the same ICU data as the browser's CLDR)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

FORMAT = Path(__file__).resolve().parents[1] / "templates" / "assets" / "sharewall" / "format.js"

pytestmark = pytest.mark.skipif(not shutil.which("node"), reason="needs Node")


# What format.js writes for each call (JavaScript expressions over `f`, the module) on a page in `lang`
def formatted(lang: str, calls: list[str]) -> list[str]:
    program = (f"var window = {{Sharewall: {{lang: {json.dumps(lang)}}}}};\n" + FORMAT.read_text(encoding="utf-8")
               + "\nvar f = window.Sharewall.format;\nconsole.log(JSON.stringify([" + ",".join(calls) + "]));")
    return json.loads(subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True).stdout)


def test_german_numbers_and_amounts():
    assert formatted("de", ['f.number(120.5) + " km × " + f.money("0.30")', 'f.money("1234.5")',
                            'f.money("12.5", "USD")', 'f.money("not an amount")', 'f.percent(0.256)']) == [
        "120,5 km × 0,30\xa0€", "1.234,50\xa0€", "12,50 USD", "not an amount", "25,6\xa0%"]  # CLDR: no-break space


def test_english_numbers_and_amounts():
    assert formatted("en", ['f.number(120.5) + " km × " + f.money("0.30")', 'f.money("1234.5")']) == [
        "120.5 km × €0.30", "€1,234.50"]


def test_dates_german_numeric_english_with_the_months_name():
    calls = ['f.date("2026-12-05T10:00:00Z")', 'f.day(new Date(Date.UTC(2026, 10, 27)))',
             'f.day(new Date(Date.UTC(2026, 10, 27)), true)', 'f.date("")', 'f.date("no date")']
    assert formatted("de", calls) == ["05.12.2026", "27.11.2026", "27.11.", "", "no date"]
    assert formatted("en", calls) == ["Dec 5, 2026", "Nov 27, 2026", "Nov 27", "", "no date"]


def test_plural_forms_by_the_languages_rules_with_placeholders_filled():
    forms = json.dumps({"one": "{count} Abrechnung, {total}", "other": "{count} Abrechnungen, {total}"})
    assert formatted("de", [f'f.plural({forms}, 1, {{total: "5 €"}})', f"f.plural({forms}, 1200, {{total: \"5 €\"}})",
                            f"f.form({forms}, 0)", 'f.fill("{a} and {b}", {a: 1})']) == [
        "1 Abrechnung, 5 €", "1.200 Abrechnungen, 5 €", "{count} Abrechnungen, {total}", "1 and {b}"]


def test_language_names_in_the_pages_language():
    assert formatted("de", ['f.language("en")', 'f.language("fr")']) == ["Englisch", "Französisch"]
    assert formatted("en", ['f.language("de")']) == ["German"]
