"""The pure claim core: expense policy, money, claim models, policy violations, duplicates,
status machine, receipt sniffing, CSV and SEPA exports. No AWS here."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pydantic import ValidationError

from claims import exports, receipts, rules
from claims.model import ClaimIn, DecisionIn, InviteIn, UploadIn
from sharewall_common.expenses import ExpensePolicy, PolicyError, load_policy, money_text, to_cents, to_decimal

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 26)
IBAN_A = "DE89370400440532013000"


def policy() -> ExpensePolicy:
    return load_policy((ROOT / "content" / "expenses.yml").read_text(encoding="utf-8"))


def payee(**changes) -> dict:
    data = {"kind": "private", "holder": "Jana Schreiber", "iban": "DE89 3704 0044 0532 0130 00",
            "address": {"street": "Hauptstraße 5", "postcode": "10115", "town": "Berlin", "country": "DE"}}
    return {**data, **changes}


def line(**changes) -> dict:
    data = {"date": "2026-11-20", "category": "travel", "description": "Train Berlin-Hamburg",
            "gross": "89.90", "currency": "EUR", "vat": "14.35", "receipt": "a" * 32}
    return {**data, **changes}


def claim(*lines: dict, **payee_changes) -> ClaimIn:
    return ClaimIn.model_validate({"payee": payee(**payee_changes), "lines": list(lines) or [line()]})


# --- money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "cents"), [("12.50", 1250), ("12,5", 1250), (12, 1200), ("0.01", 1), (0.1, 10),
                                             (Decimal("19.99"), 1999), ("1000000.00", 100000000)])
def test_amounts_become_integer_cents(text, cents):
    assert to_cents(text) == cents
    assert isinstance(to_cents(text), int)


@pytest.mark.parametrize("bad", ["12.345", "abc", "", None, True, "1e3", "12.5.0", [1]])
def test_bad_amounts_are_refused_naming_the_field(bad):
    with pytest.raises(ValueError, match="gross"):
        to_cents(bad, "gross")


def test_cents_back_to_quantized_decimal_and_text():
    assert to_decimal(1999) == Decimal("19.99") and to_decimal(1999).as_tuple().exponent == -2
    assert money_text(5) == "0.05" and money_text(100000) == "1000.00"


# --- the policy -------------------------------------------------------------------------------


def test_the_shipped_policy_is_valid_and_has_no_fee_category():
    loaded = policy()
    assert {"travel", "accommodation", "meals", "materials"} <= set(loaded.categories)
    assert loaded.categories["meals"].limit == 9000
    public = loaded.public()
    meals = next(category for category in public["categories"] if category["key"] == "meals")
    assert meals["label"]["de"] == "Verpflegung" and meals["label"]["en"] == "Meals"  # and one per other language
    assert {key: meals[key] for key in ("limit", "receipt", "kind")} == {"limit": "90.00", "receipt": True, "kind": "receipt"}


@pytest.mark.parametrize(("yaml_text", "line", "fragment"), [
    ("max_age_days: 30\ncategories:\n  honorarium:\n    label: {en: Travel}\n    limit: 10\n", 2, "fee or payment"),
    ("max_age_days: 30\ncategories:\n  artist-fee:\n    label: {en: Travel}\n    limit: 10\n", 2, "fee or payment"),
    ("max_age_days: 30\ncategories:\n  extra:\n    label: {de: Künstlerhonorar}\n    limit: 10\n", 4, "fee or payment"),
    ("max_age_days: 30\ncategories:\n  extra:\n    label: {en: Day rate}\n    limit: 10\n", 4, "fee or payment"),
    ("max_age_days: 30\ncategories:\n  meals:\n    label: {en: Meals}\n    limit: 10.555\n", 5, "two decimals"),
    ("max_age_days: 30\ncategories:\n  meals:\n    label: {en: Meals}\n    limit: 0\n", 5, "greater than 0"),
    ("max_age_days: 30\ncategories:\n  meals:\n    label: {en: Meals}\n    limit: 10\n    recipt: true\n", 6, "unknown field 'categories.meals.recipt'"),
    ("currency: USD\nmax_age_days: 30\ncategories:\n  meals: {label: {en: Meals}, limit: 10}\n", 1, "must be EUR"),
    ("categories:\n  meals: {label: {en: Meals}, limit: 10}\n", 1, "missing required field 'max_age_days'"),
    ("max_age_days: 30\ncategories: [\n", 3, "YAML error"),
    ("- a\n", 1, "must be a mapping"),
])
def test_policy_errors_name_line_and_field(yaml_text, line, fragment):
    with pytest.raises(PolicyError) as caught:
        load_policy(yaml_text)
    assert any(found == line and fragment in message for found, message in caught.value.problems), caught.value.problems


def test_coffee_is_an_expense_not_a_fee():
    loaded = load_policy("max_age_days: 30\ncategories:\n  coffee:\n    label: {en: Coffee, de: Kaffee}\n    limit: 5\n")
    assert loaded.categories["coffee"].receipt is True  # the default


def test_sharewall_check_reports_policy_errors_with_file_and_line(tmp_path):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "sources.yml").write_text("team: {name: Team, kind: department}\n", encoding="utf-8")
    (content / "expenses.yml").write_text(
        "max_age_days: 30\ncategories:\n  meals: {label: {en: Meals}, limit: 10}\n  speaker-fee: {label: {en: Talk}, limit: 10}\n",
        encoding="utf-8")
    result = subprocess.run([str(Path(sys.executable).with_name("sharewall")), "check", str(content)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "content/expenses.yml:2: categories: categories ['speaker-fee'] name a fee" in result.stdout


# --- the claim model --------------------------------------------------------------------------


def test_a_valid_claim_holds_cents_and_the_compact_iban():
    parsed = claim()
    assert parsed.payee.iban == IBAN_A
    assert parsed.lines[0].gross == 8990 and parsed.lines[0].vat == 1435


@pytest.mark.parametrize(("changes", "field"), [
    ({"iban": "DE89370400440532013001"}, "iban"),
    ({"iban": "US12345678901234567890"}, "iban"),
    ({"kind": "business"}, "vat_id is required"),
    ({"kind": "business", "vat_id": "123"}, "vat_id"),
    ({"kind": "company"}, "kind"),
    ({"address": {"street": "A 1", "postcode": "1", "town": "B", "country": "Germany"}}, "country"),
    ({"address": {"street": "A 1", "postcode": "1", "town": "B"}}, "country"),
    ({"holder": "Eve\u202eevil"}, "holder"),
    ({"iban": IBAN_A, "tip": 1}, "tip"),
])
def test_bad_payees_are_refused_naming_the_field(changes, field):
    with pytest.raises(ValidationError) as caught:
        claim(**changes)
    assert field in str(caught.value)


def test_a_business_payee_with_vat_id():
    parsed = claim(kind="business", vat_id="de 123456789")
    assert parsed.payee.vat_id == "DE123456789"


@pytest.mark.parametrize(("changes", "field"), [
    ({"gross": "0"}, "gross"), ({"gross": "-5"}, "gross"), ({"gross": "1.234"}, "gross"),
    ({"vat": "100.00"}, "vat must not be more"), ({"date": "2026-02-30"}, "date"),
    ({"currency": "eur"}, "currency"), ({"description": ""}, "description"), ({"receipt": "../../etc"}, "receipt"),
])
def test_bad_lines_are_refused_naming_the_field(changes, field):
    with pytest.raises(ValidationError) as caught:
        claim(line(**changes))
    assert field in str(caught.value)


def test_requests_of_other_routes():
    assert UploadIn(filename="r.pdf", content_type="application/pdf", size=10 * 1024 * 1024).size == 10485760
    with pytest.raises(ValidationError, match="size"):
        UploadIn(filename="r.pdf", content_type="application/pdf", size=10 * 1024 * 1024 + 1)
    with pytest.raises(ValidationError, match="content_type"):
        UploadIn(filename="r.gif", content_type="image/gif", size=10)
    with pytest.raises(ValidationError, match="reason is required"):
        DecisionIn(action="reject", expected="submitted", reason="  ")
    with pytest.raises(ValidationError, match="email"):
        InviteIn(name="A", email="not-an-address", campaign="fair-2026")
    with pytest.raises(ValidationError, match="campaign"):
        InviteIn(name="A", email="a@example.org", campaign="Fair 2026")


# --- policy violations ------------------------------------------------------------------------


def test_a_claim_within_policy_has_no_violations():
    assert rules.violations(claim(line(), line(category="meals", gross="20.00", vat="0")), policy(), TODAY) == []


def test_violations_name_each_line_and_field():
    old = (TODAY - timedelta(days=91)).isoformat()
    found = rules.violations(claim(
        line(),
        line(category="honorarium"),
        line(date=old),
        line(date=(TODAY + timedelta(days=1)).isoformat()),
        line(currency="USD"),
        line(category="meals", receipt=None),
        line(category="local-transport", receipt=None, gross="10.00", vat="0"),
    ), policy(), TODAY)
    assert {(v.line, v.field) for v in found} == {(1, "category"), (2, "date"), (3, "date"), (4, "currency"), (5, "receipt")}
    assert "honorarium" in next(v.message for v in found if v.line == 1) and "allowed: travel" in next(v.message for v in found if v.line == 1)


def test_the_category_limit_covers_the_whole_claim():
    found = rules.violations(claim(line(category="meals", gross="50.00", vat="0"), line(category="meals", gross="40.01", vat="0")),
                             policy(), TODAY)
    assert [(v.line, v.field) for v in found] == [(0, "gross"), (1, "gross")]
    assert "meals totals 90.01 EUR in this claim, over the limit of 90.00 EUR" in found[0].message
    assert rules.violations(claim(line(category="meals", gross="50.00", vat="0"), line(category="meals", gross="40.00", vat="0")),
                            policy(), TODAY) == []


def test_a_missing_upload_is_a_violation():
    found = rules.violations(claim(line(), line()), policy(), TODAY, receipts={0})
    assert [(v.line, v.field) for v in found] == [(1, "receipt")]


def test_too_many_lines():
    small = ExpensePolicy.model_validate({**policy().model_dump(), "max_lines": 2})
    assert [v.field for v in rules.violations(claim(line(), line(), line()), small, TODAY)][:1] == ["lines"]


# --- duplicates, status, masking --------------------------------------------------------------


def test_duplicate_keys():
    assert rules.receipt_key(b"%PDF-1.4 a") == rules.receipt_key(b"%PDF-1.4 a") != rules.receipt_key(b"%PDF-1.4 b")
    key = rules.payment_key(IBAN_A, date(2026, 11, 1), 1250, "EUR")
    assert key == rules.payment_key(IBAN_A, date(2026, 11, 1), 1250, "EUR")
    assert key != rules.payment_key(IBAN_A, date(2026, 11, 2), 1250, "EUR")
    assert key != rules.payment_key(IBAN_A, date(2026, 11, 1), 1251, "EUR")
    assert IBAN_A not in key


@pytest.mark.parametrize(("action", "expected", "current", "result"), [
    ("approve", "submitted", "submitted", "approved"), ("reject", "submitted", "submitted", "rejected"),
    ("pay", "approved", "approved", "paid"),
])
def test_allowed_transitions(action, expected, current, result):
    assert rules.transition(action, expected, current) == result


@pytest.mark.parametrize(("action", "expected", "current"), [
    ("approve", "submitted", "approved"), ("approve", "approved", "approved"), ("pay", "submitted", "submitted"),
    ("reject", "approved", "approved"), ("pay", "approved", "paid"), ("reject", "submitted", "rejected"),
])
def test_refused_transitions(action, expected, current):
    with pytest.raises(rules.TransitionError):
        rules.transition(action, expected, current)


def test_iban_masked():
    masked = rules.mask_iban(IBAN_A)
    assert masked.startswith("DE89") and masked.endswith("3000") and "0532" not in masked


# --- receipts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("head", "kind"), [
    (b"%PDF-1.7\n", "application/pdf"), (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"), (b"GIF89a", None), (b"<html>", None), (b"", None),
])
def test_receipt_types_by_their_bytes(head, kind):
    assert receipts.sniff(head) == kind


def test_receipt_keys():
    assert receipts.pending_key("inv1", "up1") == "pending/inv1/up1"
    assert receipts.pending_key("inv1", "up1").startswith(receipts.pending_prefix("inv1"))
    assert receipts.claim_key("c1", 0, "image/png") == "claims/c1/01.png"


# --- exports ----------------------------------------------------------------------------------


def stored(**changes) -> dict:
    data = {"id": "c-0001", "status": "approved", "submitted_at": "2026-11-25T09:00:00+00:00", "campaign": "fair-2026",
            "payee": {"kind": "private", "holder": "Jana Schreiber", "iban": IBAN_A, "vat_id": None,
                      "address": {"street": "Hauptstraße 5", "postcode": "10115", "town": "Berlin", "country": "DE"}},
            "lines": [{"date": "2026-11-20", "category": "travel", "description": "Train", "gross": 8990, "vat": 1435,
                       "currency": "EUR", "receipt_key": "claims/c-0001/01.pdf"},
                      {"date": "2026-11-21", "category": "meals", "description": "=HYPERLINK(\"http://x\")", "gross": 1210,
                       "vat": 0, "currency": "EUR"}],
            "total": 10200, "flags": []}
    return {**data, **changes}


def test_csv_is_utf8_with_decimal_strings_and_escaped_formulas():
    text = exports.to_csv([stored(), stored(id="c-0002", payee={**stored()["payee"], "holder": "@Eve +1", "iban": "FR1420041010050500013M02606"})])
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 4
    assert rows[0]["gross"] == "89.90" and rows[0]["vat"] == "14.35" and rows[1]["gross"] == "12.10"
    assert rows[0]["street"] == "Hauptstraße 5"
    assert rows[1]["description"] == "'=HYPERLINK(\"http://x\")"
    assert rows[2]["payee"] == "'@Eve +1"
    assert all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())
    text.encode("utf-8")


def test_sepa_file_is_pain_001_001_09_valid_and_sums_the_claims():
    xml, skipped = exports.to_sepa([stored(), stored(id="c-0002", total=5000)],
                                   {"name": "Example GmbH", "IBAN": "DE02120300000000202051"}, date(2026, 11, 30))
    assert skipped == []
    root = ElementTree.fromstring(xml)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
    assert root.tag == "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.09}Document"
    assert root.find(".//p:GrpHdr/p:CtrlSum", ns).text == "152.00"
    amounts = [node.text for node in root.findall(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", ns)]
    assert amounts == ["102.00", "50.00"]
    assert [node.text for node in root.findall(".//p:CdtrAcct/p:Id/p:IBAN", ns)] == [IBAN_A, IBAN_A]
    assert root.find(".//p:Cdtr/p:PstlAdr/p:TwnNm", ns).text == "Berlin"


def test_sepa_needs_claims_and_a_valid_debtor():
    with pytest.raises(ValueError, match="no approved claims"):
        exports.to_sepa([], {"name": "Example GmbH", "IBAN": "DE02120300000000202051"}, date(2026, 11, 30))
    with pytest.raises(exports.DebtorInvalid, match="PAYER_IBAN"):
        exports.to_sepa([stored()], {"name": "Example GmbH", "IBAN": "not an iban"}, date(2026, 11, 30))
