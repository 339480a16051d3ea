"""Priced expense kinds, pure: mileage (km x rate), German per-diem by the first/last-day rule, receipts in
other currencies converted at the influencer's rate, and the policy fields that configure them."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from decimal import Decimal

import pytest
from pydantic import ValidationError

from claims import pricing, rules
from claims.model import ClaimIn
from sharewall_common.expenses import PolicyError, load_policy, policy_from_published, published_policy
from test_claims_core import ROOT, TODAY, claim, line, payee, policy

BASE = "max_age_days: 30\ncategories:\n  meals: {label: {en: Meals}, limit: 10}\n"


def mileage(**changes) -> dict:
    data = {"date": "2026-11-20", "category": "mileage", "description": "Drive to the fair", "currency": "EUR",
            "distance": "123.4", "route": {"from": "Berlin", "to": "Leipzig"}}
    return {**data, **changes}


def per_diem(**changes) -> dict:
    data = {"date": "2026-11-18", "until": "2026-11-20", "category": "per-diem", "description": "re:publica",
            "currency": "EUR"}
    return {**data, **changes}


def foreign(**changes) -> dict:
    data = {"date": "2026-11-20", "category": "meals", "description": "Dinner in Zurich", "currency": "CHF",
            "original_amount": "50.00", "rate": "1.0685", "receipt": "a" * 32}
    return {**data, **changes}


def priced(*lines: dict):
    return rules.priced(claim(*lines), policy())


def problems(*lines: dict) -> list[tuple[int | None, str, str]]:
    return [(v.line, v.field, v.message) for v in priced(*lines)[1]]


# --- the pure amounts -------------------------------------------------------------------------


@pytest.mark.parametrize(("km", "rate", "cents"), [
    ("123.4", "0.30", 3702), ("0.1", "0.30", 3), ("1", "0.305", 31),  # 0.305 rounds half up to 0.31
    ("2.5", "0.301", 75), ("5000", "0.30", 150000)])
def test_mileage_is_distance_times_rate_rounded_half_up(km, rate, cents):
    assert pricing.mileage(Decimal(km), Decimal(rate)) == cents


@pytest.mark.parametrize(("first", "last", "hours", "days"), [
    ("2026-11-18", "2026-11-20", None, (1, 2)),   # departure, one full day, arrival
    ("2026-11-18", "2026-11-19", None, (0, 2)),   # departure and arrival only
    ("2026-11-01", "2026-11-10", None, (8, 2)),
    ("2026-11-18", "2026-11-18", Decimal("8.5"), (0, 1)),  # a single day of more than 8 hours
    ("2026-11-18", "2026-11-18", Decimal("8"), (0, 0)),    # exactly 8 hours: nothing
    ("2026-11-18", "2026-11-18", Decimal("3"), (0, 0)),
])
def test_travel_days_follow_the_first_and_last_day_rule(first, last, hours, days):
    assert pricing.travel_days(date.fromisoformat(first), date.fromisoformat(last), hours) == days


@pytest.mark.parametrize(("original", "rate", "cents"), [
    (5000, "1.0685", 5343),   # 53.425 -> 53.43 (half up, not half even)
    (1000, "0.12345", 123),   # 1.2345 -> 1.23
    (1, "0.5", 1),            # 0.005 -> 0.01
    (99999, "1", 99999)])
def test_conversion_to_eur_rounds_half_up_to_the_cent(original, rate, cents):
    assert pricing.converted(original, Decimal(rate)) == cents


# --- lines priced against the shipped policy --------------------------------------------------


def test_a_mileage_line_is_priced_by_the_server_and_keeps_its_route():
    found, violations, kept = priced(mileage())
    assert violations == []
    assert found.lines[0].gross == 3702 and found.lines[0].currency == "EUR"
    assert kept[0] == {"kind": "mileage", "distance": "123.4", "km_rate": "0.30", "route": {"from": "Berlin", "to": "Leipzig"}}
    assert rules.violations(found, policy(), TODAY, receipts=set()) == []  # no receipt needed


def test_a_client_amount_that_differs_from_the_computed_one_is_refused():
    assert problems(mileage(gross="40.00")) == [(0, "gross", "is computed by the server as 37.02 EUR, not 40.00: leave it out")]
    assert problems(mileage(gross="37.02")) == []  # the same amount is accepted


@pytest.mark.parametrize(("changes", "field", "fragment"), [
    ({"distance": None}, "distance", "required for mileage"),
    ({"route": None}, "route", "required for mileage"),
    ({"vat": "1.00"}, "vat", "no VAT"),
    ({"currency": "CHF"}, "currency", "paid in EUR"),
    ({"until": "2026-11-21"}, "until", "belongs to per-diem lines, not to mileage lines"),
])
def test_mileage_lines_name_what_is_missing_or_wrong(changes, field, fragment):
    found = problems(mileage(**changes))
    assert any(where == 0 and name == field and fragment in message for where, name, message in found), found


@pytest.mark.parametrize(("changes", "message"), [
    ({"distance": "0"}, "distance must be a positive number"),
    ({"distance": "5000.1"}, "up to 5000"),
    ({"distance": "12.34"}, "at most 1 decimals"),
    ({"route": {"from": "", "to": "Leipzig"}}, "at least 1 character"),
    ({"route": {"from": "Berlin"}}, "Field required"),
    ({"rate": "0"}, "rate must be a positive number"),
    ({"rate": "1.1234567"}, "at most 6 decimals"),
    ({"hours": "25"}, "up to 24"),
])
def test_the_model_bounds_distance_route_rate_and_hours(changes, message):
    with pytest.raises(ValidationError, match=message):
        ClaimIn.model_validate({"payee": payee(), "lines": [mileage(**changes)]})


def test_a_three_day_trip_gets_two_partial_days_and_one_full():
    found, violations, kept = priced(per_diem())
    assert violations == []
    assert found.lines[0].gross == 2 * 1400 + 2800
    assert kept[0]["full_days"] == 1 and kept[0]["partial_days"] == 2 and kept[0]["country"] == "DE"


def test_a_single_day_counts_only_beyond_eight_hours():
    found, violations, _ = priced(per_diem(until="2026-11-18", hours="9"))
    assert violations == [] and found.lines[0].gross == 1400
    assert problems(per_diem(until="2026-11-18", hours="8")) == [
        (0, "hours", "a single travel day needs more than 8 hours away for a per-diem, got 8")]
    assert problems(per_diem(until=None)) == [(0, "hours", "required for a single travel day: how many hours you were away")]
    assert problems(per_diem(hours="10")) == [(0, "hours", "only for a single travel day; a trip over several days leaves it out")]


@pytest.mark.parametrize(("changes", "field", "fragment"), [
    ({"until": "2026-11-17"}, "until", "before the first"),
    ({"date": "2026-10-01", "until": "2026-11-05"}, "until", "at most 31 travel days"),
    ({"country": "FR"}, "country", "no per-diem rates for FR"),
    ({"gross": "10.00"}, "gross", "computed by the server as 56.00 EUR"),
])
def test_per_diem_lines_name_what_is_wrong(changes, field, fragment):
    found = problems(per_diem(**changes))
    assert any(name == field and fragment in message for _, name, message in found), found


def test_per_diem_days_in_the_future_are_refused():
    found, _, _ = priced(per_diem(until="2026-11-27"))
    assert [(v.field, v.message) for v in rules.violations(found, policy(), TODAY)] == [
        ("until", "the last travel day 2026-11-27 is in the future")]


def test_overlapping_per_diem_periods_are_refused_within_a_claim_and_across_claims():
    found, _, kept = priced(per_diem(), per_diem(date="2026-11-20", until="2026-11-22"), per_diem(date="2026-11-23", until="2026-11-24"))
    assert [(v.line, v.message) for v in rules.per_diem_overlaps(found, kept, [])] == [
        (0, "travel days 2026-11-18 to 2026-11-20 overlap line 2 of this claim: each day counts once")]
    elsewhere = [(date(2026, 11, 24), date(2026, 11, 25))]
    assert [(v.line, v.message) for v in rules.per_diem_overlaps(found, kept, elsewhere)][-1] == (
        2, "travel days 2026-11-23 to 2026-11-24 overlap a per-diem of another claim of this invite: each day counts once")
    assert rules.per_diem_overlaps(found, kept, [(date(2026, 11, 1), date(2026, 11, 17))])[1:] == []


def test_a_foreign_receipt_is_converted_and_keeps_its_original_amount_and_currency():
    found, violations, kept = priced(foreign())
    assert violations == []
    assert found.lines[0].gross == 5343 and found.lines[0].currency == "EUR"
    assert kept[0] == {"original_currency": "CHF", "original_amount": 5000, "rate": "1.0685"}
    assert rules.category_totals(found, policy()) == {"meals": 5343}  # counts against the limit in EUR


@pytest.mark.parametrize(("changes", "field", "fragment"), [
    ({"currency": "JPY"}, "currency", "JPY is not accepted (allowed: EUR, CHF"),
    ({"rate": None}, "rate", "required: EUR per 1 CHF"),
    ({"original_amount": None}, "original_amount", "required: the amount on the receipt in CHF"),
    ({"vat": "1.00"}, "vat", "foreign VAT"),
    ({"gross": "50.00"}, "gross", "computed by the server as 53.43 EUR"),
    ({"original_amount": "99999999.00"}, "original_amount", "a line holds 0.01 to 100000.00"),
    ({"distance": "3"}, "distance", "belongs to mileage lines, not to foreign-currency lines"),
])
def test_foreign_lines_name_what_is_wrong(changes, field, fragment):
    found = problems(foreign(**changes))
    assert any(name == field and fragment in message for _, name, message in found), found


def test_an_eur_receipt_line_still_needs_its_gross_and_carries_no_rate():
    assert problems(line()) == []
    assert problems(line(gross=None, vat="0")) == [(0, "gross", "required: the amount on the receipt")]
    assert problems(line(rate="1.1")) == [(0, "rate", "belongs to foreign-currency lines, not to receipt lines")]


# --- the policy fields ------------------------------------------------------------------------


def test_the_published_policy_carries_kinds_rates_and_currencies_and_reads_back_equal():
    shipped = (ROOT / "content" / "expenses.yml").read_text(encoding="utf-8")
    loaded = load_policy(shipped)
    assert policy_from_published(published_policy(shipped)) == loaded
    public = loaded.public()
    assert {"kind": "mileage", "rate": "0.30"}.items() <= next(c for c in public["categories"] if c["key"] == "mileage").items()
    assert public["per_diem"]["DE"] == {"full": "28.00", "partial": "14.00"}
    assert "CHF" in public["receipt_currencies"]


@pytest.mark.parametrize(("extra", "line", "fragment"), [
    ("  car:\n    label: {en: Car}\n    limit: 10\n    kind: mileage\n    receipt: false\n", 4, "needs rate"),
    ("  car:\n    label: {en: Car}\n    limit: 10\n    kind: mileage\n    rate: '0.3055'\n    receipt: false\n", 8, "at most 3 decimals"),
    ("  car:\n    label: {en: Car}\n    limit: 10\n    kind: mileage\n    rate: '9.00'\n    receipt: false\n", 8, "up to 5.00"),
    ("  car:\n    label: {en: Car}\n    limit: 10\n    kind: mileage\n    rate: '0.30'\n", 4, "set receipt: false"),
    ("  car:\n    label: {en: Car}\n    limit: 10\n    kind: taxi\n", 7, "categories.car.kind"),
    ("  car:\n    label: {en: Car}\n    limit: 10\n    rate: '0.30'\n", 4, "rate is the EUR per km of a mileage category"),
    ("  days:\n    label: {en: Days}\n    limit: 10\n    kind: per_diem\n    receipt: false\n", 1, "needs a per_diem table"),
    ("per_diem:\n  de: {full: 28, partial: 14}\n", 4, "ISO 3166"),
    ("per_diem:\n  DE: {full: 14, partial: 28}\n", 5, "partial (28.00) must not be more than full (14.00)"),
    ("per_diem:\n  DE: {full: 28, partial: 14, night: 3}\n", 5, "unknown field 'per_diem.DE.night'"),
    ("per_diem:\n  DE: {full: 28.001, partial: 14}\n", 5, "two decimals"),
    ("receipt_currencies: [USD, XYZ]\n", 4, "'XYZ' is not an ISO 4217"),
    ("receipt_currencies: [EUR]\n", 4, "EUR is the claims' own currency"),
    ("receipt_currencies: [USD, USD]\n", 4, "listed once"),
])
def test_policy_errors_for_the_new_fields_name_line_and_field(extra, line, fragment):
    with pytest.raises(PolicyError) as caught:
        load_policy(BASE + extra)
    assert any(found == line and fragment in message for found, message in caught.value.problems), caught.value.problems


def test_sharewall_check_names_file_line_and_field_of_a_bad_mileage_rate(tmp_path):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "sources.yml").write_text("team: {name: Team, kind: department}\n", encoding="utf-8")
    (content / "expenses.yml").write_text(
        BASE + "  car:\n    label: {en: Car}\n    limit: 10\n    kind: mileage\n    rate: '0,3055'\n    receipt: false\n"
        "receipt_currencies: [USD, XXY]\n", encoding="utf-8")
    result = subprocess.run([str(Path(sys.executable).with_name("sharewall")), "check", str(content)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "content/expenses.yml:8: categories.car.rate: rate must be a positive number up to 5.00 with at most 3 decimals" in result.stdout
    assert "content/expenses.yml:10: receipt_currencies: 'XXY' is not an ISO 4217 currency code" in result.stdout
